"""Who may receive a certificate for a programme.

``eligibility`` runs every requirement in ``REQUIREMENTS`` and returns the
unmet ones; ``require_eligible`` raises ``NotEligible`` naming them. A
requirement is a function ``(person, programme, evidence) -> message | None``.

Exams and training results do not exist yet, so today the decisive
requirement is an explicit, audited staff decision (``Evidence.staff_confirmed``).
When exams land, add requirements here that read their queries — e.g. "theory
score ≥ programme.theory_pass_mark", "practical ≥ practical_pass_mark", "study
hours ≥ programme.hours" — and let ``staff_decision`` apply only to programmes
without an exam (``not programme.has_exam``). Certs reads other features'
results; they never import certs.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.certs.models import Certificate, CertificateStatus
from lms.extensions import db
from lms.people.models import Person
from lms.training.models import Programme


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


def staff_decision(person: Person, programme: Programme, evidence: Evidence):
    if not evidence.staff_confirmed or not evidence.note.strip():
        return _l("Confirm that the requirements are met and say on what basis.")
    return None


Requirement = Callable[[Person, Programme, Evidence], object]
REQUIREMENTS: tuple[Requirement, ...] = (
    programme_is_active, category_matches, no_current_certificate, staff_decision,
)


def eligibility(person: Person, programme: Programme, evidence: Evidence) -> list:
    """The unmet requirements (empty when the person may be certified)."""
    return [message for check in REQUIREMENTS
            if (message := check(person, programme, evidence)) is not None]


def require_eligible(person: Person, programme: Programme, evidence: Evidence) -> None:
    """Raise ``NotEligible`` listing every unmet requirement."""
    unmet = eligibility(person, programme, evidence)
    if unmet:
        raise NotEligible(unmet)
