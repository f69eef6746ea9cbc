"""The buttons of a competition's set-up page (civil affairs of the
organising region): rounds, stations, units' places, publishing, judges,
the draw, the theory exam, results and award certificates; and a round's
results as Excel. Each POST makes one change and goes back to the page."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.auth.models import User
from lms.competitions import workbook
from lms.competitions.access import (
    back_with_errors,
    organised_or_404,
    round_or_404,
    run_action,
    station_or_404,
)
from lms.competitions.blueprint import bp
from lms.competitions.forms import (
    ActionForm,
    AdvancementForm,
    AllowanceForm,
    AssignForm,
    JudgeForm,
    RoundForm,
    StationForm,
    TheoryExamForm,
)
from lms.competitions.models import Competition, Judge
from lms.competitions.schemes import load_schemes
from lms.competitions.services import entries, events, judging, results
from lms.competitions.services.errors import CompetitionError
from lms.core.access import Role, allow
from lms.core.downloads import attachment
from lms.exams.models import Exam
from lms.extensions import db
from lms.regions.models import Institution, Region

EXAMS_OFFERED = 100  # the newest exams of the region offered as a round's theory exam


def region_exams(competition: Competition) -> list[Exam]:
    """Exams set by institutions inside the competition's region, newest first."""
    return list(db.session.scalars(
        select(Exam).join(Institution, Institution.id == Exam.institution_id)
        .join(Region, Region.id == Institution.region_id)
        .where(Region.path.startswith(competition.region.path))
        .order_by(Exam.opens_at.desc(), Exam.id.desc()).limit(EXAMS_OFFERED)))


def _back(competition: Competition):
    return redirect(url_for("competitions.show", competition_id=competition.id))


@bp.post("/competitions/<int:competition_id>/rounds")
@allow(Role.CIVIL_AFFAIRS)
def add_round(competition_id: int):
    competition = organised_or_404(competition_id)
    form = RoundForm()
    if not form.validate_on_submit():
        return back_with_errors(competition, form)
    last = competition.final_round
    # The round before the new one must say who goes through, or its results could not be published.
    if last is not None and last.advance_top_n is None and last.advance_share is None:
        flash(_("%(round)s does not say how many advance, so no round can follow it.", round=last.name), "error")
        return _back(competition)
    return run_action(competition, events.add_round, _("The round is added."), competition, name=form.name.data,
                      advance_top_n=form.advance_top_n.data, advance_share=form.advance_share.data)


@bp.post("/competitions/<int:competition_id>/rounds/<int:round_id>/advancement")
@allow(Role.CIVIL_AFFAIRS)
def set_advancement(competition_id: int, round_id: int):
    competition = organised_or_404(competition_id)
    round_ = round_or_404(competition, round_id)
    form = AdvancementForm(prefix=f"advance{round_.id}")
    if not form.validate_on_submit():
        return back_with_errors(competition, form)
    return run_action(competition, events.set_advancement, _("Who advances from %(round)s is changed.",
                                                             round=round_.name),
                      round_, advance_top_n=form.advance_top_n.data, advance_share=form.advance_share.data)


@bp.post("/competitions/<int:competition_id>/rounds/<int:round_id>/stations")
@allow(Role.CIVIL_AFFAIRS)
def add_station(competition_id: int, round_id: int):
    competition = organised_or_404(competition_id)
    round_ = round_or_404(competition, round_id)
    schemes = {scheme.code: scheme for scheme in load_schemes()[0]}
    form = StationForm(prefix=f"round{round_.id}")
    form.scheme.choices = [(code, code) for code in schemes]
    if not form.validate_on_submit():
        return back_with_errors(competition, form)
    return run_action(competition, events.add_station, _("The station is added."), round_,
                      schemes[form.scheme.data])


@bp.post("/competitions/<int:competition_id>/allowances")
@allow(Role.CIVIL_AFFAIRS)
def set_allowance(competition_id: int):
    competition = organised_or_404(competition_id)
    units = {unit.id: unit for unit in competition.region.children}
    form = AllowanceForm(prefix="allowance")
    form.unit.choices = [(unit_id, unit.name) for unit_id, unit in units.items()]
    if not form.validate_on_submit():
        return back_with_errors(competition, form)
    unit = units[form.unit.data]
    return run_action(competition, events.set_allowance,
                      _("%(unit)s may enter %(n)s contestants.", unit=unit.name, n=form.places.data),
                      competition, unit, form.places.data)


@bp.post("/competitions/<int:competition_id>/publish")
@allow(Role.CIVIL_AFFAIRS)
def publish(competition_id: int):
    competition = organised_or_404(competition_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return back_with_errors(competition, form)
    return run_action(competition, events.publish_competition,
                      _("The competition is published: its page is public and units may enter contestants."),
                      competition)


@bp.post("/competitions/<int:competition_id>/judges")
@allow(Role.CIVIL_AFFAIRS)
def appoint_judge(competition_id: int):
    competition = organised_or_404(competition_id)
    units = {unit.id: unit for unit in competition.region.children}
    form = JudgeForm(prefix="judge")
    form.unit.choices = [(0, "")] + [(unit_id, unit.name) for unit_id, unit in units.items()]
    if not form.validate_on_submit():
        return back_with_errors(competition, form)
    user = db.session.scalar(select(User).where(User.username == form.username.data.strip()))
    if user is None or not user.is_active or not user.has_any_role({Role.EXAMINER}):
        flash(_("No active examiner account has the username %(name)s.", name=form.username.data.strip()),
              "error")
        return _back(competition)
    return run_action(competition, judging.appoint_judge,
                      _("%(name)s judges this competition.", name=user.display_name), competition, user,
                      unit=units.get(form.unit.data), is_chief=form.is_chief.data)


@bp.post("/competitions/<int:competition_id>/stations/<int:station_id>/judges")
@allow(Role.CIVIL_AFFAIRS)
def assign_judge(competition_id: int, station_id: int):
    competition = organised_or_404(competition_id)
    station = station_or_404(competition, station_id)
    judges = {judge.id: judge for judge in db.session.scalars(
        select(Judge).where(Judge.competition_id == competition.id))}
    form = AssignForm(prefix=f"station{station.id}")
    form.judge.choices = [(judge_id, "") for judge_id in judges]
    if not form.validate_on_submit():
        return back_with_errors(competition, form)
    judge = judges[form.judge.data]
    return run_action(competition, judging.assign_to_station,
                      _("%(name)s marks %(station)s.", name=judge.user.display_name, station=station.title),
                      station, judge)


@bp.post("/competitions/<int:competition_id>/rounds/<int:round_id>/draw")
@allow(Role.CIVIL_AFFAIRS)
def draw(competition_id: int, round_id: int):
    competition = organised_or_404(competition_id)
    round_ = round_or_404(competition, round_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return back_with_errors(competition, form)
    return run_action(competition, entries.make_draw,
                      _("The draw is made: every contestant of %(round)s has a number and a start order.",
                        round=round_.name), round_)


@bp.post("/competitions/<int:competition_id>/rounds/<int:round_id>/theory-exam")
@allow(Role.CIVIL_AFFAIRS)
def link_theory_exam(competition_id: int, round_id: int):
    competition = organised_or_404(competition_id)
    round_ = round_or_404(competition, round_id)
    exams = {exam.id: exam for exam in region_exams(competition)}
    form = TheoryExamForm(prefix=f"exam{round_.id}")
    form.exam.choices = [(exam_id, exam.title) for exam_id, exam in exams.items()]
    if not form.validate_on_submit():
        return back_with_errors(competition, form)
    exam = exams[form.exam.data]
    return run_action(competition, events.link_theory_exam,
                      _("%(round)s takes its theory scores from %(exam)s.", round=round_.name, exam=exam.title),
                      round_, exam)


@bp.post("/competitions/<int:competition_id>/rounds/<int:round_id>/publish")
@allow(Role.CIVIL_AFFAIRS)
def publish_results(competition_id: int, round_id: int):
    competition = organised_or_404(competition_id)
    round_ = round_or_404(competition, round_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return back_with_errors(competition, form)
    return run_action(competition, results.publish_results,
                      _("The results of %(round)s are published.", round=round_.name), round_)


@bp.post("/competitions/<int:competition_id>/rounds/<int:round_id>/awards")
@allow(Role.CIVIL_AFFAIRS)
def issue_awards(competition_id: int, round_id: int):
    competition = organised_or_404(competition_id)
    round_ = round_or_404(competition, round_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return back_with_errors(competition, form)
    try:
        issued = results.issue_awards(round_, by=current_user)
    except CompetitionError as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        db.session.commit()
        flash(_("%(n)s award certificates issued.", n=issued) if issued else
              _("Every prize holder already has an award certificate."), "success")
    return _back(competition)


@bp.get("/competitions/<int:competition_id>/rounds/<int:round_id>/export.xlsx")
@allow(Role.CIVIL_AFFAIRS)
def export(competition_id: int, round_id: int):
    competition = organised_or_404(competition_id)
    round_ = round_or_404(competition, round_id)
    return attachment(workbook.round_workbook(round_), f"competition-{competition.id}-round-{round_.position}.xlsx")
