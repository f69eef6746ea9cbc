"""Course pages: catalogue, lessons with heartbeats and quizzes, my learning,
and the staff views of enrolment, progress and study records."""

from babel.lists import format_list
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from lms.auth.session import signed_in_session
from lms.core.access import Role, allow, get_in_scope_or_404
from lms.core.pagination import paginate
from lms.core.vocabulary import AUDIENCES, FUNCTIONAL_AREAS
from lms.courses import export, person_section, queries, services, study  # noqa: F401  (person_section: joins the person page)
from lms.courses.forms import EnrolForm, QuizForm
from lms.courses.models import Lesson
from lms.courses.quiz import QuizIncomplete, grade_quiz
from lms.extensions import db, login_manager
from lms.people.models import Person
from lms.people.queries import person_of_user

bp = Blueprint("courses", __name__)

_LEARNERS = (Role.TRAINEE,)
_STAFF = (Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS)


@bp.app_template_filter("study_hours")
def study_hours_filter(seconds: int) -> str:
    return study.format_study_hours(seconds or 0)


def _learner() -> Person:
    person = person_of_user(current_user.id)
    if person is None:
        abort(403)
    return person


def _course_or_404(slug: str):
    course = queries.course_by_slug(slug)
    if course is None:
        abort(404)
    return course


def _studying(slug: str, lesson_slug: str):
    """The learner, the course, the lesson and the enrolment — or 404 when the
    lesson does not exist or the learner may not study it (no data either way)."""
    person, course = _learner(), _course_or_404(slug)
    lesson = queries.lesson_in_course(course, lesson_slug)
    if lesson is None:
        abort(404)
    try:
        enrolment = services.require_access(person, course)
    except services.NotEnrolled:
        abort(404)
    return person, course, lesson, enrolment


@bp.get("/courses")
@allow(Role.TRAINEE, *_STAFF)
def catalogue():
    audience = request.args.get("audience", "")
    audience = audience if audience in AUDIENCES else ""
    staff = current_user.has_any_role(_STAFF)
    person = None if staff else person_of_user(current_user.id)
    courses = queries.catalogue(audience=audience, person=person, everything=staff)
    return render_template("courses/catalogue.html", courses=courses, audience=audience, audiences=AUDIENCES)


@bp.get("/courses/<slug>")
@allow(Role.TRAINEE, *_STAFF)
def course(slug: str):
    item = _course_or_404(slug)
    progress, enrolment, person = {}, None, None
    if not current_user.has_any_role(_STAFF):
        person = _learner()
        enrolment = services.enrolment_for(person, item)
        if enrolment is None and not item.is_public:
            abort(404)
        progress = queries.progress_by_lesson(person, item)
    return render_template("courses/course.html", course=item, progress=progress, enrolment=enrolment,
                           areas=FUNCTIONAL_AREAS, required=study.required_seconds)


@bp.get("/courses/<slug>/lessons/<lesson_slug>")
@allow(*_LEARNERS)
def lesson(slug: str, lesson_slug: str):
    person, course, item, enrolment = _studying(slug, lesson_slug)
    services.note_resume_point(enrolment, item)
    db.session.commit()
    return _render_lesson(person, course, item, quiz_result=None)


def _quiz_state(item: Lesson, result, incomplete: QuizIncomplete | None) -> dict:
    """The answers to tick again and, when some are missing, which and a message."""
    if incomplete is None:
        return {"given": result.given if result else {}, "unanswered": set(), "unanswered_message": None}
    questions = format_list([_("question %(n)s", n=n) for n in incomplete.numbers], locale=get_locale())
    return {
        "given": incomplete.given,
        "unanswered": {item.questions[n - 1].id for n in incomplete.numbers},
        "unanswered_message": _("Answer every question before you submit. Not answered yet: %(questions)s.",
                                questions=questions),
    }


def _render_lesson(person, course, item, quiz_result, status=200, incomplete: QuizIncomplete | None = None):
    lessons = course.lessons
    index = next(i for i, candidate in enumerate(lessons) if candidate.id == item.id)
    progress = queries.progress_by_lesson(person, course).get(item.id)
    return render_template(
        "courses/lesson.html", course=course, lesson=item, body=Markup(item.body_html),
        previous=lessons[index - 1] if index > 0 else None,
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
        progress=progress, required=study.required_seconds(item), quiz_form=QuizForm(),
        quiz_result=quiz_result, heartbeat_seconds=current_app.config["STUDY_HEARTBEAT_SECONDS"],
        **_quiz_state(item, quiz_result, incomplete),
        idle_seconds=current_app.config["STUDY_IDLE_SECONDS"], areas=FUNCTIONAL_AREAS,
    ), status


@bp.post("/courses/<slug>/lessons/<lesson_slug>/quiz")
@allow(*_LEARNERS)
def submit_quiz(slug: str, lesson_slug: str):
    person, course, item, _enrolment = _studying(slug, lesson_slug)
    if not QuizForm().validate_on_submit():
        abort(400)
    answers = {question.id: request.form.getlist(f"q{question.id}") for question in item.questions}
    try:
        result = grade_quiz(person, item, answers)
    except QuizIncomplete as incomplete:
        # Nothing graded or counted: ask for the missing answers, keep the others.
        return _render_lesson(person, course, item, quiz_result=None, status=400, incomplete=incomplete)
    db.session.commit()
    return _render_lesson(person, course, item, quiz_result=result)


@bp.post("/study/heartbeat")
@allow(*_LEARNERS, checks_account_itself=True)
def heartbeat():
    """JSON: {lesson_id, idle_seconds}. CSRF token in the X-CSRFToken header.

    The busiest request of the application: the account is not loaded
    before the view but read with the beat's state, in the same statement,
    and checked there by the same rules (``SignedInSession.admit``)."""
    signed_in = signed_in_session()
    if signed_in is None:
        return login_manager.unauthorized()
    data = request.get_json(silent=True) or {}
    lesson_id, idle = data.get("lesson_id"), data.get("idle_seconds", 0)
    if not isinstance(lesson_id, int) or not isinstance(idle, int | float):
        signed_in.read_and_admit()
        return jsonify(error="lesson_id and idle_seconds are required"), 400
    try:
        beat = study.record_heartbeat_of_user(signed_in.user_id, lesson_id, idle_seconds=int(idle),
                                              admit=signed_in.admit)
    except study.NoPersonRecord:
        abort(403)
    except study.LessonNotOpen:
        return jsonify(error="not found"), 404  # another person's course: nothing to learn here
    db.session.commit()
    return jsonify(credited_seconds=beat.credited_seconds, lesson_seconds=beat.lesson_seconds,
                   lesson_hours=study.format_study_hours(beat.lesson_seconds),
                   required_seconds=beat.required_seconds, complete=beat.is_complete)


@bp.get("/courses/<slug>/lessons/<lesson_slug>/files/<name>")
@allow(*_LEARNERS)
def attachment(slug: str, lesson_slug: str, name: str):
    _person, course, item, _enrolment = _studying(slug, lesson_slug)
    path = services.attachment_path(course, item, name)
    if path is None:
        abort(404)
    return send_file(path, as_attachment=True, download_name=name)


@bp.get("/learning")
@allow(*_LEARNERS)
def my_learning():
    person = person_of_user(current_user.id)
    rows = queries.my_learning(person) if person else []
    total = sum(row.seconds for row in rows)
    return render_template("courses/learning.html", rows=rows, total_seconds=total, person=person)


@bp.route("/courses/<slug>/enrol", methods=["GET", "POST"])
@allow(Role.INSTITUTION_STAFF)
def enrol(slug: str):
    item = _course_or_404(slug)
    candidates = queries.unenrolled_trainees(item)
    form = EnrolForm()
    form.people.choices = [(p.id, f"{p.name}（{p.id_number_masked}）") for p in candidates]
    if form.validate_on_submit():
        chosen = {p.id: p for p in candidates}
        for person_id in form.people.data:
            services.enrol(chosen[person_id], item, by=current_user)
        db.session.commit()
        flash(_("%(n)s trainees enrolled.", n=len(form.people.data)), "success")
        return redirect(url_for("courses.progress", course=item.id))
    return render_template("courses/enrol.html", course=item, form=form), 400 if form.errors else 200


def _progress_filters():
    sort = request.args.get("sort", "last")
    sort = sort if sort in queries.SORT_KEYS else "last"
    descending = request.args.get("dir", "desc") != "asc"
    course_id = request.args.get("course", type=int)
    return queries.trainee_progress_stmt(course_id=course_id, sort=sort, descending=descending), \
        sort, descending, course_id


@bp.get("/courses/progress")
@allow(*_STAFF)
def progress():
    stmt, sort, descending, course_id = _progress_filters()
    return render_template("courses/progress.html", page=paginate(stmt, rows=True), totals=queries.region_totals(),
                           sort=sort, descending=descending, course_id=course_id,
                           courses=queries.catalogue(everything=True))


@bp.get("/courses/progress.xlsx")
@allow(*_STAFF)
def progress_export():
    stmt, *_rest = _progress_filters()
    data = export.progress_workbook(stmt)
    return current_app.response_class(
        data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=study-progress.xlsx"})


@bp.get("/courses/study-record/<int:person_id>")
@allow(*_STAFF)
def study_record(person_id: int):
    person = get_in_scope_or_404(Person, person_id)
    return render_template("courses/study_record.html", person=person, own=False,
                           page=paginate(queries.study_intervals_stmt(person)))


@bp.get("/learning/record")
@allow(*_LEARNERS)
def my_study_record():
    """The trainee's own study intervals: the same evidence staff read."""
    person = _learner()
    return render_template("courses/study_record.html", person=person, own=True,
                           page=paginate(queries.study_intervals_stmt(person)))
