"""A class from start to finish in a real browser: staff create it, write its
plan, name its instructor, enrol a trainee and submit the opening
application; the city approves it; a session shows its rotating QR code; a
trainee on a 360 px phone signs in and out with it; the report shows the hours."""

import random
from datetime import timedelta

from sqlalchemy import select, update

from lms.auth import services as accounts
from lms.core.access import Role
from lms.core.time import local_today, utcnow
from lms.demo.identities import fake_id_number
from lms.extensions import db
from lms.people import services as people
from lms.regions.queries import region_by_code
from lms.training.models import Attendance, ClassSession, TrainingClass
from lms.training.services.attendance import session_token
from lms.training.services.classes import create_instructor
from lms.training.services.sessions import SessionDetails, schedule_session
from tests.browser.conftest import seed_home
from tests.certs.conftest import add_programmes
from tests.conftest import PASSWORD

TRAINEE_PHONE = "13812345678"
CLASS_NAME = "2026年第6期养老护理员（五级）培训班"


def _seed(app) -> None:
    rng = random.Random(17)
    with app.app_context():
        home, staff = seed_home(rng)
        region = home.region
        city = accounts.create_user(username="ca130100", display_name="石家庄市民政局", password=PASSWORD)
        accounts.assign_role(city, Role.CIVIL_AFFAIRS, by=None, region=region_by_code("130100"))
        add_programmes()
        create_instructor(institution=home, name="王丽华", qualification_kind="养老护理员二级/技师",
                          qualification_number="HB2019-JS-0107", by=None)
        user = accounts.create_user(username=TRAINEE_PHONE, display_name="张秀兰", password=PASSWORD)
        accounts.assign_role(user, Role.TRAINEE, by=None)
        people.register_person(name="张秀兰", id_number=fake_id_number(rng, "130102"), phone=TRAINEE_PHONE,
                               region=region, categories=["caregiver"], employer=home, registered_by=home,
                               user=user)
        db.session.commit()


def _sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("账号或手机号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/")


def _schedule_session_now(app) -> int:
    """A session that began an hour ago (the form takes whole dates and
    times; a test that may run near midnight schedules it directly)."""
    with app.app_context():
        cls = db.session.scalar(select(TrainingClass).where(TrainingClass.name == CLASS_NAME))
        start = utcnow().replace(second=0, microsecond=0) - timedelta(minutes=70)
        session = schedule_session(cls, SessionDetails(
            starts_at=start, ends_at=start + timedelta(minutes=120), topic="协助卧床老年人翻身",
            instructor=cls.instructors[0], venue=cls.venue, hours=2), by=None)
        db.session.commit()
        return session.id


def _token(app, session_id: int) -> str:
    with app.app_context():
        return session_token(session_id)


def test_a_class_from_application_to_hours(live_app, browser, phone):
    _seed(live_app)
    base = live_app.base_url
    with live_app.app_context():
        today = local_today()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        _sign_in(page, base, "staff1")
        page.get_by_role("navigation", name="主导航").get_by_role("link", name="培训班").click()
        page.get_by_role("link", name="新建培训班").click()
        page.get_by_label("培训项目").select_option("CG-5")
        page.get_by_label("培训班名称").fill(CLASS_NAME)
        page.get_by_label("开班日期").fill((today - timedelta(days=1)).isoformat())
        page.get_by_label("结业日期").fill((today + timedelta(days=20)).isoformat())
        page.get_by_label("培训地点").fill("康宁养老院二楼实训室")
        page.get_by_label("名额").fill("30")
        page.get_by_role("button", name="保存").click()
        page.wait_for_url("**/classes/*")
        class_url = page.url

        page.get_by_role("link", name="修改教学计划").click()
        page.get_by_label("主题 1", exact=True).fill("线上理论：养老护理员五级课程")
        page.get_by_label("方式 1", exact=True).select_option("online")
        page.get_by_label("学时 1", exact=True).fill("60")
        page.get_by_label("主题 2", exact=True).fill("生活照护与基础照护实操")
        page.get_by_label("学时 2", exact=True).fill("120")
        page.get_by_role("button", name="保存教学计划").click()
        page.wait_for_url(class_url)

        page.get_by_role("link", name="选择授课教师").click()
        page.get_by_label("王丽华（养老护理员二级/技师 HB2019-JS-0107）").check()
        page.get_by_role("button", name="保存").click()
        page.wait_for_url(class_url)

        page.get_by_role("link", name="学员名单").first.click()
        page.locator("#enrol input[name=q]").fill("张秀兰")
        page.locator("#enrol").get_by_role("button", name="查找").click()
        page.get_by_label("张秀兰", exact=False).check()
        page.get_by_role("button", name="为勾选的学员报名").click()
        assert "已报名 1 人" in page.locator("main").inner_text()

        page.goto(class_url)
        page.get_by_label("我代表本机构确认以上承诺").check()
        page.get_by_role("button", name="提交开班申请").click()
        assert "开班申请已提交" in page.locator("main").inner_text()
        page.get_by_role("button", name="退出").click()

        _sign_in(page, base, "ca130100")
        page.get_by_role("navigation", name="主导航").get_by_role("link", name="培训班").click()
        page.get_by_role("link", name=CLASS_NAME).click()
        page.get_by_role("button", name="批准开班").click()
        assert "已批准开班" in page.locator("main").inner_text()
        page.get_by_role("button", name="退出").click()

        session_id = _schedule_session_now(live_app)
        _sign_in(page, base, "staff1")
        page.goto(class_url)
        page.get_by_role("link", name="考勤").first.click()
        qr = page.locator("#attendance-qr")
        qr.wait_for(state="visible")
        # Visible is not loaded: wait for the image itself (a broken one never gets a width).
        page.wait_for_function("() => { const qr = document.getElementById('attendance-qr');"
                               " return qr.complete && qr.naturalWidth > 0; }", timeout=10_000)

        _sign_in(phone, base, TRAINEE_PHONE)
        phone.goto(f"{base}/attend/{_token(live_app, session_id)}")
        phone.get_by_role("button", name="确认签到").click()
        assert "签到成功" in phone.locator("main").inner_text()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        with live_app.app_context():  # an hour passes
            db.session.execute(update(Attendance).where(Attendance.session_id == session_id)
                               .values(at=utcnow() - timedelta(minutes=60)))
            db.session.commit()
        phone.goto(f"{base}/attend/{_token(live_app, session_id)}")
        phone.get_by_role("button", name="确认签退").click()
        assert "签退" in phone.locator("main").inner_text()

        page.goto(class_url)
        page.get_by_role("link", name="学时统计").click()
        minutes = int(page.locator("#hours-report [data-classroom-minutes]").first.get_attribute(
            "data-classroom-minutes"))
        assert 59 <= minutes <= 61
        with live_app.app_context():
            assert db.session.scalar(select(ClassSession.id)) == session_id
    finally:
        context.close()
