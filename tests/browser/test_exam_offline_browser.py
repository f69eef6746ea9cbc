"""A trainee's connection drops in the middle of an exam on a phone, and no
answer is lost.

Online, three answers are saved. Offline (``context.set_offline``), five
more are kept on the device and the banner says so. Then the page is
reloaded — how that is done so that it proves the answers come from the
device: a reload while really offline cannot fetch the page at all (only a
cached copy would show, which is not what is under test), so the network is
given back to the page but every autosave is aborted (``page.route``) before
going online. The reloaded page is the server's, drawn from the database,
which holds none of the five answers (checked in the database and in the
served HTML); any of them ticked after the reload can only have come from
the device's queue. Then, offline again, 确认交卷 waits (the panel says so)
instead of leaving for an error page; back online the queue drains, the paper
submits itself, and the database holds all eight answers, graded. And a
save too late for the server's deadline is refused in the banner."""

import json
from datetime import timedelta

from lms.core.time import utcnow
from lms.exams.models import Attempt
from lms.extensions import db
from tests.browser.conftest import wait_for
from tests.browser.test_exam_browser import _answer, _answer_key, _seed, _sign_in_and_start, _stored

BANNER = "网络已断开，答案已保存在本机，恢复后自动提交"
PANEL_OFFLINE = "网络已断开，恢复并发送完本机保存的答案后将自动交卷。"
CLOSED = "考试时间已到，已停止作答。截止前保存的答案有效。"
ONLINE, OFFLINE = [1, 2, 3], [4, 5, 6, 7, 8]


def _ticked(page, position: int) -> list[str]:
    return sorted(page.locator(f"fieldset[data-position='{position}'] input:checked")
                  .evaluate_all("inputs => inputs.map(i => i.value)"))


def _queued(page, attempt_id: int) -> dict:
    return json.loads(page.evaluate(f"localStorage.getItem('exam-answers:{attempt_id}') || '{{}}'"))


def _tap(page, position: int, values: list[str]) -> None:
    """Tap the chosen options' labels, not waiting for any save (there is no network)."""
    for value in values:
        page.locator(f"fieldset[data-position='{position}'] label.choice:has(input[value='{value}'])").click()


def test_answers_survive_a_dropped_connection_and_a_reload(live_app, phone):
    exam_id = _seed(live_app)
    base = live_app.base_url
    context = phone.context
    _sign_in_and_start(phone, base)
    attempt_id, key = _answer_key(live_app, exam_id)
    banner = phone.locator("#offline-banner")

    for position in ONLINE:
        _answer(phone, position, key[position])
    wait_for(phone, "document.querySelector('#save-status').textContent.startsWith('已保存')")
    assert all(_stored(live_app, attempt_id)[3][p] for p in ONLINE)
    assert _queued(phone, attempt_id) == {}  # acknowledged: nothing left on the device
    assert not banner.is_visible()

    # The connection drops: five more answers stay on the device.
    context.set_offline(True)
    for position in OFFLINE:
        _tap(phone, position, key[position])
    wait_for(phone, "!document.getElementById('offline-banner').hidden")
    assert banner.inner_text() == BANNER
    assert sorted(map(int, _queued(phone, attempt_id))) == OFFLINE
    assert not any(_stored(live_app, attempt_id)[3][p] for p in OFFLINE)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path="/tmp/exam-offline-banner.png", full_page=False)

    # Reload with the page reachable but every autosave failing.
    phone.route("**/answers", lambda route: route.abort("internetdisconnected"))
    context.set_offline(False)
    served = phone.reload()
    phone.wait_for_load_state()
    html = served.text()
    for position in ONLINE:  # the server's page ticks what reached it …
        assert f'name="q{position}" value="{key[position][0]}" checked' in html
    for position in OFFLINE:  # … and not what did not
        assert f'name="q{position}" value="{key[position][0]}" checked' not in html
    assert not any(_stored(live_app, attempt_id)[3][p] for p in OFFLINE)
    for position in ONLINE + OFFLINE:
        assert _ticked(phone, position) == key[position], position  # 4–8 from the device
    assert _ticked(phone, 9) == []
    wait_for(phone, "!document.getElementById('offline-banner').hidden")  # re-sent, still failing

    # Offline again, 确认交卷 waits on the page instead of leaving for an error page.
    context.set_offline(True)
    phone.unroute("**/answers")
    phone.get_by_role("button", name="交卷", exact=True).click()
    phone.get_by_role("button", name="确认交卷").click()
    wait = phone.locator("#submit-panel-wait")
    wait_for(phone, "!document.getElementById('submit-panel-wait').hidden")
    assert wait.inner_text() == PANEL_OFFLINE
    phone.wait_for_timeout(1500)
    assert phone.url == f"{base}/me/attempts/{attempt_id}"
    assert _stored(live_app, attempt_id)[0] == "open"

    # Back online: the queue drains, then the paper submits itself.
    context.set_offline(False)
    phone.wait_for_url(f"{base}/me/attempts/{attempt_id}/result", timeout=20_000)
    assert _queued(phone, attempt_id) == {}
    status, score, passed, given = _stored(live_app, attempt_id)
    assert status == "submitted"
    assert all(given[p] for p in ONLINE + OFFLINE) and not given[9] and not given[10]
    assert (score, passed) == (80, True)  # eight right answers of ten points each
    with live_app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        earned = {item.position: item.earned for item in attempt.items}
    assert earned == {p: (10 if p in ONLINE + OFFLINE else 0) for p in range(1, 11)}
    assert "成绩：80 分（满分100）" in phone.locator("main").inner_text()


def test_an_answer_too_late_for_the_server_is_refused_and_the_page_says_so(live_app, phone):
    """Time is the server's: a save reaching it after the deadline and the
    grace is refused; the banner says so, nothing stays queued, and the page
    reloads into the result, which says it again."""
    exam_id = _seed(live_app)
    base = live_app.base_url
    _sign_in_and_start(phone, base)
    attempt_id, key = _answer_key(live_app, exam_id)
    _answer(phone, 1, key[1])
    with live_app.app_context():
        # The page still counts down from the deadline it was drawn with.
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline_at = utcnow() - timedelta(seconds=live_app.config["EXAM_GRACE_SECONDS"] + 5)
        db.session.commit()
    _tap(phone, 2, key[2][:1])
    wait_for(phone, "document.getElementById('offline-banner').classList.contains('closed')")
    banner = phone.locator("#offline-banner")
    assert banner.is_visible() and banner.inner_text() == CLOSED
    assert _queued(phone, attempt_id) == {}
    phone.wait_for_url(f"{base}/me/attempts/{attempt_id}/result", timeout=10_000)
    assert phone.locator("main").inner_text().count(CLOSED) == 1
    status, score, _passed, given = _stored(live_app, attempt_id)
    assert status == "expired" and score == 10 and given[1] and not given[2]
