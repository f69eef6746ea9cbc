"""Pages of a candidate sitting an exam: my exams, start or resume, the
paper with autosave, submit (after a confirm step), and the result.

The answer key and explanations are only ever rendered by ``result``, for a
closed attempt; the paper and the autosave answers carry none of it.
"""

import re

from flask import abort, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.core.access import Role, allow
from lms.core.time import as_utc, utcnow
from lms.core.vocabulary import FUNCTIONAL_AREAS
from lms.exams import attempts as sitting
from lms.exams import queries
from lms.exams.blueprint import bp
from lms.exams.models import Attempt, Exam
from lms.exams.paper_markup import questions_markup
from lms.extensions import db


def _message(code: str) -> str:
    return {
        "not_candidate": _("You are not a candidate for this exam."),
        "not_open": _("The exam is not open now."),
        "already_passed": _("You have already passed this exam."),
        "no_attempts_left": _("You have used all your attempts at this exam."),
        "closed": _("Time is up: this exam is closed and no more answers are accepted. "
                    "Your answers saved before the deadline count."),
        "no_such_question": _("There is no such question in your paper."),
    }.get(code, code)


# Save numbers are stored in a 32-bit integer column.
MAX_SEQ = 2**31 - 1


def _seq(value) -> int | None:
    """A save's sequence number — a whole number from 1 (JSON's true is not
    one; a form sends digits) — or None."""
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,10}", value):
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_SEQ:
        return value
    return None


def _flash_closed() -> None:
    """Tell the candidate the attempt is closed on the next page (the paper's
    script reloads into the result); once, however many queued saves the
    page sent."""
    message = _message("closed")
    if all(shown != message for _category, shown in session.get("_flashes", [])):
        flash(message, "error")


def _own_person():
    person = queries.candidate_person(current_user.id)
    if person is None:
        abort(404)
    return person


def _own_attempt(attempt_id: int, *, close_if_late: bool = False, with_exam: bool = True) -> Attempt:
    """The signed-in candidate's attempt (another's is a 404); with
    ``close_if_late``, one past its deadline is closed first (and committed)."""
    attempt = queries.candidate_attempt(attempt_id, current_user.id, with_exam=with_exam)
    if attempt is None:
        abort(404)
    if close_if_late and sitting.close_if_expired(attempt):
        db.session.commit()
    return attempt


def _carried_answers(form) -> tuple[dict[int, list[str]], dict[int, set[str]]]:
    """The answers a submitted paper carries — {position: chosen values}, its
    inputs being named q1, q2, … — and what the page showed as saved
    ({position: values}, from its saved1, saved2, … fields). A question that
    showed a saved answer and carries none was un-ticked: it is in the
    answers with an empty list. A position the paper lacks is ignored."""
    answers, saved_on_page = {}, {}
    for key in form:
        if key.startswith("q") and key[1:].isdigit():
            values = [value for value in form.getlist(key) if value][:8]
            if values:
                answers[int(key[1:])] = values
        elif key.startswith("saved") and key[5:].isdigit():
            saved_on_page[int(key[5:])] = set(form.get(key, "").split()[:8])
    for position in saved_on_page:
        answers.setdefault(position, [])
    return answers, saved_on_page


@bp.get("/me/exams")
@allow(Role.TRAINEE)
def mine():
    person = queries.candidate_person(current_user.id)
    rows = queries.exams_for_person(person) if person else []
    closed = sum(sitting.close_if_expired(attempt) for _exam, attempts in rows for attempt in attempts)
    if closed:
        # Only then is there anything to keep: a page every candidate opens
        # (the surge at an exam's start) should not write on each view.
        db.session.commit()
    return render_template("exams/mine.html", rows=rows)


def _own_exam(exam_id: int) -> tuple[Exam, list[Attempt]]:
    """An exam the signed-in person is a candidate for, with their attempts
    (another's exam is a 404)."""
    person = _own_person()
    for exam, attempts in queries.exams_for_person(person):
        if exam.id == exam_id:
            return exam, attempts
    abort(404)


@bp.get("/me/exams/<int:exam_id>/start")
@allow(Role.TRAINEE)
def confirm_start(exam_id: int):
    """The rules before the clock starts: length, questions, pass mark, what
    leaving the page does; the candidate confirms to start."""
    exam, attempts = _own_exam(exam_id)
    if attempts and attempts[-1].is_open:
        return redirect(url_for("exams.paper", attempt_id=attempts[-1].id))
    return render_template("exams/start.html", exam=exam, attempt_number=len(attempts) + 1)


@bp.post("/me/exams/<int:exam_id>/start")
@allow(Role.TRAINEE)
def start(exam_id: int):
    if request.form.get("confirmed") != "1":
        # One tap must never start a timed paper: the rules come first.
        return redirect(url_for("exams.confirm_start", exam_id=exam_id))
    person = _own_person()
    exam = db.session.get(Exam, exam_id)
    if exam is None:
        abort(404)
    try:
        attempt = sitting.start_attempt(exam, person)
    except sitting.ExamError as refusal:
        db.session.rollback()
        if str(refusal) == "not_candidate":
            abort(404)  # another institution's exam: as if it did not exist
        flash(_message(str(refusal)), "error")
        return redirect(url_for("exams.mine"))
    attempt_id = attempt.id  # read before the commit expires it (no reload just for the id)
    db.session.commit()
    return redirect(url_for("exams.paper", attempt_id=attempt_id))


@bp.get("/me/attempts/<int:attempt_id>")
@allow(Role.TRAINEE)
def paper(attempt_id: int):
    attempt = _own_attempt(attempt_id, close_if_late=True)
    if not attempt.is_open:
        return redirect(url_for("exams.result", attempt_id=attempt.id))
    questions = queries.paper_questions(attempt)
    # The page numbers its saves on from the highest one stored, so a second
    # device (or a browser that lost its storage) is not taken for stale.
    return render_template("exams/paper.html", attempt=attempt, questions_markup=questions_markup(questions),
                           deadline=as_utc(attempt.deadline_at).isoformat(),
                           saved_seq=max((q.save_seq for q in questions), default=0))


@bp.post("/me/attempts/<int:attempt_id>/answers")
@allow(Role.TRAINEE)
def save(attempt_id: int):
    """Autosave one answer: JSON ``{"position", "answer": [shown values],
    "seq"}``, ``seq`` being the page's number for this save (counting up per
    attempt; a retried save keeps its number). Answers ``{"saved", "stale",
    "seq", "saved_at"}``: ``stale`` when the question already holds a newer
    save (nothing written; the page forgets this one all the same); 409 with
    ``closed`` once the attempt is closed or past its deadline plus grace."""
    attempt = _own_attempt(attempt_id, with_exam=False)
    payload = request.get_json(silent=True)
    payload = payload if isinstance(payload, dict) else {}
    position, values = payload.get("position"), payload.get("answer", [])
    if not isinstance(position, int) or not isinstance(values, list):
        return jsonify(error=_("Send the question's position and the chosen options.")), 400
    seq = _seq(payload.get("seq"))
    if seq is None:
        return jsonify(error=_("Send the save's sequence number (seq): a whole number from 1.")), 400
    now = utcnow()
    try:
        applied = sitting.save_answer(attempt, position, [str(v) for v in values][:8], seq=seq, now=now)
    except sitting.AttemptClosed:
        db.session.commit()  # keeps the closing of a late attempt
        _flash_closed()
        return jsonify(error=_message("closed"), closed=True), 409
    except sitting.ExamError as refusal:
        db.session.rollback()
        return jsonify(error=_message(str(refusal))), 400
    db.session.commit()
    return jsonify(saved=applied, stale=not applied, seq=seq, saved_at=now.isoformat())


@bp.get("/me/attempts/<int:attempt_id>/submit")
@allow(Role.TRAINEE)
def confirm_submit(attempt_id: int):
    """The step before submitting, as a page: how many questions are still
    unanswered, then 确认交卷 or back to the paper (no pop-up; works without
    scripts — with them the paper shows the same step in place)."""
    attempt = _own_attempt(attempt_id, close_if_late=True)
    if not attempt.is_open:
        return redirect(url_for("exams.result", attempt_id=attempt.id))
    unanswered, total = queries.unanswered_positions(attempt)
    return render_template("exams/confirm_submit.html", attempt=attempt, unanswered=unanswered, total=total)


@bp.post("/me/attempts/<int:attempt_id>/submit")
@allow(Role.TRAINEE)
def submit(attempt_id: int):
    attempt = _own_attempt(attempt_id)
    # The form carries every answer too: a page whose autosave could not get
    # through (or with scripts off) loses nothing when it is submitted in time.
    late = sitting.close_if_expired(attempt)
    answers, saved_on_page = _carried_answers(request.form)
    if answers and attempt.is_open:
        try:
            sitting.save_answers(attempt, answers, saved_on_page=saved_on_page,
                                 seq=_seq(request.form.get("seq", "")))
        except sitting.AttemptClosed:
            late = True
    if attempt.is_open and not request.form.get("confirmed"):
        # Not confirmed yet (交卷 pressed without scripts): keep the answers
        # the form brought and ask on a page of its own, which a reload or
        # the back button cannot submit by accident.
        if answers:
            db.session.commit()
        return redirect(url_for("exams.confirm_submit", attempt_id=attempt.id))
    if attempt.is_open:
        sitting.close_attempt(attempt)
    db.session.commit()
    if late:
        _flash_closed()
    return redirect(url_for("exams.result", attempt_id=attempt.id))


@bp.get("/me/attempts/<int:attempt_id>/result")
@allow(Role.TRAINEE)
def result(attempt_id: int):
    attempt = _own_attempt(attempt_id, close_if_late=True)
    if attempt.is_open:
        return redirect(url_for("exams.paper", attempt_id=attempt.id))
    return render_template("exams/result.html", attempt=attempt, areas=FUNCTIONAL_AREAS,
                           breakdown=sitting.area_breakdown(attempt))
