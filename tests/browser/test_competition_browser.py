"""A competition station judged in a real browser: three judges, each on a
360 px phone, mark every aspect of every contestant by tapping (each mark
saved as it is chosen); the chief judge reviews and locks the station; the
results are published and the public board shows the ranking and prizes."""

import random

from sqlalchemy import select

from lms.auth import services as accounts
from lms.competitions.models import Competition, Contestant, Entry
from lms.competitions.services import results
from lms.core.access import Role
from lms.demo.identities import fake_id_number, fake_mobile
from lms.extensions import db
from lms.people import services as people
from lms.people.models import Person
from lms.regions.queries import region_by_code
from lms.regions.services import import_regions
from tests.browser.conftest import wait_for
from tests.competitions import factories
from tests.conftest import PASSWORD

# Three counties of 石家庄, so that each contestant comes from another unit.
TREE = {"provinces": [{"code": "130000", "name": "河北省", "units": [
    {"code": "130100", "name": "石家庄市", "counties": [
        {"code": "130102", "name": "长安区"}, {"code": "130104", "name": "桥西区"},
        {"code": "130105", "name": "新华区"}]}]}]}
CONTESTANTS = {"130102": "张秀兰", "130104": "赵德明", "130105": "刘玉梅"}
JUDGES = ("judge1", "judge2", "judge3")


def _seed(app) -> int:
    """The competition, its contestants (drawn) and judges; returns its id."""
    rng = random.Random(23)
    with app.app_context():
        import_regions(TREE)
        units = [region_by_code(code) for code in CONTESTANTS]
        # One place per prize, so that three contestants take three different prizes.
        competition = factories.published_competition(region_by_code("130100"), units=units,
                                                      prize_counts=(1, 1, 1))
        entrants = {unit: [people.register_person(name=CONTESTANTS[unit.code],
                                                  id_number=fake_id_number(rng, unit.code), phone=fake_mobile(rng),
                                                  region=unit, categories=["caregiver"])]
                    for unit in units}
        users = []
        for username in (*JUDGES, "chief"):
            user = accounts.create_user(username=username, display_name=f"裁判 {username}", password=PASSWORD)
            accounts.assign_role(user, Role.EXAMINER, by=None)
            users.append(user)
        factories.drawn_round(competition, entrants, users[:3], chief_user=users[3])
        db.session.commit()
        return competition.id


def _names_in_start_order(app, competition_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(
            select(Person.name).join(Entry, Entry.person_id == Person.id)
            .join(Contestant, Contestant.entry_id == Entry.id)
            .where(Entry.competition_id == competition_id).order_by(Contestant.start_order)))


def _sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("账号或手机号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/")


ALL_SAVED = ("Array.from(document.querySelectorAll('fieldset[data-aspect]'))"
             ".every(function (f) { return f.getAttribute('data-state') === 'saved'; })")


def _mark_station(page, base: str, station_title: str) -> None:
    """Mark every contestant: in start order, full points, the first listed
    deduction and zero on measurement aspects, and grades 3, 2, 1 on
    judgement aspects, so that the start order is also the ranking."""
    page.goto(base + "/judging")
    page.get_by_role("link", name=station_title).click()
    page.wait_for_url("**/judging/stations/*")
    tabs = page.locator(".contestant-tabs a")
    count = tabs.count()
    assert count == len(CONTESTANTS)
    for k in range(count):
        if k:
            tabs.nth(k).click()
            page.wait_for_load_state()
        assert page.locator("#sheet-submit").is_hidden()  # the script saves as it goes
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        fieldsets = page.locator("fieldset[data-aspect]")
        for n in range(fieldsets.count()):
            fieldset = fieldsets.nth(n)
            choices = fieldset.locator("label.mark-choice")
            is_grade = fieldset.locator(".mark-choices.grades").count() == 1
            choice = choices.nth(3 - k if is_grade else (0, 1, choices.count() - 1)[k])
            box = choice.bounding_box()
            assert box["height"] >= 44 and box["x"] + box["width"] <= 360
            choice.click()
        wait_for(page, ALL_SAVED)
        wait_for(page, "!document.querySelector('.contestant-tabs a[aria-current] .tick').hidden")
        assert page.locator(".save-state").first.inner_text() == "已保存"
    page.goto(base + "/judging")
    assert "已录入 9／9 项评分" in page.locator("main").inner_text()


def _drop_first_saves(page, count: int) -> list:
    """Abort the page's next ``count`` autosave requests as a lost connection
    would; the returned list empties as they are dropped."""
    left = [None] * count

    def handle(route):
        if left:
            left.pop()
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/judging/stations/*/marks", handle)
    return left


def test_judges_mark_on_phones_and_the_chief_locks(live_app, browser):
    base = live_app.base_url
    competition_id = _seed(live_app)
    names = _names_in_start_order(live_app, competition_id)
    with live_app.app_context():
        station = db.session.get(Competition, competition_id).rounds[0].stations[0]
        station_title, station_id = station.title, station.id

    contexts = []
    try:
        for username in JUDGES:
            contexts.append(browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                                has_touch=True, device_scale_factor=2))
            page = contexts[-1].new_page()
            _sign_in(page, base, username)
            if username == JUDGES[0]:
                # The first judge's network drops the first two saves: they are retried.
                dropped = _drop_first_saves(page, 2)
            _mark_station(page, base, station_title)
            assert not any(name in page.content() for name in CONTESTANTS.values())
        # The last judge keeps the sheet open while the chief judge locks.
        assert dropped == []  # both drops happened, and every mark was still saved
        late = page
        late.goto(f"{base}/judging/stations/{station_id}")

        contexts.append(browser.new_context(viewport={"width": 1280, "height": 900}))
        page = contexts[-1].new_page()
        _sign_in(page, base, "chief")
        page.goto(base + "/judging")
        page.get_by_role("link", name=station_title).click()
        page.wait_for_url(f"**/judging/stations/{station_id}/review")
        main = page.locator("main").inner_text()
        assert "评分已齐" in main and "共 0 项评分被标记" in main
        page.get_by_label("锁定备注（选填）").fill("三位裁判评分完整，无异议")
        page.get_by_role("button", name="锁定本赛站").click()
        page.wait_for_load_state()
        main = page.locator("main").inner_text()
        assert "赛站已锁定" in main and "三位裁判评分完整，无异议" in main

        # A change after the lock is refused, and the judge is told why.
        late.locator("fieldset[data-aspect]").first.locator("label.mark-choice").last.click()
        wait_for(late, "document.querySelector('fieldset[data-aspect]').getAttribute('data-state') === 'refused'")
        assert "申诉" in late.locator(".save-state").first.inner_text()

        with live_app.app_context():
            round_ = db.session.get(Competition, competition_id).rounds[0]
            results.publish_results(round_, by=None)
            db.session.commit()
        page.goto(f"{base}/c/{competition_id}/board")
        rows = page.locator("table.board-table:not(.teams) tbody tr")
        assert rows.count() == 3
        for place, (name, prize) in enumerate(zip(names, ("一等奖", "二等奖", "三等奖"), strict=True)):
            row = rows.nth(place).inner_text()
            assert name in row and prize in row and str(place + 1) in row
    finally:
        for context in contexts:
            context.close()
