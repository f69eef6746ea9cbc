"""Reads for exam pages, item analysis, and the one answer the certificate
feature asks of exams: has this person passed the programme's theory exam and
practical assessment?"""

import json
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, lazyload

from lms.core.access import scope_clause
from lms.core.content_files import LETTERS
from lms.exams.analysis import Response
from lms.exams.models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    Exam,
    ExamCandidate,
    PracticalAssessment,
    PracticalExaminer,
    Question,
    QuestionBank,
    QuestionVersion,
)
from lms.extensions import db
from lms.people.models import Person
from lms.people.queries import search_people
from lms.regions.models import Institution, Region
from lms.training.models import Programme


@dataclass(frozen=True)
class AssessmentOutcome:
    """Whether the person passed each assessment the programme requires;
    None where the programme has no such assessment."""

    theory_passed: bool | None
    practical_passed: bool | None

    @property
    def passed(self) -> bool:
        return self.theory_passed is not False and self.practical_passed is not False


def assessment_outcome(person: Person, programme: Programme) -> AssessmentOutcome:
    """Theory: a closed, passed attempt at an exam of the programme. Practical:
    a locked, passed assessment of the programme."""
    theory = practical = None
    if programme.theory_pass_mark is not None:
        theory = db.session.scalar(select(Attempt.id).join(Exam).where(
            Attempt.person_id == person.id, Exam.programme_id == programme.id,
            Attempt.status != AttemptStatus.OPEN, Attempt.is_passed.is_(True)).limit(1)) is not None
    if programme.practical_pass_mark is not None:
        practical = db.session.scalar(select(PracticalAssessment.id).where(
            PracticalAssessment.person_id == person.id, PracticalAssessment.programme_id == programme.id,
            PracticalAssessment.locked_at.is_not(None), PracticalAssessment.is_passed.is_(True)
        ).limit(1)) is not None
    return AssessmentOutcome(theory, practical)


def questions_stmt(*, search: str = "", bank: str = "", area: str = "", level: int | None = None,
                   kind: str = ""):
    """The bank's questions with their current version, filtered, newest code last."""
    stmt = (select(Question).join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
            .join(QuestionBank, Question.bank_id == QuestionBank.id).order_by(Question.code))
    if search:
        stmt = stmt.where(or_(QuestionVersion.stem.contains(search), Question.code.contains(search.upper()),
                              QuestionVersion.tags_json.contains(search)))
    if bank:
        stmt = stmt.where(QuestionBank.code == bank)
    if area:
        stmt = stmt.where(Question.area == area)
    if level:
        stmt = stmt.where(Question.level == level)
    if kind:
        stmt = stmt.where(Question.kind == kind)
    return stmt


def banks() -> list[QuestionBank]:
    return list(db.session.scalars(select(QuestionBank).order_by(QuestionBank.code)))


def exams_stmt():
    """Exams in the current user's scope, latest first."""
    return (select(Exam).join(Institution, Exam.institution_id == Institution.id)
            .join(Region, Institution.region_id == Region.id)
            .where(scope_clause(region_path=Region.path, institution_columns=[Exam.institution_id]))
            .order_by(Exam.opens_at.desc(), Exam.id.desc()))


def candidates_with_results(exam: Exam) -> list[tuple[Person, list[Attempt]]]:
    """Each candidate with their attempts at the exam."""
    people = db.session.scalars(select(Person).join(ExamCandidate, ExamCandidate.person_id == Person.id)
                                .where(ExamCandidate.exam_id == exam.id).order_by(Person.name)).all()
    attempts: dict[int, list[Attempt]] = {}
    for attempt in db.session.scalars(select(Attempt).where(Attempt.exam_id == exam.id).order_by(Attempt.number)):
        attempts.setdefault(attempt.person_id, []).append(attempt)
    return [(person, attempts.get(person.id, [])) for person in people]


def admissible_people(exam: Exam, search: str = "", *, limit: int = 100) -> tuple[list[Person], bool]:
    """People in the current user's scope, of the exam's audience and not yet
    admitted to it, that ``search`` finds (a name, or a four-character tail of
    the ID or mobile number; see ``people.queries.is_searchable``), newest
    first: at most ``limit``, and whether more match."""
    admitted = select(ExamCandidate.id).where(ExamCandidate.exam_id == exam.id,
                                              ExamCandidate.person_id == Person.id).exists()
    return search_people(search, category=exam.audience, limit=limit, where=~admitted)


def candidate_person(user_id: int) -> Person | None:
    """The person record of this user account, its columns only (starting an
    exam needs no region or categories: not two more round trips for them)."""
    return db.session.scalar(select(Person).where(Person.user_id == user_id)
                             .options(lazyload(Person.region), lazyload(Person.category_rows)))


def candidate_attempt(attempt_id: int, user_id: int, *, with_exam: bool = True) -> Attempt | None:
    """The attempt when it is the sitting of this user account's own person
    record, else None — in one query (the paper and its autosave ask on every
    request). ``with_exam`` loads its exam too (not its institution); an
    autosave needs neither."""
    exam = joinedload(Attempt.exam).lazyload(Exam.institution) if with_exam else lazyload(Attempt.exam)
    return db.session.scalar(select(Attempt).join(Person, Person.id == Attempt.person_id)
                             .where(Attempt.id == attempt_id, Person.user_id == user_id).options(exam))


@dataclass(frozen=True)
class PaperQuestion:
    """One question as the paper shows it: options in the candidate's order,
    their saved answer in the letters they see. No key, no explanation."""

    position: int
    kind: str
    stem: str
    options: list[str]
    chosen: set[str]
    points: int
    save_seq: int = 0  # the last autosave applied (see AttemptItem.save_seq)


@dataclass(frozen=True)
class ShownVersion:
    """What a paper shows of a question version: no key, no explanation."""

    kind: str
    stem: str
    options: tuple[str, ...]


def shown_versions(version_ids) -> dict[int, ShownVersion]:
    """Kind, stem and options of these question versions, kept in the
    application between requests (up to ``EXAM_SHOWN_VERSIONS_KEPT``). A
    version that a paper has shown is frozen (an edit makes a new one), so
    what is kept never goes stale, and a surge's thousand papers — drawn from
    a few hundred versions — read them once, not a hundred rows of text and
    JSON per page."""
    limit = current_app.config["EXAM_SHOWN_VERSIONS_KEPT"]
    kept = current_app.extensions.setdefault("exams.shown_versions", {})
    wanted = set(version_ids)
    # Read into a dict of this request's own: another thread may clear ``kept``.
    found = {vid: version for vid in wanted if (version := kept.get(vid)) is not None} if limit else {}
    missing = wanted - found.keys()
    if missing:
        loaded = {vid: ShownVersion(kind, stem, tuple(json.loads(options_json)))
                  for vid, kind, stem, options_json in db.session.execute(
                      select(QuestionVersion.id, QuestionVersion.kind, QuestionVersion.stem,
                             QuestionVersion.options_json).where(QuestionVersion.id.in_(missing)))}
        if limit:
            if len(kept) + len(loaded) > limit:
                kept.clear()  # a bank far larger than any exam draws on: start again
            kept.update(loaded)
        found.update(loaded)
    return {vid: found[vid] for vid in version_ids}


def paper_questions(attempt: Attempt) -> list[PaperQuestion]:
    """The attempt's paper, its items read as columns (no ORM objects: a
    surge opens a thousand papers in a minute) and its questions' text from
    ``shown_versions``."""
    from lms.exams.attempts import stored_to_displayed

    rows = db.session.execute(
        select(AttemptItem.position, AttemptItem.question_version_id, AttemptItem.option_order,
               AttemptItem.given, AttemptItem.points, AttemptItem.save_seq)
        .where(AttemptItem.attempt_id == attempt.id).order_by(AttemptItem.position)).all()
    versions = shown_versions([row.question_version_id for row in rows])
    questions = []
    for row in rows:
        version = versions[row.question_version_id]
        questions.append(PaperQuestion(
            position=row.position, kind=version.kind, stem=version.stem, points=row.points,
            options=[version.options[LETTERS.index(letter)] for letter in row.option_order],
            chosen=stored_to_displayed(row), save_seq=row.save_seq))
    return questions


def unanswered_positions(attempt: Attempt) -> tuple[list[int], int]:
    """The positions of the paper's unanswered questions, and how many
    questions it has (for the confirm step: no question text needed)."""
    rows = db.session.execute(select(AttemptItem.position, AttemptItem.given)
                              .where(AttemptItem.attempt_id == attempt.id).order_by(AttemptItem.position)).all()
    return [position for position, given in rows if not given], len(rows)


def exams_for_person(person: Person) -> list[tuple[Exam, list[Attempt]]]:
    """The exams the person is a candidate for, with their attempts."""
    exams = db.session.scalars(select(Exam).join(ExamCandidate, ExamCandidate.exam_id == Exam.id)
                               .where(ExamCandidate.person_id == person.id).order_by(Exam.opens_at.desc())).all()
    attempts: dict[int, list[Attempt]] = {}
    for attempt in db.session.scalars(select(Attempt).where(Attempt.person_id == person.id)
                                      .order_by(Attempt.number)):
        attempts.setdefault(attempt.exam_id, []).append(attempt)
    return [(exam, attempts.get(exam.id, [])) for exam in exams]


def closed_responses(exam: Exam) -> tuple[list[Response], dict[int, float], dict[int, str], dict[int, str]]:
    """For item analysis: every response of the exam's closed attempts (by
    question), each attempt's total, and each question's letters and key."""
    rows = db.session.execute(
        select(AttemptItem.attempt_id, QuestionVersion.question_id, AttemptItem.given, AttemptItem.earned,
               AttemptItem.points, QuestionVersion.options_json, QuestionVersion.answer, Attempt.score)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .join(QuestionVersion, AttemptItem.question_version_id == QuestionVersion.id)
        .where(Attempt.exam_id == exam.id, Attempt.status != AttemptStatus.OPEN)).all()
    responses, totals, letters, keys = [], {}, {}, {}
    for attempt_id, question_id, given, earned, points, options_json, answer, score in rows:
        responses.append(Response(attempt_id, question_id, given or "", bool(earned) and earned == points))
        totals[attempt_id] = float(score or 0)
        if question_id not in letters:
            letters[question_id] = LETTERS[: len(json.loads(options_json))]
            keys[question_id] = answer
    return responses, totals, letters, keys


def practical_stmt(user_id: int | None = None):
    """Practical assessments in scope; with ``user_id``, only those that
    examiner is assigned to."""
    stmt = (select(PracticalAssessment).join(Institution, PracticalAssessment.institution_id == Institution.id)
            .join(Region, Institution.region_id == Region.id)
            .order_by(PracticalAssessment.created_at.desc()))
    if user_id is not None:
        return stmt.join(PracticalExaminer).where(PracticalExaminer.user_id == user_id)
    return stmt.where(scope_clause(region_path=Region.path,
                                   institution_columns=[PracticalAssessment.institution_id]))


def practical_results_for(person: Person) -> list[PracticalAssessment]:
    """The person's practical assessments, newest first (for their staff page)."""
    return list(db.session.scalars(select(PracticalAssessment).where(PracticalAssessment.person_id == person.id)
                                   .order_by(PracticalAssessment.created_at.desc())))
