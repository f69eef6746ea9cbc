"""Training models: programmes, classes with their plan, instructors and
enrolments, sessions with attendance, and hours recorded from before CareLMS."""

from lms.training.models.classes import (
    ClassEnrolment,
    ClassInstructor,
    ClassStatus,
    EnrolmentStatus,
    Instructor,
    PlanItem,
    PlanMode,
    TrainingClass,
)
from lms.training.models.programme import LEVEL_LABELS, MINUTES_PER_HOUR, Programme
from lms.training.models.sessions import Attendance, ClassSession, PriorHours, ScanKind

__all__ = ["LEVEL_LABELS", "MINUTES_PER_HOUR", "Attendance", "ClassEnrolment", "ClassInstructor", "ClassSession", "ClassStatus",
           "EnrolmentStatus", "Instructor", "PlanItem", "PlanMode", "PriorHours", "Programme", "ScanKind",
           "TrainingClass"]
