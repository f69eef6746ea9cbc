"""The PDF itself: text extractable, fonts embedded, QR code decodable."""

import re
import subprocess

import pytest
from weasyprint.urls import FatalURLFetchingError

from lms.certs import pdf
from lms.certs.documents import (
    certificate_data,
    print_font_folder,
    render_certificates,
    template_folder,
)
from lms.certs.qr import verification_url
from tests.certs.conftest import need_tool, pdf_text


@pytest.fixture
def certificate_pdf(make_person, issue, tmp_path):
    person = make_person(name="王秀英")
    cert = issue(person)
    path = tmp_path / "cert.pdf"
    path.write_bytes(render_certificates([cert], base="https://zs.example.gov.cn"))
    return cert, person, path


def test_text_gives_back_name_number_and_fields(certificate_pdf):
    cert, person, path = certificate_pdf
    text = pdf_text(path)
    assert "王秀英" in text and cert.number in text
    assert person.reveal_id_number() in text  # the certificate itself carries the full number
    for label in ("职业技能等级证书", "四级/中级工", "养老护理员", "居民身份证", "评价机构名称"):
        assert label in text, label


def test_every_font_is_embedded(certificate_pdf):
    _cert, _person, path = certificate_pdf
    lines = subprocess.run([need_tool("pdffonts"), str(path)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    assert lines, "no fonts at all"
    for line in lines:
        # columns: name type encoding emb sub uni object ID
        emb, sub = line.split()[-5], line.split()[-4]
        assert (emb, sub) == ("yes", "yes"), line


def test_qr_code_decodes_to_the_verification_url(certificate_pdf, tmp_path):
    cert, _person, path = certificate_pdf
    subprocess.run([need_tool("pdftoppm"), "-r", "300", "-png", str(path), str(tmp_path / "page")],
                   check=True)
    image = next(tmp_path.glob("page*.png"))
    decoded = subprocess.run([need_tool("zbarimg"), "-q", "--raw", str(image)], capture_output=True,
                             text=True).stdout.strip()
    assert decoded == verification_url(cert.number, base="https://zs.example.gov.cn")


def test_training_certificate_prints_programme_and_hours(make_person, issue, tmp_path, home):
    cert = issue(make_person(name="刘桂芝", categories=("family_caregiver",)), code="FC")
    path = tmp_path / "fc.pdf"
    path.write_bytes(render_certificates([cert]))
    text = re.sub(r"\s+", "", pdf_text(path))
    assert "培训合格证书" in text and "刘桂芝" in text and cert.number in text
    assert "12标准学时" in text and home.name in text
    # The family caregivers' programme has no assessment: the certificate does not claim one.
    assert "完成规定的12标准学时学习，特发此证" in text and "考核" not in text


def test_a_training_certificate_states_only_what_was_recorded(make_person, issue, tmp_path, programmes):
    from lms.extensions import db
    from lms.training.models import Programme

    heads = Programme(code="IH", name="养老机构负责人培训", category="institution_head", level=None,
                      hours=40, certificate_kind="training", theory_pass_mark=60)
    db.session.add(heads)
    db.session.flush()
    programmes["IH"] = heads
    # A theory exam passed, but no course in CareLMS recorded the 40 hours.
    cert = issue(make_person(name="韩立新", categories=("institution_head",)), code="IH")
    assert cert.hours is None
    path = tmp_path / "ih.pdf"
    path.write_bytes(render_certificates([cert]))
    text = re.sub(r"\s+", "", pdf_text(path))
    assert "参加养老机构负责人培训，经考核合格，特发此证" in text
    assert "标准学时学习" not in text


def test_templates_cannot_reach_outside_assets(app, make_person, issue, tmp_path):
    cert = issue(make_person())
    data = certificate_data(cert) | {"photo": "https://example.com/tracker.png"}
    with pytest.raises(FatalURLFetchingError) as refused:
        pdf.write_pdf([data], template_folder())
    assert isinstance(refused.value.__cause__, pdf.AssetRefused)
    data = certificate_data(cert) | {"photo": "file:///etc/hostname"}
    with pytest.raises(FatalURLFetchingError):
        pdf.write_pdf([data], template_folder())
    fonts = print_font_folder()  # the print fonts' folder opens that folder only
    beside = fonts.parent / "secret.txt"
    beside.write_text("not an asset")
    data = certificate_data(cert) | {"photo": beside.as_uri()}
    with pytest.raises(FatalURLFetchingError):
        pdf.write_pdf([data], template_folder(), font_cache=fonts)


def test_harfbuzz_subset_check_finds_the_library():
    # The development machine and CI install libharfbuzz-subset0 (scripts/system-deps.sh).
    assert pdf.harfbuzz_subset_available()


def test_missing_harfbuzz_subset_warns_at_start_up(monkeypatch, caplog):
    from lms import create_app
    from lms.certs import blueprint

    monkeypatch.setattr(blueprint, "harfbuzz_subset_available", lambda: False)
    with caplog.at_level("WARNING"):
        create_app("testing")
    assert any("libharfbuzz-subset0 is MISSING" in r.getMessage() for r in caplog.records)
