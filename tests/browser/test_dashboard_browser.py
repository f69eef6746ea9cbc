"""Province staff open the dashboard, the chart renders, they drill into a
unit and export the table to Excel."""

import io
from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from lms.auth import services as accounts
from lms.certs.models import Certificate, CertificateKind, CertificateStatus
from lms.core.access import Role
from lms.extensions import db
from lms.people import services as people
from lms.quotas.models import Plan, Target
from lms.regions.queries import region_by_code
from lms.regions.services import import_regions
from tests.conftest import PASSWORD, REGION_TREE


def _seed(app) -> None:
    with app.app_context():
        import_regions(REGION_TREE)
        province, shijiazhuang, tangshan = (region_by_code(c) for c in ("130000", "130100", "130200"))
        plan = Plan(code="p", name="测试指标", period_start=date(2021, 1, 1), deadline=date(2022, 12, 31))
        db.session.add_all([plan, Target(plan=plan, category="caregiver", region=shijiazhuang, persons=2),
                            Target(plan=plan, category="caregiver", region=tangshan, persons=4)])
        user = accounts.create_user(username="province", display_name="省民政厅", password=PASSWORD)
        accounts.assign_role(user, Role.CIVIL_AFFAIRS, by=None, region=province)
        county = region_by_code("130102")
        person = people.register_person(name="赵秀兰", id_number="130102199003078013", phone="13912345678",
                                        region=county, categories=["caregiver"])
        db.session.add(Certificate(
            kind=CertificateKind.TRAINING, status=CertificateStatus.VALID, person_id=person.id,
            programme_category="caregiver", region_code=county.code, region_path=county.path,
            holder_name=person.name, id_number_masked=person.id_number_masked, programme_name="养老护理员培训",
            issuer_name="测试机构", issue_date=date(2021, 6, 1), number="PX13CG210000001"))
        db.session.commit()


def test_province_staff_use_the_dashboard(live_app, browser):
    _seed(live_app)
    context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(live_app.base_url + "/login")
    page.get_by_label("账号或手机号").fill("province")
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(live_app.base_url + "/")
    page.goto(live_app.base_url + "/quotas")
    assert page.locator("svg.chart rect.bar").count() == 2
    bar_width = page.locator("svg.chart rect.bar").first.evaluate("e => e.getBoundingClientRect().width")
    assert bar_width > 0  # 石家庄 has 1 of 2 done: a visible bar
    page.locator("svg.chart a").first.click()
    page.wait_for_url("**/quotas/regions/130100**")
    assert "长安区" in page.locator("main").inner_text()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Excel").click()
    data = Path(download_info.value.path()).read_bytes()
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[2:]] == ["长安区", "桥西区", "石家庄市"]
    assert rows[2][3] == 1  # 长安区: one person certified
    context.close()
