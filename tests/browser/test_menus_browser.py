"""Nobody types a URL: staff go from the menu to issuing and printing a
certificate, and a trainee on a phone from the menu to their certificate and
its public verification page."""

import random

from lms.auth import services as accounts
from lms.certs import services
from lms.certs.eligibility import Evidence
from lms.core.access import Role
from lms.demo.identities import fake_id_number, fake_mobile
from lms.extensions import db
from lms.people import services as people
from tests.browser.conftest import seed_home
from tests.certs.conftest import add_programmes, meet_requirements
from tests.conftest import PASSWORD

TRAINEE_PHONE = "13912345678"


def _seed(app) -> str:
    """An institution with a staff member, one caregiver who has passed both
    assessments (not yet certified) and one trainee who holds a certificate."""
    rng = random.Random(11)
    with app.app_context():
        home, staff = seed_home(rng)
        region = home.region
        programme = add_programmes()["CG-4"]
        waiting = people.register_person(
            name="李桂兰", id_number=fake_id_number(rng, "130102"), phone=fake_mobile(rng), region=region,
            categories=["caregiver"], employer=home, registered_by=home)
        meet_requirements(waiting, programme, home)
        user = accounts.create_user(username=TRAINEE_PHONE, display_name="张建华", password=PASSWORD)
        accounts.assign_role(user, Role.TRAINEE, by=None)
        holder = people.register_person(
            name="张建华", id_number=fake_id_number(rng, "130102"), phone=TRAINEE_PHONE, region=region,
            categories=["caregiver"], employer=home, registered_by=home, user=user)
        meet_requirements(holder, programme, home)
        number = services.issue_certificate(holder, programme, issued_by=staff, institution=home,
                                            evidence=Evidence(note="2026年第1期培训班")).number
        db.session.commit()
    return number


def _sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("账号或手机号").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/")


def test_staff_reach_issuing_and_printing_from_the_menu(live_app, browser):
    _seed(live_app)
    base = live_app.base_url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        _sign_in(page, base, "staff1")
        menu = page.get_by_role("navigation", name="主导航")
        menu.get_by_role("link", name="学员").click()
        page.get_by_role("link", name="李桂兰").click()
        page.get_by_role("link", name="颁发证书").click()
        page.get_by_label("培训项目", exact=True).select_option("CG-4")
        page.get_by_label("认定依据（如培训班、考核成绩、学时）").fill("2026年第1期培训班，理论82分、技能76分")
        page.get_by_role("button", name="颁发", exact=True).click()
        page.wait_for_url("**/certificates/*")
        assert "李桂兰" in page.locator("main").inner_text()

        menu = page.get_by_role("navigation", name="主导航")
        menu.get_by_role("link", name="证书", exact=True).click()
        page.get_by_role("button", name="打印筛选结果中的有效证书").click()
        page.wait_for_url("**/certificates/print-jobs/*")
        page.locator("#job-download a").wait_for(state="visible", timeout=60_000)
        assert page.locator("#job-count").inner_text() == "2 / 2"

        page.get_by_role("navigation", name="主导航").get_by_role("link", name="打印任务").click()
        assert page.locator("main table tbody tr").count() == 1
    finally:
        context.close()


def test_a_trainee_on_a_phone_reaches_their_certificate_and_its_verification(live_app, phone):
    number = _seed(live_app)
    base = live_app.base_url
    _sign_in(phone, base, TRAINEE_PHONE)
    phone.get_by_role("navigation", name="主导航").get_by_role("link", name="我的证书").click()
    phone.wait_for_url(base + "/me/certificates")
    assert number in phone.locator("main").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("link", name="打开公开查验页面（即扫描证书二维码后看到的页面）").click()
    phone.wait_for_url(f"**/v/{number}?s=*")
    assert phone.locator("#verification").get_attribute("data-status") == "valid"
    assert phone.locator("[data-number]").inner_text() == number
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
