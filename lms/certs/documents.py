"""From a certificate row to the plain data its template prints."""

from datetime import date
from pathlib import Path

from lms.certs import pdf
from lms.certs.models import Certificate, CertificateKind
from lms.certs.qr import base_url, check_code, qr_data_uri, verification_url
from lms.core.content import content_dir
from lms.training.models import LEVEL_LABELS


def template_folder() -> Path:
    """content/certs/ (or LMS_CONTENT_DIR/certs)."""
    return content_dir() / pdf.TEMPLATE_FOLDER


def chinese_date(value: date | None) -> str:
    """2026-03-07 → 2026年3月7日, as printed on certificates."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def certificate_data(cert: Certificate, *, base: str | None = None) -> dict:
    """Everything one certificate's page prints, as plain values.

    The full ID number is printed (the national rule requires it on the
    certificate itself); it is decrypted here, only for rendering.
    """
    folder = template_folder()
    settings = pdf.issuer_settings(str(folder))
    url = verification_url(cert.number, base=base or base_url())
    return {
        "number": cert.number,
        "kind": cert.kind,
        "holder_name": cert.holder_name,
        "id_type": settings["id_type"],
        "id_number": cert.person.reveal_id_number(),
        "programme_name": cert.programme_name,
        "occupation": settings["occupation"],
        "direction": "",
        "level_label": LEVEL_LABELS.get(cert.level, "") if cert.level else "",
        "hours": cert.hours or "",
        "issuer_name": cert.issuer_name,
        "issue_date": chinese_date(cert.issue_date),
        "qr": qr_data_uri(url),
        "verify_url": url,
        "check_code": check_code(cert.number),
        "query_address": f"{base or base_url()}/verify",
        "award": "",
        "photo": "",
    }


def render_certificates(certs: list[Certificate], *, target=None, base: str | None = None):
    """One PDF holding these certificates, in the given order."""
    return render_data([certificate_data(cert, base=base) for cert in certs], target=target)


def render_data(data: list[dict], *, target=None):
    """One PDF from pages' plain data (``certificate_data``): no database needed."""
    return pdf.write_pdf(data, template_folder(), target)


def is_printable(cert: Certificate) -> bool:
    """Only certificates with a number can be printed (pending ones have none)."""
    return bool(cert.number) and cert.kind in set(CertificateKind)
