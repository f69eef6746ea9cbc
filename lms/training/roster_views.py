"""A class's roster: who holds a place and who waits, enrolling people found
by name or number tail, taking someone off (the next in line moves up), and
the roster as Excel: the template, importing a filled one, the export."""

from pathlib import PurePosixPath, PureWindowsPath

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.core.access import Role, allow, get_in_scope_or_404, in_scope
from lms.core.downloads import attachment
from lms.extensions import db
from lms.people import services as people_services
from lms.people.models import Person
from lms.people.queries import search_people
from lms.people.search import search_argument
from lms.training import class_queries, roster_sheet
from lms.training.blueprint import bp
from lms.training.forms import EnrolForm, ReasonForm, RosterImportForm
from lms.training.models import ClassEnrolment, EnrolmentStatus, TrainingClass
from lms.training.services import enrolment as services
from lms.training.services import roster as roster_import
from lms.training.services.errors import TrainingError

STAFF = (Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS)
FOUND_SHOWN = 50  # people offered at once when enrolling: a list to tick on a phone


@bp.get("/classes/<int:class_id>/roster")
@allow(*STAFF)
def roster(class_id: int):
    cls = get_in_scope_or_404(TrainingClass, class_id)
    search, refused = search_argument("training.roster", class_id=cls.id)
    if refused:
        return refused
    on_class = select(ClassEnrolment.person_id).where(ClassEnrolment.class_id == cls.id,
                                                      ClassEnrolment.status != EnrolmentStatus.WITHDRAWN)
    found, more = search_people(search, limit=FOUND_SHOWN, where=Person.id.not_in(on_class)) \
        if search else ([], False)
    return _roster_page(cls, search=search, found=found, more=more)


def _roster_page(cls: TrainingClass, **extra) -> str:
    extra.setdefault("search", "")
    return render_template("training/roster.html", cls=cls, rows=class_queries.roster(cls),
                           enrolled=services.enrolled_count(cls), form=EnrolForm(), reason_form=ReasonForm(),
                           import_form=RosterImportForm(), is_staff=current_user.has_any_role({Role.INSTITUTION_STAFF}),
                           can_enrol=cls.status in services.OPEN_FOR_ENROLMENT,
                           **extra)


@bp.post("/classes/<int:class_id>/roster")
@allow(Role.INSTITUTION_STAFF)
def enrol(class_id: int):
    cls = get_in_scope_or_404(TrainingClass, class_id)
    if not EnrolForm().validate_on_submit():
        flash(_("Check the selection."), "error")
        return redirect(url_for("training.roster", class_id=cls.id))
    ids = [int(value) for value in request.form.getlist("person") if value.isdigit()][:FOUND_SHOWN]
    people = [person for person in db.session.scalars(db.select(Person).where(Person.id.in_(ids)))
              if in_scope(person)]
    placed = waiting = 0
    try:
        for person in people:
            enrolment = services.enrol(cls, person, by=current_user)
            placed, waiting = (placed + 1, waiting) if enrolment.enrolled_at else (placed, waiting + 1)
    except TrainingError as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        db.session.commit()
        flash(_("%(n)s enrolled, %(w)s on the waiting list.", n=placed, w=waiting), "success")
    return redirect(url_for("training.roster", class_id=cls.id))


@bp.post("/classes/<int:class_id>/roster/<int:enrolment_id>/withdraw")
@allow(Role.INSTITUTION_STAFF)
def withdraw(class_id: int, enrolment_id: int):
    cls = get_in_scope_or_404(TrainingClass, class_id)
    enrolment = db.session.get(ClassEnrolment, enrolment_id)
    if enrolment is None or enrolment.class_id != cls.id:
        return redirect(url_for("training.roster", class_id=cls.id))
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Say why the trainee leaves the class."), "error")
        return redirect(url_for("training.roster", class_id=cls.id))
    try:
        promoted = services.withdraw(enrolment, reason=form.reason.data, by=current_user)
    except TrainingError as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        db.session.commit()
        flash(_("%(name)s has left the class; %(next)s moves up from the waiting list.",
                name=enrolment.person.name, next=promoted.person.name) if promoted else
              _("%(name)s has left the class.", name=enrolment.person.name), "success")
    return redirect(url_for("training.roster", class_id=cls.id))


@bp.get("/classes/roster-template.xlsx")
@allow(*STAFF)
def roster_template():
    return attachment(roster_sheet.template_workbook(), "roster-template.xlsx")


@bp.post("/classes/<int:class_id>/roster/import")
@allow(Role.INSTITUTION_STAFF)
def import_roster(class_id: int):
    cls = get_in_scope_or_404(TrainingClass, class_id)
    form = RosterImportForm()
    if not form.validate_on_submit():
        flash(_("Choose the roster file (.xlsx) to upload."), "error")
        return redirect(url_for("training.roster", class_id=cls.id))
    upload = form.file.data
    # The name as the user's computer gave it, without any folder (audit only).
    file_name = PureWindowsPath(PurePosixPath(upload.filename or "").name).name[:200]
    try:
        data = roster_sheet.read_upload(upload.stream)
        result = roster_import.import_roster(cls, roster_sheet.read_roster(data), file_name=file_name,
                                             data=data, by=current_user)
    except (roster_sheet.RosterFileError, roster_import.RosterRefused) as refused:
        db.session.rollback()
        return _roster_page(cls, problems=refused.problems, import_file=file_name), 400
    except TrainingError as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("training.roster", class_id=cls.id))
    db.session.commit()
    flash(_("Roster imported: %(n)s new to the registry, %(e)s registered already; %(p)s given a place, "
            "%(w)s on the waiting list.", n=result.new_people, e=result.existing_people, p=result.enrolled,
            w=result.waiting), "success")
    if result.waiting:
        flash(_("The class has %(m)s places: %(w)s trainees from the file are on the waiting list, in the "
                "file's order, and move up as places free.", m=cls.capacity, w=result.waiting), "info")
    return redirect(url_for("training.roster", class_id=cls.id))


@bp.get("/classes/<int:class_id>/roster.xlsx")
@allow(*STAFF)
def export_roster(class_id: int):
    cls = get_in_scope_or_404(TrainingClass, class_id)
    return attachment(roster_sheet.roster_workbook(class_queries.roster(cls)), f"roster-{cls.id}.xlsx")


ACCOUNTS_AT_ONCE = 100  # accounts opened per click: each password hash costs ~0.1 s


@bp.post("/classes/<int:class_id>/roster/accounts")
@allow(Role.INSTITUTION_STAFF)
def open_accounts(class_id: int):
    """Open trainee accounts for the class's people who have none (a roster
    import registers people without accounts), and show their temporary
    passwords once, to print and hand out."""
    cls = get_in_scope_or_404(TrainingClass, class_id)
    if not EnrolForm().validate_on_submit():
        flash(_("Check the selection."), "error")
        return redirect(url_for("training.roster", class_id=cls.id))
    without = [row.person for row in class_queries.roster(cls) if row.person.user_id is None]
    slips, taken = [], []
    for person in without[:ACCOUNTS_AT_ONCE]:
        password = people_services.open_account(person, created_by=current_user)
        if password:
            slips.append((person, password))
        else:
            taken.append(person)
    db.session.commit()
    response = current_app.make_response(render_template(
        "training/account_slips.html", cls=cls, slips=slips, taken=taken,
        remaining=max(0, len(without) - ACCOUNTS_AT_ONCE)))
    # The passwords are shown once: no copy in a cache or the browser's history.
    response.headers["Cache-Control"] = "no-store"
    return response
