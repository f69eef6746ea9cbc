"""Who may open a competition's pages, and which of its parts a URL may name.

Civil affairs of the organising region (or above it) organise; civil
affairs of a unit holding an allowance enter contestants once the
competition is published. Anything else is a 404, as if it did not exist.
"""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.competitions.models import (
    Competition,
    CompetitionRound,
    CompetitionStatus,
    Station,
    UnitAllowance,
)
from lms.competitions.services.errors import CompetitionError
from lms.core.access import get_in_scope_or_404, in_scope
from lms.extensions import db


def organised_or_404(competition_id: int) -> Competition:
    """The competition when the user's region contains the organising region."""
    return get_in_scope_or_404(Competition, competition_id)


def round_or_404(competition: Competition, round_id: int) -> CompetitionRound:
    """One of the competition's rounds (never another competition's)."""
    round_ = db.session.get(CompetitionRound, round_id)
    if round_ is None or round_.competition_id != competition.id:
        abort(404)
    return round_


def station_or_404(competition: Competition, station_id: int) -> Station:
    """One of the competition's stations (never another competition's)."""
    station = db.session.get(Station, station_id)
    if station is None or station.round.competition_id != competition.id:
        abort(404)
    return station


def entering_allowances(competition: Competition) -> list[UnitAllowance]:
    """The allowances of units inside the user's regions, in tree order."""
    return sorted((a for a in competition.allowances if in_scope(a.region)), key=lambda a: a.region.path)


def entries_access_or_404(competition_id: int) -> tuple[Competition, bool, list[UnitAllowance]]:
    """The competition, whether the user organises it, and the allowances of
    the units the user enters for. A unit's staff see a published
    competition only; nobody else sees it at all."""
    competition = db.session.get(Competition, competition_id)
    if competition is None:
        abort(404)
    organiser = in_scope(competition)
    allowances = entering_allowances(competition)
    if not organiser and (competition.status == CompetitionStatus.DRAFT or not allowances):
        abort(404)
    return competition, organiser, allowances


def back_with_errors(competition: Competition, form):
    """Back to the set-up page with a posted form's problems: each field's
    label and error (a missing CSRF token too)."""
    for name, errors in form.errors.items():
        for error in errors:
            flash(_("%(field)s: %(error)s", field=getattr(form, name).label.text, error=error)
                  if name != "csrf_token" else str(error), "error")
    return redirect(url_for("competitions.show", competition_id=competition.id))


def commit_change(action, success: str, *args, **kwargs) -> bool:
    """Make one change by the signed-in user (the caller has checked its
    form) and commit it, flashing ``success``; a refused change is rolled
    back and flashed with its reason. True when the change was made."""
    try:
        action(*args, by=current_user, **kwargs)
    except CompetitionError as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return False
    db.session.commit()
    flash(success, "success")
    return True


def run_action(competition: Competition, action, success: str, *args, **kwargs):
    """``commit_change``, then back to the competition's set-up page."""
    commit_change(action, success, *args, **kwargs)
    return redirect(url_for("competitions.show", competition_id=competition.id))
