"""Public pages: a published competition's rules and its results board.

The board shows names and units (a published prize list is public), never an
ID or mobile number. ``?screen=1`` is the big-screen mode for the hall: very
large type on a dark background, reloading itself every 30 seconds."""

from flask import abort, render_template, request

from lms.competitions.blueprint import bp
from lms.competitions.forms import AREA_LABELS, LEVEL_LABELS
from lms.competitions.models import Competition, CompetitionStatus
from lms.competitions.presenting import (
    board_round,
    locked_count,
    points,
    prize_lines,
    round_in_progress,
)
from lms.competitions.queries import published_results, team_standings
from lms.core.access import PUBLIC, allow
from lms.extensions import db

bp.add_app_template_filter(points, "points")


def _published_or_404(competition_id: int) -> Competition:
    competition = db.session.get(Competition, competition_id)
    if competition is None or competition.status == CompetitionStatus.DRAFT:
        abort(404)
    return competition


@bp.get("/c/<int:competition_id>")
@allow(PUBLIC)
def event(competition_id: int):
    competition = _published_or_404(competition_id)
    prizes, merit = prize_lines(competition)
    return render_template("competitions/event.html", competition=competition, prizes=prizes, merit=merit,
                           level_labels=LEVEL_LABELS, area_labels=AREA_LABELS)


@bp.get("/c/<int:competition_id>/board")
@allow(PUBLIC)
def board(competition_id: int):
    competition = _published_or_404(competition_id)
    shown = board_round(competition)
    current = round_in_progress(competition)
    return render_template(
        "competitions/board.html", competition=competition, round=shown,
        rows=published_results(shown) if shown else [], teams=team_standings(shown) if shown else [],
        current=current, progress=locked_count(current) if current else None,
        screen=request.args.get("screen") == "1")
