"""Judges' pages: the stations a judge marks, the mark sheet (contestants by
number only; the judge's own marks until the chief judge locks the station,
everyone's after it, judges shown as 裁判1, 裁判2 …), the autosave and its
no-JavaScript fallback, and the review with the lock and appeals — for the
chief judge, and for civil affairs of the organising region (who may lodge
appeals). A station the user may not see is a 404, as if it did not exist."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.auth.models import User
from lms.competitions import judge_sheets, queries
from lms.competitions.access import commit_change
from lms.competitions.blueprint import bp
from lms.competitions.judge_forms import DECISIONS, NOTE_MAX, AppealForm, DecisionForm, LockForm
from lms.competitions.models import (
    Appeal,
    AppealStatus,
    CompetitionStatus,
    Judge,
    Mark,
    Station,
    StationJudge,
)
from lms.competitions.services import judging as marking
from lms.competitions.services.errors import CompetitionError
from lms.core.access import Role, allow, in_scope
from lms.extensions import db

# Ids, marks and save counters are 32-bit integer columns: a larger number
# from a tampered request must be refused here, not fail in the database.
INT_MAX = 2**31 - 1


def _station_or_404(station_id: int) -> Station:
    station = db.session.get(Station, station_id)
    if station is None:
        abort(404)
    return station


def _assigned_judge(station: Station) -> Judge:
    """The current user's judge record when they mark this station; else 404."""
    judge = queries.judge_of(station.round.competition_id, current_user.id)
    if (judge is None or station.round.competition.status == CompetitionStatus.DRAFT
            or db.session.scalar(select(StationJudge.id).where(StationJudge.station_id == station.id,
                                                               StationJudge.judge_id == judge.id)) is None):
        abort(404)
    return judge


def _competition_judge(station: Station) -> Judge:
    """The current user's judge record in the station's competition; else 404."""
    judge = queries.judge_of(station.round.competition_id, current_user.id)
    if judge is None:
        abort(404)
    return judge


def _is_chief_reviewer(station: Station) -> bool:
    """True for the competition's chief judge, False for civil affairs whose
    scope holds the competition's region; anyone else gets a 404."""
    if current_user.has_any_role({Role.EXAMINER}):
        judge = queries.judge_of(station.round.competition_id, current_user.id)
        if judge is not None and judge.is_chief:
            return True
    if in_scope(station, [Role.CIVIL_AFFAIRS]):
        return False
    abort(404)


def _bounded_int(value, low: int, high: int) -> int | None:
    """``value`` when it is an int (a JSON number without a fraction, not a
    bool) within [low, high]; else None."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return None
    return value


def _form_int(raw: str, low: int, high: int) -> int | None:
    """A form field's whole number within [low, high], or None."""
    raw = raw.strip()
    return _bounded_int(int(raw), low, high) if raw.lstrip("-").isascii() and raw.lstrip("-").isdigit() else None


@bp.get("/judging", endpoint="judging")
@allow(Role.EXAMINER)
def judging_index():
    """The stations I mark, by competition and round, with my progress and
    whether each is locked; and the stations I review as chief judge."""
    judges: dict[int, Judge] = {}
    marking_lines = []
    for station in queries.judge_stations(current_user.id):
        competition_id = station.round.competition_id
        if competition_id not in judges:
            judges[competition_id] = queries.judge_of(competition_id, current_user.id)
        sheet = queries.judge_sheet(station, judges[competition_id])
        marking_lines.append(judge_sheets.StationLine(station, sheet.done, sheet.expected))
    chief_lines = [judge_sheets.StationLine(station, missing=marking.missing_marks(station))
                   for station in queries.chief_stations(current_user.id)]
    return render_template("competitions/judge_index.html", marking=judge_sheets.grouped(marking_lines),
                           reviewing=judge_sheets.grouped(chief_lines))


@bp.get("/judging/stations/<int:station_id>")
@allow(Role.EXAMINER)
def sheet(station_id: int):
    """The mark sheet for one contestant at a time (``?c=<contestant id>``,
    else the first not fully marked). Before the lock: the judge's own marks
    as radio buttons; after it: everyone's marks and the aspect scores."""
    station = _station_or_404(station_id)
    judge = _assigned_judge(station)
    sheet = queries.judge_sheet(station, judge)
    try:
        shown = judge_sheets.sheet_page(sheet, request.args.get("c", type=int))
    except LookupError:
        abort(404)  # not on this judge's sheet: as if there were no such contestant
    locked_row = labels = None
    if station.is_locked and shown.current is not None:
        rows, labels = judge_sheets.contestant_rows(station, only=shown.current.id)
        locked_row = rows[0] if rows else None
    return render_template("competitions/judge_sheet.html", station=station, sheet=sheet, shown=shown,
                           current=shown.current, choices={a.id: judge_sheets.aspect_choices(a) for a in sheet.aspects},
                           locked_row=locked_row, own_label=labels.get(judge.id) if labels else None,
                           next_seq=sheet.last_seq + 1, points=judge_sheets.points_text)


@bp.post("/judging/stations/<int:station_id>/marks")
@allow(Role.EXAMINER)
def save_mark(station_id: int):
    """Autosave of one mark: JSON ``{contestant, aspect, value, seq}``. The
    answer's ``done``/``expected`` are the judge's marks of that contestant at
    this station and the station's aspects, so that the page can tick the
    contestant's button when they are equal. One checking read and one
    upsert (in the service), one commit."""
    payload = request.get_json(silent=True)
    payload = payload if isinstance(payload, dict) else {}
    contestant_id = _bounded_int(payload.get("contestant"), 1, INT_MAX)
    aspect_id = _bounded_int(payload.get("aspect"), 1, INT_MAX)
    value = _bounded_int(payload.get("value"), -INT_MAX, INT_MAX)
    seq = _bounded_int(payload.get("seq"), 0, INT_MAX)
    if None in (contestant_id, aspect_id, value, seq):
        # Off the hot path: a station the user does not mark is a 404 whatever the body.
        _assigned_judge(_station_or_404(station_id))
        return jsonify(error=_("Send the contestant, the aspect, the mark and the save counter as whole numbers.")), 400
    try:
        result = marking.save_mark(user_id=current_user.id, station_id=station_id, contestant_id=contestant_id,
                                   aspect_id=aspect_id, value=value, seq=seq)
    except LookupError:
        db.session.rollback()
        return jsonify(error=_("Not found.")), 404
    except CompetitionError as refused:
        db.session.rollback()
        return jsonify(error=str(refused)), 409
    db.session.commit()
    return jsonify(status=result.outcome.value, done=result.done, expected=result.expected)


@bp.post("/judging/stations/<int:station_id>/contestants/<int:contestant_id>")
@allow(Role.EXAMINER)
def save_marks(station_id: int, contestant_id: int):
    """The sheet without JavaScript: every chosen mark of one contestant
    (fields ``a<aspect id>``) with the page's save counter ``seq``, through
    the same service as the autosave; all or nothing."""
    station = _station_or_404(station_id)
    _assigned_judge(station)
    back = redirect(url_for("competitions.sheet", station_id=station.id, c=contestant_id))
    seq = _form_int(request.form.get("seq", ""), 0, INT_MAX)
    values = {}
    for aspect in station.aspects:
        raw = request.form.get(f"a{aspect.id}", "")
        if raw:
            values[aspect] = _form_int(raw, -INT_MAX, INT_MAX)
    if seq is None or None in values.values():
        flash(_("The marks could not be read: reload the sheet and choose them again."), "error")
        return back
    if not values:
        flash(_("Choose a mark for at least one aspect."), "error")
        return back
    outcomes = []
    try:
        for aspect, value in values.items():
            outcomes.append(marking.save_mark(user_id=current_user.id, station_id=station.id,
                                              contestant_id=contestant_id, aspect_id=aspect.id, value=value,
                                              seq=seq).outcome)
    except LookupError:
        db.session.rollback()
        abort(404)
    except CompetitionError as refused:
        db.session.rollback()
        flash(_("Nothing was saved. %(aspect)s: %(problem)s", aspect=aspect.title, problem=str(refused)), "error")
        return back
    db.session.commit()
    stale = sum(1 for outcome in outcomes if outcome == marking.SaveOutcome.STALE)
    if stale:
        flash(_("%(n)s marks were kept as they were: a newer mark was saved from another page.", n=stale), "info")
    flash(_("%(n)s marks saved.", n=len(outcomes) - stale), "success")
    return back


@bp.get("/judging/stations/<int:station_id>/review")
@allow(Role.EXAMINER, Role.CIVIL_AFFAIRS)
def review(station_id: int):
    """Every judge's marks per contestant and aspect, flags and missing
    marks; the lock for the chief judge; after the lock, the appeals."""
    station = _station_or_404(station_id)
    is_chief = _is_chief_reviewer(station)
    rows, labels = judge_sheets.contestant_rows(station)
    appeals = judge_sheets.appeal_lines(station, labels)
    pending = {line.appeal.mark_id for line in appeals if line.appeal.status == AppealStatus.LODGED}
    locked_by = db.session.get(User, station.locked_by_id) if station.locked_by_id else None
    return render_template(
        "competitions/judge_review.html", station=station, is_chief=is_chief, rows=rows, labels=labels,
        missing=marking.missing_marks(station), flagged=sum(row.flagged for row in rows), appeals=appeals,
        pending=pending, locked_by=locked_by.display_name if locked_by else None, lock_form=LockForm(),
        appeals_open=station.is_locked and station.round.results_published_at is None, note_max=NOTE_MAX,
        decisions=DECISIONS, threshold=judge_sheets.points_text(station.round.competition.disagreement_hundredths))


def _after_chief_action(station: Station, judge: Judge):
    # A judge who is not the chief cannot open the review: back to their list.
    if judge.is_chief:
        return redirect(url_for("competitions.review", station_id=station.id, _anchor="appeals"))
    return redirect(url_for("competitions.judging"))


@bp.post("/judging/stations/<int:station_id>/lock")
@allow(Role.EXAMINER)
def lock_station(station_id: int):
    """The chief judge's sign-off: refused while marks are missing."""
    station = _station_or_404(station_id)
    judge = _competition_judge(station)
    form = LockForm()
    if not form.validate_on_submit():
        flash(_("The note is too long: at most %(n)s characters.", n=NOTE_MAX), "error")
    else:
        commit_change(marking.lock_station, _("The station is locked: its marks now change only by appeal."),
                      station, note=form.note.data or "")
    return _after_chief_action(station, judge)


@bp.post("/judging/marks/<int:mark_id>/appeals")
@allow(Role.EXAMINER, Role.CIVIL_AFFAIRS)
def lodge_appeal(mark_id: int):
    """An appeal against one mark of a locked station, by the chief judge or
    civil affairs of the organising region."""
    mark = db.session.get(Mark, mark_id)
    if mark is None:
        abort(404)
    station = mark.aspect.station
    _is_chief_reviewer(station)
    form = AppealForm()
    if not form.validate_on_submit():
        flash(_("The reason is too long: at most %(n)s characters.", n=NOTE_MAX), "error")
    else:
        commit_change(marking.lodge_appeal, _("Appeal lodged: the chief judge decides it."), mark,
                      reason=form.reason.data or "")
    return redirect(url_for("competitions.review", station_id=station.id, _anchor="appeals"))


@bp.post("/judging/appeals/<int:appeal_id>/decision")
@allow(Role.EXAMINER)
def decide_appeal(appeal_id: int):
    """The chief judge upholds (with the corrected mark) or rejects an appeal."""
    appeal = db.session.get(Appeal, appeal_id)
    if appeal is None:
        abort(404)
    station = appeal.mark.aspect.station
    judge = _competition_judge(station)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("Choose whether the appeal is upheld or rejected."), "error")
    else:
        commit_change(marking.decide_appeal, _("Appeal decided."), appeal, upheld=form.decision.data == "upheld",
                      new_value=form.new_value.data, note=form.note.data or "")
    return _after_chief_action(station, judge)
