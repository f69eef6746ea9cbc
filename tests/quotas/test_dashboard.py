"""The dashboard pages: scope, export, target edits."""

import io
import json
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from lms.core.access import Role
from lms.core.audit import AuditEntry
from lms.extensions import db


def _login_civil(make_user, login, region_code):
    user = make_user(Role.CIVIL_AFFAIRS, region_code=region_code)
    db.session.commit()
    login(user)
    return user


def test_province_staff_see_every_unit_and_drill_down(client, make_user, login, plan, make_target, make_person,
                                                     certify):
    make_target("130100", persons=4)
    make_target("130200", persons=4)
    certify(make_person("130102"), date(2021, 5, 1))
    _login_civil(make_user, login, "130000")
    assert client.get("/quotas").headers["Location"].startswith("/quotas/regions/130000")
    page = client.get("/quotas/regions/130000?plan=test-plan&category=caregiver").get_data(as_text=True)
    assert "石家庄市" in page and "唐山市" in page and "<svg" in page
    assert 'href="/quotas/regions/130100?plan=test-plan&amp;category=caregiver"' in page
    unit = client.get("/quotas/regions/130100?plan=test-plan").get_data(as_text=True)
    assert "长安区" in unit and "桥西区" in unit


def test_city_staff_see_only_their_unit(client, make_user, login, plan, make_target):
    make_target("130100", persons=4)
    _login_civil(make_user, login, "130100")
    assert client.get("/quotas").headers["Location"].startswith("/quotas/regions/130100")
    assert client.get("/quotas/regions/130000").status_code == 404
    assert client.get("/quotas/regions/130200").status_code == 404
    assert client.get("/quotas/regions/130200/export.xlsx").status_code == 404


def test_export_matches_the_table(client, make_user, login, plan, make_target, make_person, certify):
    make_target("130100", persons=4)
    make_target("130200", persons=6)
    certify(make_person("130102"), date(2021, 5, 1))
    _login_civil(make_user, login, "130000")
    book = load_workbook(io.BytesIO(client.get("/quotas/regions/130000/export.xlsx?plan=test-plan").data))
    rows = list(book.active.iter_rows(values_only=True))
    assert [row[:4] for row in rows[2:]] == [("石家庄市", "130100", 4, 1), ("唐山市", "130200", 6, 0),
                                            ("河北省", "130000", None, 1)]


def test_city_export_has_no_other_units_rows(client, make_user, login, plan, make_target, make_person, certify):
    certify(make_person("130203"), date(2021, 5, 1))  # 唐山
    _login_civil(make_user, login, "130100")
    book = load_workbook(io.BytesIO(client.get("/quotas/regions/130100/export.xlsx?plan=test-plan").data))
    names = [row[0] for row in book.active.iter_rows(min_row=3, values_only=True)]
    assert names == ["长安区", "桥西区", "石家庄市"]


def test_target_edits_are_audited_and_limited_to_lower_regions(client, make_user, login, plan, make_target):
    county = make_target("130102", persons=10)
    unit = make_target("130100", persons=30)
    user = _login_civil(make_user, login, "130100")
    response = client.post(f"/quotas/targets/{county.id}/edit", data={"persons": 12, "person_times": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert county.persons == 12
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "quota.target_changed")).all()[-1]
    assert entry.actor_id == user.id
    assert json.loads(entry.old_values) == {"persons": 10, "person_times": None}
    assert json.loads(entry.new_values)["persons"] == 12
    # City staff cannot change their own unit's target: that is the province's.
    assert client.post(f"/quotas/targets/{unit.id}/edit", data={"persons": 1}).status_code == 403
    assert client.post(f"/quotas/targets/{county.id}/edit", data={"persons": -5}).status_code == 400


def test_the_dashboard_opens_on_the_running_plan_and_labels_ended_ones(client, make_user, login, plan,
                                                                       make_target, regions):
    from lms.core.time import local_today
    from lms.quotas.models import Plan, Target

    today = local_today()
    running = Plan(code="running-plan", name="本年度培训指标", period_start=date(today.year, 1, 1),
                   deadline=date(today.year + 1, 12, 31))
    db.session.add(running)
    db.session.flush()
    db.session.add(Target(plan=running, category="caregiver", region=regions["130100"], persons=10))
    make_target("130100", persons=4)  # the ended test plan (2021–2022)
    _login_civil(make_user, login, "130100")
    page = client.get("/quotas/regions/130100").get_data(as_text=True)
    assert "本年度培训指标" in page.split("<select")[0]  # the heading names the running plan
    assert "data-plan-ended" not in page
    assert "（已结束）测试指标" in page.replace(" ", "")  # the ended plan is labelled in the picker
    ended = client.get("/quotas/regions/130100?plan=test-plan").get_data(as_text=True)
    assert "data-plan-ended" in ended and "2022-12-31" in ended
    assert "status-behind" not in ended and "status-not_met" in ended  # met or not, no pace


def test_the_page_says_its_figures_are_live_or_how_old_the_cached_ones_are(app, client, make_user, login, plan,
                                                                          make_target, make_person, certify):
    from lms.extensions import cache

    make_target("130100", persons=4)
    certify(make_person("130102"), date(2021, 5, 1))
    _login_civil(make_user, login, "130000")
    url = "/quotas/regions/130000?plan=test-plan&category=caregiver"
    page = client.get(url).get_data(as_text=True)
    assert "数字为实时数据。" in page and "统计数字截至" not in page
    cache.init_app(app, config={"CACHE_TYPE": "SimpleCache"})
    seconds = app.config["QUOTA_CACHE_SECONDS"]
    try:
        app.config["QUOTA_CACHE_SECONDS"] = 300
        page = client.get(url).get_data(as_text=True)
        assert "统计数字截至" in page and "（缓存最长 5 分钟）；指标修改立即生效。" in page
        assert "数字为实时数据" not in page
    finally:
        cache.clear()
        cache.init_app(app, config={"CACHE_TYPE": "NullCache"})
        app.config["QUOTA_CACHE_SECONDS"] = seconds


def test_children_add_up_to_the_parent_on_the_page(client, make_user, login, plan, make_target, make_person,
                                                   certify, regions):
    from lms.quotas.queries import region_progress

    make_target("130100", persons=4)
    moved = make_person("130102", name="王秀英")
    certify(moved, date(2021, 3, 1))
    moved.region = regions["130203"]
    db.session.flush()
    certify(moved, date(2021, 9, 1))  # the same person in another unit later
    own, rows = region_progress(plan, "caregiver", regions["130000"], date(2022, 1, 1))
    assert sum(row.persons.done for row in rows) == own.persons.done == 1
    _login_civil(make_user, login, "130000")
    page = client.get("/quotas/regions/130000?plan=test-plan&category=caregiver").get_data(as_text=True)
    assert "每人只计一次，计入其本期第一张证书的发放地区和月份" in page
