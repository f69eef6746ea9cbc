"""Reads of the API, each limited to the calling client's region subtree
(``region_path``). They gather what other features' queries already count
and compute — the dashboard's figures, a person's hours, attempts and
certificates — and shape it as plain dicts for the schemas."""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from lms.certs import signing
from lms.certs.models import Certificate, CertificateKind, CertificateStatus
from lms.certs.qr import verification_url
from lms.certs.queries import own_certificates
from lms.certs.services import signed_fields
from lms.core.masking import mask_name
from lms.core.time import as_utc
from lms.courses.queries import my_learning
from lms.exams.models import Attempt, Exam
from lms.exams.queries import practical_results_for
from lms.extensions import db
from lms.people.models import Person
from lms.people.services import find_by_id_number
from lms.quotas.progress import Measure
from lms.quotas.queries import RegionProgress
from lms.regions.models import Region
from lms.regions.queries import region_by_code
from lms.training.models import LEVEL_LABELS, Programme
from lms.training.queries import active_programmes, hours_record

_Replacement = aliased(Certificate, name="replacement")
_Replaced = aliased(Certificate, name="replaced")
# When a certificate last changed: revoked, superseded (its reissue's issue
# time) or issued. A certificate is revoked or superseded, never both.
_change_time = func.coalesce(Certificate.revoked_at, _Replacement.issued_at, Certificate.issued_at)


def region_within(code: str, region_path: str) -> Region | None:
    """The region with this code if it lies inside ``region_path``, else None
    (unknown and out-of-scope look the same to the caller)."""
    region = region_by_code(code)
    return region if region is not None and region.path.startswith(region_path) else None


# --- certificates -----------------------------------------------------------

def _certificates(region_path: str) -> Select:
    """Numbered certificates under ``region_path`` with what the answer needs
    beyond the row: change time, programme code, the numbers it links to."""
    return (select(Certificate, _change_time.label("changed_at"), Programme.code, _Replacement.number,
                   _Replaced.number)
            .outerjoin(_Replacement, _Replacement.replaces_id == Certificate.id)
            .outerjoin(_Replaced, _Replaced.id == Certificate.replaces_id)
            .outerjoin(Programme, Programme.id == Certificate.programme_id)
            .where(Certificate.number.is_not(None), Certificate.region_path.startswith(region_path)))


def _facts(row) -> dict:
    cert, changed_at, programme_code, replaced_by, replaces = row
    revoked = cert.status == CertificateStatus.REVOKED
    return {
        "number": cert.number, "kind": cert.kind, "status": cert.status,
        "holder_name_masked": mask_name(cert.holder_name), "id_number_masked": cert.id_number_masked,
        "programme": {"code": programme_code, "name": cert.programme_name},
        "level": cert.level, "level_label": LEVEL_LABELS.get(cert.level) if cert.level else None,
        "award": cert.award if cert.kind == CertificateKind.AWARD else None,
        "hours": cert.hours, "issue_date": cert.issue_date, "issuer_name": cert.issuer_name,
        "region_code": cert.region_code, "revoked_at": as_utc(cert.revoked_at),
        "revocation_reason": cert.status_reason if revoked else None,
        "replaced_by": replaced_by, "replaces": replaces, "changed_at": as_utc(changed_at),
        "verify_url": verification_url(cert.number),
    }


def certificate_facts(number: str, region_path: str) -> tuple[Certificate, dict] | None:
    """A numbered certificate inside the region, with its facts (and whether
    its record still matches its signature); None when not found or outside."""
    row = db.session.execute(_certificates(region_path).where(Certificate.number == number)).first()
    if row is None:
        return None
    cert = row[0]
    return cert, _facts(row) | {"signature_valid": signing.verify_record(signed_fields(cert), cert.signature)}


def certificate_in_region(number: str, region_path: str) -> Certificate | None:
    """The numbered certificate with this number inside the region, or None."""
    return db.session.scalar(select(Certificate).where(
        Certificate.number == number, Certificate.number.is_not(None),
        Certificate.region_path.startswith(region_path)))


@dataclass(frozen=True)
class Cursor:
    """Where a page of changes ended: the last item's change time and id.

    Keyset paging, not page numbers: a certificate revoked while a client
    pages moves to the end of the order, and page numbers would then skip
    the item that slid into its place; after a keyset nothing is skipped or
    repeated."""

    changed_at: datetime
    id: int

    def encode(self) -> str:
        raw = json.dumps([as_utc(self.changed_at).isoformat(), self.id]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> "Cursor":
        """Raises ValueError for anything that is not a cursor this API made."""
        try:
            changed_at, cert_id = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            moment = datetime.fromisoformat(changed_at)
        except (ValueError, TypeError, binascii.Error) as error:
            raise ValueError("cursor") from error
        if not isinstance(cert_id, int) or moment.tzinfo is None:
            raise ValueError("cursor")
        return cls(as_utc(moment), cert_id)


def certificate_changes(region_path: str, since: datetime, *, after: Cursor | None,
                        limit: int) -> tuple[list[dict], Cursor | None]:
    """Certificates under ``region_path`` that changed at or after ``since``,
    by change time then id, one page after ``after``; and the next page's
    cursor (None on the last page). Each certificate appears once, in its
    current state, at its latest change."""
    stmt = _certificates(region_path).where(_change_time >= as_utc(since))
    if after is not None:
        stmt = stmt.where(or_(_change_time > after.changed_at,
                              and_(_change_time == after.changed_at, Certificate.id > after.id)))
    rows = db.session.execute(stmt.order_by(_change_time, Certificate.id).limit(limit + 1)).all()
    page = rows[:limit]
    following = Cursor(as_utc(page[-1].changed_at), page[-1][0].id) if len(rows) > limit else None
    return [_facts(row) for row in page], following


# --- progress ---------------------------------------------------------------

def _measure(measure: Measure) -> dict:
    return {"target": measure.target, "done": measure.done, "percent": measure.percent,
            "expected": measure.expected, "gap": measure.gap, "status": measure.status,
            "forecast": measure.forecast}


def region_figures(row: RegionProgress) -> dict:
    """One dashboard row (``quotas.queries.region_progress``) as the API answers it."""
    return {"region_code": row.region.code, "region_name": row.region.name,
            "persons": _measure(row.persons), "person_times": _measure(row.person_times),
            "in_training": row.in_training, "exams_taken": row.exams_taken,
            "exams_passed": row.exams_passed, "exam_pass_percent": row.exam_pass_percent}


# --- a person's record --------------------------------------------------------

def person_in_region(id_number: str, region_path: str) -> Person | None:
    """The person registered with this (valid) ID number, found by its keyed
    fingerprint, if their region lies inside ``region_path``."""
    person = find_by_id_number(id_number)
    return person if person is not None and person.region.path.startswith(region_path) else None


def _attempts(person: Person) -> list[Attempt]:
    """Every sitting of the person's, oldest first (the staff page lists them
    under the exams they are a candidate for; here each sitting counts)."""
    return list(db.session.scalars(select(Attempt).where(Attempt.person_id == person.id)
                                   .options(joinedload(Attempt.exam).joinedload(Exam.programme))
                                   .order_by(Attempt.started_at, Attempt.id)))


def person_record(person: Person) -> dict:
    """What the person's staff page shows, as data: identity (masked), hours
    per programme of their categories, online study, exam attempts,
    practical results and certificates (numbered ones)."""
    hours = []
    for programme in active_programmes():
        if programme.category not in person.categories:
            continue
        record = hours_record(person, programme)
        hours.append({"programme": {"code": programme.code, "name": programme.name}, "level": programme.level,
                      "required_minutes": record.required, "online_minutes": record.online,
                      "classroom_minutes": record.classroom, "prior_minutes": record.prior,
                      "total_minutes": record.total, "threshold": record.threshold, "is_met": record.is_met})
    courses = my_learning(person)
    attempts = [{"exam_title": a.exam.title, "programme_code": a.exam.programme.code if a.exam.programme else None,
                 "number": a.number, "status": a.status, "started_at": as_utc(a.started_at),
                 "closed_at": as_utc(a.closed_at), "score": a.score, "passed": a.is_passed}
                for a in _attempts(person)]
    practicals = [{"sheet_title": row.sheet.title, "programme_code": row.programme.code if row.programme else None,
                   "assessed_at": as_utc(row.locked_at or row.created_at), "score": row.score,
                   "passed": row.is_passed, "is_final": row.is_locked}
                  for row in practical_results_for(person)]
    return {
        "person": {"name_masked": mask_name(person.name), "id_number_masked": person.id_number_masked,
                   "region_code": person.region.code, "categories": person.categories},
        "programmes": hours,
        "online_study": {"total_seconds": sum(row.seconds for row in courses),
                         "courses": [{"title": row.course.title, "lessons_total": row.lessons_total,
                                      "lessons_done": row.lessons_done, "seconds": row.seconds,
                                      "completed_at": as_utc(row.completed_at)} for row in courses]},
        "exam_attempts": attempts,
        "practical_results": practicals,
        "certificates": [{"number": cert.number, "kind": cert.kind, "status": cert.status,
                          "programme_name": cert.programme_name, "issue_date": cert.issue_date}
                         for cert in own_certificates(person.id) if cert.number],
    }
