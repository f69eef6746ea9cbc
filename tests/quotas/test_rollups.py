"""The kept certificate counts: through the real certificate services they
always equal a count from scratch, ``rebuild`` writes the same rows, and the
dashboard's figures follow the persons definition (once per plan and
category, where and when first certified)."""

import random
from collections import defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms.certs import services as certs
from lms.certs.models import Certificate, CertificateKind, CertificateStatus
from lms.core.access import Role
from lms.exams.models import Attempt, AttemptStatus
from lms.extensions import db
from lms.people.models import Category
from lms.quotas import rollups
from lms.quotas.models import InstitutionRollup, Plan, Rollup, RollupPlan
from lms.quotas.progress import PACE_WINDOW_DAYS
from lms.quotas.queries import institution_rows, monthly_trend, region_progress
from tests.certs.conftest import EVIDENCE, add_programmes, complete_training, meet_requirements

TODAY = date(2022, 1, 1)
SEGMENT = 7


# --- a count from scratch, written independently of lms.quotas -------------------------

def _certificates() -> list:
    return db.session.execute(select(
        Certificate.id, Certificate.person_id, Certificate.programme_category, Certificate.kind,
        Certificate.status, Certificate.issue_date, Certificate.region_path, Certificate.institution_id)).all()


def _firsts(plan: Plan, category: str | None = None) -> dict[tuple[int, str], list]:
    """Each holder's valid counted certificates within the plan's period, first first."""
    held = defaultdict(list)
    for cert in _certificates():
        if (cert.status == CertificateStatus.VALID and cert.kind != CertificateKind.AWARD
                and plan.period_start <= cert.issue_date <= plan.deadline
                and category in (None, cert.programme_category)):
            held[(cert.person_id, cert.programme_category)].append(cert)
    return {holder: sorted(items, key=lambda c: (c.issue_date, c.id)) for holder, items in held.items()}


def _levels(path: str) -> list[str]:
    """"130000/130100/130102/" → the province's, the unit's and its own path."""
    codes = path.strip("/").split("/")
    return ["".join(f"{code}/" for code in codes[:depth]) for depth in range(1, len(codes) + 1)]


def reference_rows(plans: list[Plan]) -> set[tuple]:
    """(plan, category, grain, region path, first day, certificates, persons)
    for every region level a certificate lies in."""
    rows = defaultdict(lambda: [0, 0])
    for plan in plans:
        for (_person, category), items in _firsts(plan).items():
            for cert in items:
                for grain, day in (("month", cert.issue_date.replace(day=1)), ("day", cert.issue_date)):
                    for path in _levels(cert.region_path):
                        counts = rows[(plan.id, category, grain, path, day)]
                        counts[0] += 1
                        counts[1] += cert is items[0]
    return {(*key, certificates, persons) for key, (certificates, persons) in rows.items()}


def reference_institution_rows(plans: list[Plan]) -> set[tuple]:
    """(plan, category, region path, institution, certificates, persons): each
    certificate in its issuer's row of every region level it lies in, each
    holder once per such row."""
    rows = defaultdict(lambda: [0, 0])
    for plan in plans:
        for (_person, category), items in _firsts(plan).items():
            cells = [(plan.id, category, path, cert.institution_id) for cert in items if cert.institution_id
                     for path in _levels(cert.region_path)]
            for cell in cells:
                rows[cell][0] += 1
            for cell in set(cells):
                rows[cell][1] += 1
    return {(*key, certificates, persons) for key, (certificates, persons) in rows.items()}


def stored_institution_rows() -> set[tuple]:
    return {tuple(row) for row in db.session.execute(select(
        InstitutionRollup.plan_id, InstitutionRollup.category, InstitutionRollup.region_path,
        InstitutionRollup.institution_id, InstitutionRollup.certificates, InstitutionRollup.persons))}


def stored_rows() -> set[tuple]:
    return {tuple(row) for row in db.session.execute(select(
        Rollup.plan_id, Rollup.category, Rollup.grain, Rollup.region_path, Rollup.starts_on,
        Rollup.certificates, Rollup.persons))}


def reference_figures(plan: Plan, category: str, root_path: str, today: date):
    """({child path: (persons, certificates, recent persons, recent certificates)},
    the root's own four figures, {YYYY-MM: persons first certified then})."""
    until = min(today, plan.deadline)
    since = until - timedelta(days=PACE_WINDOW_DAYS)
    by_child = defaultdict(lambda: [0, 0, 0, 0])
    months = defaultdict(int)
    for items in _firsts(plan, category).values():
        for cert in items:
            if cert.issue_date > until or not cert.region_path.startswith(root_path):
                continue
            figures = by_child[cert.region_path[:len(root_path) + SEGMENT]]
            first = cert is items[0]
            figures[0] += first
            figures[1] += 1
            if cert.issue_date > since:
                figures[2] += first
                figures[3] += 1
            months[f"{cert.issue_date:%Y-%m}"] += first
    own = tuple(sum(figures[i] for figures in by_child.values()) for i in range(4))
    return {path: tuple(figures) for path, figures in by_child.items()}, own, {m: n for m, n in months.items() if n}


def assert_dashboard_matches(plan: Plan, category: str, root, today: date) -> None:
    expected, expected_own, expected_months = reference_figures(plan, category, root.path, today)
    own, rows = region_progress(plan, category, root, today)

    def figures(row):
        return (row.persons.done, row.person_times.done, row.persons.recent, row.person_times.recent)

    for row in rows:
        assert figures(row) == expected.get(row.region.path, (0, 0, 0, 0)), (plan.code, today, row.region.code)
    assert figures(own) == expected_own, (plan.code, category, root.code, today)
    trend = monthly_trend(plan, category, root, today)
    assert {month: n for month, n, _cumulative in trend if n} == expected_months, (plan.code, today)
    assert (trend[-1][2] if trend else 0) == expected_own[0]


# --- the certificate services, on chosen days ---------------------------------------------

@pytest.fixture
def on_day(monkeypatch):
    """on_day(day): what the certificate services take for today from now on."""

    def set_day(day: date) -> None:
        monkeypatch.setattr("lms.certs.services.local_today", lambda: day)

    return set_day


@pytest.fixture
def world(app, regions, make_institution, make_person, make_user, monkeypatch):
    """Programmes CG-3 (needs approval), CG-4, CG-5 and FC; an institution; an
    approver; people who may hold all of them."""
    from lms.training.models import Programme

    monkeypatch.setitem(app.config, "CERTS_APPROVAL_PROGRAMMES", "CG-3")
    programmes = add_programmes()
    programmes["CG-3"] = Programme(code="CG-3", name="养老护理员（三级/高级工）职业技能培训", category="caregiver",
                                   level=3, hours=120, certificate_kind="skill_level", theory_pass_mark=60,
                                   practical_pass_mark=60)
    db.session.add(programmes["CG-3"])
    db.session.flush()
    home = make_institution("130102", name="长安区康宁养老院")
    approver = make_user(Role.CIVIL_AFFAIRS, region_code="130000")

    def person(region_code: str, name: str):
        someone = make_person(region_code, name=name, categories=(Category.CAREGIVER, Category.FAMILY_CAREGIVER))
        for programme in programmes.values():
            meet_requirements(someone, programme, home)
            if not programme.has_exam:
                complete_training(someone, programme)
        return someone

    other = make_institution("130203", name="路南区福寿康养护理院")
    return {"programmes": programmes, "home": home, "other": other, "approver": approver, "person": person}


def _issue(world, person, code: str, institution=None) -> Certificate:
    return certs.issue_certificate(person, world["programmes"][code], issued_by=None,
                                   institution=institution or world["home"], evidence=EVIDENCE)


def _plans(*periods: tuple[str, date, date], kept: bool = True) -> list[Plan]:
    made = []
    for code, start, deadline in periods:
        plan = Plan(code=code, name=code, period_start=start, deadline=deadline)
        db.session.add(plan)
        db.session.flush()
        if kept:
            rollups.rebuild(plan)
        made.append(plan)
    return made


OPERATIONS = ["issue"] * 7 + ["approve"] * 3 + ["revoke"] * 3 + ["reissue"] * 4 + ["move"] * 2 + ["award"]


@pytest.mark.parametrize("seed", [11, 29])
def test_random_certificate_histories_keep_the_rollups_equal_to_a_count_from_scratch(
        seed, world, regions, on_day):
    rng = random.Random(seed)
    kept = _plans(("p-long", date(2021, 1, 1), date(2022, 12, 31)),
                  ("p-mid", date(2021, 7, 15), date(2022, 6, 30)),
                  ("p-late", date(2022, 3, 1), date(2023, 2, 28)))
    unkept = _plans(("p-raw", date(2021, 4, 10), date(2022, 9, 30)), kept=False)[0]
    places = ["130102", "130104", "130203", "130100"]
    people = [world["person"](rng.choice(places), name) for name in ("王秀英", "李建国", "张桂兰", "赵丽华")]
    first_day, span = date(2020, 11, 1), (date(2023, 3, 31) - date(2020, 11, 1)).days
    done = defaultdict(int)
    for step in range(200):
        on_day(first_day + timedelta(days=rng.randrange(span)))
        operation = rng.choice(OPERATIONS)
        person = rng.choice(people)
        held = db.session.scalars(select(Certificate).where(Certificate.person_id == person.id)).all()
        valid = [cert for cert in held if cert.status == CertificateStatus.VALID]
        if operation == "issue":
            taken = {cert.programme_id for cert in held
                     if cert.status in (CertificateStatus.VALID, CertificateStatus.PENDING)}
            free = [code for code, programme in world["programmes"].items() if programme.id not in taken]
            if free:
                _issue(world, person, rng.choice(sorted(free)), rng.choice([world["home"], world["other"]]))
        elif operation == "approve":
            pending = [cert for cert in held if cert.status == CertificateStatus.PENDING]
            if pending:
                certs.approve_certificate(rng.choice(pending), approved_by=world["approver"])
        elif operation == "revoke" and valid:
            certs.revoke_certificate(rng.choice(valid), reason="材料不实", by=None)
        elif operation == "reissue" and valid:
            certs.reissue_certificate(rng.choice(valid), reason="遗失补发", by=None)
        elif operation == "move":
            person.region = regions[rng.choice(places)]
            db.session.flush()
        elif operation == "award":
            certs.issue_award_certificate(person, event_name="河北省养老护理职业技能大赛", prize="三等奖",
                                          issuer_name="河北省民政厅", issued_by=None, basis="成绩公布文件")
        done[operation] += 1
        if step % 25 == 24:
            assert stored_rows() == reference_rows(kept), f"after step {step}"
            assert stored_institution_rows() == reference_institution_rows(kept), f"after step {step}"
    assert stored_rows() == reference_rows(kept)
    assert stored_institution_rows() == reference_institution_rows(kept)
    assert all(row[-2] > 0 for row in stored_rows())  # nothing counted below zero, no empty rows
    assert min(done.values()) > 0 and len(done) == 6, done  # every kind of change happened
    assert db.session.scalar(select(Certificate.id).where(Certificate.status == CertificateStatus.SUPERSEDED))

    before = stored_rows()
    rollups.rebuild()  # every plan: the kept ones give the same rows, the raw one is counted too
    assert {row for row in stored_rows() if row[0] != unkept.id} == before
    assert stored_rows() == reference_rows([*kept, unkept])
    assert stored_institution_rows() == reference_institution_rows([*kept, unkept])

    db.session.execute(RollupPlan.__table__.delete().where(RollupPlan.plan_id == unkept.id))
    for plan in [*kept, unkept]:  # the last one read from the raw rows
        for today in (date(2021, 3, 31), date(2021, 10, 1), date(2021, 10, 20), date(2022, 4, 30),
                      date(2022, 8, 16), date(2023, 6, 1)):
            for category in ("caregiver", "family_caregiver"):
                for root in (regions["130000"], regions["130100"]):
                    assert_dashboard_matches(plan, category, root, today)
        for category in ("caregiver", "family_caregiver"):
            for root in (regions["130000"], regions["130100"], regions["130200"]):
                names = {world["home"].id: world["home"].name, world["other"].id: world["other"].name}
                expected = sorted(((names[institution], persons, certificates) for plan_id, category_, path,
                                   institution, certificates, persons in reference_institution_rows([plan])
                                   if category_ == category and path == root.path),
                                  key=lambda row: (-row[2], row[0]))
                assert institution_rows(plan, category, root, date(2023, 6, 1)) == expected, (plan.code, root.code)


# --- small cases, counted by hand -----------------------------------------------------------

def _figures(plan, root, today=TODAY, category="caregiver"):
    """{region code: (persons, certificates)} for the root's children and the root."""
    own, rows = region_progress(plan, category, root, today)
    return {row.region.code: (row.persons.done, row.person_times.done) for row in (*rows, own)}


def test_a_person_certified_in_two_regions_counts_once_where_first_certified(plan, world, regions, on_day):
    person = world["person"]("130102", "王秀英")
    on_day(date(2021, 3, 1))
    first = _issue(world, person, "CG-4")
    person.region = regions["130203"]  # moves to 唐山
    on_day(date(2021, 9, 1))
    _issue(world, person, "CG-5")
    assert _figures(plan, regions["130000"]) == {"130100": (1, 1), "130200": (0, 1), "130000": (1, 2)}
    trend = dict((month, (n, total)) for month, n, total in monthly_trend(plan, "caregiver", regions["130000"], TODAY))
    assert trend["2021-03"] == (1, 1) and trend["2021-09"] == (0, 1) and trend["2021-12"] == (0, 1)

    certs.revoke_certificate(first, reason="材料不实", by=None)  # the second becomes the first
    assert _figures(plan, regions["130000"]) == {"130100": (0, 0), "130200": (1, 1), "130000": (1, 1)}
    trend = dict((month, (n, total)) for month, n, total in monthly_trend(plan, "caregiver", regions["130000"], TODAY))
    assert trend["2021-03"] == (0, 0) and trend["2021-09"] == (1, 1)


def test_a_reissue_counts_once_from_its_own_day(plan, world, regions, on_day):
    person = world["person"]("130102", "李建国")
    on_day(date(2021, 3, 1))
    old = _issue(world, person, "CG-4")
    on_day(date(2021, 5, 10))
    new = certs.reissue_certificate(old, reason="遗失补发", by=None)
    assert new.issue_date == date(2021, 5, 10) and old.status == CertificateStatus.SUPERSEDED
    assert _figures(plan, regions["130100"]) == {"130102": (1, 1), "130104": (0, 0), "130100": (1, 1)}
    trend = {month: n for month, n, _total in monthly_trend(plan, "caregiver", regions["130100"], TODAY)}
    assert trend["2021-03"] == 0 and trend["2021-05"] == 1
    assert stored_rows() == reference_rows([plan])


def test_a_certificate_counts_from_its_approval_and_awards_never(plan, world, regions, on_day):
    person = world["person"]("130104", "张桂兰")
    on_day(date(2021, 4, 1))
    pending = _issue(world, person, "CG-3")
    certs.issue_award_certificate(person, event_name="河北省养老护理职业技能大赛", prize="一等奖",
                                  issuer_name="河北省民政厅", issued_by=None, basis="成绩公布文件")
    assert pending.status == CertificateStatus.PENDING
    assert stored_rows() == set()
    on_day(date(2021, 4, 20))
    certs.approve_certificate(pending, approved_by=world["approver"])
    assert stored_rows() == {(plan.id, "caregiver", grain, path, day, 1, 1)
                             for grain, day in (("month", date(2021, 4, 1)), ("day", date(2021, 4, 20)))
                             for path in ("130000/", "130000/130100/", "130000/130100/130104/")}


def test_the_ninety_day_window_is_exact_at_both_ends(plan, make_person, certify, regions):
    today = date(2021, 6, 15)  # the window is 2021-03-18 … 2021-06-15
    early, edge, late = (make_person("130102", name=name) for name in ("甲", "乙", "丙"))
    certify(early, date(2021, 3, 17))
    certify(early, date(2021, 4, 1))  # a second certificate: recent person-time, not a recent person
    certify(edge, date(2021, 3, 18))
    certify(late, date(2021, 6, 15))
    certify(make_person("130104", name="丁"), date(2021, 6, 16))  # after today
    own, rows = region_progress(plan, "caregiver", regions["130100"], today)
    assert (own.persons.done, own.person_times.done) == (3, 4)
    assert (own.persons.recent, own.person_times.recent) == (2, 3)
    assert_dashboard_matches(plan, "caregiver", regions["130100"], today)
    assert_dashboard_matches(plan, "caregiver", regions["130100"], date(2021, 7, 1))  # window from the 3rd


def test_a_plan_without_kept_rollups_is_counted_from_the_raw_rows_until_rebuilt(make_person, certify, regions):
    certify(make_person("130102", name="甲"), date(2021, 5, 1))
    certify(make_person("130203", name="乙"), date(2021, 6, 1))
    plan = _plans(("later-plan", date(2021, 1, 1), date(2021, 12, 31)), kept=False)[0]
    assert not rollups.is_kept(plan)
    raw = _figures(plan, regions["130000"])
    assert raw == {"130100": (1, 1), "130200": (1, 1), "130000": (2, 2)}
    rollups.rebuild(plan)
    assert rollups.is_kept(plan) and _figures(plan, regions["130000"]) == raw
    plan.deadline = date(2021, 5, 31)  # a changed period: counted raw again, by the new period
    db.session.flush()
    assert not rollups.is_kept(plan)
    assert _figures(plan, regions["130000"]) == {"130100": (1, 1), "130200": (0, 0), "130000": (1, 1)}


def test_importing_plans_counts_their_certificates(app, make_person, certify, regions):
    from lms.quotas.services import import_plans

    certify(make_person("130102", name="甲"), date(2021, 5, 1))
    document = {"plans": [{"code": "imported", "name": "导入的指标", "period_start": date(2021, 1, 1),
                           "deadline": date(2022, 12, 31), "targets": []}]}
    import_plans(document)
    plan = db.session.scalar(select(Plan).where(Plan.code == "imported"))
    assert rollups.is_kept(plan) and stored_rows() == reference_rows([plan])
    document["plans"][0]["period_start"] = date(2021, 6, 1)
    import_plans(document)
    assert rollups.is_kept(plan) and stored_rows() == set()


def test_the_rebuild_command_recounts_and_says_what_it_counted(app, plan, make_person, certify, regions):
    person = make_person("130102", name="甲")
    certify(person, date(2021, 5, 1))
    certify(person, date(2021, 7, 1))
    db.session.execute(Rollup.__table__.delete())  # as after a bulk load around the services
    result = app.test_cli_runner().invoke(args=["quotas", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "test-plan: 2 certificates, 1 persons, 12 rows" in result.output
    closed = db.session.scalar(select(func.count()).select_from(Attempt).where(Attempt.status != AttemptStatus.OPEN))
    assert f"exam results: {closed} closed attempts" in result.output
    assert stored_rows() == reference_rows([plan])
    assert app.test_cli_runner().invoke(args=["quotas", "rebuild", "--plan", "nope"]).exit_code != 0
