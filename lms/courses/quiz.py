"""Lesson quizzes, graded on the server. The key never reaches the page
before the trainee has answered."""

from dataclasses import dataclass

from lms.core.time import utcnow
from lms.courses.models import Lesson, QuizQuestion
from lms.courses.study import mark_complete_if_earned, progress_for
from lms.extensions import db
from lms.people.models import Person


@dataclass(frozen=True)
class QuestionResult:
    question: QuizQuestion
    given: str
    is_correct: bool


@dataclass(frozen=True)
class QuizResult:
    results: list[QuestionResult]
    correct: int
    total: int
    passed: bool


def normalise_answer(question: QuizQuestion, raw: list[str]) -> str:
    """Form values → the stored answer form ("B", "ACD", "true")."""
    if question.kind == "true_false":
        return raw[0] if raw and raw[0] in ("true", "false") else ""
    letters = {value.upper() for value in raw if len(value) == 1 and value.isalpha()}
    return "".join(sorted(letters))


def grade_quiz(person: Person, lesson: Lesson, answers: dict[int, list[str]]) -> QuizResult:
    """Grade a submission, count the attempt, and record a pass (which may
    complete the lesson). ``answers`` maps question id → submitted values."""
    results = []
    for question in lesson.questions:
        given = normalise_answer(question, answers.get(question.id, []))
        results.append(QuestionResult(question, given, given == question.answer))
    correct = sum(r.is_correct for r in results)
    total = len(results)
    passed = total > 0 and correct * 100 >= lesson.quiz_pass_percent * total
    progress = progress_for(person, lesson)
    progress.quiz_attempts += 1
    if passed and progress.quiz_passed_at is None:
        progress.quiz_passed_at = utcnow()
    db.session.flush()
    mark_complete_if_earned(person, lesson, progress)
    return QuizResult(results=results, correct=correct, total=total, passed=passed)
