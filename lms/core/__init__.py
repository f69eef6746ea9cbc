"""Shared building blocks: database helpers, access control, audit log, crypto,
preferences and pagination. ``core`` imports no feature package."""
