"""A family caregiver registers on a phone, studies a lesson, earns time,
passes the quiz and sees the lesson complete."""

from lms.courses.content import read_course
from lms.courses.services import import_course
from lms.extensions import db
from lms.regions.services import import_regions
from tests.browser.conftest import wait_for
from tests.conftest import PASSWORD, REGION_TREE
from tests.courses.conftest import write_course


def _seed(app, tmp_path) -> None:
    with app.app_context():
        import_regions(REGION_TREE)
        import_course(read_course(write_course(tmp_path / "content", "family-intro", minutes=1)))
        db.session.commit()


def _seconds(phone) -> int:
    return int(phone.get_attribute("#study-status", "data-seconds") or 0)


def test_family_caregiver_earns_time_and_completes_a_lesson(make_live_app, phone, tmp_path):
    # One heartbeat a second and a 6-second minimum, so the test runs in seconds.
    app = make_live_app(STUDY_HEARTBEAT_SECONDS=1, LESSON_MIN_TIME_RATIO=0.1)
    _seed(app, tmp_path)

    phone.goto(app.base_url + "/register")
    phone.get_by_label("姓名").fill("李桂芝")
    phone.get_by_label("居民身份证号码").fill("130102199003078013")
    phone.get_by_label("手机号码").fill("13912345678")
    phone.select_option("#region", "130104")
    phone.get_by_label("密码", exact=True).fill(PASSWORD)
    phone.get_by_label("再次输入密码").fill(PASSWORD)
    phone.get_by_role("button", name="注册").click()
    phone.wait_for_url(app.base_url + "/")

    phone.goto(app.base_url + "/courses/family-intro/lessons/01-turning")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.mouse.wheel(0, 200)  # the trainee is active on the page
    wait_for(phone, "parseInt(document.querySelector('#study-status').dataset.seconds || '0') >= 3", timeout=15)
    earned = _seconds(phone)
    phone.wait_for_timeout(2500)
    phone.mouse.wheel(0, 200)
    wait_for(phone, f"parseInt(document.querySelector('#study-status').dataset.seconds || '0') > {earned}", timeout=15)
    wait_for(phone, "parseInt(document.querySelector('#study-status').dataset.seconds || '0') >= 6", timeout=15)

    phone.get_by_label("B. 2小时").check()
    phone.get_by_label("错误").check()
    phone.get_by_role("button", name="提交答案").click()
    phone.wait_for_load_state()
    assert phone.locator(".quiz .flash-success").is_visible()
    assert phone.locator("#study-status .badge.ok").is_visible()  # 已完成

    phone.goto(app.base_url + "/learning")
    assert "已完成 1 / 2 节" in phone.locator("main").inner_text()
