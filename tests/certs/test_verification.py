"""The public verification page: masked data only, and nothing at all for a
number without its genuine signature or check code."""

import re

from sqlalchemy import update

from lms.certs import services, signing
from lms.certs.models import Certificate
from lms.certs.qr import check_code
from lms.extensions import db

FULL_NAME = "王秀英"


def _qr_path(cert) -> str:
    return f"/v/{cert.number}?s={signing.sign_number(cert.number)}"


def _status(html: str) -> str:
    return re.search(r'id="verification" data-status="(\w+)"', html).group(1)


def test_valid_certificate_shows_masked_data_only(client, make_person, issue):
    person = make_person(name=FULL_NAME)
    cert = issue(person)
    db.session.commit()
    html = client.get(_qr_path(cert)).get_data(as_text=True)
    assert _status(html) == "valid"
    assert cert.number in html and "王*英" in html
    assert person.id_number_masked in html and re.search(r"\d{4}\*{10}\d{3}[\dX]", html)
    assert FULL_NAME not in html and person.reveal_id_number() not in html
    assert "四级/中级工" in html


def test_number_without_a_valid_signature_shows_nothing(client, make_person, issue):
    cert = issue(make_person(name=FULL_NAME))
    other = issue(make_person(name="李建国"))
    db.session.commit()
    attempts = [f"/v/{cert.number}", f"/v/{cert.number}?s=AAAA",
                f"/v/{cert.number}?s={signing.sign_number(other.number)}",  # another number's
                f"/v/{cert.number}?s={signing.sign_number(cert.number)[:-2]}",  # truncated
                f"/verify?number={cert.number}&code=AAAAAAAAAA",
                f"/verify?number={cert.number}&code={check_code(other.number)}"]
    for url in attempts:
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert _status(html) == "unknown", url
        assert "王*英" not in html and cert.id_number_masked not in html, url


def test_check_code_typed_by_hand_verifies(client, make_person, issue):
    cert = issue(make_person(name=FULL_NAME))
    db.session.commit()
    html = client.get(f"/verify?number={cert.number.lower()}&code={check_code(cert.number)}").get_data(as_text=True)
    assert _status(html) == "valid" and "王*英" in html


def test_revoked_certificate_says_so(client, make_person, issue, staff):
    cert = issue(make_person(name=FULL_NAME))
    services.revoke_certificate(cert, reason="证件信息有误", by=staff)
    db.session.commit()
    assert _status(client.get(_qr_path(cert)).get_data(as_text=True)) == "revoked"


def test_reissued_certificate_is_superseded_and_links_to_the_new_one(client, make_person, issue, staff):
    old = issue(make_person(name=FULL_NAME))
    new = services.reissue_certificate(old, reason="证书遗失补发", by=staff)
    db.session.commit()
    assert new.number != old.number and new.replaces_id == old.id
    html = client.get(_qr_path(old)).get_data(as_text=True)
    assert _status(html) == "superseded"
    link = re.search(r'data-replaced-by href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert new.number in link
    assert _status(client.get(link).get_data(as_text=True)) == "valid"


def test_record_altered_in_the_database_is_not_shown_as_genuine(client, make_person, issue):
    cert = issue(make_person(name=FULL_NAME))
    db.session.commit()
    db.session.execute(update(Certificate).where(Certificate.id == cert.id)
                       .values(holder_name="张冒名"))
    db.session.commit()
    html = client.get(_qr_path(cert)).get_data(as_text=True)
    assert _status(html) == "tampered"
    assert "张*名" not in html and "王*英" not in html


def test_verification_is_rate_limited(app, client, make_person, issue):
    cert = issue(make_person())
    db.session.commit()
    statuses = [client.get(f"/verify?number={cert.number}&code=x{i}").status_code for i in range(35)]
    assert statuses[0] == 200 and statuses[-1] == 429
