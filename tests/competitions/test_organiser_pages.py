"""The organisers' and units' pages: a competition made through the form,
set up and published by its buttons; units entering their own people up
to their places; another city's staff seeing nothing; the draw, publishing
results once every station is locked, award certificates issued once, and
the Excel export."""

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from lms.certs.models import Certificate, CertificateKind
from lms.competitions.models import Competition, CompetitionStatus, Entry, Result, StationJudge
from lms.competitions.queries import judge_of
from lms.competitions.services import events, judging
from lms.core.access import Role
from lms.core.audit import AuditEntry
from lms.extensions import db
from tests.competitions import factories
from tests.conftest import PASSWORD
from tests.exams import conftest as exam_fixtures

# The exams' fixtures, for a theory exam to link: its question bank, institution and maker.
bank, home, make_exam = exam_fixtures.bank, exam_fixtures.home, exam_fixtures.make_exam


@pytest.fixture
def organiser(make_user):
    return make_user(Role.CIVIL_AFFAIRS, region_code="130100")


@pytest.fixture
def changan_staff(make_user):
    return make_user(Role.CIVIL_AFFAIRS, region_code="130102")


@pytest.fixture
def sign_in(app):
    """sign_in(user): a browser of its own, signed in as ``user``."""

    def make(user):
        browser = app.test_client()
        response = browser.post("/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 302
        return browser

    return make


def _rules_form(region, **changes) -> dict:
    data = {"name": "2026年石家庄市养老护理职业技能大赛", "region": region.id, "level": "city", "host": 0,
            "item": "养老护理", "starts_on": "2026-10-20", "ends_on": "2026-10-22", "theory_weight": 20,
            "practical_weight": 80, "prize_kind": "counts", "prize_lines": "3，7，10", "merit": "y",
            "team_best_n": 3, "drop_extremes_from": 5, "disagreement": "1.5", "rules": "闭卷理论考试，实操四个模块。"}
    data.update(changes)
    return data


def _page(response) -> str:
    return response.get_data(as_text=True)


def test_the_organiser_creates_a_competition_through_the_form(organiser, regions, sign_in):
    db.session.commit()
    browser = sign_in(organiser)
    assert browser.get("/competitions/new").status_code == 200

    response = browser.post("/competitions/new", data=_rules_form(regions["130100"]))

    assert response.status_code == 302
    competition = db.session.scalar(select(Competition))
    assert response.headers["Location"].endswith(f"/competitions/{competition.id}")
    assert (competition.region_id, competition.status, competition.disagreement_hundredths) == \
        (regions["130100"].id, CompetitionStatus.DRAFT, 150)
    assert competition.prize_scheme == {"counts": [3, 7, 10], "merit": True}
    page = _page(browser.get(f"/competitions/{competition.id}"))
    assert "理论 20% + 实操 80%" in page and "一等奖：3 名" in page and "其余选手：优胜奖" in page
    assert "2026年石家庄市养老护理职业技能大赛" in _page(browser.get("/competitions"))


def test_weights_that_do_not_add_up_are_refused_on_their_field(organiser, regions, sign_in):
    db.session.commit()
    browser = sign_in(organiser)

    response = browser.post("/competitions/new", data=_rules_form(regions["130100"], theory_weight=30))

    assert response.status_code == 400
    field = _page(response).split('id="practical_weight"', 1)[1].split('<div class="field', 1)[0]
    assert "理论和实操权重之和必须为 100。" in field
    assert db.session.scalar(select(func.count(Competition.id))) == 0


def test_a_province_level_for_a_city_is_refused_on_the_level(organiser, regions, sign_in):
    db.session.commit()
    response = sign_in(organiser).post("/competitions/new", data=_rules_form(regions["130100"], level="province"))
    assert response.status_code == 400
    assert "请选择与主办地区相符的级别" in _page(response).split('id="level"', 1)[1].split('<div class="field', 1)[0]


def test_rounds_stations_places_and_publishing_by_their_buttons(organiser, regions, sign_in):
    competition = events.create_competition(region=regions["130100"], rules=factories.rules(), by=organiser)
    db.session.commit()
    browser = sign_in(organiser)
    base = f"/competitions/{competition.id}"

    browser.post(f"{base}/rounds", data={"name": "决赛"})
    round_ = competition.rounds[0]
    refused = browser.post(f"{base}/publish", follow_redirects=True)
    assert "发布前每一轮至少需要一个赛站。" in _page(refused)
    browser.post(f"{base}/rounds/{round_.id}/stations", data={f"round{round_.id}-scheme": "daily-feeding"})
    browser.post(f"{base}/allowances", data={"allowance-unit": regions["130102"].id, "allowance-places": 2})
    published = browser.post(f"{base}/publish", follow_redirects=True)

    page = _page(published)
    assert "大赛已发布" in page
    db.session.expire_all()
    assert competition.status == CompetitionStatus.OPEN
    assert [s.scheme_code for s in competition.rounds[0].stations] == ["daily-feeding"]
    assert [(a.region.code, a.places) for a in competition.allowances] == [("130102", 2)]
    assert "协助吞咽功能减退的卧床老年人进食进水并预防误吸" in page and "长安区" in page
    # A round of another competition is not this one's.
    other = factories.published_competition(regions["130100"], units=[regions["130104"]], name="另一场大赛")
    db.session.commit()
    assert browser.post(f"{base}/rounds/{other.rounds[0].id}/draw").status_code == 404


def test_who_advances_can_change_until_results_so_a_final_round_can_gain_a_successor(organiser, regions, sign_in):
    competition = events.create_competition(region=regions["130100"], rules=factories.rules(), by=organiser)
    db.session.commit()
    browser = sign_in(organiser)
    base = f"/competitions/{competition.id}"
    browser.post(f"{base}/rounds", data={"name": "初赛"})
    first = competition.rounds[0]
    refused = _page(browser.post(f"{base}/rounds", data={"name": "决赛"}, follow_redirects=True))
    assert "初赛未设置晋级人数或比例" in refused and len(competition.rounds) == 1

    both = _page(browser.post(f"{base}/rounds/{first.id}/advancement", follow_redirects=True,
                              data={f"advance{first.id}-advance_top_n": 10, f"advance{first.id}-advance_share": 20}))
    assert "晋级人数和晋级比例只能填写一项。" in both
    changed = _page(browser.post(f"{base}/rounds/{first.id}/advancement", follow_redirects=True,
                                 data={f"advance{first.id}-advance_top_n": 10}))
    assert "已修改初赛的晋级办法。" in changed and "成绩前 10 名晋级下一轮。" in changed
    browser.post(f"{base}/rounds", data={"name": "决赛"})
    db.session.expire_all()
    assert [(r.name, r.advance_top_n) for r in competition.rounds] == [("初赛", 10), ("决赛", None)]
    # A round another follows must let someone through.
    emptied = _page(browser.post(f"{base}/rounds/{first.id}/advancement", data={}, follow_redirects=True))
    assert "后面还有一轮比赛，必须规定晋级人数。" in emptied
    db.session.expire_all()
    assert competition.rounds[0].advance_top_n == 10
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "competition.round_advancement"))
    assert entry is not None and '"top_n": 10' in entry.new_values


@pytest.fixture
def open_competition(regions):
    """A published city competition of 石家庄 with 2 places for 长安区 and 10 for 桥西区."""
    competition = factories.published_competition(regions["130100"], units=[regions["130102"], regions["130104"]])
    events.set_allowance(competition, regions["130102"], 2, by=None)
    return competition


def test_a_unit_enters_its_own_people_up_to_its_places(open_competition, changan_staff, make_person, sign_in,
                                                       organiser):
    first, second, third = (make_person("130102", name=name) for name in ("张桂兰", "刘淑华", "陈玉梅"))
    stranger = make_person("130104", name="赵春生")
    db.session.commit()
    browser = sign_in(changan_staff)
    url = f"/competitions/{open_competition.id}/entries"
    assert open_competition.name in _page(browser.get("/competitions"))

    found = _page(browser.get(url, query_string={"q": "张桂兰"}))
    assert "张桂兰" in found and first.id_number_masked in found

    entered = _page(browser.post(url, data={"person": first.id}, follow_redirects=True))
    assert "已为长安区报名张桂兰。" in entered
    assert first.id_number_masked in entered and first.reveal_id_number() not in entered
    again = _page(browser.post(url, data={"person": first.id}, follow_redirects=True))
    assert "张*兰已报名本次大赛。" in again
    outside = _page(browser.post(url, data={"person": stranger.id}, follow_redirects=True))
    assert "只能报名在本单位登记的人员。" in outside and "赵春生" not in outside
    browser.post(url, data={"person": second.id})
    full = _page(browser.post(url, data={"person": third.id}, follow_redirects=True))
    assert "本单位的 2 个名额已全部报满。" in full

    db.session.expire_all()
    assert {e.person_id for e in db.session.scalars(select(Entry))} == {first.id, second.id}
    # The organiser sees every unit's entries.
    overview = _page(sign_in(organiser).get(url))
    assert "张桂兰" in overview and "刘淑华" in overview and "桥西区" in overview


def test_a_unit_withdraws_an_entry_before_the_draw(open_competition, changan_staff, make_person, sign_in):
    from lms.competitions.services import entries

    entry = entries.enter_contestant(open_competition, make_person("130102"), open_competition.allowances[0].region,
                                     by=None)
    db.session.commit()
    response = sign_in(changan_staff).post(
        f"/competitions/{open_competition.id}/entries/{entry.id}/withdraw", follow_redirects=True)
    assert "已撤回王秀英的报名。" in _page(response)
    assert db.session.scalar(select(func.count(Entry.id))) == 0


def test_another_citys_staff_see_nothing(open_competition, make_user, sign_in):
    tangshan = make_user(Role.CIVIL_AFFAIRS, region_code="130200")
    db.session.commit()
    browser = sign_in(tangshan)
    base = f"/competitions/{open_competition.id}"
    round_id = open_competition.rounds[0].id
    for url in (base, f"{base}/entries", f"{base}/rounds/{round_id}/export.xlsx", f"{base}/edit"):
        assert browser.get(url).status_code == 404, url
    assert browser.post(f"{base}/publish").status_code == 404
    assert open_competition.name not in _page(browser.get("/competitions"))


def _people(make_person, count=3):
    return [make_person("130102", name=name) for name in ("张桂兰", "刘淑华", "陈玉梅")[:count]]


def test_the_draw_gives_numbers_shown_on_the_set_up_page(organiser, make_person, sign_in, regions):
    from lms.competitions.services import entries

    competition = factories.published_competition(regions["130100"], units=[regions["130102"]])
    for person in _people(make_person):
        entries.enter_contestant(competition, person, regions["130102"], by=None)
    db.session.commit()
    browser = sign_in(organiser)
    round_ = competition.rounds[0]
    url = f"/competitions/{competition.id}/rounds/{round_.id}/draw"

    page = _page(browser.post(url, follow_redirects=True))

    assert "抽签完成" in page
    db.session.expire_all()
    assert round_.draw_seed and round_.draw_seed in page
    for number in ("A001", "A002", "A003"):
        assert number in page
    again = _page(browser.post(url, follow_redirects=True))
    assert "本轮已抽签。" in again


@pytest.fixture
def marked(regions, make_person, make_user, organiser):
    """A drawn one-station final of 3 contestants of 长安区, fully marked
    (totals 80, 76, 72), the station not yet locked."""
    competition = factories.published_competition(regions["130100"], units=[regions["130102"]])
    people = _people(make_person)
    judges = [make_user(Role.EXAMINER) for _ in range(3)]
    setup = factories.drawn_round(competition, {regions["130102"]: people}, judges, chief_user=judges[0])
    by_entry = {c.entry.person_id: c.id for c in setup.contestants}
    factories.mark_all(setup, {(by_entry[people[1].id], "m2"): 8500, (by_entry[people[2].id], "m2"): 8000})
    db.session.commit()
    return setup


def test_results_are_published_only_once_every_station_is_locked(marked, organiser, sign_in):
    browser = sign_in(organiser)
    url = f"/competitions/{marked.competition.id}/rounds/{marked.round.id}/publish"

    refused = _page(browser.post(url, follow_redirects=True))
    assert "公布成绩前，所有赛站都必须由裁判长锁定。" in refused
    assert db.session.scalar(select(func.count(Result.id))) == 0

    judging.lock_station(marked.stations[0], by=marked.chief.user)
    db.session.commit()
    published = _page(browser.post(url, follow_redirects=True))
    assert "决赛成绩已公布。" in published
    ranks = db.session.execute(select(Result.rank, Result.total).order_by(Result.rank)).all()
    assert [(rank, str(total)) for rank, total in ranks] == [(1, "80.00"), (2, "76.00"), (3, "72.00")]


def _publish(setup):
    from lms.competitions.services import results

    judging.lock_station(setup.stations[0], by=setup.chief.user)
    results.publish_results(setup.round, by=None)
    db.session.commit()


def test_award_certificates_are_issued_once(marked, organiser, sign_in):
    _publish(marked)
    browser = sign_in(organiser)
    url = f"/competitions/{marked.competition.id}/rounds/{marked.round.id}/awards"

    first = _page(browser.post(url, follow_redirects=True))
    second = _page(browser.post(url, follow_redirects=True))

    assert "已颁发 3 张获奖证书。" in first
    assert "所有获奖选手均已有获奖证书。" in second
    awards = db.session.scalars(select(Certificate).where(Certificate.kind == CertificateKind.AWARD)).all()
    assert sorted(cert.award for cert in awards) == ["一等奖"] * 3


def _results_sheet(response) -> list[tuple]:
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(BytesIO(response.data))
    return [tuple(row) for row in book["成绩"].iter_rows(values_only=True)]


def test_the_export_has_the_ranking_marked_until_published(marked, organiser, sign_in):
    browser = sign_in(organiser)
    url = f"/competitions/{marked.competition.id}/rounds/{marked.round.id}/export.xlsx"

    live = _results_sheet(browser.get(url))
    assert live[0][:7] == ("名次", "参赛号", "姓名", "单位", "理论", "实操", "总分")
    assert [(row[0], row[2], row[-1]) for row in live[1:]] == [(1, "张桂兰", "未公布"), (2, "刘淑华", "未公布"),
                                                               (3, "陈玉梅", "未公布")]

    _publish(marked)
    rows = _results_sheet(browser.get(url))
    assert [(row[0], row[2], row[3], row[6], row[7], row[-1]) for row in rows[1:]] == [
        (1, "张桂兰", "长安区", 80, "一等奖", "已公布"), (2, "刘淑华", "长安区", 76, "一等奖", "已公布"),
        (3, "陈玉梅", "长安区", 72, "一等奖", "已公布")]
    book = load_workbook(BytesIO(browser.get(url).data))
    assert book.sheetnames == ["成绩", "评分明细", "团体"]
    marks = list(book["评分明细"].iter_rows(values_only=True))
    assert len(marks) == 1 + 3 * 3 * 3  # contestants × aspects × judges
    assert list(book["团体"].iter_rows(values_only=True))[1][:3] == (1, "长安区", 228)


def test_the_rules_are_edited_until_a_station_is_locked(marked, organiser, sign_in, regions):
    browser = sign_in(organiser)
    url = f"/competitions/{marked.competition.id}/edit"
    assert 'value="2026年石家庄市养老护理职业技能大赛"' in _page(browser.get(url))

    saved = browser.post(url, data=_rules_form(regions["130100"], theory_weight=30, practical_weight=70))
    assert saved.status_code == 302
    db.session.expire_all()
    assert (marked.competition.theory_weight, marked.competition.practical_weight) == (30, 70)

    judging.lock_station(marked.stations[0], by=marked.chief.user)
    db.session.commit()
    refused = browser.post(url, data=_rules_form(regions["130100"], theory_weight=20, practical_weight=80))
    assert refused.status_code == 400 and "已有赛站锁定，大赛规则不能再修改。" in _page(refused)


def test_a_round_takes_its_theory_exam_from_the_region(marked, organiser, sign_in, make_exam, make_institution):
    from lms.core.audit import AuditEntry

    inside = make_exam(title="大赛理论考试")
    outside = make_exam(title="唐山理论考试", institution=make_institution("130203"))
    db.session.commit()
    browser = sign_in(organiser)
    url = f"/competitions/{marked.competition.id}/rounds/{marked.round.id}/theory-exam"
    page = _page(browser.get(f"/competitions/{marked.competition.id}"))
    assert "大赛理论考试" in page and "唐山理论考试" not in page

    browser.post(url, data={f"exam{marked.round.id}-exam": outside.id})
    db.session.expire_all()
    assert marked.round.theory_exam_id is None
    linked = _page(browser.post(url, data={f"exam{marked.round.id}-exam": inside.id}, follow_redirects=True))
    assert "决赛的理论成绩取自大赛理论考试。" in linked
    db.session.expire_all()
    assert marked.round.theory_exam_id == inside.id
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "competition.theory_exam_linked")) == 1


def test_the_organiser_appoints_judges_and_assigns_them(open_competition, organiser, make_user, sign_in, regions):
    examiner = make_user(Role.EXAMINER, username="judge-wang")
    clerk = make_user(Role.CIVIL_AFFAIRS, region_code="130102", username="clerk-li")
    db.session.commit()
    browser = sign_in(organiser)
    base = f"/competitions/{open_competition.id}"
    station = open_competition.rounds[0].stations[0]

    refused = _page(browser.post(f"{base}/judges", data={"judge-username": "clerk-li"}, follow_redirects=True))
    assert "没有用户名为 clerk-li 的有效考评员账号。" in refused
    browser.post(f"{base}/judges", data={"judge-username": " judge-wang ", "judge-unit": regions["130102"].id,
                                         "judge-is_chief": "y"})
    judge = judge_of(open_competition.id, examiner.id)
    assert (judge.unit.code, judge.is_chief) == ("130102", True)
    assert judge_of(open_competition.id, clerk.id) is None
    page = _page(browser.post(f"{base}/stations/{station.id}/judges", data={f"station{station.id}-judge": judge.id},
                              follow_redirects=True))
    assert "负责操作1的评分。" in page and "裁判长" in page
    assert [sj.judge_id for sj in db.session.scalars(select(StationJudge))] == [judge.id]
