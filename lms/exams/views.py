"""Exam pages for institution and civil-affairs staff: list, set an exam,
admit candidates, results, and item analysis with its Excel export.
(Bank: bank_views.py; candidates sitting an exam: attempt_views.py;
practical assessments: practical_views.py.)"""

import io
from datetime import datetime

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from openpyxl import Workbook
from sqlalchemy import select

from lms.core.access import Role, allow, get_in_scope_or_404
from lms.core.pagination import paginate
from lms.core.time import local_zone
from lms.core.vocabulary import AUDIENCES, FUNCTIONAL_AREAS
from lms.exams import (  # noqa: F401  (routes join the blueprint; the section joins the person page)
    analysis,
    attempt_views,
    bank_views,
    person_section,
    practical_views,
    queries,
    services,
)
from lms.exams.attempts import close_expired_attempts
from lms.exams.blueprint import bp
from lms.exams.forms import KIND_LABELS, CandidatesForm, ExamForm
from lms.exams.models import Exam, Question
from lms.extensions import db
from lms.people.models import Person
from lms.people.queries import people_stmt
from lms.people.search import search_argument
from lms.regions.queries import own_institution
from lms.training.queries import active_programmes

STAFF = (Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS)
# People offered for admission at a time: a list to tick on a phone; a large
# institution searches by name or number tail, or admits in rounds.
ADMISSIBLE_SHOWN = 100


def _aware(value: datetime) -> datetime:
    """A date-time typed in the form is local time where the service runs."""
    return value.replace(tzinfo=local_zone())


@bp.get("/exams")
@allow(*STAFF)
def index():
    return render_template("exams/index.html", page=paginate(queries.exams_stmt()),
                           can_create=current_user.has_any_role({Role.INSTITUTION_STAFF}))


@bp.route("/exams/new", methods=["GET", "POST"])
@allow(Role.INSTITUTION_STAFF)
def new():
    form = ExamForm()
    programmes = {p.code: p for p in active_programmes()}
    form.programme.choices = [("", _("None"))] + [(code, p.name) for code, p in programmes.items()]
    if form.validate_on_submit():
        institution = own_institution()
        programme = programmes.get(form.programme.data or "")
        try:
            exam = services.create_exam(
                title=form.title.data.strip(), institution=institution, programme=programme,
                audience=form.audience.data, level=form.level.data, blueprint=form.blueprint_rows,
                duration_minutes=form.duration_minutes.data, pass_mark=form.pass_mark.data,
                attempts_allowed=form.attempts_allowed.data, opens_at=_aware(form.opens_at.data),
                closes_at=_aware(form.closes_at.data), by=current_user)
        except services.BlueprintError as error:
            db.session.rollback()
            form.blueprint.errors = list(error.problems)
        else:
            db.session.commit()
            flash(_("Exam created. Now admit its candidates."), "success")
            return redirect(url_for("exams.show", exam_id=exam.id))
    return render_template("exams/new.html", form=form, areas=FUNCTIONAL_AREAS, kinds=KIND_LABELS), \
        400 if request.method == "POST" else 200


@bp.get("/exams/<int:exam_id>")
@allow(*STAFF)
def show(exam_id: int):
    exam = get_in_scope_or_404(Exam, exam_id)
    if close_expired_attempts(exam=exam):
        db.session.commit()
    search, refused = search_argument("exams.show", exam_id=exam.id)
    if refused:
        return refused
    rows = queries.candidates_with_results(exam)
    admissible, more = [], False
    can_admit = current_user.has_any_role({Role.INSTITUTION_STAFF})
    if can_admit:
        admissible, more = queries.admissible_people(exam, search, limit=ADMISSIBLE_SHOWN)
    return render_template("exams/show.html", exam=exam, rows=rows, can_admit=can_admit, search=search,
                           admissible=admissible, more=more, shown=ADMISSIBLE_SHOWN, form=CandidatesForm(),
                           areas=FUNCTIONAL_AREAS, kinds=KIND_LABELS, audiences=AUDIENCES)


@bp.post("/exams/<int:exam_id>/candidates")
@allow(Role.INSTITUTION_STAFF)
def add_candidates(exam_id: int):
    exam = get_in_scope_or_404(Exam, exam_id)
    form = CandidatesForm()
    if form.validate_on_submit():
        ids = [int(v) for v in request.form.getlist("person") if v.isdigit()]
        # Only people in the staff member's own scope can be admitted.
        people = db.session.scalars(people_stmt().where(Person.id.in_(ids))).all() if ids else []
        short = services.short_of_hours(exam, list(people))
        added = services.add_candidates(exam, list(people))
        db.session.commit()
        flash(_("%(n)s candidates admitted.", n=added), "success")
        if short:
            flash(_("Not admitted, short of the programme's hours: %(names)s.",
                    names=", ".join(person.name for person in short)), "error")
    return redirect(url_for("exams.show", exam_id=exam.id))


@bp.get("/exams/<int:exam_id>/analysis")
@allow(*STAFF)
def item_analysis(exam_id: int):
    exam = get_in_scope_or_404(Exam, exam_id)
    stats, labels = _analysis(exam)
    return render_template("exams/analysis.html", exam=exam, stats=stats, labels=labels)


@bp.get("/exams/<int:exam_id>/analysis.xlsx")
@allow(*STAFF)
def item_analysis_export(exam_id: int):
    exam = get_in_scope_or_404(Exam, exam_id)
    stats, labels = _analysis(exam)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Item analysis")
    for row in analysis.stats_rows(stats, labels):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return send_file(buffer, as_attachment=True, download_name=f"item-analysis-{exam.id}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _analysis(exam: Exam):
    responses, totals, letters, keys = queries.closed_responses(exam)
    stats = analysis.analyse(responses, totals, options=letters, keys=keys)
    codes = dict(db.session.execute(select(Question.id, Question.code).where(
        Question.id.in_([s.question_id for s in stats]))).all()) if stats else {}
    return stats, codes
