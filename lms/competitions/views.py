"""Organisers' pages (civil affairs): competitions, rules, rounds and
stations, allowances, entries, the draw, judges, results and awards.
(Judges: judge_views.py; the public: public_views.py.)

This module holds the list, a new competition, its set-up page and its
rules; the set-up page's buttons are in round_views.py, entries in
entry_views.py."""

from collections import defaultdict

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, func, or_, select

import lms.competitions.entry_views  # noqa: F401  (its routes join the blueprint)
from lms.competitions import judge_views, public_views  # noqa: F401  (their routes join the blueprint)
from lms.competitions.access import organised_or_404
from lms.competitions.blueprint import bp
from lms.competitions.forms import (
    AREA_LABELS,
    LEVEL_LABELS,
    STATUS_LABELS,
    ActionForm,
    AdvancementForm,
    AllowanceForm,
    AssignForm,
    CompetitionForm,
    JudgeForm,
    RoundForm,
    RulesForm,
    StationForm,
    TheoryExamForm,
)
from lms.competitions.models import (
    Competition,
    CompetitionStatus,
    Contestant,
    Entry,
    Judge,
    StationJudge,
    UnitAllowance,
)
from lms.competitions.presenting import judge_label, locked_count, prize_lines
from lms.competitions.queries import competitions_stmt, entries_by_unit
from lms.competitions.round_views import region_exams
from lms.competitions.schemes import load_schemes
from lms.competitions.services import events
from lms.competitions.services.errors import CompetitionError
from lms.competitions.services.judging import missing_marks
from lms.core.access import Role, allow, in_scope, scope_clause
from lms.core.pagination import paginate
from lms.exams.models import Exam
from lms.extensions import db
from lms.regions.models import Region, RegionLevel
from lms.regions.queries import institutions_in_scope, regions_in_scope

__all__ = ["bp"]


def _listed_stmt():
    """Competitions the user organises, and published ones in which one of
    the user's units holds places."""
    organised = competitions_stmt().with_only_columns(Competition.id).order_by(None)
    entering = (select(UnitAllowance.competition_id).join(Region, Region.id == UnitAllowance.region_id)
                .where(scope_clause(region_path=Region.path)))
    return (select(Competition)
            .where(or_(Competition.id.in_(organised),
                       and_(Competition.status != CompetitionStatus.DRAFT, Competition.id.in_(entering))))
            .order_by(Competition.starts_on.desc(), Competition.id.desc()))


@bp.get("/competitions")
@allow(Role.CIVIL_AFFAIRS)
def index():
    page = paginate(_listed_stmt())
    return render_template("competitions/index.html", page=page,
                           organised={c.id for c in page.items if in_scope(c)},
                           level_labels=LEVEL_LABELS, status_labels=STATUS_LABELS)


def _new_form() -> CompetitionForm:
    regions = regions_in_scope((RegionLevel.PROVINCE, RegionLevel.UNIT))
    return CompetitionForm(regions=regions, institutions=institutions_in_scope())


@bp.route("/competitions/new", methods=["GET", "POST"])
@allow(Role.CIVIL_AFFAIRS)
def new():
    form, refusal = _new_form(), None
    if form.validate_on_submit():
        try:
            competition = events.create_competition(
                region=form.regions[form.region.data], rules=form.competition_rules(), by=current_user,
                host=form.institutions.get(form.host.data))
        except CompetitionError as refused:
            db.session.rollback()
            refusal = str(refused)
        else:
            db.session.commit()
            flash(_("The competition is saved as a draft. Add its rounds, stations and units' places, then "
                    "publish it."), "success")
            return redirect(url_for("competitions.show", competition_id=competition.id))
    return render_template("competitions/form.html", form=form, competition=None, refusal=refusal), \
        400 if form.errors or refusal else 200


@bp.route("/competitions/<int:competition_id>/edit", methods=["GET", "POST"])
@allow(Role.CIVIL_AFFAIRS)
def edit(competition_id: int):
    competition = organised_or_404(competition_id)
    form, refusal = RulesForm(region_level=competition.region.level), None
    if request.method == "GET":
        form.fill_from(competition)
    if form.validate_on_submit():
        try:
            events.update_rules(competition, form.competition_rules(), by=current_user)
        except CompetitionError as refused:
            db.session.rollback()
            refusal = str(refused)
        else:
            db.session.commit()
            flash(_("The rules are saved."), "success")
            return redirect(url_for("competitions.show", competition_id=competition.id))
    return render_template("competitions/form.html", form=form, competition=competition, refusal=refusal), \
        400 if form.errors or refusal else 200


def _station_judges(competition: Competition) -> dict[int, list[Judge]]:
    rows = db.session.execute(select(StationJudge.station_id, Judge).join(Judge, Judge.id == StationJudge.judge_id)
                              .where(Judge.competition_id == competition.id).order_by(Judge.id)).all()
    judges: dict[int, list[Judge]] = defaultdict(list)
    for station_id, judge in rows:
        judges[station_id].append(judge)
    return judges


def _start_lists(competition: Competition) -> dict[int, list[Contestant]]:
    """Each round's contestants: in start order once drawn."""
    lists: dict[int, list[Contestant]] = defaultdict(list)
    for contestant in db.session.scalars(
            select(Contestant).where(Contestant.round_id.in_([r.id for r in competition.rounds]))
            .order_by(Contestant.start_order, Contestant.id)):
        lists[contestant.round_id].append(contestant)
    return lists


def _forms(competition: Competition, judges: list[Judge], exams: list[Exam]) -> dict:
    units = [(0, _("None"))] + [(unit.id, unit.name) for unit in competition.region.children]
    allowance_form, judge_form = AllowanceForm(prefix="allowance"), JudgeForm(prefix="judge")
    allowance_form.unit.choices = units[1:]
    judge_form.unit.choices = units
    assign_forms, exam_forms, advancement_forms = {}, {}, {}
    for round_ in competition.rounds:
        advancement_forms[round_.id] = AdvancementForm(prefix=f"advance{round_.id}", obj=round_)
        exam_forms[round_.id] = TheoryExamForm(prefix=f"exam{round_.id}")
        exam_forms[round_.id].exam.choices = [(exam.id, f"{exam.title}（{exam.institution.name}）")
                                              for exam in exams]
        for station in round_.stations:
            assign_forms[station.id] = AssignForm(prefix=f"station{station.id}")
            assign_forms[station.id].judge.choices = [(judge.id, judge_label(judge)) for judge in judges]
    return {"action_form": ActionForm(), "round_form": RoundForm(), "allowance_form": allowance_form,
            "judge_form": judge_form, "assign_forms": assign_forms, "exam_forms": exam_forms,
            "advancement_forms": advancement_forms}


@bp.get("/competitions/<int:competition_id>")
@allow(Role.CIVIL_AFFAIRS)
def show(competition_id: int):
    competition = organised_or_404(competition_id)
    judges = list(db.session.scalars(select(Judge).where(Judge.competition_id == competition.id)
                                     .order_by(Judge.is_chief.desc(), Judge.id)))
    exams = region_exams(competition)
    schemes, _problems = load_schemes()
    station_forms = {}
    for round_ in competition.rounds:
        form = StationForm(prefix=f"round{round_.id}")
        taken = {station.scheme_code for station in round_.stations}
        form.scheme.choices = [(s.code, _("%(title)s (%(area)s, %(n)s minutes)", title=s.title,
                                           area=AREA_LABELS.get(s.area, s.area), n=s.minutes))
                               for s in schemes if s.code not in taken]
        station_forms[round_.id] = form
    missing = {station.id: missing_marks(station) for round_ in competition.rounds if round_.drawn_at
               for station in round_.stations}
    awards = db.session.scalar(select(func.count(Entry.id)).where(
        Entry.competition_id == competition.id, Entry.award_certificate_id.is_not(None))) or 0
    prizes, merit = prize_lines(competition)
    return render_template(
        "competitions/show.html", competition=competition, judges=judges, station_forms=station_forms,
        station_judges=_station_judges(competition), start_lists=_start_lists(competition), missing=missing,
        entries_by_unit=entries_by_unit(competition), awards_issued=awards, prizes=prizes, merit=merit,
        locked=locked_count, area_labels=AREA_LABELS, level_labels=LEVEL_LABELS, status_labels=STATUS_LABELS,
        theory_exams={r.id: db.session.get(Exam, r.theory_exam_id) for r in competition.rounds
                      if r.theory_exam_id}, **_forms(competition, judges, exams))
