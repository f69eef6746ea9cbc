"""The certificates section of a person's staff page: what they hold, and the
way to issue one."""

from flask import render_template
from flask_login import current_user

from lms.certs import queries
from lms.certs.forms import STATUS_LABELS
from lms.core.access import Role
from lms.people.models import Person
from lms.people.sections import person_section


@person_section(order=30)
def certificates_section(person: Person):
    """The person's certificates (linked) and, for institution staff, issuing."""
    return render_template("certs/_person_section.html", person=person,
                           certificates=queries.own_certificates(person.id), status_labels=STATUS_LABELS,
                           can_issue=current_user.has_any_role({Role.INSTITUTION_STAFF}))
