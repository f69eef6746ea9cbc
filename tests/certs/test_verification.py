"""The public verification page: masked data only, and nothing at all for a
number without its genuine signature or check code."""

import base64
import re
import subprocess
from urllib.parse import urlencode

from sqlalchemy import update

from lms.certs import services, signing
from lms.certs.documents import render_certificates
from lms.certs.models import Certificate
from lms.certs.qr import check_code
from lms.extensions import db
from tests.certs.conftest import need_tool

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


def altered_signatures(signature: str) -> list[str]:
    """Texts that a lenient base64 decoder reads as the same bytes as
    ``signature``: its last character changed in the unused low bits, and
    padding appended."""
    raw = base64.urlsafe_b64decode(signature + "==")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    same_bytes = next(signature[:-1] + c for c in alphabet if c != signature[-1]
                      and base64.urlsafe_b64decode(signature[:-1] + c + "==") == raw)
    return [same_bytes, signature + "=="]


def test_a_signature_altered_in_ways_the_decoder_ignores_shows_nothing(client, make_person, issue):
    cert = issue(make_person(name=FULL_NAME))
    db.session.commit()
    genuine = signing.sign_number(cert.number)
    assert _status(client.get(f"/v/{cert.number}?{urlencode({'s': genuine})}").get_data(as_text=True)) == "valid"
    for altered in altered_signatures(genuine):
        html = client.get(f"/v/{cert.number}?{urlencode({'s': altered})}").get_data(as_text=True)
        assert _status(html) == "unknown", altered
        assert "王*英" not in html, altered


def test_a_number_without_its_signature_says_how_to_check_it(client, make_person, issue):
    cert = issue(make_person(name=FULL_NAME))
    db.session.commit()
    html = client.get(f"/v/{cert.number}").get_data(as_text=True)
    assert "缺少二维码中的签名" in html
    assert "请用手机相机扫描证书上的二维码" in html and "印在二维码下方的查验码" in html
    assert re.search(r'<a data-verify-by-number href="/verify">按证书编号和查验码查验</a>', html)
    assert f'value="{cert.number}"' in html  # the number is already filled in below
    assert "王*英" not in html and cert.id_number_masked not in html


def test_the_check_code_has_no_look_alike_characters_and_is_read_as_people_type_it(client, make_person, issue):
    cert = issue(make_person(name=FULL_NAME))
    other = issue(make_person(name="李建国"))
    db.session.commit()
    code = check_code(cert.number)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}", code)
    assert code != check_code(other.number)
    plain = code.replace("-", "")
    # Lower case, spaces instead of hyphens, O for 0 and l for 1, full-width
    # letters from a Chinese input method, hyphens from one.
    for typed in (code, plain.lower(), f"{plain[:4]} {plain[4:8]} {plain[8:]}",
                  code.replace("0", "O").replace("1", "l"),
                  plain.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}),
                  f" {plain[:4]}－{plain[4:8]}—{plain[8:]} "):
        html = client.get(f"/verify?{urlencode({'number': cert.number, 'code': typed})}").get_data(as_text=True)
        assert _status(html) == "valid" and "王*英" in html, typed
    for wrong in (check_code(other.number), plain[:-1], "查验码" + plain[:7]):
        response = client.get(f"/verify?{urlencode({'number': cert.number, 'code': wrong})}")
        assert response.status_code == 200 and _status(response.get_data(as_text=True)) == "unknown", wrong


def test_the_printed_check_code_is_readable_and_verifies(client, make_person, issue, tmp_path):
    cert = issue(make_person(name=FULL_NAME))
    db.session.commit()
    path = tmp_path / "cert.pdf"
    path.write_bytes(render_certificates([cert], base="https://zs.example.gov.cn"))
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)</word>',
                       subprocess.run([need_tool("pdftotext"), "-bbox", str(path), "-"], check=True,
                                      capture_output=True, text=True).stdout)
    at = next(i for i, (_x0, _x1, word) in enumerate(words) if word == "查验码")
    label_min, label_max, _ = words[at]
    assert (float(label_max) - float(label_min)) / 3 >= 10  # three full-width characters: 3 em, in points
    printed = words[at + 1][2]
    assert printed == check_code(cert.number)
    html = client.get(f"/verify?{urlencode({'number': cert.number, 'code': printed})}").get_data(as_text=True)
    assert _status(html) == "valid"
