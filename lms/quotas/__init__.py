"""Training targets (指标) and progress against them, for civil-affairs staff."""
