"""Sitting an exam: start (or resume), autosave answers, submit, and close at
the deadline. All writes; they flush, never commit.

Concurrency: every write to an attempt first updates the attempt row with a
condition on its status (``UPDATE … WHERE status = 'open'``). That row is the
lock: a save and a submit of the same attempt queue behind each other, and
exactly one of two submits (double click, two tabs, a replayed request) finds
it still open — the other reads the result the first one wrote.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import lazyload

from lms.core.content_files import LETTERS
from lms.core.time import as_utc, utcnow
from lms.exams.models import (
    Attempt,
    AttemptItem,
    AttemptStatus,
    Exam,
    ExamCandidate,
    QuestionVersion,
)
from lms.exams.papers import draw_paper
from lms.extensions import db
from lms.people.models import Person
from lms.quotas import exam_rollups


class ExamError(ValueError):
    """The candidate cannot do this now; the message says why."""


class AttemptClosed(ExamError):
    """The attempt is closed (submitted, or past its deadline): nothing more is saved."""


def _grace() -> timedelta:
    # A save sent just before the deadline may arrive a moment after it.
    return timedelta(seconds=current_app.config["EXAM_GRACE_SECONDS"])


def candidate_sittings(exam: Exam, person: Person) -> list[Attempt] | None:
    """The person's attempts at the exam, first sitting first, or None when
    the person is not a candidate: one query for both (a surge starts a
    thousand attempts a minute)."""
    rows = db.session.execute(
        select(ExamCandidate.id, Attempt)
        .outerjoin(Attempt, and_(Attempt.exam_id == ExamCandidate.exam_id,
                                 Attempt.person_id == ExamCandidate.person_id))
        .where(ExamCandidate.exam_id == exam.id, ExamCandidate.person_id == person.id)
        .order_by(Attempt.number)
        # The caller holds the exam: not joined again (with its institution) per attempt.
        .options(lazyload(Attempt.exam))).all()
    if not rows:
        return None
    return [attempt for _candidate, attempt in rows if attempt is not None]


def start_attempt(exam: Exam, person: Person, *, now: datetime | None = None) -> Attempt:
    """The person's open attempt, or a new one with a freshly drawn paper.

    Raises ``ExamError`` when the person is not a candidate, the exam is not
    open, the attempts are used up or the exam is already passed. Two starts at
    once (two tabs) end with one attempt: the unique (exam, person, number)
    constraint turns the second insert into nothing, and it returns the first.
    """
    now = now or utcnow()
    previous = candidate_sittings(exam, person)
    if previous is None:
        raise ExamError("not_candidate")
    for attempt in previous:
        if attempt.is_open:
            close_if_expired(attempt, now=now)
            if attempt.is_open:
                return attempt
    if not as_utc(exam.opens_at) <= now < as_utc(exam.closes_at):
        raise ExamError("not_open")
    if any(a.is_passed for a in previous):
        raise ExamError("already_passed")
    if len(previous) >= exam.attempts_allowed:
        raise ExamError("no_attempts_left")
    number = len(previous) + 1
    seed = secrets.randbelow(2**31)
    paper = draw_paper(exam, seed)
    attempt = _insert_attempt(exam_id=exam.id, person_id=person.id, number=number, seed=seed,
                              status=AttemptStatus.OPEN, started_at=now,
                              deadline_at=min(now + timedelta(minutes=exam.duration_minutes), as_utc(exam.closes_at)))
    if attempt is None:
        # Another request started the same sitting a moment ago: use that one.
        return next(a for a in candidate_sittings(exam, person) if a.number == number)
    _insert_paper(attempt.id, paper)
    return attempt


def _insert_attempt(**values) -> Attempt | None:
    """Insert an attempt, or nothing when its (exam, person, number) exists:
    ``INSERT … ON CONFLICT DO NOTHING``, one statement where a savepoint
    around a plain insert took three round trips. PostgreSQL and SQLite
    (3.35+) both speak it."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (insert(Attempt).values(**values)
            .on_conflict_do_nothing(index_elements=["exam_id", "person_id", "number"]).returning(Attempt))
    return db.session.scalars(stmt).first()


def _insert_paper(attempt_id: int, paper: list) -> None:
    """Write the drawn paper's items. On PostgreSQL one ``INSERT … SELECT
    FROM unnest(…)`` of the columns as arrays: a list of parameter sets is a
    hundred INSERTs for the server to run, and a hundred-row VALUES costs more
    to build in Python than it saves. Elsewhere, the list (through the table:
    the ORM's bulk path costs more than the insert itself)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(_UNNEST_ITEMS, {
            "attempt_id": attempt_id, "positions": list(range(1, len(paper) + 1)),
            "versions": [item.question_version_id for item in paper],
            "orders": [item.option_order for item in paper], "points": [item.points for item in paper]})
        return
    db.session.execute(AttemptItem.__table__.insert(), [
        {"attempt_id": attempt_id, "position": n, "question_version_id": item.question_version_id,
         "option_order": item.option_order, "points": item.points, "given": ""}
        for n, item in enumerate(paper, start=1)])


_UNNEST_ITEMS = text(
    "INSERT INTO exam_attempt_items (attempt_id, position, question_version_id, option_order, points, given) "
    "SELECT :attempt_id, position, version, option_order, points, '' FROM unnest("
    "CAST(:positions AS integer[]), CAST(:versions AS integer[]), CAST(:orders AS varchar[]), "
    "CAST(:points AS integer[])) AS paper(position, version, option_order, points)")


def displayed_to_stored(option_order: str, kind: str, shown: list[str]) -> str:
    """Letters as the candidate saw them (A is the first option shown) → the
    version's own letters, sorted; "true"/"false" as they are. ``option_order``
    and ``kind`` are the paper item's and its question version's."""
    if not option_order:
        return shown[0] if shown and shown[0] in ("true", "false") else ""
    letters = set()
    for value in shown:
        index = LETTERS.find(value.upper()) if len(value) == 1 else -1
        if 0 <= index < len(option_order):
            letters.add(option_order[index])
    if kind == "single" and len(letters) > 1:
        return ""
    return "".join(sorted(letters))


def stored_to_displayed(item) -> set[str]:
    """The candidate's saved answer in the letters they see (``item``: a paper
    item, or a row with its ``option_order`` and ``given``)."""
    if not item.option_order:
        return {item.given} if item.given else set()
    return {LETTERS[item.option_order.index(letter)] for letter in item.given}


def _hold_open(attempt: Attempt, now: datetime) -> bool:
    """Lock the attempt row if it is open and within its deadline (plus grace)."""
    result = db.session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.status == AttemptStatus.OPEN,
                              Attempt.deadline_at > now - _grace())
        .values(last_saved_at=now).execution_options(synchronize_session=False))
    return result.rowcount == 1


def save_answer(attempt: Attempt, position: int, shown: list[str], *, seq: int | None = None,
                now: datetime | None = None) -> bool:
    """Save one answer (autosave). ``seq`` is the page's number for this save
    (it counts up per attempt): the answer is written only when it is above
    the question's last applied one, so a save retried after a dropped
    connection that arrives after a newer one changes nothing. Returns
    whether the answer was written (False: stale). Without ``seq`` (server
    side callers) the answer is written and the stored number kept.

    Raises ``AttemptClosed`` when the attempt is closed or past its deadline
    plus the grace period (``EXAM_GRACE_SECONDS``): the answer is then not
    kept, and a late attempt is closed with what was saved before."""
    now = now or utcnow()
    if not _hold_open(attempt, now):
        close_if_expired(attempt, now=now)
        raise AttemptClosed("closed")
    # Columns, not objects: autosave is the most frequent request of a sitting.
    item = db.session.execute(
        select(AttemptItem.id, AttemptItem.option_order, QuestionVersion.kind)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .where(AttemptItem.attempt_id == attempt.id, AttemptItem.position == position)).first()
    if item is None:
        raise ExamError("no_such_question")
    given = displayed_to_stored(item.option_order, item.kind, shown)
    stmt = update(AttemptItem).where(AttemptItem.id == item.id)
    if seq is None:
        stmt = stmt.values(given=given, answered_at=now)
    else:
        # One conditional UPDATE: the row lock decides between two saves of
        # the same question, and the stale one matches no row.
        stmt = stmt.where(AttemptItem.save_seq < seq).values(given=given, answered_at=now, save_seq=seq)
    return db.session.execute(stmt).rowcount == 1


def save_answers(attempt: Attempt, answers: dict[int, list[str]], *,
                 saved_on_page: dict[int, set[str]] | None = None, seq: int | None = None,
                 now: datetime | None = None) -> int:
    """Save the answers a submitted form carries ({position: shown letters}),
    holding the attempt once and writing only the ones that differ from what
    autosave already stored. An empty list clears an answer, but only when
    what is stored is still what the page showed (``saved_on_page``): a
    question un-ticked on this page, not one answered on another device
    since. Returns how many changed; raises ``AttemptClosed`` like
    ``save_answer``.

    The form is the page's newest state, so it is written whatever autosaves
    stored. ``seq`` (sent by the page's script: the highest save number it
    has used) is then raised onto the carried questions, so that none of the
    page's own autosaves still on its way can overwrite the form's answer
    afterwards; a form without it (scripts off: no numbered saves) leaves the
    numbers as they are."""
    now = now or utcnow()
    saved_on_page = saved_on_page or {}
    if not _hold_open(attempt, now):
        close_if_expired(attempt, now=now)
        raise AttemptClosed("closed")
    # Columns of the carried questions only: autosave has usually stored them
    # all already, and then a submit writes nothing.
    rows = db.session.execute(
        select(AttemptItem.id, AttemptItem.option_order, AttemptItem.given, QuestionVersion.kind,
               AttemptItem.position)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .where(AttemptItem.attempt_id == attempt.id, AttemptItem.position.in_(list(answers))))
    changed = 0
    for row in rows:
        shown = answers[row.position]
        if not shown and stored_to_displayed(row) != saved_on_page.get(row.position):
            continue
        given = displayed_to_stored(row.option_order, row.kind, shown)
        if given != row.given:
            db.session.execute(update(AttemptItem).where(AttemptItem.id == row.id)
                               .values(given=given, answered_at=now))
            changed += 1
    if seq is not None and answers:
        db.session.execute(
            update(AttemptItem).where(AttemptItem.attempt_id == attempt.id,
                                      AttemptItem.position.in_(list(answers)), AttemptItem.save_seq < seq)
            .values(save_seq=seq))
    return changed


def close_attempt(attempt: Attempt, *, expired: bool = False, now: datetime | None = None) -> bool:
    """Close and grade the attempt; idempotent. Returns True for the call that
    closed it, False when it was already closed (its result stands)."""
    now = now or utcnow()
    status = AttemptStatus.EXPIRED if expired else AttemptStatus.SUBMITTED
    result = db.session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.status == AttemptStatus.OPEN)
        .values(status=status, closed_at=now).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.refresh(attempt)
        return False
    attempt.status, attempt.closed_at = status, now
    # Marked in one statement. All or nothing: a multiple-choice answer earns
    # its points only when exactly right.
    key = select(QuestionVersion.answer).where(
        QuestionVersion.id == AttemptItem.question_version_id).scalar_subquery()
    db.session.execute(update(AttemptItem).where(AttemptItem.attempt_id == attempt.id).values(
        earned=case((and_(AttemptItem.given != "", AttemptItem.given == key), AttemptItem.points), else_=0)))
    score = db.session.scalar(select(func.coalesce(func.sum(AttemptItem.earned), 0))
                              .where(AttemptItem.attempt_id == attempt.id))
    attempt.score = score
    attempt.is_passed = score >= attempt.exam.pass_mark
    db.session.flush()
    exam_rollups.attempt_closed(attempt)  # the dashboard's pass rate, in this transaction
    return True


def close_if_expired(attempt: Attempt, *, now: datetime | None = None) -> bool:
    """Close an open attempt whose deadline (plus grace) has passed, with the
    answers saved so far. True when it closed it."""
    now = now or utcnow()
    if attempt.is_open and as_utc(attempt.deadline_at) + _grace() <= now:
        return close_attempt(attempt, expired=True, now=now)
    return False


def close_expired_attempts(*, exam: Exam | None = None, now: datetime | None = None) -> int:
    """The periodic sweep: close every open attempt past its deadline (of one
    exam, when given: what its page is about to show)."""
    now = now or utcnow()
    stmt = select(Attempt).where(Attempt.status == AttemptStatus.OPEN, Attempt.deadline_at <= now - _grace())
    if exam is not None:
        stmt = stmt.where(Attempt.exam_id == exam.id)
    due = db.session.scalars(stmt).all()
    return sum(close_attempt(attempt, expired=True, now=now) for attempt in due)


@dataclass(frozen=True)
class AreaResult:
    area: str
    earned: int
    points: int
    questions: int
    correct: int


def area_breakdown(attempt: Attempt) -> list[AreaResult]:
    """Points per functional area of a closed attempt, in blueprint order."""
    rows = db.session.execute(
        select(QuestionVersion.area, func.sum(AttemptItem.earned),
               func.sum(AttemptItem.points), func.count(AttemptItem.id),
               func.count(AttemptItem.id).filter(AttemptItem.earned > 0), func.min(AttemptItem.position))
        .join(AttemptItem.version).where(AttemptItem.attempt_id == attempt.id)
        .group_by(QuestionVersion.area)
        .order_by(func.min(AttemptItem.position))).all()
    return [AreaResult(area, int(earned or 0), int(points), int(n), int(correct or 0))
            for area, earned, points, n, correct, _first in rows]
