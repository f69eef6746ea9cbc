"""Course models: the catalogue (from content/) and each person's progress."""

from lms.courses.models.catalogue import Course, Lesson, QuizQuestion
from lms.courses.models.progress import CourseEnrolment, LessonProgress, StudyClock, StudyInterval

__all__ = ["Course", "CourseEnrolment", "Lesson", "LessonProgress", "QuizQuestion", "StudyClock",
           "StudyInterval"]
