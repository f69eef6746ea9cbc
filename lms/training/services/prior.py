"""Hours earned before CareLMS: recorded by staff, with the evidence and a
reason, audited, and counted like hours earned here."""

from flask_babel import lazy_gettext as _l

from lms.auth.models import User
from lms.core import audit
from lms.extensions import db
from lms.people.models import Person
from lms.training.models import MINUTES_PER_HOUR, PriorHours, Programme
from lms.training.services.errors import TrainingError

MIN_REASON_LENGTH = 10  # a reason must say where the hours come from, not just "ok"


def record_prior_hours(person: Person, programme: Programme, *, hours: int, reason: str,
                       by: User | None) -> PriorHours:
    """Record ``hours`` (标准学时) of the programme the person did before CareLMS."""
    if programme.category not in person.categories:
        raise TrainingError(_l("The person is not registered in this programme's training category."))
    if not 1 <= hours <= programme.hours:
        raise TrainingError(_l("Give between 1 and %(n)s hours.", n=programme.hours))
    if len(reason.strip()) < MIN_REASON_LENGTH:
        raise TrainingError(_l("Say where the hours come from: the earlier class, its dates and its records."))
    row = PriorHours(person_id=person.id, programme_id=programme.id, minutes=hours * MINUTES_PER_HOUR,
                     reason=reason.strip(), recorded_by_id=by.id if by else None)
    db.session.add(row)
    db.session.flush()
    audit.record("training.prior_hours_recorded", row, actor=by,
                 new={"person": person.id, "programme": programme.code, "hours": hours, "reason": row.reason})
    return row
