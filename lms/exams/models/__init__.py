"""Exam models: the question bank, exams with their attempts, and practical
skill assessments."""

from lms.exams.models.bank import Question, QuestionBank, QuestionKind, QuestionVersion
from lms.exams.models.exam import Attempt, AttemptItem, AttemptStatus, Exam, ExamCandidate
from lms.exams.models.practical import (
    PracticalAssessment,
    PracticalExaminer,
    PracticalMark,
    PracticalSheet,
)

__all__ = ["Attempt", "AttemptItem", "AttemptStatus", "Exam", "ExamCandidate", "PracticalAssessment",
           "PracticalExaminer", "PracticalMark", "PracticalSheet", "Question", "QuestionBank",
           "QuestionKind", "QuestionVersion"]
