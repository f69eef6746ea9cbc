"""Sessions of a class, and schedules: week and month calendars for an
institution, an instructor and a trainee, with .ics exports."""

from datetime import UTC, date, datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.core.access import Role, allow, get_in_scope_or_404
from lms.core.time import local_today, local_zone
from lms.extensions import db
from lms.people.queries import person_of_user
from lms.regions.queries import own_institution
from lms.training import calendar, class_queries
from lms.training.blueprint import bp
from lms.training.forms import ReasonForm, SessionForm
from lms.training.models import ClassSession, Instructor, TrainingClass
from lms.training.services import sessions as services
from lms.training.services.errors import TrainingError

STAFF = (Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS)
# What an .ics export covers: every session there is.
ALL_TIME = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))


def _span() -> calendar.Span:
    view = request.args.get("view", "week")
    try:
        anchor = date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        anchor = local_today()
    return calendar.span(view if view in calendar.VIEWS else "week", anchor)


@bp.route("/classes/<int:class_id>/sessions/new", methods=["GET", "POST"])
@allow(Role.INSTITUTION_STAFF)
def new_session(class_id: int):
    cls = get_in_scope_or_404(TrainingClass, class_id)
    form = SessionForm()
    form.instructor.choices = [(i.id, i.name) for i in cls.instructors]
    if request.method == "GET":
        form.venue.data = cls.venue
    problems = []
    if form.validate_on_submit():
        zone = local_zone()
        details = services.SessionDetails(
            starts_at=datetime.combine(form.day.data, form.starts.data, zone),
            ends_at=datetime.combine(form.day.data, form.ends.data, zone), topic=form.topic.data,
            instructor=next(i for i in cls.instructors if i.id == form.instructor.data),
            venue=form.venue.data, hours=form.hours.data)
        try:
            services.schedule_session(cls, details, by=current_user)
        except TrainingError as refused:
            db.session.rollback()
            problems = str(refused).split("; ")
        else:
            db.session.commit()
            flash(_("The session is scheduled."), "success")
            return redirect(url_for("training.show_class", class_id=cls.id))
    return render_template("training/session_form.html", cls=cls, form=form, problems=problems), \
        400 if request.method == "POST" else 200


@bp.post("/sessions/<int:session_id>/cancel")
@allow(Role.INSTITUTION_STAFF)
def cancel_session(session_id: int):
    session = get_in_scope_or_404(ClassSession, session_id)
    class_id = session.class_id
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Say why the session is cancelled."), "error")
        return redirect(url_for("training.show_class", class_id=class_id))
    try:
        services.cancel_session(session, reason=form.reason.data, by=current_user)
    except TrainingError as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        db.session.commit()
        flash(_("The session is cancelled."), "success")
    return redirect(url_for("training.show_class", class_id=class_id))


@bp.get("/training/calendar")
@allow(Role.INSTITUTION_STAFF)
def institution_calendar():
    """The institution's sessions by week or month, optionally one instructor's."""
    institution_id = own_institution().id
    instructors = class_queries.institution_instructors(institution_id)
    chosen = request.args.get("instructor", type=int)
    instructor = next((i for i in instructors if i.id == chosen), None)
    shown = _span()
    sessions = class_queries.calendar_sessions(
        *shown.bounds(), institution_id=institution_id, instructor_id=instructor.id if instructor else None)
    return render_template("training/calendar.html", span=shown, days=calendar.by_day(sessions),
                           instructors=instructors, instructor=instructor, endpoint="training.institution_calendar",
                           ics_url=url_for("training.instructor_ics", instructor_id=instructor.id)
                           if instructor else None, today=local_today())


@bp.get("/me/schedule")
@allow(Role.TRAINEE)
def my_schedule():
    """The trainee's class sessions by week or month (phone-friendly)."""
    person = person_of_user(current_user.id)
    if person is None:
        abort(404)
    shown = _span()
    sessions = class_queries.calendar_sessions(*shown.bounds(), person_id=person.id)
    return render_template("training/calendar.html", span=shown, days=calendar.by_day(sessions), instructors=[],
                           instructor=None, endpoint="training.my_schedule",
                           ics_url=url_for("training.my_schedule_ics"), today=local_today(),
                           classes=class_queries.classes_of_person(person.id))


def _ics_response(sessions, name: str, filename: str):
    data = calendar.ics(sessions, name=name, host=request.host.split(":")[0],
                        hours_text=lambda n: _("%(n)s hours", n=n))
    return current_app.response_class(data, mimetype="text/calendar",
                                      headers={"Content-Disposition": f"attachment; filename={filename}"})


@bp.get("/me/schedule.ics")
@allow(Role.TRAINEE)
def my_schedule_ics():
    person = person_of_user(current_user.id)
    if person is None:
        abort(404)
    sessions = class_queries.calendar_sessions(*ALL_TIME, person_id=person.id)
    return _ics_response(sessions, _("My training schedule"), "my-schedule.ics")


@bp.get("/instructors/<int:instructor_id>/schedule.ics")
@allow(*STAFF)
def instructor_ics(instructor_id: int):
    instructor = get_in_scope_or_404(Instructor, instructor_id)
    sessions = class_queries.calendar_sessions(*ALL_TIME, instructor_id=instructor.id)
    return _ics_response(sessions, _("Teaching schedule: %(name)s", name=instructor.name),
                         f"instructor-{instructor.id}.ics")
