"""Practical assessment pages: staff set one up; assigned examiners mark it
on a phone or tablet; the chief examiner locks it."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.auth.models import RoleAssignment, User
from lms.core.access import Role, allow, get_in_scope_or_404
from lms.core.masking import mask_phone
from lms.core.pagination import paginate
from lms.exams import practical, queries
from lms.exams.blueprint import bp
from lms.exams.forms import AssessmentForm, LockForm, MarkForm
from lms.exams.models import PracticalAssessment, PracticalSheet
from lms.extensions import db
from lms.people.models import Person
from lms.people.queries import people_stmt, search_people
from lms.people.search import search_argument
from lms.regions.queries import own_institution
from lms.training.queries import active_programmes

VIEWERS = (Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS, Role.EXAMINER)
# Candidates offered at once when setting up an assessment: a short list to
# pick from on a phone; a large institution searches instead of scrolling.
CANDIDATES_SHOWN = 50


def _is_supervisor() -> bool:
    return current_user.has_any_role({Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS})


def _assessment_or_404(assessment_id: int) -> PracticalAssessment:
    assessment = get_in_scope_or_404(PracticalAssessment, assessment_id)
    # An examiner sees only the candidates assigned to them, even in their institution.
    if not _is_supervisor() and current_user.id not in assessment.examiner_ids:
        abort(404)
    return assessment


def _error_message(code: str) -> str:
    if code.startswith("item:"):
        return _("Points for item %(item)s must be between 0 and its maximum.", item=code[5:])
    return {
        "not_assigned": _("You are not an examiner of this assessment."),
        "locked": _("The result is locked: only the chief examiner can change it, with a reason."),
        "not_chief": _("Only the chief examiner can lock the result."),
        "marks_missing": _("Every examiner must enter marks before the result is locked."),
        "flagged_needs_note": _("The examiners' marks differ: say why the result stands before locking."),
        "chief_not_examiner": _("The chief examiner must be one of the examiners."),
        "unknown_item": _("The marks name an item that is not on the sheet."),
        "unknown_critical": _("The marks name a critical item that is not on the sheet."),
    }.get(code, code)


@bp.get("/practical")
@allow(*VIEWERS)
def practical_index():
    stmt = queries.practical_stmt(None if _is_supervisor() else current_user.id)
    return render_template("exams/practical_index.html", page=paginate(stmt),
                           can_create=current_user.has_any_role({Role.INSTITUTION_STAFF}))


def _examiners_of(institution_id: int) -> list[User]:
    return list(db.session.scalars(select(User).join(RoleAssignment).where(
        RoleAssignment.role == Role.EXAMINER, RoleAssignment.institution_id == institution_id,
        User.is_active_account).order_by(User.display_name)))


def _candidates(search: str) -> tuple[list[Person], bool]:
    """The caregivers in scope that ``search`` finds (at most CANDIDATES_SHOWN,
    and whether more match); on a POST, also the one chosen, should it have
    come from an earlier search."""
    found, more = search_people(search, category="caregiver", limit=CANDIDATES_SHOWN)
    posted = request.form.get("person", type=int)
    if posted and posted not in {p.id for p in found}:
        # The scope check again, by the same statement: a posted id of another
        # institution's person finds nothing and the form refuses the choice.
        chosen = db.session.scalar(people_stmt(category="caregiver").where(Person.id == posted))
        found += [chosen] if chosen else []
    return found, more


@bp.route("/practical/new", methods=["GET", "POST"])
@allow(Role.INSTITUTION_STAFF)
def new_assessment():
    institution = own_institution()
    examiners = _examiners_of(institution.id)
    programmes = {p.code: p for p in active_programmes()}
    search, refused = search_argument("exams.new_assessment")
    if refused:
        return refused
    candidates, more = _candidates(search)
    form = AssessmentForm()
    form.person.choices = [(p.id, f"{p.name} {p.id_number_masked} {mask_phone(p.phone)}") for p in candidates]
    form.sheet.choices = [(s.id, s.title) for s in db.session.scalars(select(PracticalSheet)
                                                                      .order_by(PracticalSheet.code))]
    form.programme.choices = [("", _("None"))] + [(c, p.name) for c, p in programmes.items()]
    form.chief.choices = [(u.id, u.display_name) for u in examiners]
    chosen = {int(v) for v in request.form.getlist("examiner") if v.isdigit()}
    if form.validate_on_submit():
        picked = [u for u in examiners if u.id in chosen]
        if not picked:
            flash(_("Choose at least one examiner."), "error")
        else:
            try:
                assessment = practical.create_assessment(
                    sheet=db.session.get(PracticalSheet, form.sheet.data),
                    person=next(p for p in candidates if p.id == form.person.data),
                    institution=institution, programme=programmes.get(form.programme.data or ""),
                    examiners=picked, chief=next((u for u in examiners if u.id == form.chief.data), picked[0]))
            except practical.PracticalError as error:
                db.session.rollback()
                flash(_error_message(str(error)), "error")
            else:
                db.session.commit()
                flash(_("Assessment set up."), "success")
                return redirect(url_for("exams.assessment", assessment_id=assessment.id))
    return render_template("exams/practical_new.html", form=form, examiners=examiners, chosen=chosen,
                           search=search, more=more, shown=CANDIDATES_SHOWN), \
        400 if request.method == "POST" else 200


@bp.route("/practical/<int:assessment_id>", methods=["GET", "POST"])
@allow(*VIEWERS)
def assessment(assessment_id: int):
    item = _assessment_or_404(assessment_id)
    sheet = item.sheet
    own = next((m for m in item.marks if m.examiner_id == current_user.id), None)
    may_mark = current_user.id in item.examiner_ids and (
        not item.is_locked or current_user.id == item.chief_examiner_id)
    errors: list[str] = []
    if request.method == "POST":
        if not may_mark:
            abort(403)
        if not MarkForm().validate_on_submit():
            abort(400)
        points = {}
        for entry in sheet.items:
            raw = request.form.get(f"item-{entry['code']}", "").strip()
            if not raw.isdigit():
                errors.append(_("Enter whole points for “%(item)s”.", item=entry["title"]))
            else:
                points[entry["code"]] = int(raw)
        critical = [int(v) for v in request.form.getlist("critical") if v.isdigit()]
        if not errors:
            try:
                practical.record_marks(item, current_user, points, critical, request.form.get("note", "")[:500],
                                       reason=request.form.get("reason", "")[:300])
            except practical.PracticalError as error:
                db.session.rollback()
                errors.append(_error_message(str(error)))
            else:
                db.session.commit()
                flash(_("Marks saved."), "success")
                return redirect(url_for("exams.assessment", assessment_id=item.id))
    return render_template("exams/assessment.html", item=item, sheet=sheet, own=own, may_mark=may_mark,
                           errors=errors, entered=request.form if errors else None, lock_form=LockForm(),
                           is_chief=current_user.id == item.chief_examiner_id), 400 if errors else 200


@bp.post("/practical/<int:assessment_id>/lock")
@allow(Role.EXAMINER)
def lock(assessment_id: int):
    item = _assessment_or_404(assessment_id)
    form = LockForm()
    if form.validate_on_submit():
        try:
            practical.lock_assessment(item, current_user, form.note.data or "")
        except practical.PracticalError as error:
            db.session.rollback()
            flash(_error_message(str(error)), "error")
        else:
            db.session.commit()
            flash(_("Result locked."), "success")
    return redirect(url_for("exams.assessment", assessment_id=item.id))
