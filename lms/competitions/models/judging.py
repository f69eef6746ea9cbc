"""Who competes and who judges: entries (one per person per competition),
contestants of a round (anonymous number and start order from the draw),
judges and their stations, marks, appeals and published results."""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.competitions.models.events import Aspect, Competition, CompetitionRound, Station
from lms.core.time import utcnow
from lms.extensions import db
from lms.people.models import Person
from lms.regions.models import Region


class Entry(db.Model):
    """A person entered by a unit's civil-affairs staff. One person, one entry."""

    __tablename__ = "competition_entries"
    __table_args__ = (UniqueConstraint("competition_id", "person_id", name="uq_competition_entries_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    unit_region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    award_certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), unique=True)

    competition: Mapped[Competition] = relationship()
    person: Mapped[Person] = relationship(lazy="joined")
    unit: Mapped[Region] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Entry {self.competition_id} {self.person_id}>"

    @property
    def scope_region_path(self) -> str:
        return self.unit.path


class Contestant(db.Model):
    """An entry taking part in one round. ``number`` is what judges see (never
    the name or unit); ``start_order`` is when the contestant competes."""

    __tablename__ = "competition_contestants"
    __table_args__ = (UniqueConstraint("round_id", "entry_id", name="uq_competition_contestants_entry"),
                      UniqueConstraint("round_id", "number", name="uq_competition_contestants_number"))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("competition_rounds.id"))  # unique (round, entry) leads
    entry_id: Mapped[int] = mapped_column(ForeignKey("competition_entries.id"), index=True)
    number: Mapped[str | None] = mapped_column(String(8))
    start_order: Mapped[int | None] = mapped_column(Integer)

    round: Mapped[CompetitionRound] = relationship()
    entry: Mapped[Entry] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Contestant {self.round_id} {self.number}>"


class Judge(db.Model):
    """A judge of a competition. ``unit_region_id`` is the unit the judge comes
    from: a contestant of the same unit is a conflict of interest and is kept
    from the judge's sheets. The chief judge (裁判长) locks stations and
    decides appeals."""

    __tablename__ = "competition_judges"
    __table_args__ = (UniqueConstraint("competition_id", "user_id", name="uq_competition_judges_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    unit_region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    is_chief: Mapped[bool] = mapped_column(default=False)

    competition: Mapped[Competition] = relationship()
    user: Mapped[User] = relationship(lazy="joined")
    unit: Mapped[Region | None] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Judge {self.competition_id} {self.user_id}>"


class StationJudge(db.Model):
    """A judge assigned to mark a station."""

    __tablename__ = "competition_station_judges"
    __table_args__ = (UniqueConstraint("station_id", "judge_id", name="uq_competition_station_judges"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("competition_stations.id"))  # unique (station, judge) leads
    judge_id: Mapped[int] = mapped_column(ForeignKey("competition_judges.id"), index=True)

    station: Mapped[Station] = relationship()
    judge: Mapped[Judge] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<StationJudge {self.station_id} {self.judge_id}>"


class Mark(db.Model):
    """One judge's mark for one aspect of one contestant: a grade 0–3
    (judgement) or points in hundredths (measurement). ``seq`` is the judge's
    page's save counter: a late, older save never overwrites a newer one."""

    __tablename__ = "competition_marks"
    __table_args__ = (UniqueConstraint("contestant_id", "aspect_id", "judge_id", name="uq_competition_marks_mark"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique (contestant, aspect, judge) index serves look-ups by contestant.
    contestant_id: Mapped[int] = mapped_column(ForeignKey("competition_contestants.id"))
    aspect_id: Mapped[int] = mapped_column(ForeignKey("competition_aspects.id"), index=True)
    judge_id: Mapped[int] = mapped_column(ForeignKey("competition_judges.id"), index=True)
    value: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    aspect: Mapped[Aspect] = relationship()

    def __repr__(self) -> str:
        return f"<Mark {self.contestant_id} {self.aspect_id} {self.judge_id}={self.value}>"


class AppealStatus(StrEnum):
    LODGED = "lodged"
    UPHELD = "upheld"  # the mark was changed
    REJECTED = "rejected"


class Appeal(db.Model):
    """An appeal (申诉) against one judge's mark after the station was locked:
    the only way a locked mark changes. Who lodged it, why, who decided, what
    and when are kept, and the change is in the audit log."""

    __tablename__ = "competition_appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    mark_id: Mapped[int] = mapped_column(ForeignKey("competition_marks.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=AppealStatus.LODGED)
    lodged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lodged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    old_value: Mapped[int] = mapped_column(Integer)
    new_value: Mapped[int | None] = mapped_column(Integer)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    mark: Mapped[Mark] = relationship()

    def __repr__(self) -> str:
        return f"<Appeal {self.id} {self.status}>"


class Result(db.Model):
    """A contestant's published result for a round, frozen at publication:
    scores (rounded once, to hundredths), rank, prize and whether they
    advance. The board and exports read these rows."""

    __tablename__ = "competition_results"
    __table_args__ = (UniqueConstraint("contestant_id", name="uq_competition_results_contestant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("competition_rounds.id"), index=True)
    contestant_id: Mapped[int] = mapped_column(ForeignKey("competition_contestants.id"))
    theory: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    practical: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    total: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    rank: Mapped[int] = mapped_column(Integer)
    prize: Mapped[str | None] = mapped_column(String(16))
    advances: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")

    contestant: Mapped[Contestant] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Result {self.contestant_id} {self.total} #{self.rank}>"
