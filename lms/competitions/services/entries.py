"""Entering contestants (by each unit's civil-affairs staff, up to the unit's
allowance) and the recorded draw that gives each contestant of a round an
anonymous number and a start order."""

import random
import secrets
import string

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms.auth.models import User
from lms.competitions.models import (
    Competition,
    CompetitionRound,
    CompetitionStatus,
    Contestant,
    Entry,
    UnitAllowance,
)
from lms.competitions.services.errors import CompetitionError
from lms.core import audit
from lms.core.masking import mask_name
from lms.core.time import utcnow
from lms.extensions import db
from lms.people.models import Person
from lms.regions.models import Region


def _lock(model, row_id: int) -> None:
    # Two staff entering the unit's last place at once: on PostgreSQL the
    # allowance row is locked to the end of the transaction (SQLite
    # serialises writers by itself).
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(model.id).where(model.id == row_id).with_for_update())


def entries_of_unit(competition: Competition, unit: Region) -> int:
    """How many contestants ``unit`` has entered."""
    return db.session.scalar(select(func.count(Entry.id)).where(
        Entry.competition_id == competition.id, Entry.unit_region_id == unit.id)) or 0


def enter_contestant(competition: Competition, person: Person, unit: Region, *, by: User | None) -> Entry:
    """Enter ``person`` for ``unit``: the person must be in the registry under
    that unit, not yet entered (by any unit), and the unit must have a place."""
    if competition.status != CompetitionStatus.OPEN or any(r.drawn_at for r in competition.rounds[:1]):
        raise CompetitionError(_l("Entries are closed for this competition."))
    allowance = db.session.scalar(select(UnitAllowance).where(
        UnitAllowance.competition_id == competition.id, UnitAllowance.region_id == unit.id))
    if allowance is None or allowance.places == 0:
        raise CompetitionError(_l("Your unit has no places in this competition."))
    if not person.region.path.startswith(unit.path):
        raise CompetitionError(_l("%(name)s is registered outside your unit and cannot be entered by it.",
                                  name=mask_name(person.name)))
    _lock(UnitAllowance, allowance.id)
    if db.session.scalar(select(Entry.id).where(Entry.competition_id == competition.id,
                                                Entry.person_id == person.id)):
        raise CompetitionError(_l("%(name)s is already entered in this competition.", name=mask_name(person.name)))
    if entries_of_unit(competition, unit) >= allowance.places:
        raise CompetitionError(_l("Your unit's %(places)d places are all taken.", places=allowance.places))
    entry = Entry(competition=competition, person=person, unit=unit, entered_by_id=by.id if by else None)
    db.session.add(entry)
    db.session.flush()
    first = competition.rounds[0] if competition.rounds else None
    if first is not None:
        db.session.add(Contestant(round=first, entry=entry))
        db.session.flush()
    audit.record("competition.entered", entry, actor=by,
                 new={"competition": competition.id, "person": person.id, "unit": unit.code})
    return entry


def withdraw_entry(entry: Entry, *, by: User | None) -> None:
    """Take an entry back before the first round's draw."""
    competition = entry.competition
    if competition.rounds and competition.rounds[0].drawn_at is not None:
        raise CompetitionError(_l("The draw has been made: entries can no longer be withdrawn."))
    for contestant in db.session.scalars(select(Contestant).where(Contestant.entry_id == entry.id)):
        db.session.delete(contestant)
    audit.record("competition.withdrawn", entry, actor=by,
                 old={"competition": competition.id, "person": entry.person_id, "unit": entry.unit.code})
    db.session.delete(entry)
    db.session.flush()


def number_prefix(round_: CompetitionRound) -> str:
    """Round 1's numbers start with A, round 2's with B …"""
    return string.ascii_uppercase[(round_.position - 1) % 26]


def draw_order(seed: str, contestant_ids: list[int]) -> dict[int, tuple[int, int]]:
    """For each contestant id, (start order, number): two shuffles of the ids
    (sorted first) by a generator seeded with ``seed``, so that anyone holding
    the seed and the list can reproduce the draw."""
    ids = sorted(contestant_ids)
    rng = random.Random(seed)
    order, numbers = ids[:], ids[:]
    rng.shuffle(order)
    rng.shuffle(numbers)
    start = {cid: position for position, cid in enumerate(order, start=1)}
    number = {cid: position for position, cid in enumerate(numbers, start=1)}
    return {cid: (start[cid], number[cid]) for cid in ids}


def make_draw(round_: CompetitionRound, *, by: User | None, seed: str | None = None) -> list[Contestant]:
    """Draw the round's start order and anonymous numbers; the seed is kept
    and audited so the draw can be checked afterwards. A round is drawn once."""
    if round_.drawn_at is not None:
        raise CompetitionError(_l("This round has already been drawn."))
    if round_.competition.status != CompetitionStatus.OPEN:
        raise CompetitionError(_l("Publish the competition before the draw."))
    contestants = list(db.session.scalars(select(Contestant).where(Contestant.round_id == round_.id)))
    if not contestants:
        raise CompetitionError(_l("Nobody takes part in this round yet."))
    seed = seed or secrets.token_hex(16)
    drawn = draw_order(seed, [c.id for c in contestants])
    prefix, width = number_prefix(round_), max(3, len(str(len(contestants))))
    for contestant in contestants:
        start, number = drawn[contestant.id]
        contestant.start_order, contestant.number = start, f"{prefix}{number:0{width}d}"
    round_.draw_seed, round_.drawn_at, round_.drawn_by_id = seed, utcnow(), by.id if by else None
    db.session.flush()
    audit.record("competition.drawn", round_, actor=by,
                 new={"seed": seed, "contestants": len(contestants),
                      "order": [[c.entry_id, c.start_order, c.number] for c in
                                sorted(contestants, key=lambda c: c.start_order)]})
    return sorted(contestants, key=lambda c: c.start_order)
