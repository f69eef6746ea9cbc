"""The JSON API for provincial systems (/api/v1): tokens and their scope,
rate limit, audit, the OpenAPI document, and each endpoint's answers."""

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from lms.api.models import ApiClient
from lms.certs import badges
from lms.certs import services as certs
from lms.certs.models import Certificate, CertificateStatus
from lms.core.access import Role
from lms.core.audit import AuditEntry
from lms.core.time import local_today
from lms.extensions import db
from lms.quotas import queries as quotas
from lms.quotas.models import Target

ENDPOINTS = ("/api/v1/certificates/{number}", "/api/v1/certificates?since=2020-01-01T00:00:00Z",
             "/api/v1/progress", "/api/v1/people/lookup")


def _call(api, world, template, token):
    path = template.format(number=world["cert"].number)
    if template.endswith("/lookup"):
        return api(token, path, json={"id_number": world["person"].reveal_id_number()})
    return api(token, path)


def _api_calls() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "api.call")
                                   .order_by(AuditEntry.id)))


# --- authentication and scope -------------------------------------------------

@pytest.mark.parametrize("template", ENDPOINTS)
def test_a_good_token_is_answered(api, api_world, template):
    response = _call(api, api_world, template, api_world["token"])
    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("template", ENDPOINTS)
def test_no_unknown_or_revoked_token_is_401(api, api_world, template):
    revoked_client, revoked = api_world["other_client"], api_world["other_token"]
    from lms.api.services import revoke_client

    revoke_client(revoked_client, by=None)
    db.session.commit()
    for token in (None, "not-a-token", revoked, api_world["token"] + "x"):
        response = _call(api, api_world, template, token)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.get_json()["code"] == 401


def test_a_session_is_not_a_token(client, api, api_world, make_user, login):
    """A signed-in civil-affairs user's browser gets no data from the API."""
    login(make_user(Role.CIVIL_AFFAIRS, region_code="130100"))
    assert client.get(f"/api/v1/certificates/{api_world['cert'].number}").status_code == 401


def test_another_regions_certificate_is_like_a_missing_one(api, api_world):
    number = api_world["cert"].number
    assert api(api_world["token"], f"/api/v1/certificates/{number}").status_code == 200
    outside = api(api_world["other_token"], f"/api/v1/certificates/{number}")
    missing = api(api_world["other_token"], "/api/v1/certificates/S000113000001264999999")
    assert outside.status_code == missing.status_code == 404
    assert outside.get_json() == missing.get_json()
    assert api(api_world["token"], f"/api/v1/certificates/{api_world['outsider_cert'].number}").status_code == 404


def test_a_region_filter_outside_the_tokens_region_is_404(api, api_world):
    token = api_world["token"]  # 石家庄 130100
    assert api(token, "/api/v1/certificates?since=2020-01-01T00:00:00Z&region=130102").status_code == 200
    assert api(token, "/api/v1/certificates?since=2020-01-01T00:00:00Z&region=130200").status_code == 404
    assert api(token, "/api/v1/certificates?since=2020-01-01T00:00:00Z&region=999999").status_code == 404
    assert api(token, "/api/v1/progress?region=130200").status_code == 404
    assert api(token, "/api/v1/progress?region=130104").status_code == 200


def test_the_api_needs_no_csrf_token(app, api, api_world, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = api(api_world["token"], "/api/v1/people/lookup",
                   json={"id_number": api_world["person"].reveal_id_number()})
    assert response.status_code == 200


# --- rate limit and audit -------------------------------------------------------

def test_each_client_is_rate_limited(app, api, api_world, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2 per minute")
    path = f"/api/v1/certificates/{api_world['cert'].number}"
    assert api(api_world["token"], path).status_code == 200
    assert api(api_world["token"], "/api/v1/progress").status_code == 200  # one limit for all endpoints
    refused = api(api_world["token"], path)
    assert refused.status_code == 429
    assert refused.is_json and refused.get_json()["code"] == 429
    assert "Retry-After" in refused.headers
    # Another client has its own allowance.
    assert api(api_world["other_token"], "/api/v1/progress").status_code == 200
    assert len(_api_calls()) == 3  # the refused call is not audited


def test_every_answered_call_is_audited(api, api_world):
    client_id = str(api_world["client"].id)
    number = api_world["cert"].number
    api(api_world["token"], f"/api/v1/certificates/{number}")
    api(api_world["token"], "/api/v1/certificates?since=2020-01-01T00:00:00Z&page_size=5&region=130102")
    api(api_world["token"], "/api/v1/progress?category=caregiver")
    api(api_world["token"], "/api/v1/people/lookup", json={"id_number": api_world["person"].reveal_id_number()})
    api(api_world["token"], f"/api/v1/certificates/{api_world['outsider_cert'].number}")
    entries = _api_calls()
    assert [e.object_id for e in entries] == [client_id] * 5
    assert {e.object_type for e in entries} == {"ApiClient"}
    assert {e.actor_name for e in entries} == {"api:石家庄市养老服务平台"}
    values = [json.loads(e.new_values) for e in entries]
    assert [v["endpoint"] for v in values] == ["api.certificate", "api.certificates", "api.progress",
                                               "api.lookup", "api.certificate"]
    assert values[0]["count"] == 1 and values[0]["status"] == 200
    assert values[1]["args"] == {"since": "2020-01-01T00:00:00Z", "page_size": "5", "region": "130102"}
    assert values[1]["count"] == 1
    assert values[2]["args"] == {"category": "caregiver"} and values[2]["count"] == 2  # 长安区, 桥西区
    assert values[3]["person_id"] == api_world["person"].id and values[3]["args"] == {}
    assert values[4]["status"] == 404 and values[4]["count"] == 0
    db.session.expire_all()  # the requests wrote through sessions of their own
    assert db.session.get(ApiClient, api_world["client"].id).last_used_at is not None


def test_an_id_number_in_a_url_is_not_logged(api, api_world):
    id_number = api_world["person"].reveal_id_number()
    api(api_world["token"], f"/api/v1/progress?id_number={id_number}")
    assert id_number not in _api_calls()[-1].new_values


# --- the OpenAPI document -------------------------------------------------------

def test_the_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    spec = response.get_json()
    assert spec["openapi"] == "3.0.3"
    assert spec["info"]["title"] == "CareLMS API" and spec["info"]["version"] == "v1"
    assert {"/api/v1/certificates/{number}", "/api/v1/certificates/{number}/credential", "/api/v1/certificates",
            "/api/v1/progress", "/api/v1/people/lookup"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": spec["components"]["securitySchemes"]["bearerAuth"][
            "description"]}
    assert spec["security"] == [{"bearerAuth": []}]
    # Arguments come from the schemas: the ID number is a body field, never a parameter.
    lookup = spec["paths"]["/api/v1/people/lookup"]["post"]
    assert "requestBody" in lookup and "parameters" not in lookup
    since = next(p for p in spec["paths"]["/api/v1/certificates"]["get"]["parameters"] if p["name"] == "since")
    assert since["required"] is True and since["in"] == "query"
    page_size = next(p for p in spec["paths"]["/api/v1/certificates"]["get"]["parameters"]
                     if p["name"] == "page_size")
    assert page_size["schema"]["maximum"] == 500
    assert "401" in spec["paths"]["/api/v1/progress"]["get"]["responses"]


def test_errors_outside_the_api_stay_html_pages(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"


# --- a certificate by number ------------------------------------------------------

def test_a_certificate_by_number(api, api_world):
    cert, person = api_world["cert"], api_world["person"]
    body = api(api_world["token"], f"/api/v1/certificates/{cert.number.lower()}").get_json()
    assert body["number"] == cert.number and body["status"] == "valid" and body["kind"] == "skill_level"
    assert body["holder_name_masked"] == "王*英"
    assert body["id_number_masked"] == person.id_number_masked
    assert person.reveal_id_number() not in json.dumps(body)
    assert body["programme"] == {"code": "CG-4", "name": cert.programme_name}
    assert body["level"] == 4 and body["level_label"] == "四级/中级工"
    assert body["issue_date"] == cert.issue_date.isoformat() and body["region_code"] == "130102"
    assert body["revoked_at"] is None and body["replaced_by"] is None and body["replaces"] is None
    assert body["verify_url"].startswith("http://localhost/v/" + cert.number + "?s=")
    assert body["signature_valid"] is True


@pytest.mark.filterwarnings("ignore:EdDSA is deprecated")  # joserfc's note on the name OB 3.0 uses
def test_a_certificates_open_badges_credential(api, api_world, client):
    from joserfc import jwt
    from joserfc.jwk import KeySet

    cert, token = api_world["cert"], api_world["token"]
    response = api(token, f"/api/v1/certificates/{cert.number}/credential")
    assert response.status_code == 200
    body = response.get_json()
    assert body["number"] == cert.number and body["media_type"] == badges.MEDIA_TYPE
    keys = KeySet.import_key_set(client.get("/.well-known/jwks.json").get_json())
    claims = jwt.decode(body["credential"], keys, algorithms=["EdDSA"]).claims
    assert "OpenBadgeCredential" in claims["type"] and claims["jti"] == badges.credential(cert)["id"]
    assert api_world["person"].reveal_id_number() not in json.dumps(claims)
    # Another region's certificate, and a revoked one, have none.
    assert api(api_world["other_token"], f"/api/v1/certificates/{cert.number}/credential").status_code == 404
    certs.revoke_certificate(cert, reason="证书持有人材料造假", by=None)
    db.session.commit()
    assert api(token, f"/api/v1/certificates/{cert.number}/credential").status_code == 404
    assert [json.loads(entry.new_values)["status"] for entry in _api_calls()][-3:] == [200, 404, 404]


def test_revoked_and_reissued_certificates(api, api_world, issue_second):
    token = api_world["token"]
    revoked = certs.revoke_certificate(api_world["cert"], reason="证书持有人材料造假", by=None)
    old = issue_second
    new = certs.reissue_certificate(old, reason="遗失补发", by=None)
    db.session.commit()
    body = api(token, f"/api/v1/certificates/{revoked.number}").get_json()
    assert body["status"] == "revoked" and body["revocation_reason"] == "证书持有人材料造假"
    assert body["revoked_at"] is not None
    old_body = api(token, f"/api/v1/certificates/{old.number}").get_json()
    assert old_body["status"] == "superseded" and old_body["replaced_by"] == new.number
    assert old_body["revocation_reason"] is None
    assert api(token, f"/api/v1/certificates/{new.number}").get_json()["replaces"] == old.number


@pytest.fixture
def issue_second(api_world, make_person):
    """A second valid certificate in 130104 (桥西区)."""
    from tests.certs.conftest import EVIDENCE, meet_requirements

    person = make_person("130104", name="赵丽华")
    programme = api_world["programmes"]["CG-4"]
    meet_requirements(person, programme, api_world["home"])
    cert = certs.issue_certificate(person, programme, issued_by=None, institution=api_world["home"],
                                   evidence=EVIDENCE)
    db.session.commit()
    return cert


def test_a_pending_certificate_does_not_exist(api, api_world):
    pending = api_world["cert"]
    pending.number, pending.status = None, CertificateStatus.PENDING
    db.session.commit()
    changes = api(api_world["token"], "/api/v1/certificates?since=2000-01-01T00:00:00Z").get_json()
    assert changes["items"] == []


# --- changes since a time ------------------------------------------------------------

def _certificate(person, number, issued_at, **values):
    cert = Certificate(kind="training", status=values.pop("status", CertificateStatus.VALID), number=number,
                       person_id=person.id, programme_category="caregiver", region_code=person.region.code,
                       region_path=person.region.path, holder_name=person.name,
                       id_number_masked=person.id_number_masked, programme_name="养老护理员培训",
                       issuer_name="测试机构", issue_date=issued_at.date(), issued_at=issued_at, **values)
    db.session.add(cert)
    db.session.flush()
    return cert


@pytest.fixture
def changes(api_world, make_person):
    """Certificates changed at known times, 10 days ago and later; their
    numbers in the order the API must give them (ties broken by id)."""
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(days=10)
    person, outsider = api_world["person"], api_world["outsider"]
    _certificate(person, "T01", base - timedelta(days=1))  # before `since`
    revoked = _certificate(person, "T02", base - timedelta(days=1), status=CertificateStatus.REVOKED,
                           revoked_at=base + timedelta(hours=2), status_reason="撤销")
    tied = [_certificate(person, f"T0{i}", base + timedelta(hours=1)) for i in (3, 4, 5)]
    later = _certificate(person, "T06", base + timedelta(hours=3))
    old = _certificate(person, "T07", base - timedelta(days=2), status=CertificateStatus.SUPERSEDED)
    new = _certificate(person, "T08", base + timedelta(hours=4), replaces_id=old.id)
    _certificate(outsider, "T09", base + timedelta(hours=1))  # another region
    db.session.commit()
    # Ties (T03–T05; T07 superseded by T08 at T08's issue) go by id; the
    # world's own certificate was issued just now.
    order = [c.number for c in (*tied, revoked, later, *sorted([old, new], key=lambda c: c.id))]
    return base, order + [api_world["cert"].number]


def _pages(api, token, first_path):
    numbers, path, pages = [], first_path, 0
    while path:
        body = api(token, path).get_json()
        numbers += [item["number"] for item in body["items"]]
        path = body["next"]
        pages += 1
        assert pages < 20
    return numbers, pages


def test_changes_come_in_order_across_pages_without_duplicates(api, api_world, changes):
    base, expected = changes
    since = base.isoformat().replace("+00:00", "Z")
    numbers, pages = _pages(api, api_world["token"], f"/api/v1/certificates?since={since}&page_size=2")
    assert numbers == expected and pages == 4
    body = api(api_world["token"], f"/api/v1/certificates?since={since}&page_size=500").get_json()
    items = {item["number"]: item for item in body["items"]}
    assert items["T02"]["status"] == "revoked" and items["T02"]["revocation_reason"] == "撤销"
    assert datetime.fromisoformat(items["T03"]["changed_at"]) == base + timedelta(hours=1)
    # The same moment in Beijing time means the same thing.
    beijing = (base + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%S") + "+08:00"
    numbers_beijing, _ = _pages(api, api_world["token"],
                                f"/api/v1/certificates?since={beijing.replace('+', '%2B')}&page_size=500")
    assert numbers_beijing == expected


def test_a_superseded_certificate_changes_when_it_is_reissued(api, api_world, changes):
    base, _expected = changes
    since = (base + timedelta(hours=4)).isoformat().replace("+00:00", "Z")
    body = api(api_world["token"], f"/api/v1/certificates?since={since}").get_json()
    by_number = {item["number"]: item for item in body["items"]}
    assert by_number["T07"]["status"] == "superseded" and by_number["T07"]["replaced_by"] == "T08"
    assert by_number["T08"]["replaces"] == "T07"
    assert "T06" not in by_number


def test_a_change_while_paging_skips_nothing(api, api_world, changes):
    """T03 is revoked after the first page was read: the rest still arrives,
    and T03 comes again at the end, as the change it now is."""
    base, expected = changes
    token = api_world["token"]
    first = api(token, f"/api/v1/certificates?since={base.isoformat().replace('+00:00', 'Z')}&page_size=2").get_json()
    t03 = db.session.scalar(select(Certificate).where(Certificate.number == "T03"))
    certs.revoke_certificate(t03, reason="撤销", by=None)
    db.session.commit()
    rest, _pages_read = _pages(api, token, first["next"])
    seen = [item["number"] for item in first["items"]] + rest
    assert set(seen) == set(expected)
    assert rest[-1] == "T03" and seen.count("T03") == 2


def test_changes_need_an_aware_since_and_a_real_cursor(api, api_world):
    token = api_world["token"]
    naive = api(token, "/api/v1/certificates?since=2026-01-01T00:00:00")
    assert naive.status_code == 422 and "since" in naive.get_json()["errors"]["query"]
    assert api(token, "/api/v1/certificates").status_code == 422
    bad = api(token, "/api/v1/certificates?since=2026-01-01T00:00:00Z&cursor=abc")
    assert bad.status_code == 422 and "cursor" in bad.get_json()["errors"]["query"]
    assert api(token, "/api/v1/certificates?since=2026-01-01T00:00:00Z&page_size=501").status_code == 422


# --- progress -----------------------------------------------------------------------

def test_progress_gives_the_dashboards_figures(api, api_world, regions, make_person):
    today, plan = local_today(), api_world["plan"]
    db.session.add_all([Target(plan=plan, category="caregiver", region=regions["130102"], persons=10,
                                     person_times=12),
                        Target(plan=plan, category="caregiver", region=regions["130100"], persons=40)])
    second = make_person("130104", name="赵丽华")
    _certificate(second, "P01", datetime.now(UTC) - timedelta(days=3))
    db.session.commit()

    body = api(api_world["token"], "/api/v1/progress").get_json()
    own, rows = quotas.region_progress(plan, "caregiver", regions["130100"], today)
    assert body["plan"]["code"] == "p-now" and body["category"] == "caregiver"
    assert [child["region_code"] for child in body["children"]] == [row.region.code for row in rows]
    for figures, row in zip([body["region"], *body["children"]], [own, *rows], strict=True):
        assert figures["persons"]["done"] == row.persons.done
        assert figures["persons"]["target"] == row.persons.target
        assert figures["persons"]["status"] == row.persons.status
        assert figures["persons"]["gap"] == row.persons.gap
        assert figures["person_times"]["done"] == row.person_times.done
        assert figures["in_training"] == row.in_training
        assert (figures["exams_taken"], figures["exams_passed"]) == (row.exams_taken, row.exams_passed)
        assert figures["exam_pass_percent"] == row.exam_pass_percent
    chang_an, qiao_xi = body["children"]
    assert chang_an["persons"]["done"] == 1 and chang_an["persons"]["target"] == 10
    assert chang_an["exams_taken"] == 1 and chang_an["exam_pass_percent"] == 100
    assert qiao_xi["persons"]["done"] == 1 and qiao_xi["persons"]["status"] == "no_target"
    assert body["region"]["persons"]["done"] == 2 and body["region"]["persons"]["target"] == 40
    # A named plan, another category, a county's own children (none).
    assert api(api_world["token"], "/api/v1/progress?plan=p-now&category=social_worker").status_code == 200
    assert api(api_world["token"], "/api/v1/progress?region=130102").get_json()["children"] == []
    assert api(api_world["token"], "/api/v1/progress?plan=nope").status_code == 404
    assert api(api_world["token"], "/api/v1/progress?category=nope").status_code == 422


# --- a person's record by ID number ------------------------------------------------------

def test_lookup_returns_the_record_and_never_the_id_number(api, api_world):
    person = api_world["person"]
    id_number = person.reveal_id_number()
    response = api(api_world["token"], "/api/v1/people/lookup", json={"id_number": id_number.lower()})
    assert response.status_code == 200
    assert id_number not in response.get_data(as_text=True)
    body = response.get_json()
    assert body["person"] == {"name_masked": "王*英", "id_number_masked": person.id_number_masked,
                              "region_code": "130102", "categories": ["caregiver"]}
    cg4 = next(p for p in body["programmes"] if p["programme"]["code"] == "CG-4")
    assert cg4["prior_minutes"] == 150 * 45 and cg4["total_minutes"] == 150 * 45 and cg4["is_met"] is True
    assert [a["score"] for a in body["exam_attempts"]] == [82] and body["exam_attempts"][0]["passed"] is True
    assert body["practical_results"][0]["score"] == 76.0 and body["practical_results"][0]["is_final"] is True
    assert body["certificates"] == [{"number": api_world["cert"].number, "kind": "skill_level", "status": "valid",
                                     "programme_name": api_world["cert"].programme_name,
                                     "issue_date": api_world["cert"].issue_date.isoformat()}]
    assert body["online_study"] == {"total_seconds": 0, "courses": []}
    for entry in db.session.scalars(select(AuditEntry)):
        assert id_number not in entry.new_values + entry.old_values


def test_lookup_outside_the_region_or_unknown_is_404(api, api_world, rng):
    from lms.demo.identities import fake_id_number

    outsider = api_world["outsider"].reveal_id_number()
    assert api(api_world["token"], "/api/v1/people/lookup", json={"id_number": outsider}).status_code == 404
    assert api(api_world["other_token"], "/api/v1/people/lookup",
               json={"id_number": outsider}).status_code == 200
    unknown = fake_id_number(rng, "130102")
    assert api(api_world["token"], "/api/v1/people/lookup", json={"id_number": unknown}).status_code == 404


def test_lookup_refuses_an_invalid_number_without_repeating_it(api, api_world):
    number = api_world["person"].reveal_id_number()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    response = api(api_world["token"], "/api/v1/people/lookup", json={"id_number": wrong})
    assert response.status_code == 422
    assert wrong not in response.get_data(as_text=True)
    assert "id_number" in response.get_json()["errors"]["json"]
    assert api(api_world["token"], "/api/v1/people/lookup", json={}).status_code == 422


# --- the security administrator's pages -------------------------------------------------------

def _token_on(page: str) -> str:
    return re.search(r'<code id="token">([^<]+)</code>', page).group(1)


def test_admin_creates_a_client_whose_token_is_shown_once_and_stored_hashed(client, api, api_world,
                                                                            make_user, login):
    login(make_user(Role.SECURITY_ADMIN))
    assert client.get("/admin/api-clients/new").status_code == 200
    response = client.post("/admin/api-clients/new", data={"name": "长安区民政局系统", "region": "130102"})
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    token = _token_on(response.get_data(as_text=True))
    assert len(token) >= 43

    made = db.session.scalar(select(ApiClient).where(ApiClient.name == "长安区民政局系统"))
    assert made.region.code == "130102" and made.token_prefix == token[:8]
    assert made.token_hash == hashlib.sha256(token.encode()).hexdigest()
    row = db.session.execute(select(ApiClient.__table__).where(ApiClient.id == made.id)).one()
    assert all(token not in str(value) for value in row)
    for entry in db.session.scalars(select(AuditEntry)):
        assert token not in entry.new_values + entry.old_values
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "api_client.created",
                                                      AuditEntry.object_id == str(made.id))) is not None

    listing = client.get("/admin/api-clients").get_data(as_text=True)
    assert "长安区民政局系统" in listing and made.token_prefix in listing and token not in listing
    # The token reads 长安区, and nothing beyond it.
    assert api(token, f"/api/v1/certificates/{api_world['cert'].number}").status_code == 200
    assert api(token, "/api/v1/progress?region=130104").status_code == 404


def test_admin_revokes_a_client(client, api, api_world, make_user, login):
    login(make_user(Role.SECURITY_ADMIN))
    target = api_world["client"]
    assert client.post(f"/admin/api-clients/{target.id}/revoke").status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiClient, target.id).revoked_at is not None
    assert api(api_world["token"], f"/api/v1/certificates/{api_world['cert'].number}").status_code == 401
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "api_client.revoked")) is not None
    assert "api-clients" in client.get("/admin/api-clients").request.path


def test_admin_forms_need_the_csrf_token(app, client, make_user, login, monkeypatch, regions):
    login(make_user(Role.SECURITY_ADMIN))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/admin/api-clients/new", data={"name": "无令牌", "region": "130100"})
    assert response.status_code == 400
    assert db.session.scalar(select(ApiClient).where(ApiClient.name == "无令牌")) is None


def test_only_the_security_administrator_manages_clients(client, make_user, login, regions):
    login(make_user(Role.SYSTEM_ADMIN))
    assert client.get("/admin/api-clients").status_code == 403
    assert client.post("/admin/api-clients/new", data={"name": "x", "region": "130100"}).status_code == 403
