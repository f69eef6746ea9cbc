"""Entering contestants (civil affairs of a unit holding places in a
published competition): the unit's entries and places left, finding people
registered in the unit, entering and withdrawing them. The organiser sees
every unit's entries."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, false, or_, select

from lms.competitions.access import commit_change, entries_access_or_404
from lms.competitions.blueprint import bp
from lms.competitions.forms import ActionForm, EntryForm
from lms.competitions.models import Competition, CompetitionStatus, Entry, UnitAllowance
from lms.competitions.queries import entries_by_unit
from lms.competitions.services import entries as services
from lms.competitions.services.errors import CompetitionError
from lms.core.access import Role, allow, in_scope
from lms.extensions import db
from lms.people.models import Person
from lms.people.queries import is_searchable, search_people
from lms.people.search import search_argument
from lms.regions.models import Region

FOUND_SHOWN = 30  # people offered at once: a list to read on a phone


def _entries_open(competition: Competition) -> bool:
    first = competition.rounds[0] if competition.rounds else None
    return competition.status == CompetitionStatus.OPEN and (first is None or first.drawn_at is None)


def _found(competition: Competition, allowances: list[UnitAllowance], search: str) -> tuple[list[Person], bool]:
    """People registered inside the user's units, not yet entered, matching ``search``."""
    inside = or_(false(), *(Region.path.startswith(a.region.path) for a in allowances))
    entered = select(Entry.person_id).where(Entry.competition_id == competition.id)
    return search_people(search, limit=FOUND_SHOWN, where=and_(inside, Person.id.not_in(entered)))


def _unit_for(person: Person, allowances: list[UnitAllowance]):
    """The user's unit the person is registered in (the deepest), else the
    first: the service then says the person is outside it."""
    holding = [a.region for a in allowances if person.region.path.startswith(a.region.path)]
    return max(holding, key=lambda unit: len(unit.path)) if holding else allowances[0].region


def _enter(competition: Competition, allowances: list[UnitAllowance]) -> None:
    form = EntryForm()
    if not form.validate_on_submit():
        flash(_("Check the selection."), "error")
        return
    person = db.session.get(Person, int(form.person.data)) if form.person.data.isdigit() else None
    # Someone outside the user's regions gets the same answer as no one at all.
    if person is None or not in_scope(person) or not allowances:
        flash(_("Only people registered in your unit can be entered."), "error")
        return
    try:
        entry = services.enter_contestant(competition, person, _unit_for(person, allowances), by=current_user)
    except CompetitionError as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        db.session.commit()
        flash(_("%(name)s is entered for %(unit)s.", name=entry.person.name, unit=entry.unit.name), "success")


@bp.route("/competitions/<int:competition_id>/entries", methods=["GET", "POST"])
@allow(Role.CIVIL_AFFAIRS)
def entries(competition_id: int):
    competition, organiser, allowances = entries_access_or_404(competition_id)
    if request.method == "POST":
        _enter(competition, allowances)
        # Back to the same search, so that the next person can be entered from it.
        search = request.args.get("q", "").strip()[:50]
        return redirect(url_for("competitions.entries", competition_id=competition.id,
                                q=search if search and is_searchable(search) else None))
    search, refused = search_argument("competitions.entries", competition_id=competition.id)
    if refused:
        return refused
    can_enter = _entries_open(competition) and bool(allowances)
    found, more = _found(competition, allowances, search) if search and can_enter else ([], False)
    units = {a.region_id for a in allowances}
    stmt = select(Entry).join(Region, Region.id == Entry.unit_region_id).where(
        Entry.competition_id == competition.id).order_by(Region.path, Entry.entered_at, Entry.id)
    if not organiser:
        stmt = stmt.where(Entry.unit_region_id.in_(units))
    shown_allowances = sorted(competition.allowances, key=lambda a: a.region.path) if organiser else allowances
    return render_template(
        "competitions/entries.html", competition=competition, organiser=organiser,
        rows=list(db.session.scalars(stmt)), allowances=shown_allowances, counts=entries_by_unit(competition),
        can_enter=can_enter, can_withdraw=_entries_open(competition), search=search, found=found, more=more,
        form=EntryForm(), action_form=ActionForm())


@bp.post("/competitions/<int:competition_id>/entries/<int:entry_id>/withdraw")
@allow(Role.CIVIL_AFFAIRS)
def withdraw(competition_id: int, entry_id: int):
    competition, organiser, _allowances = entries_access_or_404(competition_id)
    entry = db.session.get(Entry, entry_id)
    if entry is None or entry.competition_id != competition.id or not (organiser or in_scope(entry)):
        abort(404)
    if not ActionForm().validate_on_submit():
        flash(_("Check the selection."), "error")
        return redirect(url_for("competitions.entries", competition_id=competition.id))
    name = entry.person.name
    commit_change(services.withdraw_entry, _("%(name)s is withdrawn.", name=name), entry)
    return redirect(url_for("competitions.entries", competition_id=competition.id))
