"""A competition (大赛), its units' allowances, its rounds and their stations
with the aspects of each station's marking scheme.

A station copies its scheme (content/competitions/stations/<code>.yaml) when
it is added, so that editing a content file never changes how a round that
has started is marked."""

import json
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.time import utcnow
from lms.extensions import db
from lms.regions.models import Institution, Region


class CompetitionLevel(StrEnum):
    CITY = "city"
    PROVINCE = "province"


class CompetitionStatus(StrEnum):
    DRAFT = "draft"  # being set up: rules, rounds, stations, allowances
    OPEN = "open"  # published: units enter contestants, judges are assigned, rounds are run
    FINISHED = "finished"  # the final round's results are published


class AspectKind(StrEnum):
    MEASUREMENT = "measurement"  # objective: full points, none, or a listed deduction (in hundredths)
    JUDGEMENT = "judgement"  # 0–3 against written descriptors, scaled to the aspect's maximum


class Competition(db.Model):
    """A skill competition run by civil affairs of a region (a city or the
    province), with its rules: weights, prizes, team ranking and judging."""

    __tablename__ = "competitions"
    __table_args__ = (
        CheckConstraint("theory_weight + practical_weight = 100", name="weights"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    level: Mapped[str] = mapped_column(String(16))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    # 承办单位: the institution that hosts the event and sets its theory exam.
    host_institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    item: Mapped[str] = mapped_column(String(64))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=CompetitionStatus.DRAFT, index=True)
    theory_weight: Mapped[int] = mapped_column(Integer, default=20)  # percent
    practical_weight: Mapped[int] = mapped_column(Integer, default=80)
    # Drop the highest and lowest mark of an aspect when at least this many judges marked it (0: never).
    drop_extremes_from: Mapped[int] = mapped_column(Integer, default=5)
    # A judgement mark further than this from the other judges' mean (in hundredths of a grade) is flagged.
    disagreement_hundredths: Mapped[int] = mapped_column(Integer, default=100)
    # {"counts": [3, 7, 10]} or {"shares": [5, 15, 30]}, plus {"merit": true} for 优胜奖 to everyone else.
    prize_scheme_json: Mapped[str] = mapped_column(Text, default='{"counts": [3, 7, 10], "merit": true}')
    team_best_n: Mapped[int] = mapped_column(Integer, default=3)
    rules: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    region: Mapped[Region] = relationship(lazy="joined")
    host_institution: Mapped[Institution | None] = relationship()
    rounds: Mapped[list["CompetitionRound"]] = relationship(
        back_populates="competition", order_by="CompetitionRound.position")
    allowances: Mapped[list["UnitAllowance"]] = relationship(back_populates="competition")

    def __repr__(self) -> str:
        return f"<Competition {self.id} {self.name}>"

    @property
    def scope_region_path(self) -> str:
        return self.region.path

    @property
    def prize_scheme(self) -> dict:
        return json.loads(self.prize_scheme_json)

    @property
    def final_round(self) -> "CompetitionRound | None":
        return self.rounds[-1] if self.rounds else None


class UnitAllowance(db.Model):
    """How many contestants one unit (a city, or a county for a city event) may enter."""

    __tablename__ = "competition_allowances"
    __table_args__ = (UniqueConstraint("competition_id", "region_id", name="uq_competition_allowances_unit"),
                      CheckConstraint("places >= 0", name="places"))

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    places: Mapped[int] = mapped_column(Integer)

    competition: Mapped[Competition] = relationship(back_populates="allowances")
    region: Mapped[Region] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<UnitAllowance {self.competition_id} {self.region_id} {self.places}>"


class CompetitionRound(db.Model):
    """One round (初赛, 决赛 …). The top N (or top share) of a round advance to
    the next; the last round's ranking gives the prizes. The draw (seed kept)
    gives each contestant of the round a start order and an anonymous number."""

    __tablename__ = "competition_rounds"
    __table_args__ = (UniqueConstraint("competition_id", "position", name="uq_competition_rounds_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(64))
    advance_top_n: Mapped[int | None] = mapped_column(Integer)
    advance_share: Mapped[int | None] = mapped_column(Integer)  # percent
    theory_exam_id: Mapped[int | None] = mapped_column(ForeignKey("exams.id"))
    draw_seed: Mapped[str | None] = mapped_column(String(64))
    drawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    results_published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    competition: Mapped[Competition] = relationship(back_populates="rounds", lazy="joined")
    stations: Mapped[list["Station"]] = relationship(back_populates="round", order_by="Station.position")

    def __repr__(self) -> str:
        return f"<CompetitionRound {self.id} {self.name}>"

    @property
    def scope_region_path(self) -> str:
        return self.competition.region.path

    @property
    def is_final(self) -> bool:
        return self.competition.final_round is self


class Station(db.Model):
    """A practical module of a round (e.g. 生活照护), marked against its scheme.
    The chief judge's lock (sign-off) freezes its marks: after it, a mark
    changes only through an appeal."""

    __tablename__ = "competition_stations"
    __table_args__ = (UniqueConstraint("round_id", "scheme_code", name="uq_competition_stations_scheme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("competition_rounds.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    scheme_code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(128))
    area: Mapped[str] = mapped_column(String(32))
    minutes: Mapped[int] = mapped_column(Integer)
    scenario: Mapped[str] = mapped_column(Text, default="")
    source_hash: Mapped[str] = mapped_column(String(64))
    locked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lock_note: Mapped[str] = mapped_column(Text, default="")

    round: Mapped[CompetitionRound] = relationship(back_populates="stations", lazy="joined")
    aspects: Mapped[list["Aspect"]] = relationship(back_populates="station", order_by="Aspect.position")

    def __repr__(self) -> str:
        return f"<Station {self.id} {self.scheme_code}>"

    @property
    def scope_region_path(self) -> str:
        return self.round.competition.region.path

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Aspect(db.Model):
    """One aspect of a station's marking scheme. ``max_hundredths`` is the
    aspect's maximum in hundredths of a point; deductions (measurement) are
    in hundredths too; descriptors (judgement) are the texts of grades 0–3."""

    __tablename__ = "competition_aspects"
    __table_args__ = (UniqueConstraint("station_id", "code", name="uq_competition_aspects_code"),
                      CheckConstraint("max_hundredths > 0", name="max"))

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("competition_stations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    max_hundredths: Mapped[int] = mapped_column(Integer)
    deductions_json: Mapped[str] = mapped_column(Text, default="[]")
    descriptors_json: Mapped[str] = mapped_column(Text, default="[]")

    station: Mapped[Station] = relationship(back_populates="aspects")

    def __repr__(self) -> str:
        return f"<Aspect {self.station_id} {self.code}>"

    @property
    def deductions(self) -> list[dict]:
        """``[{"text", "hundredths"}]``: the listed partial deductions."""
        return json.loads(self.deductions_json)

    @property
    def descriptors(self) -> list[str]:
        return json.loads(self.descriptors_json)

    def allowed_values(self) -> set[int]:
        """The marks a judge may enter: grades 0–3, or full / none / full minus a listed deduction."""
        if self.kind == AspectKind.JUDGEMENT:
            return {0, 1, 2, 3}
        return {0, self.max_hundredths} | {self.max_hundredths - d["hundredths"] for d in self.deductions}
