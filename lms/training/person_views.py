"""The training section of a person's staff page — their classes and their
hours towards each programme — and recording hours from before CareLMS."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.core.access import Role, allow, get_in_scope_or_404
from lms.extensions import db
from lms.people.models import Person
from lms.people.sections import person_section
from lms.training import class_queries
from lms.training.blueprint import bp
from lms.training.forms import PriorHoursForm
from lms.training.models import MINUTES_PER_HOUR
from lms.training.queries import active_programmes, hours_record
from lms.training.services.errors import TrainingError
from lms.training.services.prior import record_prior_hours


def _programmes_of(person: Person):
    return [p for p in active_programmes() if p.category in person.categories]


@person_section(order=15)
def training_section(person: Person):
    """Classes the person is on, and hours per programme of their categories."""
    classes = class_queries.classes_of_person(person.id)
    on_class = {cls.programme_id for cls, _status in classes}
    # Only the programmes the person works towards: a class of it, or any hours.
    hours = [(programme, record) for programme in _programmes_of(person)
             if (record := hours_record(person, programme)).total or programme.id in on_class]
    form = None
    if current_user.has_any_role({Role.INSTITUTION_STAFF}):
        form = PriorHoursForm()
        form.programme.choices = [(p.code, p.name) for p in _programmes_of(person)]
    return render_template("training/_person_section.html", person=person, hours=hours, form=form,
                           classes=classes, minutes_per_hour=MINUTES_PER_HOUR)


@bp.post("/people/<int:person_id>/prior-hours")
@allow(Role.INSTITUTION_STAFF)
def prior_hours(person_id: int):
    person = get_in_scope_or_404(Person, person_id)
    form = PriorHoursForm()
    programmes = {p.code: p for p in _programmes_of(person)}
    form.programme.choices = [(code, p.name) for code, p in programmes.items()]
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(url_for("people.show", person_id=person.id) + "#training")
    try:
        record_prior_hours(person, programmes[form.programme.data], hours=form.hours.data,
                           reason=form.reason.data, by=current_user)
    except TrainingError as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        db.session.commit()
        flash(_("The earlier hours are recorded."), "success")
    return redirect(url_for("people.show", person_id=person.id) + "#training")
