"""Who may receive a certificate for a programme.

``eligibility`` runs every requirement in ``REQUIREMENTS`` and returns the
unmet ones; ``require_eligible`` raises ``NotEligible`` naming them. A
requirement is a function ``(person, programme, evidence) -> message | None``.

A programme with assessments (``programme.has_exam``: a theory and/or a
practical pass mark) needs them passed in CareLMS — a closed, passed theory
attempt and a locked, passed practical assessment — read from the exams
feature's one answer, ``assessment_outcome``. Every programme with an online
course needs it completed (``training.queries.training_evidence``); a programme
with neither a course nor an assessment cannot be certified, since nothing
would show the training took place. A programme without assessments (family
caregivers) also needs an explicit, audited staff decision with its basis
(``Evidence``). Certs reads other features' results; they never import certs.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.certs.models import Certificate, CertificateStatus
from lms.exams.queries import assessment_outcome
from lms.extensions import db
from lms.people.models import Person
from lms.training.models import MINUTES_PER_HOUR, Programme
from lms.training.queries import hours_record, training_evidence


@dataclass(frozen=True)
class Evidence:
    """What the issuing staff member states: that the person met the programme's
    requirements (an explicit decision), and a note saying on what basis."""

    staff_confirmed: bool = False
    note: str = ""


class NotEligible(ValueError):
    """The person does not (yet) qualify; ``unmet`` lists every reason."""

    def __init__(self, unmet: list[str]):
        super().__init__("; ".join(str(u) for u in unmet))
        self.unmet = unmet


def programme_is_active(person: Person, programme: Programme, evidence: Evidence):
    if not programme.is_active:
        return _l("The programme is no longer offered.")
    return None


def category_matches(person: Person, programme: Programme, evidence: Evidence):
    if programme.category not in person.categories:
        return _l("The person is not registered in this programme's training category.")
    return None


def no_current_certificate(person: Person, programme: Programme, evidence: Evidence):
    # A second valid certificate for the same programme would count twice in quotas;
    # a lost or wrong certificate is reissued instead.
    held = db.session.scalar(select(Certificate.id).where(
        Certificate.person_id == person.id, Certificate.programme_id == programme.id,
        Certificate.status.in_([CertificateStatus.VALID, CertificateStatus.PENDING])))
    if held is not None:
        return _l("The person already holds (or awaits) a certificate for this programme: "
                  "reissue it instead.")
    return None


def assessments_passed(person: Person, programme: Programme, evidence: Evidence):
    if not programme.has_exam:
        return None
    outcome = assessment_outcome(person, programme)
    if outcome.theory_passed is False and outcome.practical_passed is False:
        return _l("The theory exam and the practical assessment have not been passed yet.")
    if outcome.theory_passed is False:
        return _l("The theory exam has not been passed yet.")
    if outcome.practical_passed is False:
        return _l("The practical assessment has not been passed (or its result is not locked) yet.")
    return None


def training_completed(person: Person, programme: Programme, evidence: Evidence):
    recorded = training_evidence(person, programme)
    if recorded.unfinished:
        return _l("The programme's online course is not completed yet: %(titles)s.",
                  titles=", ".join(recorded.unfinished))
    if not recorded.has_courses and not programme.has_exam:
        return _l("This programme has no online course and no assessment in CareLMS, so nothing "
                  "shows that the training took place.")
    return None


def hours_met(person: Person, programme: Programme, evidence: Evidence):
    if not programme.hours:
        return None
    record = hours_record(person, programme)
    if record.is_met:
        return None
    return _l("%(done)s of the programme's %(hours)s hours are recorded (%(percent)s%% needed): "
              "online, classroom and hours recorded from before CareLMS count.",
              done=record.total // MINUTES_PER_HOUR, hours=programme.hours,
              percent=round(record.threshold * 100))


def staff_decision(person: Person, programme: Programme, evidence: Evidence):
    if programme.has_exam:
        return None  # the assessments decide
    if not evidence.staff_confirmed or not evidence.note.strip():
        return _l("Confirm that the requirements are met and say on what basis.")
    return None


Requirement = Callable[[Person, Programme, Evidence], object]
REQUIREMENTS: tuple[Requirement, ...] = (
    programme_is_active, category_matches, no_current_certificate, training_completed, hours_met,
    assessments_passed, staff_decision,
)


def eligibility(person: Person, programme: Programme, evidence: Evidence) -> list:
    """The unmet requirements (empty when the person may be certified)."""
    return [message for check in REQUIREMENTS
            if (message := check(person, programme, evidence)) is not None]


def unmet_before_decision(person: Person, programme: Programme) -> list:
    """What the person still lacks that no staff decision can supply (shown on
    the issue page before anyone fills in the form)."""
    return [message for check in REQUIREMENTS if check is not staff_decision
            if (message := check(person, programme, Evidence())) is not None]


def require_eligible(person: Person, programme: Programme, evidence: Evidence) -> None:
    """Raise ``NotEligible`` listing every unmet requirement."""
    unmet = eligibility(person, programme, evidence)
    if unmet:
        raise NotEligible(unmet)
