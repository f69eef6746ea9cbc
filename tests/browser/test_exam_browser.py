"""A trainee sits a theory exam on a phone: starts it from 我的考试, answers,
reloads the page and finds the answers kept (resume), presses 交卷 and is
asked on the page (no pop-up) how it stands, goes back, finishes, confirms and
reads the result; the same step works with scripts off. The answer key and
explanations never reach the paper."""

import random
from datetime import timedelta

from sqlalchemy import select

from lms.auth import services as accounts
from lms.core.access import Role
from lms.core.content_files import LETTERS
from lms.core.time import utcnow
from lms.demo.identities import fake_credit_code
from lms.exams import bank_services, services
from lms.exams.bank_files import BankFile
from lms.exams.models import Attempt
from lms.extensions import db
from lms.people import services as people
from lms.regions.queries import region_by_code
from lms.regions.services import create_institution, import_regions
from tests.browser.conftest import wait_for
from tests.conftest import PASSWORD, REGION_TREE
from tests.exams.conftest import BLUEPRINT, bank_questions

USERNAME = "13812345678"
EXPLANATIONS = {q.explanation for q in bank_questions()}


def _seed(app, closes_in: timedelta = timedelta(days=1)) -> int:
    """A bank, an exam of BLUEPRINT open now (until ``closes_in`` from now),
    and a trainee admitted to it."""
    with app.app_context():
        import_regions(REGION_TREE)
        region = region_by_code("130102")
        home = create_institution(name="长安区康宁养老院", credit_code=fake_credit_code(random.Random(3), "130102"),
                                  kind="care_home", grade=None, region=region)
        user = accounts.create_user(username=USERNAME, display_name="张秀华", password=PASSWORD)
        accounts.assign_role(user, Role.TRAINEE, by=None)
        person = people.register_person(name="张秀华", id_number="130102199003078013", phone=USERNAME,
                                        region=region, categories=["caregiver"], employer=home,
                                        registered_by=home, user=user)
        bank_services.import_bank(BankFile(code="test-bank", title="测试题库", audience="caregiver",
                                           questions=bank_questions()))
        exam = services.create_exam(
            title="五级理论知识考试（第1期）", institution=home, programme=None, audience="caregiver",
            level=5, blueprint=BLUEPRINT, duration_minutes=60, pass_mark=60, attempts_allowed=2,
            opens_at=utcnow() - timedelta(hours=1), closes_at=utcnow() + closes_in, by=None)
        services.add_candidates(exam, [person])
        db.session.commit()
        return exam.id


def _answer_key(app, exam_id: int) -> tuple[int, dict[int, list[str]]]:
    """The open attempt's id and, per position, the right values as the page shows them
    (options are shuffled per attempt: a stored letter is displayed at its place in option_order)."""
    with app.app_context():
        attempt = db.session.scalars(select(Attempt).where(Attempt.exam_id == exam_id)).one()
        key = {}
        for item in attempt.items:
            if item.version.kind == "true_false":
                key[item.position] = [item.version.answer]
            else:
                key[item.position] = sorted(LETTERS[item.option_order.index(letter)]
                                            for letter in item.version.answer)
        return attempt.id, key


def _stored(app, attempt_id: int) -> tuple[str, int | None, bool | None, dict[int, str]]:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        return (attempt.status, attempt.score, attempt.is_passed,
                {item.position: item.given for item in attempt.items})


def _answer(page, position: int, values: list[str]) -> None:
    """Tap the labels of the chosen options, each time waiting for its autosave to return."""
    for value in values:
        label = page.locator(f"fieldset[data-position='{position}'] label.choice"
                             f":has(input[value='{value}'])")
        with page.expect_response(lambda r: r.url.endswith("/answers")
                                  and r.request.method == "POST") as saved:
            label.click()
        assert saved.value.ok, saved.value.text()


def _no_explanations(html: str) -> None:
    for explanation in EXPLANATIONS:
        assert explanation not in html


def _sign_in_and_start(page, base: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("账号或手机号").fill(USERNAME)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/")
    page.get_by_role("navigation").get_by_role("link", name="我的考试").click()
    page.wait_for_url(base + "/me/exams")
    assert "五级理论知识考试（第1期）" in page.locator("main").inner_text()
    page.get_by_role("link", name="开始考试").click()
    # The rules come first: one tap never starts the clock.
    page.wait_for_url("**/me/exams/*/start")
    assert "60分钟" in page.locator("#exam-rules").inner_text().replace(" ", "")
    page.get_by_role("button", name="我已阅读，开始计时").click()
    page.wait_for_url("**/me/attempts/*")


def test_trainee_sits_an_exam_resumes_after_reload_and_passes(live_app, phone):
    exam_id = _seed(live_app)
    base = live_app.base_url
    dialogs = []
    phone.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    _sign_in_and_start(phone, base)
    attempt_id, key = _answer_key(live_app, exam_id)
    assert phone.url == f"{base}/me/attempts/{attempt_id}"
    assert phone.locator("fieldset.question[data-position]").count() == len(key) == 10
    _no_explanations(phone.content())

    # Answer the first three questions; each change is saved as it happens.
    first = [1, 2, 3]
    for position in first:
        _answer(phone, position, key[position])
    wait_for(phone, "document.querySelector('#save-status').textContent.startsWith('已保存')", timeout=10)
    assert all(_stored(live_app, attempt_id)[3][p] for p in first)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path="/tmp/exam-paper.png", full_page=True)

    # Reload: the paper comes back with the saved answers ticked.
    phone.reload()
    phone.wait_for_load_state()
    assert phone.url == f"{base}/me/attempts/{attempt_id}"
    for position in first:
        checked = phone.locator(f"fieldset[data-position='{position}'] input:checked")
        assert sorted(checked.evaluate_all("inputs => inputs.map(i => i.value)")) == key[position]
    assert phone.locator("fieldset[data-position='4'] input:checked").count() == 0
    _no_explanations(phone.content())

    # 我的考试 now offers to continue the same attempt, not a new one.
    phone.goto(base + "/me/exams")
    assert phone.get_by_role("link", name="开始考试").count() == 0
    phone.get_by_role("link", name="继续").click()
    phone.wait_for_url(f"{base}/me/attempts/{attempt_id}")

    # 交卷 with seven questions open: the page asks in place and names them.
    panel = phone.locator("#submit-panel")
    assert not panel.is_visible()
    phone.get_by_role("button", name="交卷", exact=True).click()
    assert panel.is_visible() and not phone.locator("#submit-paper").is_visible()
    assert "共 10 题，还有 7 题未作答。" in panel.inner_text()
    assert panel.locator("#submit-panel-missing a").all_inner_texts() == ["4", "5", "6", "7", "8", "9", "10"]
    assert phone.evaluate("document.activeElement.id") == "submit-panel"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path="/tmp/exam-confirm-panel.png", full_page=False)
    # 继续作答: the panel goes, and the first open question is next.
    phone.get_by_role("button", name="继续作答").click()
    assert not panel.is_visible() and phone.locator("#submit-paper").is_visible()
    assert phone.evaluate("document.activeElement.closest('fieldset').dataset.position") == "4"
    assert _stored(live_app, attempt_id)[0] == "open"

    for position in sorted(key):
        if position not in first:
            _answer(phone, position, key[position])
    _no_explanations(phone.content())

    phone.get_by_role("button", name="交卷", exact=True).click()
    assert "10 题已全部作答。" in panel.inner_text()
    assert not panel.locator("#submit-panel-missing").is_visible()
    phone.get_by_role("button", name="确认交卷").click()
    phone.wait_for_url(f"{base}/me/attempts/{attempt_id}/result")
    assert dialogs == []  # asked on the page, never in a pop-up

    status, score, passed, _given = _stored(live_app, attempt_id)
    assert (status, score, passed) == ("submitted", 100, True)
    result = phone.locator("main").inner_text()
    assert "成绩：100 分（满分100）" in result
    assert phone.locator(".badge.ok").inner_text() == "合格"
    assert "不合格" not in result
    rows = phone.locator("table.list tbody tr").all_inner_texts()
    assert len(rows) == 3
    for area, right, points in (("生活照护", "4 / 4", "40 / 40"), ("基础照护", "3 / 3", "30 / 30"),
                                ("职业道德与基础知识", "3 / 3", "30 / 30")):
        assert any(area in row and right in row and points in row for row in rows), rows
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # The paper of a submitted attempt is closed: it leads back to the result.
    phone.goto(f"{base}/me/attempts/{attempt_id}")
    phone.wait_for_url(f"{base}/me/attempts/{attempt_id}/result")


def test_with_scripts_off_submit_asks_on_a_page_of_its_own(live_app, browser):
    """No JavaScript: 交卷 sends the answers and the server asks; 继续作答
    returns to the paper with them kept; 确认交卷 submits."""
    exam_id = _seed(live_app)
    base = live_app.base_url
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                                  java_script_enabled=False)
    page = context.new_page()
    _sign_in_and_start(page, base)
    attempt_id, key = _answer_key(live_app, exam_id)
    for position in (1, 2):
        for value in key[position]:
            page.locator(f"fieldset[data-position='{position}'] label.choice:has(input[value='{value}'])").click()
    assert not page.locator("#submit-panel").is_visible()
    assert _stored(live_app, attempt_id)[3][1] == ""  # no autosave without scripts

    page.get_by_role("button", name="交卷", exact=True).click()
    page.wait_for_url(f"{base}/me/attempts/{attempt_id}/submit")
    main = page.locator("main").inner_text()
    assert "确定交卷吗？" in main and "共 10 题，还有 8 题未作答。" in main
    assert page.locator(".unanswered a").all_inner_texts() == [str(n) for n in range(3, 11)]
    status, _score, _passed, given = _stored(live_app, attempt_id)
    assert status == "open" and given[1] and given[2]  # the answers came with 交卷
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/exam-confirm-page.png", full_page=True)

    page.get_by_role("link", name="继续作答").click()
    page.wait_for_url(f"{base}/me/attempts/{attempt_id}")
    assert page.locator("fieldset[data-position='1'] input:checked").count() == len(key[1])
    page.get_by_role("button", name="交卷", exact=True).click()
    page.wait_for_url(f"{base}/me/attempts/{attempt_id}/submit")
    page.get_by_role("button", name="确认交卷").click()
    page.wait_for_url(f"{base}/me/attempts/{attempt_id}/result")
    status, score, _passed, _given = _stored(live_app, attempt_id)
    assert status == "submitted" and score == 20
    context.close()


def test_when_time_is_up_the_paper_is_submitted_without_asking(live_app, phone):
    """The clock reaching 0:00 submits what is on the page: there is nobody
    to confirm, so it must not stop at the confirm step."""
    exam_id = _seed(live_app, closes_in=timedelta(seconds=10))
    base = live_app.base_url
    _sign_in_and_start(phone, base)
    attempt_id, key = _answer_key(live_app, exam_id)
    _answer(phone, 1, key[1])
    phone.wait_for_url(f"{base}/me/attempts/{attempt_id}/result", timeout=20_000)
    status, score, _passed, _given = _stored(live_app, attempt_id)
    assert (status, score) == ("submitted", 10)
