"""The trainee registry: one record per person across all institutions."""
