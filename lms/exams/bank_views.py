"""Question bank pages: browse and filter, edit (new version when used),
import GIFT / Moodle XML / YAML, export GIFT / Moodle XML."""

from pathlib import Path

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.core.access import Role, allow
from lms.core.pagination import paginate
from lms.core.vocabulary import FUNCTIONAL_AREAS
from lms.exams import bank_services, queries
from lms.exams.bank_files import BankFile, export_form, read_moodle_bank, read_yaml_bank
from lms.exams.blueprint import bp
from lms.exams.formats.gift import to_gift
from lms.exams.formats.moodle_xml import to_moodle_xml
from lms.exams.forms import KIND_LABELS, BankImportForm, QuestionFilterForm, QuestionForm
from lms.exams.models import Question
from lms.extensions import db

STAFF = (Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS)


@bp.get("/exams/questions")
@allow(*STAFF)
def questions():
    form = QuestionFilterForm(request.args)
    form.bank.choices = [("", _("All banks"))] + [(b.code, b.title) for b in queries.banks()]
    form.validate()
    stmt = queries.questions_stmt(search=form.q.data or "", bank=form.bank.data or "",
                                  area=form.area.data or "", kind=form.kind.data or "",
                                  level=int(form.level.data) if form.level.data else None)
    return render_template("exams/questions.html", page=paginate(stmt), form=form, areas=FUNCTIONAL_AREAS,
                           kinds=KIND_LABELS, can_edit=current_user.has_any_role({Role.CIVIL_AFFAIRS}))


@bp.route("/exams/questions/<int:question_id>/edit", methods=["GET", "POST"])
@allow(Role.CIVIL_AFFAIRS)
def edit_question(question_id: int):
    question = db.get_or_404(Question, question_id)
    version = question.current
    form = QuestionForm(kind=question.kind, data=None if request.method == "POST" else {
        "stem": version.stem, "options": "\n".join(version.options),
        "answer": version.answer, "explanation": version.explanation, "area": version.area,
        "level": version.level, "difficulty": version.difficulty, "tags": ", ".join(version.tags)})
    if form.validate_on_submit():
        new = bank_services.update_question(question, {
            "kind": question.kind, "stem": form.stem.data.strip(), "options": form.option_list(),
            "answer": form.normalised_answer(), "explanation": form.explanation.data.strip(),
            "area": form.area.data, "level": form.level.data, "difficulty": form.difficulty.data,
            "tags": [t.strip() for t in (form.tags.data or "").replace("，", ",").split(",") if t.strip()]})
        db.session.commit()
        flash(_("Saved as version %(n)s.", n=new.version), "success")
        return redirect(url_for("exams.questions", q=question.code))
    return render_template("exams/question_edit.html", question=question, form=form, kinds=KIND_LABELS), \
        400 if request.method == "POST" else 200


@bp.route("/exams/questions/import", methods=["GET", "POST"])
@allow(Role.CIVIL_AFFAIRS)
def import_questions():
    form = BankImportForm()
    report = None
    bank_file: BankFile | None = None
    if form.validate_on_submit():
        upload = form.file.data
        name, data = upload.filename or "upload", upload.read()
        if name.lower().endswith((".yaml", ".yml")):
            bank_file = _read_uploaded_yaml(name, data)
        else:
            code = (form.bank.data or "").strip() or name.rsplit(".", 1)[0]
            bank_file = read_moodle_bank(
                name, data, code=code[:64], title=(form.title.data or code).strip(), audience=form.audience.data,
                area=form.area.data, level=form.level.data, difficulty=2, code_prefix=code.upper()[:20])
        try:
            report = bank_services.import_bank(bank_file)
        except bank_services.BankImportError as error:
            db.session.rollback()
            return render_template("exams/import.html", form=form, problems=error.problems,
                                   skipped=bank_file.skipped), 400
        db.session.commit()
    return render_template("exams/import.html", form=form, report=report, problems=[],
                           skipped=bank_file.skipped if bank_file else [])


def _read_uploaded_yaml(name: str, data: bytes) -> BankFile:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return BankFile(code="", title="", audience="", problems=[f"{name}:1: the file is not UTF-8 text"])
    return read_yaml_bank(Path(Path(name).name), text)


@bp.get("/exams/questions/export")
@allow(*STAFF)
def export_questions():
    bank = request.args.get("bank", "")
    fmt = request.args.get("format", "gift")
    rows = db.session.scalars(queries.questions_stmt(bank=bank)).all()
    parsed = export_form(rows)
    name = bank or "carelms"
    if fmt == "xml":
        return Response(to_moodle_xml(parsed), mimetype="application/xml",
                        headers={"Content-Disposition": f"attachment; filename={name}.xml"})
    return Response(to_gift(parsed), mimetype="text/plain; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename={name}.gift"})


