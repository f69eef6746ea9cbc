"""Open Badges 3.0: every numbered certificate exports as an OpenBadgeCredential,
signed as a VC-JWT that verifies with the served JWKS, naming the holder only
by a salted hash of the ID number, and listed on the public revocation list
once revoked or superseded."""

import base64
import hashlib
import json
import re
from datetime import datetime

import pytest
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet, OKPKey
from sqlalchemy import update

from lms.certs import badges, services
from lms.certs.documents import certificate_data
from lms.certs.models import Certificate
from lms.core.masking import mask_name
from lms.extensions import db
from tests.certs.conftest import complete_training

# An outside verifier's joserfc warns that RFC 9864 renamed EdDSA; OB 3.0 uses the old name.
pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated")

FULL_NAME = "王秀英"
JWT_CLAIMS = {"iss", "jti", "sub", "nbf", "iat"}


def _served_keys(client) -> KeySet:
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    assert all("d" not in key for key in response.json["keys"])  # never the private part
    return KeySet.import_key_set(response.json)


def _verify(token: str, keys: KeySet) -> dict:
    return jwt.decode(token, keys, algorithms=["EdDSA"]).claims


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _payload(token: str) -> dict:
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def _revoked_ids(client) -> dict:
    listing = client.get("/certificates/revocations").json
    return {entry["id"]: entry["revocationReason"] for entry in listing["revokedCredentials"]}


def test_a_skill_certificate_exports_with_the_ob3_fields(make_person, issue, programmes):
    person = make_person(name=FULL_NAME)
    complete_training(person, programmes["CG-4"])  # the course covers the hours: they are printed
    cert = issue(person)
    body = badges.credential(cert)
    assert body["@context"] == ["https://www.w3.org/ns/credentials/v2",
                                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert body["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", body["id"])
    assert body["issuer"] == {"id": "http://localhost/certificates/issuer", "type": ["Profile"],
                              "name": cert.issuer_name}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["validFrom"])
    subject = body["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"] and subject["creditsEarned"] == 150
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"] and achievement["achievementType"] == "Certificate"
    assert achievement["name"] == cert.programme_name and achievement["humanCode"] == "CG-4"
    assert achievement["creditsAvailable"] == cert.hours == 150
    assert achievement["tag"] == ["四级/中级工"] and achievement["fieldOfStudy"] == "养老护理员"
    # What the holder did, in the printed certificate's words.
    assert achievement["criteria"]["narrative"] == certificate_data(cert)["statement"]
    assert "150标准学时" in achievement["criteria"]["narrative"]
    assert body["credentialStatus"] == {"id": "http://localhost/certificates/revocations",
                                        "type": "1EdTechRevocationList"}
    assert body["evidence"][0]["name"] == cert.number
    assert badges.credential(cert) == body  # exporting again gives the same credential


def test_hours_are_claimed_only_when_the_certificate_states_them(make_person, issue):
    person = make_person(name=FULL_NAME, categories=("caregiver", "family_caregiver"))
    unevidenced, training = issue(person), issue(person, "FC")
    assert unevidenced.hours is None and training.hours == 12
    subject = badges.credential(unevidenced)["credentialSubject"]
    assert not {"creditsAvailable", "creditsEarned"} & (set(subject) | set(subject["achievement"]))
    assert "学时" not in subject["achievement"]["criteria"]["narrative"]
    subject = badges.credential(training)["credentialSubject"]
    assert subject["achievement"]["creditsAvailable"] == subject["creditsEarned"] == 12
    assert subject["achievement"]["criteria"]["narrative"] == certificate_data(training)["statement"]
    assert "tag" not in subject["achievement"]  # a training programme has no level


def test_neither_the_id_number_nor_the_name_is_in_the_credential(make_person, issue):
    person = make_person(name=FULL_NAME)
    cert = issue(person)
    token = badges.credential_jwt(cert)
    for text in (json.dumps(badges.credential(cert), ensure_ascii=False),
                 json.dumps(_payload(token), ensure_ascii=False), token):
        assert person.reveal_id_number() not in text
        assert person.id_number_masked not in text  # would leave only the birth date to guess
        assert FULL_NAME not in text and mask_name(FULL_NAME) not in text


def test_the_identity_hash_is_the_salted_id_number(make_person, issue):
    person = make_person(name=FULL_NAME, categories=("caregiver", "family_caregiver"))
    skill, training = issue(person), issue(person, "FC")
    identity = badges.credential(skill)["credentialSubject"]["identifier"][0]
    assert identity["type"] == "IdentityObject" and identity["hashed"] is True
    assert identity["identityType"] == "nationalIdentityNumber"
    expected = hashlib.sha256((person.reveal_id_number() + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"
    other = make_person(name="李建国").reveal_id_number()
    assert identity["identityHash"] != "sha256$" + hashlib.sha256((other + identity["salt"]).encode()).hexdigest()
    # Another credential of the same holder shares neither salt nor hash nor ids.
    second = badges.credential(training)["credentialSubject"]
    assert second["identifier"][0]["salt"] != identity["salt"]
    assert second["identifier"][0]["identityHash"] != identity["identityHash"]
    assert second["id"] != badges.credential(skill)["credentialSubject"]["id"]


def test_the_jwt_verifies_with_the_served_key_set(client, make_person, issue):
    cert = issue(make_person(name=FULL_NAME))
    db.session.commit()
    token = badges.credential_jwt(cert)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header == {"alg": "EdDSA", "kid": cert.key_id, "typ": "JWT"}
    claims = _verify(token, _served_keys(client))
    body = badges.credential(cert)
    assert {name: value for name, value in claims.items() if name not in JWT_CLAIMS} == body
    assert (claims["iss"], claims["jti"], claims["sub"]) == (
        body["issuer"]["id"], body["id"], body["credentialSubject"]["id"])
    assert claims["nbf"] == datetime.fromisoformat(body["validFrom"]).timestamp()


def test_a_changed_claim_fails_verification(client, make_person, issue):
    cert = issue(make_person(name=FULL_NAME))
    db.session.commit()
    token = badges.credential_jwt(cert)
    header, _body, signature = token.split(".")
    keys = _served_keys(client)
    claims = _payload(token)
    claims["credentialSubject"]["achievement"]["tag"] = ["一级/高级技师"]
    forged = f"{header}.{_b64(json.dumps(claims, ensure_ascii=False).encode())}.{signature}"
    with pytest.raises(BadSignatureError):
        _verify(forged, keys)
    # Signed with some other Ed25519 key under our key id: refused too.
    stranger = jwt.encode(json.loads(base64.urlsafe_b64decode(header + "==")), _payload(token),
                          OKPKey.generate_key("Ed25519"), algorithms=["EdDSA"])
    with pytest.raises(BadSignatureError):
        _verify(stranger, keys)


def test_revoked_and_superseded_credentials_are_on_the_revocation_list(client, make_person, issue, staff):
    revoked, replaced = issue(make_person(name=FULL_NAME)), issue(make_person(name="李建国"))
    ids = {cert: badges.credential(cert)["id"] for cert in (revoked, replaced)}
    db.session.commit()
    assert not set(ids.values()) & set(_revoked_ids(client))
    services.revoke_certificate(revoked, reason="证件信息有误", by=staff)
    new = services.reissue_certificate(replaced, reason="李建国证书遗失补发", by=staff)
    db.session.commit()
    response = client.get("/certificates/revocations")
    assert response.json["id"] == badges.credential(revoked)["credentialStatus"]["id"]
    assert response.json["issuer"] == "http://localhost/certificates/issuer"
    listed = _revoked_ids(client)
    assert listed[ids[revoked]].startswith("Revoked") and listed[ids[replaced]].startswith("Superseded")
    assert badges.credential(new)["id"] not in listed
    # Public: no number, no name, nor the staff's reason.
    text = response.get_data(as_text=True)
    assert revoked.number not in text and "李建国" not in text and "证件信息有误" not in text
    # The revoked credential itself is unchanged: its status is the list's to tell.
    assert badges.credential(revoked)["id"] == ids[revoked]


def test_the_trainee_downloads_their_own_badge_only(client, login, world, programmes, staff, home, issue):
    own, other = issue(world["person"]), issue(world["outsider"])
    db.session.commit()
    login(world["users"]["trainee"])
    listing = client.get("/me/certificates").get_data(as_text=True)
    assert f'href="/me/certificates/{own.id}/badge.jwt"' in listing and "Open Badges 3.0" in listing
    response = client.get(f"/me/certificates/{own.id}/badge.jwt")
    assert response.status_code == 200 and response.mimetype == "application/jwt"
    assert response.headers["Content-Disposition"].startswith("attachment")
    claims = _verify(response.get_data(as_text=True), _served_keys(client))
    assert claims["jti"] == badges.credential(own)["id"]
    assert client.get(f"/me/certificates/{other.id}/badge.jwt").status_code == 404
    services.revoke_certificate(own, reason="证件信息有误", by=staff)
    db.session.commit()
    assert client.get(f"/me/certificates/{own.id}/badge.jwt").status_code == 404


def test_staff_download_a_badge_in_scope(client, login, make_person, issue, staff):
    cert = issue(make_person(name=FULL_NAME))
    db.session.commit()
    login(staff)
    response = client.get(f"/certificates/{cert.id}/badge.jwt")
    assert response.status_code == 200
    assert _verify(response.get_data(as_text=True), _served_keys(client))["jti"] == badges.credential(cert)["id"]


def test_an_award_exports_as_an_award_naming_the_prize(make_person):
    event, prize = "2026年石家庄市养老护理职业技能大赛", "一等奖"
    cert = services.issue_award_certificate(make_person(name=FULL_NAME), event_name=event, prize=prize,
                                            issuer_name="石家庄市民政局", issued_by=None, basis="比赛结果")
    body = badges.credential(cert)
    achievement = body["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Award"
    assert achievement["name"] == f"{event}{prize}" and prize in achievement["description"]
    assert achievement["criteria"]["narrative"] == certificate_data(cert)["award_statement"]
    assert body["issuer"]["name"] == "石家庄市民政局"
    assert not {"creditsAvailable", "tag", "humanCode"} & set(achievement)
    assert "creditsEarned" not in body["credentialSubject"]


def test_pending_or_edited_certificates_have_no_credential(app, client, login, make_person, issue, staff,
                                                          monkeypatch):
    monkeypatch.setitem(app.config, "CERTS_APPROVAL_PROGRAMMES", "CG-5")
    pending = issue(make_person(name=FULL_NAME), "CG-5")
    assert pending.number is None
    with pytest.raises(badges.NoCredential):
        badges.credential(pending)
    cert = issue(make_person(name="李建国"))
    db.session.execute(update(Certificate).where(Certificate.id == cert.id).values(holder_name="李建业"))
    db.session.commit()
    db.session.refresh(cert)
    with pytest.raises(badges.NoCredential):  # a row edited in the database is not signed afresh
        badges.credential_jwt(cert)
    login(staff)
    assert client.get(f"/certificates/{cert.id}/badge.jwt").status_code == 404


def test_the_issuer_profile_is_what_credentials_point_to(client, make_person, issue):
    cert = issue(make_person(name=FULL_NAME))
    profile = client.get("/certificates/issuer").json
    assert profile["id"] == badges.credential(cert)["issuer"]["id"]
    assert profile["type"] == ["Profile"] and profile["name"]
