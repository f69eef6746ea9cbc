"""Training programmes (and, later, classes, sessions, enrolment and attendance)."""
