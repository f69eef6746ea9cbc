"""Attendance at sessions: the instructor's screen shows a QR code that
changes every ``TRAINING_QR_SECONDS``; a trainee on the class's roster scans
it while the session is on to sign in (first scan) or out (later scans).
Staff mark a sign-in or sign-out by hand, with a reason (audited), for those
who could not scan. Flush, never commit.

A token is ``<session id>.<window>.<mac>``: the window is the number of
whole ``TRAINING_QR_SECONDS`` since the epoch, and the mac an HMAC-SHA256 of
the session id and window under a key derived from SECRET_KEY for this
purpose only, truncated to 80 bits (16 base32 characters, so the QR code
stays small enough to scan from the back of a room). A token is accepted in
its own window and the next one, so a scan just after the code changes
still counts, but a photo of the code sent to someone at home soon stops
working.
"""

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.auth.models import User
from lms.core import audit
from lms.core.time import as_local, as_utc, local_zone, utcnow
from lms.extensions import db
from lms.people.models import Person
from lms.training.hours import credited_minutes
from lms.training.models import Attendance, ClassEnrolment, ClassSession, EnrolmentStatus, ScanKind
from lms.training.services.errors import TrainingError

_PURPOSE = b"carelms.training.attendance-qr"
_MAC_BYTES = 10  # 80 bits: 16 base32 characters, no padding
TOKEN_PATTERN = re.compile(r"(\d{1,12})\.(\d{1,12})\.([A-Z2-7]{16})")
# Trainees arrive early and linger: scanning is open this long before the
# start and after the end (credit is still clipped to the scheduled times).
GRACE = timedelta(minutes=30)
# A double tap, or scanning again because the phone seemed slow, must not
# turn a sign-in into a sign-out: a scan this soon after the person's last
# scan at the session records nothing (nobody leaves two minutes after coming).
REPEAT_SCAN = timedelta(minutes=2)


def qr_seconds() -> int:
    """How long one QR code is shown (``TRAINING_QR_SECONDS``)."""
    return current_app.config["TRAINING_QR_SECONDS"]


def _window(now: datetime) -> int:
    return int(as_utc(now).timestamp()) // qr_seconds()


def _mac(session_id: int, window: int) -> str:
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    # A key of its own, so that no other signature made with SECRET_KEY can
    # ever pass for an attendance token.
    key = hmac.new(secret, _PURPOSE, hashlib.sha256).digest()
    digest = hmac.new(key, f"{session_id}.{window}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:_MAC_BYTES]).decode("ascii")


def session_token(session_id: int, *, now: datetime | None = None) -> str:
    """The token the session's QR code carries at ``now``."""
    window = _window(now or utcnow())
    return f"{session_id}.{window}.{_mac(session_id, window)}"


def read_token(token: str, *, now: datetime | None = None) -> int:
    """The session id of a token that is genuine and current (its own window
    or the one after); else ``TrainingError`` saying what to do."""
    match = TOKEN_PATTERN.fullmatch(token or "")
    if match is None or not hmac.compare_digest(
            _mac(int(match[1]), int(match[2])).encode(), match[3].encode()):
        raise TrainingError(_l("This is not an attendance code of CareLMS. Scan the QR code on the "
                               "screen in the classroom."))
    window, current = int(match[2]), _window(now or utcnow())
    if not current - 1 <= window <= current:
        raise TrainingError(_l("This code has expired: it changes every %(n)s seconds. Scan the QR code "
                               "on the screen now.", n=qr_seconds()))
    return int(match[1])


def is_open(session: ClassSession, *, now: datetime | None = None) -> bool:
    """True while trainees may scan: from GRACE before the start to GRACE after the end."""
    now = as_utc(now or utcnow())
    return as_utc(session.starts_at) - GRACE <= now <= as_utc(session.ends_at) + GRACE


def _on_roster(session: ClassSession, person: Person) -> bool:
    return db.session.scalar(select(ClassEnrolment.id).where(
        ClassEnrolment.class_id == session.class_id, ClassEnrolment.person_id == person.id,
        ClassEnrolment.status == EnrolmentStatus.ENROLLED)) is not None


def _check_session(session: ClassSession, person: Person) -> None:
    """Refuse unless the class takes attendance and the person holds a place on it."""
    if not session.training_class.takes_attendance:
        raise TrainingError(_l("The class “%(name)s” is not approved or has closed: it takes no attendance.",
                               name=session.training_class.name))
    if not _on_roster(session, person):
        raise TrainingError(_l("You are not on the roster of “%(name)s”. Ask the training institution's "
                               "staff.", name=session.training_class.name))


def _check_scan(token: str, person: Person | None, now: datetime) -> ClassSession:
    """The session a scan of ``token`` by ``person`` at ``now`` is for, or
    ``TrainingError`` naming why it cannot be recorded."""
    session = db.session.get(ClassSession, read_token(token, now=now))
    if session is None:
        raise TrainingError(_l("This session is no longer on the schedule."))
    if person is None:
        raise TrainingError(_l("Your account is not linked to a trainee record. Ask the training "
                               "institution's staff."))
    _check_session(session, person)
    if now < as_utc(session.starts_at) - GRACE:
        raise TrainingError(_l("The session has not started yet: signing in opens 30 minutes before "
                               "it starts."))
    if now > as_utc(session.ends_at) + GRACE:
        raise TrainingError(_l("The session is over: signing in and out closed 30 minutes after it "
                               "ended. Ask the staff to mark your attendance."))
    return session


def _scans(session: ClassSession, person: Person) -> list[Attendance]:
    return list(db.session.scalars(select(Attendance).where(
        Attendance.session_id == session.id, Attendance.person_id == person.id).order_by(Attendance.at)))


@dataclass(frozen=True)
class ScanPreview:
    """What scanning would record: ``kind`` (sign-in or sign-out), or, when
    the person scanned moments ago, that scan (``repeat_of``) and nothing new."""

    session: ClassSession
    kind: str
    repeat_of: Attendance | None


def _preview(session: ClassSession, person: Person, now: datetime) -> ScanPreview:
    rows = _scans(session, person)
    recent = [row for row in rows if not row.is_manual and now - as_utc(row.at) < REPEAT_SCAN]
    kind = ScanKind.OUT if any(row.kind == ScanKind.IN for row in rows) else ScanKind.IN
    return ScanPreview(session, kind, recent[-1] if recent else None)


def preview_scan(token: str, *, person: Person | None, now: datetime | None = None) -> ScanPreview:
    """What a scan of ``token`` would record (reads only: the page a scan opens)."""
    now = as_utc(now or utcnow())
    return _preview(_check_scan(token, person, now), person, now)


def _lock_place(session: ClassSession, person: Person) -> None:
    # A double tap sends two requests at once: on PostgreSQL the person's
    # place on the class is locked until commit, so the second sees the
    # first's row (SQLite serialises writers by itself).
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(ClassEnrolment.id).where(
            ClassEnrolment.class_id == session.class_id, ClassEnrolment.person_id == person.id).with_for_update())


def record_scan(token: str, *, confirmed_session_id: int, person: Person | None,
                now: datetime | None = None) -> ScanPreview:
    """Record a scan: a sign-in when the person has none at the session yet,
    else a sign-out. ``confirmed_session_id`` is the session the person saw
    and confirmed; the token is checked again now. A repeat within
    ``REPEAT_SCAN`` records nothing and returns the earlier scan."""
    now = as_utc(now or utcnow())
    session = _check_scan(token, person, now)
    if session.id != confirmed_session_id:
        raise TrainingError(_l("This code belongs to another session than the one you confirmed. Scan the "
                               "QR code on the screen again."))
    _lock_place(session, person)
    preview = _preview(session, person, now)
    if preview.repeat_of is not None:
        return preview
    row = Attendance(session_id=session.id, person_id=person.id, kind=preview.kind, at=now, recorded_at=now)
    db.session.add(row)
    db.session.flush()
    return ScanPreview(session, preview.kind, None)


def on_session_day(session: ClassSession, clock: time) -> datetime:
    """A time of day staff typed for a session, as an aware datetime: on the
    session's (local) day, or the next when the session runs past midnight
    and the time belongs to its end."""
    zone = local_zone()
    start, end = as_local(session.starts_at), as_local(session.ends_at)
    candidates = [datetime.combine(day, clock, zone) for day in dict.fromkeys((start.date(), end.date()))]
    return next((at for at in candidates if start - GRACE <= at <= end + GRACE), candidates[0])


def mark_attendance(session: ClassSession, person: Person, *, kind: str, at: datetime, reason: str,
                    by: User | None, now: datetime | None = None) -> Attendance:
    """Staff record a sign-in or sign-out by hand, with the reason (audited).
    The time must lie within the session's scanning hours and not in the future."""
    now, at = as_utc(now or utcnow()), as_utc(at)
    if kind not in (ScanKind.IN, ScanKind.OUT):
        raise TrainingError(_l("Choose sign-in or sign-out."))
    if not reason.strip():
        raise TrainingError(_l("Say why the attendance is marked by hand."))
    _check_session(session, person)
    if not is_open(session, now=at):
        raise TrainingError(_l("The time lies outside the session (from 30 minutes before it starts to 30 "
                               "minutes after it ends)."))
    if at > now:
        raise TrainingError(_l("The time is in the future: mark attendance once it has happened."))
    row = Attendance(session_id=session.id, person_id=person.id, kind=kind, at=at, is_manual=True,
                     recorded_by_id=by.id if by else None, reason=reason.strip(), recorded_at=now)
    db.session.add(row)
    db.session.flush()
    audit.record("training_attendance.marked", session, actor=by,
                 new={"person": person.id, "kind": kind, "at": at, "reason": reason.strip()})
    return row


@dataclass(frozen=True)
class RosterLine:
    """One trainee at a session: first sign-in, last sign-out (each with
    whether staff marked it by hand) and the minutes credited."""

    person: Person
    is_enrolled: bool
    signed_in: Attendance | None
    signed_out: Attendance | None
    minutes: int

    @property
    def lacks_sign_out(self) -> bool:
        """Signed in but not out: nothing is credited until staff mark it."""
        return self.signed_in is not None and self.signed_out is None


def session_roster(session: ClassSession, people: list[Person]) -> list[RosterLine]:
    """The attendance of ``people`` (the class's trainees, in order) at the
    session, followed by anyone else who signed in there (e.g. who has since
    left the class). Two queries whatever the size of the class."""
    first_in: dict[int, Attendance] = {}
    last_out: dict[int, Attendance] = {}
    others: dict[int, Person] = {}
    enrolled = {person.id for person in people}
    rows = db.session.scalars(select(Attendance).where(Attendance.session_id == session.id)
                              .options(selectinload(Attendance.person))  # those who left: not one query each
                              .order_by(Attendance.at, Attendance.id))
    for row in rows:
        if row.kind == ScanKind.IN:
            first_in.setdefault(row.person_id, row)
        else:
            last_out[row.person_id] = row
        if row.person_id not in enrolled:
            others.setdefault(row.person_id, row.person)

    def line(person: Person) -> RosterLine:
        signed_in, signed_out = first_in.get(person.id), last_out.get(person.id)
        minutes = credited_minutes(session.starts_at, session.ends_at, session.hours,
                                   signed_in.at if signed_in else None, signed_out.at if signed_out else None)
        return RosterLine(person, person.id in enrolled, signed_in, signed_out, minutes)

    return [line(person) for person in people] + [line(person) for person in others.values()]
