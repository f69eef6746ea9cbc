"""Writes for training: programmes from content, classes and their workflow,
sessions, enrolment and rosters, attendance. Flush, never commit."""
