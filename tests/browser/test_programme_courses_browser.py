"""An institution head and a 四级 caregiver open a lesson of their course on
a 360 px phone: the shipped content reads without sideways scrolling."""

import random

import pytest

from lms.auth import services as accounts
from lms.core.access import Role
from lms.core.content import content_dir
from lms.courses.content import read_course
from lms.courses.queries import course_by_slug
from lms.courses.services import enrol, import_course
from lms.demo.identities import fake_id_number
from lms.extensions import db
from lms.people import services as people
from lms.regions.queries import region_by_code
from lms.regions.services import import_regions
from tests.conftest import PASSWORD, REGION_TREE


def _seed(app, slug: str, category: str, phone_number: str) -> None:
    with app.app_context():
        import_regions(REGION_TREE)
        import_course(read_course(content_dir() / "courses" / slug))
        user = accounts.create_user(username=phone_number, display_name="学员", password=PASSWORD)
        accounts.assign_role(user, Role.TRAINEE, by=None)
        person = people.register_person(name="周建平", id_number=fake_id_number(random.Random(3), "130102"),
                                        phone=phone_number, region=region_by_code("130102"),
                                        categories=[category], user=user)
        enrol(person, course_by_slug(slug), by=None)
        db.session.commit()


@pytest.mark.parametrize("slug, category, heading", [
    ("institution-heads", "institution_head", "养老机构负责人培训"),
    ("caregiver-level4", "caregiver", "养老护理员（四级/中级工）职业技能培训"),
])
def test_a_lesson_of_the_programme_course_reads_on_a_phone(live_app, phone, slug, category, heading):
    _seed(live_app, slug, category, "13712345678")
    base = live_app.base_url
    phone.goto(base + "/login")
    phone.get_by_label("账号或手机号").fill("13712345678")
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.wait_for_url(base + "/")
    phone.get_by_role("navigation", name="主导航").get_by_role("link", name="我的学习").click()
    phone.get_by_role("link", name=heading).click()
    phone.locator("main a[href*='/lessons/']").first.click()
    phone.wait_for_url(f"**/courses/{slug}/lessons/*")
    body = phone.locator("main").inner_text()
    assert "学习目标" in body and "案例" in body
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=f"/tmp/lesson-{slug}.png", full_page=True)
