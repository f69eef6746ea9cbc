"""Judges and their marks: assigning judges to stations, saving a mark (the
hot path: one checking read and one upsert, both built once), the chief judge's lock, and
appeals — the only way a mark changes after the lock."""

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, exists, func, select
from sqlalchemy.dialects import postgresql, sqlite

from lms.auth.models import User
from lms.competitions.models import (
    Appeal,
    AppealStatus,
    Aspect,
    Competition,
    Contestant,
    Entry,
    Judge,
    Mark,
    Station,
    StationJudge,
)
from lms.competitions.services.errors import CompetitionError
from lms.core import audit
from lms.core.time import utcnow
from lms.extensions import db
from lms.regions.models import Region


def appoint_judge(competition: Competition, user: User, *, unit: Region | None, is_chief: bool = False,
                  by: User | None) -> Judge:
    """Make ``user`` a judge of the competition; ``unit`` is where they come
    from (for conflicts of interest)."""
    judge = db.session.scalar(select(Judge).where(Judge.competition_id == competition.id,
                                                  Judge.user_id == user.id))
    if judge is None:
        judge = Judge(competition=competition, user=user)
        db.session.add(judge)
    judge.unit, judge.is_chief = unit, is_chief
    db.session.flush()
    audit.record("competition.judge_appointed", judge, actor=by,
                 new={"competition": competition.id, "user": user.id, "unit": unit.code if unit else None,
                      "chief": is_chief})
    return judge


def assign_to_station(station: Station, judge: Judge, *, by: User | None) -> StationJudge:
    """Let ``judge`` mark ``station``."""
    if judge.competition_id != station.round.competition_id:
        raise CompetitionError(_l("This judge does not judge this competition."))
    if station.is_locked:
        raise CompetitionError(_l("The station is locked."))
    existing = db.session.scalar(select(StationJudge).where(StationJudge.station_id == station.id,
                                                            StationJudge.judge_id == judge.id))
    if existing is not None:
        return existing
    assignment = StationJudge(station=station, judge=judge)
    db.session.add(assignment)
    db.session.flush()
    audit.record("competition.judge_assigned", station, actor=by, new={"judge": judge.id})
    return assignment


class SaveOutcome(StrEnum):
    SAVED = "saved"
    STALE = "stale"  # an older save arrived after a newer one: the newer value is kept


@dataclass(frozen=True)
class SaveResult:
    """What a save did, and the judge's progress with that contestant after
    it: ``done`` of the station's ``expected`` aspects marked (the page ticks
    the contestant's button when they are equal)."""

    outcome: SaveOutcome
    done: int
    expected: int


@dataclass(frozen=True)
class MarkTarget:
    """What a judge's save refers to, checked in one read."""

    judge_id: int
    kind: str
    allowed: frozenset[int]
    marked_before: int  # the judge's marks of this contestant at this station
    has_mark: bool  # the judge had already marked this aspect
    aspects: int  # the station's aspects


@cache
def _target_statement(dialect: str):
    """The checking read, built once per dialect (building it is a good part
    of a save's cost; the values come as bound parameters). One read checks
    everything: the aspect is the station's, the user judges the station, the
    contestant is in the station's round and drawn, the judge is not from the
    contestant's unit, the station is not locked; and it reads the judge's
    progress with the contestant for the answer. On PostgreSQL it takes a
    share lock on the station row, so that a lock by the chief judge waits
    for saves in flight, and a save after it sees it."""
    # The subqueries name the contestant, aspect and station by their bound
    # values, not through the outer row: PostgreSQL's generic plan for the
    # prepared statement then looks the marks up by the (contestant, aspect,
    # judge) key instead of reading all of a judge's marks (2 ms a save).
    station_aspects = select(Aspect.id).where(Aspect.station_id == bindparam("station_id"))
    marked = (select(func.count(Mark.id))
              .where(Mark.contestant_id == bindparam("contestant_id"), Mark.aspect_id.in_(station_aspects),
                     Mark.judge_id == Judge.id).scalar_subquery())
    has_mark = exists().where(Mark.contestant_id == bindparam("contestant_id"),
                              Mark.aspect_id == bindparam("aspect_id"), Mark.judge_id == Judge.id)
    aspects = select(func.count()).select_from(station_aspects.subquery()).scalar_subquery()
    stmt = (select(Aspect.kind, Aspect.max_hundredths, Aspect.deductions_json, Station.locked_at, Judge.id,
                   Judge.unit_region_id, Entry.unit_region_id, marked, has_mark, aspects)
            .select_from(Aspect)
            .join(Station, Station.id == Aspect.station_id)
            .join(StationJudge, StationJudge.station_id == Station.id)
            .join(Judge, and_(Judge.id == StationJudge.judge_id, Judge.user_id == bindparam("user_id")))
            .join(Contestant, and_(Contestant.id == bindparam("contestant_id"), Contestant.round_id == Station.round_id))
            .join(Entry, Entry.id == Contestant.entry_id)
            .where(Aspect.id == bindparam("aspect_id"), Station.id == bindparam("station_id"),
                   Contestant.number.is_not(None)))
    if dialect == "postgresql":
        stmt = stmt.with_for_update(read=True, of=Station)
    return stmt


def _target(*, user_id: int, station_id: int, contestant_id: int, aspect_id: int) -> MarkTarget:
    # Through the session's connection: plain rows, without the ORM's execution layer.
    connection = db.session.connection()
    values = {"user_id": user_id, "station_id": station_id, "contestant_id": contestant_id, "aspect_id": aspect_id}
    row = connection.execute(_target_statement(connection.dialect.name), values).first()
    if row is None:
        raise LookupError("no such mark for this judge")
    kind, max_hundredths, deductions_json, locked_at, judge_id, judge_unit, contestant_unit, marked, has_mark, \
        aspects = row
    if locked_at is not None:
        raise CompetitionError(_l("The chief judge has locked this station: marks can only change by appeal."))
    if judge_unit is not None and judge_unit == contestant_unit:
        raise CompetitionError(_l("You do not mark contestants from your own unit."))
    aspect = Aspect(kind=kind, max_hundredths=max_hundredths, deductions_json=deductions_json)
    return MarkTarget(judge_id=judge_id, kind=kind, allowed=frozenset(aspect.allowed_values()),
                      marked_before=marked, has_mark=bool(has_mark), aspects=aspects)


@cache
def _upsert_statement(dialect: str):
    """The mark's upsert, built once per dialect: insert, or overwrite only a
    row holding an older save (``seq``), so a late retry never puts an old
    value back. Returns the row's id only when it wrote."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    marks = Mark.__table__  # the table, not the entity: a Core statement, no ORM bulk-insert layer
    stmt = insert(marks).values(contestant_id=bindparam("contestant_id"), aspect_id=bindparam("aspect_id"),
                               judge_id=bindparam("judge_id"), value=bindparam("value"), seq=bindparam("seq"),
                               updated_at=bindparam("updated_at"))
    return stmt.on_conflict_do_update(
        index_elements=["contestant_id", "aspect_id", "judge_id"],
        set_={"value": stmt.excluded.value, "seq": stmt.excluded.seq, "updated_at": stmt.excluded.updated_at},
        where=marks.c.seq < stmt.excluded.seq,
    ).returning(marks.c.id)


def save_mark(*, user_id: int, station_id: int, contestant_id: int, aspect_id: int, value: int,
              seq: int) -> SaveResult:
    """Save one judge's mark. ``seq`` increases with every save the judge's
    page makes: a save older than the stored one is ignored (``STALE``), so
    retries and reordered requests never put an old value back.

    Raises ``LookupError`` when the judge may not mark this (the view answers
    404) and ``CompetitionError`` for a refused value or a locked station.
    Not audited one by one (the marks table keeps the last value and time;
    the lock and every change after it are audited). Two statements: the
    checking read and the upsert."""
    target = _target(user_id=user_id, station_id=station_id, contestant_id=contestant_id, aspect_id=aspect_id)
    if value not in target.allowed:
        if target.kind == "judgement":
            raise CompetitionError(_l("A judgement mark is a grade from 0 to 3."))
        raise CompetitionError(_l("This measurement mark is not full points, zero or a listed deduction."))
    connection = db.session.connection()
    saved = connection.execute(_upsert_statement(connection.dialect.name), {"contestant_id": contestant_id, "aspect_id": aspect_id,
                                      "judge_id": target.judge_id, "value": value, "seq": seq,
                                      "updated_at": utcnow()}).first()
    outcome = SaveOutcome.SAVED if saved is not None else SaveOutcome.STALE
    # A new row adds one to the judge's progress; an overwrite or a stale save does not.
    done = target.marked_before + (1 if saved is not None and not target.has_mark else 0)
    return SaveResult(outcome=outcome, done=done, expected=target.aspects)


def missing_marks(station: Station) -> int:
    """How many marks the station still lacks: every assigned judge marks every
    aspect of every drawn contestant not from the judge's own unit."""
    expected = db.session.scalar(
        select(func.count()).select_from(Contestant)
        .join(Entry, Entry.id == Contestant.entry_id)
        .join(StationJudge, StationJudge.station_id == station.id)
        .join(Judge, Judge.id == StationJudge.judge_id)
        .join(Aspect, Aspect.station_id == station.id)
        .where(Contestant.round_id == station.round_id, Contestant.number.is_not(None),
               (Judge.unit_region_id.is_(None)) | (Judge.unit_region_id != Entry.unit_region_id))) or 0
    entered = db.session.scalar(
        select(func.count(Mark.id)).join(Aspect, Aspect.id == Mark.aspect_id)
        .where(Aspect.station_id == station.id)) or 0
    return max(expected - entered, 0)


def _require_chief(station: Station, by: User) -> Judge:
    chief = db.session.scalar(select(Judge).where(Judge.competition_id == station.round.competition_id,
                                                  Judge.user_id == by.id, Judge.is_chief.is_(True)))
    if chief is None:
        raise CompetitionError(_l("Only the chief judge can do this."))
    return chief


def lock_station(station: Station, *, by: User, note: str = "") -> None:
    """The chief judge's sign-off: every mark is in, and from now on a mark
    changes only through an appeal. Time-stamped and audited."""
    _require_chief(station, by)
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Station.id).where(Station.id == station.id).with_for_update())
    db.session.refresh(station)
    if station.is_locked:
        raise CompetitionError(_l("The station is already locked."))
    if station.round.drawn_at is None:
        raise CompetitionError(_l("The round has not been drawn yet."))
    missing = missing_marks(station)
    if missing:
        raise CompetitionError(_l("%(count)d marks are still missing: the station cannot be locked.",
                                  count=missing))
    station.locked_at, station.locked_by_id, station.lock_note = utcnow(), by.id, note.strip()
    db.session.flush()
    marks = db.session.scalar(select(func.count(Mark.id)).join(Aspect).where(Aspect.station_id == station.id))
    audit.record("competition.station_locked", station, actor=by,
                 new={"station": station.scheme_code, "marks": marks, "note": station.lock_note})


def lodge_appeal(mark: Mark, *, reason: str, by: User | None) -> Appeal:
    """Record an appeal (申诉) against a mark of a locked station."""
    station = mark.aspect.station
    if not station.is_locked:
        raise CompetitionError(_l("Before the lock the judge corrects the mark; appeals are for locked stations."))
    if station.round.results_published_at is not None:
        raise CompetitionError(_l("The round's results are published: appeals are closed."))
    if not reason.strip():
        raise CompetitionError(_l("Say what the appeal is about."))
    appeal = Appeal(mark=mark, reason=reason.strip(), lodged_by_id=by.id if by else None, old_value=mark.value)
    db.session.add(appeal)
    db.session.flush()
    audit.record("competition.appeal_lodged", appeal, actor=by,
                 new={"mark": mark.id, "value": mark.value, "reason": appeal.reason})
    return appeal


def decide_appeal(appeal: Appeal, *, upheld: bool, new_value: int | None, note: str, by: User) -> None:
    """The chief judge decides: upheld changes the mark to ``new_value``,
    rejected leaves it. Either way who, when, why and the values are kept."""
    mark = appeal.mark
    station = mark.aspect.station
    _require_chief(station, by)
    if appeal.status != AppealStatus.LODGED:
        raise CompetitionError(_l("This appeal has already been decided."))
    if station.round.results_published_at is not None:
        raise CompetitionError(_l("The round's results are published: appeals are closed."))
    if not note.strip():
        raise CompetitionError(_l("Write the reason for the decision."))
    old = mark.value
    if upheld:
        if new_value is None or new_value not in mark.aspect.allowed_values():
            raise CompetitionError(_l("The corrected mark is not a value this aspect allows."))
        mark.value, mark.updated_at = new_value, utcnow()
    appeal.status = AppealStatus.UPHELD if upheld else AppealStatus.REJECTED
    appeal.new_value = mark.value if upheld else None
    appeal.decision_note, appeal.decided_by_id, appeal.decided_at = note.strip(), by.id, utcnow()
    db.session.flush()
    audit.record("competition.appeal_decided", appeal, actor=by,
                 old={"mark": mark.id, "value": old},
                 new={"mark": mark.id, "value": mark.value, "decision": appeal.status, "note": appeal.decision_note})
