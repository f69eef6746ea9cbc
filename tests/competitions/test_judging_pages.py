"""The judges' pages: the station list, the mark sheet (numbers only), the
autosave and its no-JavaScript fallback, the chief judge's review with the
lock, and appeals. Every judge-facing page is checked for anything that
could tell a judge who a contestant is."""

import json
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from lms.auth.models import User
from lms.competitions.models import Appeal, AppealStatus, Competition, Contestant, Mark, Station
from lms.competitions.services import judging
from lms.core.access import Role
from lms.core.audit import AuditEntry
from lms.extensions import db
from tests.competitions import factories

# Distinctive names and units: none of them may appear on a judge's page.
NAMES = {"130102": ("张秀兰", "李桂芳"), "130104": ("赵德明", "孙建华")}


@dataclass
class Contest:
    setup: factories.Setup
    judges: list[User]  # judges[2] comes from 长安区
    chief: User
    outsider: User  # an examiner who judges nothing here

    @property
    def station(self) -> Station:
        return self.setup.stations[0]

    def aspect(self, code: str):
        return next(a for a in self.station.aspects if a.code == code)

    def contestant(self, name: str) -> Contestant:
        return next(c for c in self.setup.contestants if c.entry.person.name == name)


@pytest.fixture
def contest(regions, make_person, make_user) -> Contest:
    changan, qiaoxi = regions["130102"], regions["130104"]
    assert changan.name == "长安区" and qiaoxi.name == "桥西区"
    # The default flag threshold (1 grade): of the grades 3, 3, 0 only the 0 is out of line.
    competition = factories.published_competition(regions["130100"], units=[changan, qiaoxi])
    people = {regions[code]: [make_person(code, name=name) for name in names] for code, names in NAMES.items()}
    judges = [make_user(Role.EXAMINER) for _ in range(3)]
    chief, outsider = make_user(Role.EXAMINER), make_user(Role.EXAMINER)
    setup = factories.drawn_round(competition, people, judges, chief_user=chief,
                                  judge_units={judges[2].id: changan})
    db.session.commit()
    return Contest(setup, judges, chief, outsider)


def _as(client, login, user) -> None:
    client.post("/logout")
    login(user)


def _assert_anonymous(text: str, contest: Contest) -> None:
    """Nothing on a judge's page names a contestant, their unit or their records."""
    for entry in contest.setup.entries:
        assert entry.person.name not in text
        assert entry.unit.name not in text
        assert entry.person.id_number_masked not in text and entry.person.phone not in text
    assert not re.search(r"person|entry|entries|unit", text, re.IGNORECASE), \
        re.search(r".{40}(person|entry|entries|unit).{40}", text, re.IGNORECASE | re.DOTALL)


def _sheet_url(contest: Contest, contestant: Contestant | None = None) -> str:
    url = f"/judging/stations/{contest.station.id}"
    return f"{url}?c={contestant.id}" if contestant else url


def _save(client, contest: Contest, contestant: Contestant, code: str, value: int, seq: int):
    return client.post(f"/judging/stations/{contest.station.id}/marks",
                       json={"contestant": contestant.id, "aspect": contest.aspect(code).id, "value": value,
                             "seq": seq})


def _stored(contest: Contest, judge: User, contestant: Contestant, code: str) -> int | None:
    db.session.expire_all()
    return db.session.scalar(select(Mark.value).where(
        Mark.contestant_id == contestant.id, Mark.aspect_id == contest.aspect(code).id,
        Mark.judge_id == next(j.id for j in contest.setup.judges if j.user_id == judge.id)))


def _mark_everything(contest: Contest, values=None) -> None:
    factories.mark_all(contest.setup, values, station=contest.station)
    db.session.commit()


def _lock(contest: Contest) -> None:
    judging.lock_station(contest.station, by=contest.chief)
    db.session.commit()


def test_the_list_shows_my_stations_with_my_progress(client, login, contest):
    _as(client, login, contest.judges[0])
    _save(client, contest, contest.setup.contestants[0], "m1", 400, 1)
    page = client.get("/judging").get_data(as_text=True)
    assert contest.station.title in page and contest.setup.competition.name in page and "决赛" in page
    # Four contestants × three aspects; one mark entered.
    assert "已录入 1／12 项评分" in page
    assert f'href="/judging/stations/{contest.station.id}"' in page
    _assert_anonymous(page, contest)

    _as(client, login, contest.outsider)
    assert "目前没有您要评分的赛站" in client.get("/judging").get_data(as_text=True)

    _as(client, login, contest.chief)
    page = client.get("/judging").get_data(as_text=True)
    assert f'href="/judging/stations/{contest.station.id}/review"' in page
    # 3 judges × 12 marks, less the 2 × 3 the 长安区 judge does not give, less the one entered.
    assert "还缺 29 项评分" in page
    _assert_anonymous(page, contest)


def test_every_judge_facing_page_shows_numbers_only(client, login, contest):
    judge = contest.judges[0]
    _as(client, login, judge)
    pages = [client.get("/judging").get_data(as_text=True)]
    for contestant in contest.setup.contestants:
        response = client.get(_sheet_url(contest, contestant))
        assert response.status_code == 200
        pages.append(response.get_data(as_text=True))
        assert contestant.number in pages[-1]
        saved = _save(client, contest, contestant, "j1", 2, 1)
        assert saved.status_code == 200
        pages.append(saved.get_data(as_text=True))
        assert set(saved.get_json()) == {"status", "done", "expected"}
    _mark_everything(contest)
    _as(client, login, contest.chief)
    review = client.get(f"/judging/stations/{contest.station.id}/review")
    assert review.status_code == 200
    pages.append(review.get_data(as_text=True))
    _lock(contest)
    locked_review = client.get(f"/judging/stations/{contest.station.id}/review").get_data(as_text=True)
    assert all(c.number in locked_review for c in contest.setup.contestants)
    pages.append(locked_review)
    _as(client, login, judge)
    for contestant in contest.setup.contestants:
        pages.append(client.get(_sheet_url(contest, contestant)).get_data(as_text=True))
    for text in pages:
        _assert_anonymous(text, contest)


def test_a_judge_not_assigned_to_the_station_gets_404(client, login, contest):
    contestant = contest.setup.contestants[0]
    _as(client, login, contest.outsider)
    assert client.get(_sheet_url(contest)).status_code == 404
    assert _save(client, contest, contestant, "m1", 400, 1).status_code == 404
    assert client.post(f"/judging/stations/{contest.station.id}/marks", json={}).status_code == 404
    assert client.post(f"/judging/stations/{contest.station.id}/contestants/{contestant.id}",
                       data={f"a{contest.aspect('m1').id}": "400", "seq": "1"}).status_code == 404
    assert client.get(f"/judging/stations/{contest.station.id}/review").status_code == 404
    assert client.post(f"/judging/stations/{contest.station.id}/lock").status_code == 404
    # The chief judge reviews but is not assigned to mark.
    _as(client, login, contest.chief)
    assert client.get(_sheet_url(contest)).status_code == 404
    assert client.get("/judging/stations/999999").status_code == 404


def test_a_judge_never_sees_contestants_of_their_own_unit(client, login, contest):
    """Saving one is refused with 409 (the service's conflict-of-interest message)."""
    _as(client, login, contest.judges[2])  # from 长安区
    page = client.get(_sheet_url(contest)).get_data(as_text=True)
    own = [contest.contestant(name) for name in NAMES["130102"]]
    others = [contest.contestant(name) for name in NAMES["130104"]]
    assert all(c.number in page for c in others)
    assert not any(f"c={c.id}" in page or c.number in page for c in own)
    assert client.get(_sheet_url(contest, own[0])).status_code == 404
    refused = _save(client, contest, own[0], "m1", 400, 1)
    assert refused.status_code == 409 and "本单位" in refused.get_json()["error"]
    assert _stored(contest, contest.judges[2], own[0], "m1") is None


def test_autosave_keeps_the_newest_save(client, login, contest):
    contestant = contest.setup.contestants[0]
    _as(client, login, contest.judges[0])
    first = _save(client, contest, contestant, "j1", 3, 5)
    assert first.status_code == 200 and first.get_json() == {"status": "saved", "done": 1, "expected": 3}
    late = _save(client, contest, contestant, "j1", 1, 4)  # an older save arriving after a newer one
    assert late.status_code == 200 and late.get_json()["status"] == "stale"
    assert _stored(contest, contest.judges[0], contestant, "j1") == 3
    # The page starts its counter after the highest stored one.
    assert 'data-seq="6"' in client.get(_sheet_url(contest, contestant)).get_data(as_text=True)


def test_refused_and_malformed_saves(client, login, contest):
    contestant = contest.setup.contestants[0]
    _as(client, login, contest.judges[0])
    grade = _save(client, contest, contestant, "j1", 5, 1)
    assert grade.status_code == 409 and "0 到 3" in grade.get_json()["error"]
    points = _save(client, contest, contestant, "m2", 8800, 1)  # no listed deduction of 2 points
    assert points.status_code == 409 and points.get_json()["error"]
    url = f"/judging/stations/{contest.station.id}/marks"
    for body in ({"contestant": contestant.id}, {"contestant": str(contestant.id), "aspect": 1, "value": 1, "seq": 1},
                 {"contestant": contestant.id, "aspect": contest.aspect("j1").id, "value": True, "seq": 1},
                 {"contestant": contestant.id, "aspect": contest.aspect("j1").id, "value": 1, "seq": 2**40}, [1]):
        response = client.post(url, json=body)
        assert response.status_code == 400 and response.get_json()["error"], body
    assert client.post(url, data="{not json", content_type="application/json").status_code == 400
    # Another station's aspect through this station's address: nothing to mark.
    assert client.post(url, json={"contestant": contestant.id, "aspect": 999999, "value": 1,
                                  "seq": 1}).status_code == 404
    assert _stored(contest, contest.judges[0], contestant, "j1") is None


def test_the_sheet_without_javascript(client, login, contest):
    contestant = contest.setup.contestants[0]
    _as(client, login, contest.judges[0])
    page = client.get(_sheet_url(contest)).get_data(as_text=True)
    assert f'action="/judging/stations/{contest.station.id}/contestants/{contestant.id}"' in page
    # Every aspect: the grades with their descriptors, the points with the deductions.
    for text in ("沟通耐心、尊重老人意愿", "满分 4", "扣 2：未核对床号", "扣 10：遗漏一个步骤", "0分"):
        assert text in page
    assert len(re.findall(rf'name="a{contest.aspect("j1").id}"', page)) == 4
    m1, j1, m2 = (contest.aspect(code).id for code in ("m1", "j1", "m2"))
    response = client.post(f"/judging/stations/{contest.station.id}/contestants/{contestant.id}",
                           data={f"a{m1}": "200", f"a{j1}": "2", f"a{m2}": "8000", "seq": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"c={contestant.id}")
    assert [_stored(contest, contest.judges[0], contestant, code) for code in ("m1", "j1", "m2")] == [200, 2, 8000]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已保存 3 项评分" in page
    assert re.search(rf'<a href="[^"]*c={contestant.id}"[^>]*>{contestant.number}<span class="tick">✓', page)
    assert re.search(rf'name="a{j1}" value="2" checked', page)
    # A refused value saves nothing of the form and says which aspect.
    refused = client.post(f"/judging/stations/{contest.station.id}/contestants/{contestant.id}",
                          data={f"a{m1}": "400", f"a{j1}": "7", "seq": "2"}, follow_redirects=True)
    assert "沟通的耐心与尊重" in refused.get_data(as_text=True)
    assert _stored(contest, contest.judges[0], contestant, "m1") == 200


def test_other_judges_marks_are_hidden_until_the_lock(client, login, contest):
    contestant = contest.contestant("张秀兰")
    first, second = contest.judges[:2]
    j1 = contest.aspect("j1").id
    _as(client, login, first)
    _save(client, contest, contestant, "j1", 1, 1)
    _as(client, login, second)
    _save(client, contest, contestant, "j1", 3, 1)
    page = client.get(_sheet_url(contest, contestant)).get_data(as_text=True)
    assert re.search(rf'name="a{j1}" value="3" checked', page)
    assert not re.search(rf'name="a{j1}" value="1" checked', page)
    assert "<dd>" not in page and "裁判1" not in page

    _mark_everything(contest, {(contestant.id, "j1"): lambda judge: 1 if judge.user_id == first.id else 3})
    _lock(contest)
    page = client.get(_sheet_url(contest, contestant)).get_data(as_text=True)
    assert 'type="radio"' not in page and "已锁定" in page
    marks = re.findall(r"<dt>(裁判\d)</dt><dd>([^<]*)</dd>", page)
    judge_ids = sorted(j.id for j in contest.setup.judges)
    first_label = f"裁判{judge_ids.index(contest.setup.judges[0].id) + 1}"
    second_label = f"裁判{judge_ids.index(contest.setup.judges[1].id) + 1}"
    # The judgement aspect is the second; 张秀兰 is of 长安区, so the third judge has no mark.
    assert (first_label, "1") in marks and (second_label, "3") in marks
    assert "本项得分：4.00／6 分" in page  # grades 1 and 3: mean 2 of 3, of 6 points
    assert f"您的评分在“{second_label}”一栏" in page


def test_the_review_flags_a_mark_out_of_line(client, login, contest):
    contestant = contest.contestant("赵德明")  # of 桥西区: all three judges mark
    grades = dict(zip((j.user_id for j in contest.setup.judges), (3, 3, 0), strict=True))
    _mark_everything(contest, {(contestant.id, "j1"): lambda judge: grades[judge.user_id]})
    _as(client, login, contest.chief)
    page = client.get(f"/judging/stations/{contest.station.id}/review").get_data(as_text=True)
    section = page[page.index(f'id="c{contestant.id}"'):]
    section = section[:section.index("</section>")]
    row = section[section.index("沟通的耐心与尊重"):]
    row = row[:row.index("</tr>")]
    cells = re.findall(r'<td class="([^"]*)">\s*([^<\s]+)', row)
    assert cells[:3] == [("", "3"), ("", "3"), ("flagged", "0")]
    assert "4.00" in row  # grades 3, 3, 0: mean 2 of 3, of 6 points
    assert "全体裁判评分的中位数" in page  # the legend says what a flag means
    assert "共 1 项评分被标记" in page


def test_the_lock_waits_for_every_mark_and_ends_marking(client, login, contest):
    _as(client, login, contest.chief)
    review = f"/judging/stations/{contest.station.id}/review"
    page = client.get(review).get_data(as_text=True)
    # 4 contestants × 3 aspects × 3 judges, less the 2 × 3 the 长安区 judge does not mark.
    assert "还缺 30 项评分" in page and re.search(r"<button[^>]*disabled[^>]*>锁定本赛站", page)
    refused = client.post(f"/judging/stations/{contest.station.id}/lock", follow_redirects=True)
    assert "30" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Station, contest.station.id).locked_at is None

    _mark_everything(contest)
    locked = client.post(f"/judging/stations/{contest.station.id}/lock", data={"note": "评分无异议"},
                         follow_redirects=True)
    text = locked.get_data(as_text=True)
    assert "赛站已锁定" in text and "评分无异议" in text and "测试用户" in text
    db.session.expire_all()
    assert db.session.get(Station, contest.station.id).locked_at is not None

    _as(client, login, contest.judges[0])
    late = _save(client, contest, contest.setup.contestants[0], "j1", 0, 99)
    assert late.status_code == 409 and "申诉" in late.get_json()["error"]


def test_only_the_chief_judge_locks_and_decides(client, login, contest):
    judge = contest.judges[0]
    _as(client, login, judge)
    assert client.get(f"/judging/stations/{contest.station.id}/review").status_code == 404
    _mark_everything(contest)
    refused = client.post(f"/judging/stations/{contest.station.id}/lock", follow_redirects=True)
    assert "只有裁判长" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Station, contest.station.id).locked_at is None

    _lock(contest)
    mark = db.session.scalar(select(Mark).where(Mark.aspect_id == contest.aspect("j1").id))
    appeal = judging.lodge_appeal(mark, reason="录像显示沟通到位", by=contest.chief)
    db.session.commit()
    refused = client.post(f"/judging/appeals/{appeal.id}/decision",
                          data={"decision": "upheld", "new_value": "0", "note": "改判"}, follow_redirects=True)
    assert "只有裁判长" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Appeal, appeal.id).status == AppealStatus.LODGED
    _as(client, login, contest.outsider)
    assert client.post(f"/judging/appeals/{appeal.id}/decision",
                       data={"decision": "rejected", "note": "x"}).status_code == 404
    assert client.post(f"/judging/marks/{mark.id}/appeals", data={"reason": "x"}).status_code == 404


def test_an_upheld_appeal_changes_the_mark_and_is_audited(client, login, contest, make_user):
    contestant = contest.contestant("赵德明")
    _mark_everything(contest)
    _lock(contest)
    mark = db.session.scalar(select(Mark).where(Mark.contestant_id == contestant.id,
                                                Mark.aspect_id == contest.aspect("j1").id))
    organiser = make_user(Role.CIVIL_AFFAIRS, region_code="130100")
    elsewhere = make_user(Role.CIVIL_AFFAIRS, region_code="130200")
    db.session.commit()

    _as(client, login, elsewhere)
    assert client.get(f"/judging/stations/{contest.station.id}/review").status_code == 404
    assert client.post(f"/judging/marks/{mark.id}/appeals", data={"reason": "x"}).status_code == 404

    _as(client, login, organiser)
    review = client.get(f"/judging/stations/{contest.station.id}/review")
    assert review.status_code == 200 and f'action="/judging/marks/{mark.id}/appeals"' in review.get_data(as_text=True)
    empty = client.post(f"/judging/marks/{mark.id}/appeals", data={"reason": " "}, follow_redirects=True)
    assert "申诉理由" in empty.get_data(as_text=True)
    lodged = client.post(f"/judging/marks/{mark.id}/appeals", data={"reason": "录像显示该项操作不规范"},
                         follow_redirects=True)
    assert "申诉已提交" in lodged.get_data(as_text=True)
    appeal = db.session.scalar(select(Appeal).where(Appeal.mark_id == mark.id))
    assert not re.search(rf'action="/judging/appeals/{appeal.id}/decision"', lodged.get_data(as_text=True))

    _as(client, login, contest.chief)
    page = client.get(f"/judging/stations/{contest.station.id}/review").get_data(as_text=True)
    assert "录像显示该项操作不规范" in page and f'action="/judging/appeals/{appeal.id}/decision"' in page
    _assert_anonymous(page, contest)
    bad = client.post(f"/judging/appeals/{appeal.id}/decision",
                      data={"decision": "upheld", "new_value": "9", "note": "改为1"}, follow_redirects=True)
    assert "不是该评分项允许的" in bad.get_data(as_text=True)
    decided = client.post(f"/judging/appeals/{appeal.id}/decision",
                          data={"decision": "upheld", "new_value": "1", "note": "经复核录像改判"},
                          follow_redirects=True)
    text = decided.get_data(as_text=True)
    assert "申诉已裁决" in text and "经复核录像改判" in text
    db.session.expire_all()
    assert db.session.get(Mark, mark.id).value == 1
    assert db.session.get(Appeal, appeal.id).status == AppealStatus.UPHELD
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "competition.appeal_decided"))
    assert json.loads(entry.old_values)["value"] == 3 and json.loads(entry.new_values)["value"] == 1
    assert entry.actor_id == contest.chief.id
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "competition.appeal_lodged"))


def test_the_competition_name_holds_no_unit_name(contest):
    # The anonymity checks above scan for unit names: they would be void if
    # the competition or station names contained one.
    names = [db.session.get(Competition, contest.setup.competition.id).name, contest.station.title]
    assert not any(unit in name for unit in ("长安区", "桥西区") for name in names)
