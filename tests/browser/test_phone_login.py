"""A trainee signs in on a phone-sized screen and sees the home page in Chinese."""

from lms.auth import services as accounts
from lms.core.access import Role
from lms.extensions import db
from lms.people import services as people
from lms.regions.queries import region_by_code
from lms.regions.services import import_regions
from tests.conftest import PASSWORD, REGION_TREE


def _seed_trainee(app) -> str:
    with app.app_context():
        import_regions(REGION_TREE)
        user = accounts.create_user(username="13812345678", display_name="王秀英", password=PASSWORD)
        accounts.assign_role(user, Role.TRAINEE, by=None)
        people.register_person(name="王秀英", id_number="130102199003078013", phone="13812345678",
                               region=region_by_code("130102"), categories=["family_caregiver"], user=user)
        db.session.commit()
    return "13812345678"


def test_trainee_signs_in_on_a_phone(live_app, phone, tmp_path):
    username = _seed_trainee(live_app)
    phone.goto(live_app.base_url + "/login")
    assert phone.locator("h1").inner_text() == "登录"
    phone.get_by_label("账号或手机号").fill(username)
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url(live_app.base_url + "/")
    assert "王秀英，您好" in phone.locator("h1").inner_text()
    assert phone.get_by_role("link", name="我的档案").first.is_visible()
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(tmp_path / "home-360.png"), full_page=True)

    phone.get_by_role("link", name="我的档案").first.click()
    record = phone.locator("main").inner_text()
    assert "1301**********8013" in record and "130102199003078013" not in record


def test_elder_mode_is_one_tap_and_remembered(live_app, phone):
    phone.goto(live_app.base_url + "/login")
    normal = phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    phone.get_by_role("button", name="长辈模式").click()
    phone.wait_for_load_state()
    large = phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert normal < 18 <= large
    button_height = phone.evaluate(
        "document.querySelector('main button[type=submit]').getBoundingClientRect().height")
    assert button_height >= 48
    phone.goto(live_app.base_url + "/register")  # remembered on the next page
    assert phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 18
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
