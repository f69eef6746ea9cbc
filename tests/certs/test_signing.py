"""Signatures: genuine, altered field, wrong key, truncated — for the stored
record signature, the QR signature, and the offline `flask certs verify`."""

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lms.certs import signing
from lms.certs.qr import parse_verification_text, verification_url
from lms.certs.services import signed_fields
from tests.certs.test_verification import altered_signatures


def test_genuine_record_signature_verifies(make_person, issue):
    cert = issue(make_person())
    assert signing.verify_record(signed_fields(cert), cert.signature)
    assert cert.key_id == signing.key_id()


def test_altered_field_fails(make_person, issue):
    cert = issue(make_person())
    for field, value in [("holder_name", "王秀兰"), ("level", 3), ("number", cert.number[:-1] + "9"),
                         ("issue_date", "2020-01-01")]:
        fields = signed_fields(cert) | {field: value}
        assert not signing.verify_record(fields, cert.signature), field


def test_wrong_key_fails(make_person, issue):
    cert = issue(make_person())
    other = Ed25519PrivateKey.generate().public_key()
    assert not signing.verify_record(signed_fields(cert), cert.signature, other)
    assert not signing.verify_number(cert.number, signing.sign_number(cert.number), other)


def test_truncated_or_garbled_signature_fails(make_person, issue):
    cert = issue(make_person())
    qr_signature = signing.sign_number(cert.number)
    assert signing.verify_number(cert.number, qr_signature)
    garbled = qr_signature[:-2] + ("AA" if qr_signature[-2:] != "AA" else "BA")  # 1 signature in 256 ends in AA
    for bad in (qr_signature[:-1], qr_signature[:10], "", "!!!", garbled):
        assert not signing.verify_number(cert.number, bad), bad
        assert not signing.verify_record(signed_fields(cert), bad), bad
    assert not signing.verify_record(signed_fields(cert), cert.signature[:43])


def test_qr_signature_is_deterministic_and_bound_to_the_number(make_person, issue):
    first, second = issue(make_person(name="甲一")), issue(make_person(name="乙二"))
    assert signing.sign_number(first.number) == signing.sign_number(first.number)
    assert not signing.verify_number(second.number, signing.sign_number(first.number))


def test_the_signing_key_is_generated_into_the_instance_folder_once(app, tmp_path):
    app.config["CERTS_SIGNING_KEY_FILE"] = str(tmp_path / "key.pem")
    cache = app.extensions.pop("certs_signing", None)
    try:
        first = signing.public_key_pem()
        app.extensions.pop("certs_signing")
        assert signing.public_key_pem() == first  # read back, not regenerated
        assert (tmp_path / "key.pem").stat().st_mode & 0o077 == 0
    finally:
        app.config["CERTS_SIGNING_KEY_FILE"] = None
        app.extensions["certs_signing"] = cache or {}


def test_offline_cli_verifies_a_scanned_url(app, make_person, issue, tmp_path):
    cert = issue(make_person())
    url = verification_url(cert.number, base="https://zs.mca.hebei.example")
    assert parse_verification_text(url) == (cert.number, signing.sign_number(cert.number))
    key_file = tmp_path / "public.pem"
    key_file.write_text(signing.public_key_pem())
    runner = app.test_cli_runner()

    genuine = runner.invoke(args=["certs", "verify", url, "--public-key", str(key_file)])
    assert genuine.exit_code == 0 and "GENUINE" in genuine.output and cert.number in genuine.output

    altered = url.replace(cert.number, cert.number[:-1] + ("2" if cert.number[-1] != "2" else "3"))
    assert runner.invoke(args=["certs", "verify", altered]).exit_code == 1
    assert runner.invoke(args=["certs", "verify", url[:-3]]).exit_code == 1  # truncated
    other_key = tmp_path / "other.pem"
    other_key.write_text(signing.public_key_pem(Ed25519PrivateKey.generate().public_key()))
    wrong = runner.invoke(args=["certs", "verify", url, "--public-key", str(other_key)])
    assert wrong.exit_code == 1 and "NOT VALID" in wrong.output
    assert runner.invoke(args=["certs", "verify", "hello"]).exit_code == 1


def test_public_key_is_published(client):
    response = client.get("/certificates/public-key.pem")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == signing.public_key_pem()


def test_a_signature_text_the_decoder_would_read_the_same_is_not_genuine(app, make_person, issue):
    cert = issue(make_person())
    genuine = signing.sign_number(cert.number)
    url = verification_url(cert.number, base="https://zs.mca.hebei.example")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["certs", "verify", url]).exit_code == 0
    for altered in altered_signatures(genuine):
        assert not signing.verify_number(cert.number, altered), altered
        result = runner.invoke(args=["certs", "verify", url.replace(genuine, altered)])
        assert result.exit_code == 1 and "NOT VALID" in result.output, altered
