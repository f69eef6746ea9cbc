"""The public pages: the event page states the rules (weights, prizes, the
tie-break); the results board says nothing before publication and, after
it, shows ranks, names, units, totals with two decimals, prizes and the
team ranking — never an ID or mobile number; the big-screen mode reloads
itself; a draft competition is not there at all."""

import pytest

from lms.competitions.services import events, judging, results
from lms.core.access import Role
from lms.extensions import db
from tests.competitions import factories

NAMES = ("张桂兰", "刘淑华", "陈玉梅")


@pytest.fixture
def setup(regions, make_person, make_user):
    """A drawn one-station final: three of 长安区 (totals 80, 76, 72) and one
    of 桥西区 (68), fully marked, not yet locked."""
    competition = factories.published_competition(regions["130100"], units=[regions["130102"], regions["130104"]])
    changan = [make_person("130102", name=name) for name in NAMES]
    qiaoxi = make_person("130104", name="赵春生")
    judges = [make_user(Role.EXAMINER) for _ in range(3)]
    made = factories.drawn_round(competition, {regions["130102"]: changan, regions["130104"]: [qiaoxi]}, judges,
                                 chief_user=judges[0])
    contestant = {c.entry.person_id: c.id for c in made.contestants}
    factories.mark_all(made, {(contestant[changan[1].id], "m2"): 8500, (contestant[changan[2].id], "m2"): 8000,
                              (contestant[qiaoxi.id], "m2"): 8000, (contestant[qiaoxi.id], "m1"): 0})
    made.people = [*changan, qiaoxi]
    db.session.commit()
    return made


def _publish(setup) -> None:
    judging.lock_station(setup.stations[0], by=setup.chief.user)
    results.publish_results(setup.round, by=None)
    db.session.commit()


def test_before_publication_the_board_shows_progress_and_no_names(setup, client):
    page = client.get(f"/c/{setup.competition.id}/board").get_data(as_text=True)
    assert "成绩尚未公布。" in page
    assert "决赛：裁判长已锁定 0/1 个赛站。" in page
    for person in setup.people:
        assert person.name not in page


def test_after_publication_the_board_shows_ranks_prizes_and_teams(setup, client):
    _publish(setup)
    response = client.get(f"/c/{setup.competition.id}/board")
    page = response.get_data(as_text=True)

    assert response.status_code == 200 and "成绩尚未公布" not in page
    table = page.split('class="board-table"', 1)[1].split("</table>", 1)[0]
    rows = [row for row in table.split("<tr>")[2:]]
    cells = [[cell.split(">", 1)[1].split("</td>", 1)[0].strip() for cell in row.split("<td")[1:]] for row in rows]
    assert [(c[0], c[1], c[2], c[5], c[6]) for c in cells] == [
        ("1", "张桂兰", "长安区", "80.00", "一等奖"), ("2", "刘淑华", "长安区", "76.00", "一等奖"),
        ("3", "陈玉梅", "长安区", "72.00", "一等奖"), ("4", "赵春生", "桥西区", "68.80", "二等奖")]
    assert "团体排名" in page
    teams = page.split('class="board-table teams"', 1)[1]
    assert teams.index("长安区") < teams.index("桥西区") and "228.00" in teams and "68.80" in teams
    for person in setup.people:
        assert person.id_number_masked not in page and person.reveal_id_number() not in page
        assert person.phone not in page and person.phone[-4:] not in page
    assert 'http-equiv="refresh"' not in page


def test_the_big_screen_reloads_itself(setup, client):
    _publish(setup)
    page = client.get(f"/c/{setup.competition.id}/board?screen=1").get_data(as_text=True)
    head = page.split("</head>", 1)[0]
    assert '<meta http-equiv="refresh" content="30">' in head
    assert "board-screen" in page and "张桂兰" in page


def test_the_event_page_states_the_rules(setup, client):
    page = client.get(f"/c/{setup.competition.id}").get_data(as_text=True)
    assert setup.competition.name in page
    assert "理论 20% + 实操 80%" in page
    assert ("总分相同时实操成绩高者名次在前，再相同时理论成绩高者在前，仍相同则并列；"
            "并列跨越奖项线时均获较高奖项，下一奖项名额相应减少。") in page
    assert "一等奖：3 名" in page and "二等奖：7 名" in page and "其余选手：优胜奖" in page
    assert "各单位成绩最好的 3 名选手总分相加。" in page
    assert "操作1" in page and "20 分钟" in page


def test_a_draft_competition_is_not_public(regions, client):
    draft = events.create_competition(region=regions["130100"], rules=factories.rules(), by=None)
    db.session.commit()
    assert client.get(f"/c/{draft.id}").status_code == 404
    assert client.get(f"/c/{draft.id}/board").status_code == 404
    assert client.get("/c/999999/board").status_code == 404
