"""QR attendance: the attendance screen of a session (the rotating QR code
for the projector, and the roster with sign-in and sign-out times, credited
minutes and marks by hand), the QR code itself, and the page a trainee's
phone opens by scanning it."""

import io

import segno
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from lms.core.access import Role, allow, get_in_scope_or_404, in_scope
from lms.core.time import utcnow
from lms.extensions import db
from lms.people.queries import person_of_user
from lms.training import class_queries
from lms.training.blueprint import bp
from lms.training.forms import SCAN_LABELS
from lms.training.models import ClassSession
from lms.training.services import attendance as services
from lms.training.services.errors import TrainingError


class ScanForm(FlaskForm):
    """The trainee's confirmation: the session they were shown."""

    session = HiddenField(validators=[Regexp(r"^\d{1,12}$")])


class MarkForm(FlaskForm):
    """A sign-in or sign-out marked by staff; the reason is checked by the
    service, so that its message says what is missing."""

    person = HiddenField(validators=[Regexp(r"^\d{1,12}$")])
    kind = SelectField(_l("Sign-in or sign-out"), choices=list(SCAN_LABELS.items()))
    time = TimeField(_l("Time"), validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])


@bp.get("/sessions/<int:session_id>/attendance")
@allow(Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS)
def attendance_screen(session_id: int):
    """The QR code to project (institution staff, while scanning is open) and
    the roster with times and credited minutes; staff mark by hand below."""
    session = get_in_scope_or_404(ClassSession, session_id)
    cls = session.training_class
    is_staff = in_scope(session, [Role.INSTITUTION_STAFF])
    people = class_queries.enrolled_people(cls)
    roster = services.session_roster(session, people)
    now = utcnow()
    return render_template(
        "training/attendance.html", session=session, cls=cls, roster=roster, is_staff=is_staff,
        show_qr=is_staff and cls.takes_attendance and services.is_open(session, now=now),
        can_mark=is_staff and cls.takes_attendance, qr_seconds=services.qr_seconds(),
        server_ms=int(now.timestamp() * 1000), signed_in=sum(1 for line in roster if line.is_enrolled and line.signed_in),
        enrolled=len(people), form=MarkForm(), kind_labels=SCAN_LABELS)


@bp.get("/sessions/<int:session_id>/attendance/qr.svg")
@allow(Role.INSTITUTION_STAFF)
def attendance_qr(session_id: int):
    """The session's current QR code: the attendance URL with this window's token."""
    session = get_in_scope_or_404(ClassSession, session_id)
    if not (session.training_class.takes_attendance and services.is_open(session)):
        abort(404)  # scanning has closed: the screen reloads and says so
    url = url_for("training.attend", token=services.session_token(session.id), _external=True)
    svg = io.BytesIO()
    # A white quiet zone of its own (the projected page around it may be
    # dark); no fixed size: the page's stylesheet makes it fill the screen.
    segno.make(url, error="m").save(svg, kind="svg", scale=10, border=4, light="#fff", omitsize=True,
                                    xmldecl=False, svgclass=None, lineclass=None)
    # Never cached: an old code stops working within a minute.
    return Response(svg.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


@bp.route("/attend/<token>", methods=["GET", "POST"])
@allow(Role.TRAINEE)
def attend(token: str):
    """Opened by scanning: GET shows the session and what will be recorded
    (and writes nothing); POST records the sign-in or sign-out."""
    person = person_of_user(current_user.id)
    form = ScanForm()
    try:
        if request.method == "GET":
            preview = services.preview_scan(token, person=person)
        elif form.validate_on_submit():
            done = services.record_scan(token, confirmed_session_id=int(form.session.data), person=person)
        else:
            raise TrainingError(_("Scan the QR code on the screen again."))
    except TrainingError as refused:
        db.session.rollback()
        return render_template("training/attendance_scan.html", refused=str(refused)), 400
    if request.method == "POST":
        db.session.commit()
        return render_template("training/attendance_scan.html", preview=done, done=True)
    form.session.data = preview.session.id
    return render_template("training/attendance_scan.html", preview=preview, form=form, done=False,
                           qr_seconds=services.qr_seconds())


@bp.post("/sessions/<int:session_id>/attendance/mark")
@allow(Role.INSTITUTION_STAFF)
def mark_attendance(session_id: int):
    """Mark a trainee's sign-in or sign-out by hand, with the reason."""
    session = get_in_scope_or_404(ClassSession, session_id)
    back = redirect(url_for("training.attendance_screen", session_id=session.id, _anchor="roster"))
    form = MarkForm()
    if not form.validate_on_submit():
        flash(_("Give the time of the sign-in or sign-out (hours and minutes)."), "error")
        return back
    # Only the class's trainees: a made-up person id must not bring another
    # institution's trainee's name into a message.
    person = next((p for p in class_queries.enrolled_people(session.training_class)
                   if p.id == int(form.person.data)), None)
    if person is None:
        flash(_("Choose a trainee on the class's roster."), "error")
        return back
    at = services.on_session_day(session, form.time.data)
    try:
        services.mark_attendance(session, person, kind=form.kind.data, at=at, reason=form.reason.data or "",
                                 by=current_user)
    except TrainingError as refused:
        db.session.rollback()
        flash(_("%(name)s: %(problem)s", name=person.name, problem=str(refused)), "error")
    else:
        db.session.commit()
        flash(_("%(kind)s of %(name)s marked at %(time)s.", kind=SCAN_LABELS[form.kind.data], name=person.name,
                time=form.time.data.strftime("%H:%M")), "success")
    return back
