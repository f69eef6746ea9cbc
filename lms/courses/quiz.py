"""Lesson quizzes, graded on the server. The key never reaches the page
before the trainee has answered, and a quiz is graded only when every
question has an answer (an empty one would count as a failed attempt)."""

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

    @property
    def given(self) -> dict[int, str]:
        """Question id → the answer given, to show the choices again."""
        return {r.question.id: r.given for r in self.results}


class QuizIncomplete(ValueError):
    """Some questions have no answer, so nothing was graded or counted.

    ``numbers`` are the unanswered questions' positions on the page (from 1);
    ``given`` maps question id → the answers that were given, to keep them."""

    def __init__(self, numbers: list[int], given: dict[int, str]):
        super().__init__(f"unanswered: {numbers}")
        self.numbers = numbers
        self.given = given


def normalise_answer(question: QuizQuestion, raw: list[str]) -> str:
    """Form values → the stored answer form ("B", "ACD", "true")."""
    if question.kind == "true_false":
        return raw[0] if raw and raw[0] in ("true", "false") else ""
    letters = {value.upper() for value in raw if len(value) == 1 and value.isalpha()}
    return "".join(sorted(letters))


def grade_quiz(person: Person, lesson: Lesson, answers: dict[int, list[str]]) -> QuizResult:
    """Grade a submission, count the attempt, and record a pass (which may
    complete the lesson). ``answers`` maps question id → submitted values.

    Raises ``QuizIncomplete``, changing nothing, when a question has no answer."""
    given = {q.id: normalise_answer(q, answers.get(q.id, [])) for q in lesson.questions}
    unanswered = [number for number, q in enumerate(lesson.questions, 1) if not given[q.id]]
    if unanswered:
        raise QuizIncomplete(unanswered, given)
    results = [QuestionResult(q, given[q.id], given[q.id] == q.answer) for q in lesson.questions]
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
