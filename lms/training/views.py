"""Class pages: the list, a new class and its opening application (details,
teaching plan, instructors), the workflow buttons, and instructors.
(Sessions and calendars: session_views.py; rosters: roster_views.py;
attendance: attendance_views.py; hours: report_views.py.)"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.core.access import Role, allow, get_in_scope_or_404
from lms.core.pagination import paginate
from lms.extensions import db
from lms.regions.queries import own_institution
from lms.training import (  # noqa: F401  (their routes join the blueprint)
    attendance_views,
    class_queries,
    person_views,
    report_views,
    roster_views,
    session_views,
)
from lms.training.blueprint import bp
from lms.training.forms import (
    COMMITMENT,
    MODE_LABELS,
    ClassForm,
    InstructorForm,
    InstructorsForm,
    PlanForm,
    ReasonForm,
    SubmitForm,
)
from lms.training.models import ClassStatus, PlanMode, TrainingClass
from lms.training.queries import active_programmes
from lms.training.services import classes as services
from lms.training.services.errors import TrainingError

STAFF = (Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS)
PLAN_ROWS_SHOWN = 5  # empty rows offered below the plan's existing ones


def class_in_scope(class_id: int) -> TrainingClass:
    """The class, or 404 when it does not exist or lies outside the user's scope."""
    return get_in_scope_or_404(TrainingClass, class_id)


def _details(form: ClassForm) -> services.ClassDetails:
    return services.ClassDetails(
        name=form.name.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data, venue=form.venue.data,
        capacity=form.capacity.data, is_subsidised=form.is_subsidised.data, fee_yuan=form.fee_yuan.data,
        resources=form.resources.data or "", theory_exam_on=form.theory_exam_on.data,
        practical_exam_on=form.practical_exam_on.data)


@bp.get("/classes")
@allow(*STAFF)
def classes():
    status = request.args.get("status", "")
    status = status if status in set(ClassStatus) else ""
    return render_template("training/classes.html", page=paginate(class_queries.classes_stmt(status)),
                           status=status, can_create=current_user.has_any_role({Role.INSTITUTION_STAFF}))


@bp.route("/classes/new", methods=["GET", "POST"])
@allow(Role.INSTITUTION_STAFF)
def new_class():
    institution = own_institution()
    form = ClassForm()
    form.programme.choices = [(p.code, p.name) for p in active_programmes()]
    if form.validate_on_submit():
        programme = next(p for p in active_programmes() if p.code == form.programme.data)
        try:
            cls = services.create_class(institution=institution, programme=programme, details=_details(form),
                                        by=current_user)
        except TrainingError as refused:
            db.session.rollback()
            flash(str(refused), "error")
        else:
            db.session.commit()
            flash(_("The class is saved as a draft. Add its teaching plan, instructors and roster, then "
                    "submit the opening application."), "success")
            return redirect(url_for("training.show_class", class_id=cls.id))
    return render_template("training/class_form.html", form=form, cls=None), 400 if form.errors else 200


@bp.get("/classes/<int:class_id>")
@allow(*STAFF)
def show_class(class_id: int):
    cls = class_in_scope(class_id)
    is_staff = current_user.has_any_role({Role.INSTITUTION_STAFF})
    return render_template(
        "training/class.html", cls=cls, is_staff=is_staff, commitment=COMMITMENT,
        can_decide=current_user.has_any_role({Role.CIVIL_AFFAIRS}) and cls.status == ClassStatus.SUBMITTED,
        problems=services.application_problems(cls) if cls.status == ClassStatus.DRAFT else [],
        enrolled=services.enrolled_count(cls), sessions=class_queries.sessions_of(cls),
        submit_form=SubmitForm(), reason_form=ReasonForm(), mode_labels=MODE_LABELS)


@bp.route("/classes/<int:class_id>/edit", methods=["GET", "POST"])
@allow(Role.INSTITUTION_STAFF)
def edit_class(class_id: int):
    cls = class_in_scope(class_id)
    form = ClassForm(obj=cls if request.method == "GET" else None)
    form.programme.choices = [(cls.programme.code, cls.programme.name)]
    form.programme.data = cls.programme.code
    if form.validate_on_submit():
        try:
            services.update_class(cls, _details(form), by=current_user)
        except TrainingError as refused:
            db.session.rollback()
            flash(str(refused), "error")
        else:
            db.session.commit()
            return redirect(url_for("training.show_class", class_id=cls.id))
    return render_template("training/class_form.html", form=form, cls=cls), 400 if form.errors else 200


def _plan_rows(form) -> tuple[list[services.PlanRow], list[str]]:
    """The plan rows posted as topic-N / mode-N / hours-N; blank rows are skipped."""
    rows, problems = [], []
    numbers = sorted({int(key.split("-", 1)[1]) for key in form if key.startswith("topic-")
                      and key.split("-", 1)[1].isdigit()})
    for number in numbers:
        topic = form.get(f"topic-{number}", "").strip()
        hours = form.get(f"hours-{number}", "").strip()
        if not topic and not hours:
            continue
        if not hours.isdigit():
            problems.append(_("Plan row %(n)s: give the hours as a whole number.", n=number))
            continue
        rows.append(services.PlanRow(topic=topic, mode=form.get(f"mode-{number}", ""), hours=int(hours)))
    return rows, problems


@bp.route("/classes/<int:class_id>/plan", methods=["GET", "POST"])
@allow(Role.INSTITUTION_STAFF)
def plan(class_id: int):
    cls = class_in_scope(class_id)
    form = PlanForm()
    if request.method == "POST" and form.validate_on_submit():
        rows, problems = _plan_rows(request.form)
        if not problems:
            try:
                services.set_plan(cls, rows, by=current_user)
            except TrainingError as refused:
                db.session.rollback()
                problems = [str(refused)]
            else:
                db.session.commit()
                flash(_("The teaching plan is saved."), "success")
                return redirect(url_for("training.show_class", class_id=cls.id))
        for problem in problems:
            flash(problem, "error")
    shown = [(item.topic, item.mode, item.hours) for item in cls.plan_items]
    shown += [("", PlanMode.CLASSROOM, "")] * PLAN_ROWS_SHOWN
    return render_template("training/plan.html", cls=cls, rows=shown, form=form, mode_labels=MODE_LABELS), \
        400 if request.method == "POST" else 200


@bp.route("/classes/<int:class_id>/instructors", methods=["GET", "POST"])
@allow(Role.INSTITUTION_STAFF)
def class_instructors(class_id: int):
    cls = class_in_scope(class_id)
    available = class_queries.institution_instructors(cls.institution_id)
    form = InstructorsForm()
    form.instructors.choices = [(i.id, f"{i.name}（{i.qualification_kind} {i.qualification_number}）")
                                for i in available]
    if request.method == "GET":
        form.instructors.data = [i.id for i in cls.instructors]
    if form.validate_on_submit():
        chosen = [i for i in available if i.id in set(form.instructors.data)]
        try:
            services.set_instructors(cls, chosen, by=current_user)
        except TrainingError as refused:
            db.session.rollback()
            flash(str(refused), "error")
        else:
            db.session.commit()
            return redirect(url_for("training.show_class", class_id=cls.id))
    return render_template("training/class_instructors.html", cls=cls, form=form, available=available), \
        400 if form.errors else 200


def _transition(class_id: int, action, success: str, **kwargs):
    """Make one workflow step on the class (the POST's CSRF token checked
    first); a refused step is flashed with its reason."""
    cls = class_in_scope(class_id)
    if not SubmitForm().validate_on_submit():
        abort(400)
    try:
        action(cls, by=current_user, **kwargs)
    except TrainingError as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(url_for("training.show_class", class_id=cls.id))


@bp.post("/classes/<int:class_id>/submit")
@allow(Role.INSTITUTION_STAFF)
def submit_class(class_id: int):
    return _transition(class_id, services.submit_class, _("The opening application is submitted."),
                       commitment=str(COMMITMENT), confirmed=bool(request.form.get("confirmed")))


@bp.post("/classes/<int:class_id>/approve")
@allow(Role.CIVIL_AFFAIRS)
def approve_class(class_id: int):
    return _transition(class_id, services.approve_class, _("The class is approved."))


@bp.post("/classes/<int:class_id>/return")
@allow(Role.CIVIL_AFFAIRS)
def return_class(class_id: int):
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Say why the application is returned."), "error")
        return redirect(url_for("training.show_class", class_id=class_in_scope(class_id).id))
    return _transition(class_id, services.return_class, _("The application is returned to the institution."),
                       reason=form.reason.data)


@bp.post("/classes/<int:class_id>/start")
@allow(Role.INSTITUTION_STAFF)
def start_class(class_id: int):
    return _transition(class_id, services.start_class, _("The class has started."))


@bp.post("/classes/<int:class_id>/close")
@allow(Role.INSTITUTION_STAFF)
def close_class(class_id: int):
    return _transition(class_id, services.close_class, _("The class is closed."))


@bp.route("/instructors", methods=["GET", "POST"])
@allow(Role.INSTITUTION_STAFF)
def instructors():
    institution = own_institution()
    form = InstructorForm()
    if form.validate_on_submit():
        try:
            services.create_instructor(institution=institution, name=form.name.data,
                                       qualification_kind=form.qualification_kind.data,
                                       qualification_number=form.qualification_number.data, by=current_user)
        except TrainingError as refused:
            db.session.rollback()
            form.qualification_number.errors.append(str(refused))
        else:
            db.session.commit()
            flash(_("The instructor is registered."), "success")
            return redirect(url_for("training.instructors"))
    return render_template("training/instructors.html", form=form,
                           instructors=class_queries.institution_instructors(institution.id)), \
        400 if form.errors else 200
