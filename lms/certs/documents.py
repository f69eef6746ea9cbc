"""From a certificate row to the plain data its template prints."""

from datetime import date
from pathlib import Path

from flask import current_app

from lms.certs import pdf
from lms.certs.models import Certificate, CertificateKind
from lms.certs.qr import base_url, check_code, verification_url
from lms.core.content import content_dir
from lms.training.models import LEVEL_LABELS


def template_folder() -> Path:
    """content/certs/ (or LMS_CONTENT_DIR/certs)."""
    return content_dir() / pdf.TEMPLATE_FOLDER


def print_font_folder() -> Path:
    """instance/fonts/: the print fonts this machine built (``print_fonts``),
    made on first use. Deleting it is safe: they are built again."""
    return Path(current_app.instance_path) / "fonts"


def chinese_date(value: date | None) -> str:
    """2026-03-07 → 2026年3月7日, as printed on certificates."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def completion_statement(statements: dict, *, hours: int | None, assessed: bool) -> str:
    """What a training certificate says the holder did, from ``issuer.yaml``'s
    phrases: hours only when they were recorded, "assessed" only when the
    programme has an assessment. A certificate never claims more."""
    parts = [statements["hours"].format(hours=hours)] if hours else []
    if assessed:
        parts.append(statements["assessed"])
    return statements["separator"].join(parts or [statements["trained"]])


def award_statement(statements: dict, *, event: str, award: str | None) -> str:
    """What a 获奖证书 says the holder won, from ``issuer.yaml``'s phrase."""
    return statements["award"].format(event=event, award=award or "")


def certificate_data(cert: Certificate, *, base: str | None = None) -> dict:
    """Everything one certificate's page prints, as plain values.

    The full ID number is printed (the national rule requires it on the
    certificate itself); it is decrypted here, only for rendering.
    """
    folder = template_folder()
    settings = pdf.issuer_settings(str(folder))
    url = verification_url(cert.number, base=base or base_url())
    statements = settings["statements"]
    assessed = bool(cert.programme and cert.programme.has_exam)
    return {
        "number": cert.number,
        "kind": cert.kind,
        "holder_name": cert.holder_name,
        "id_type": settings["id_type"],
        "id_number": cert.person.reveal_id_number(),
        "programme_name": cert.programme_name,
        "occupation": settings["occupation"],
        "direction": "--",  # the national rule prints "--" when there is no direction
        "level_label": LEVEL_LABELS.get(cert.level, "") if cert.level else "",
        "hours": cert.hours or "",
        "hours_text": statements["hours_value"].format(hours=cert.hours) if cert.hours
        else statements["no_hours"],
        "statement": completion_statement(statements, hours=cert.hours, assessed=assessed),
        "issuer_name": cert.issuer_name,
        "issue_date": chinese_date(cert.issue_date),
        "verify_url": url,
        "check_code": check_code(cert.number),
        "query_address": f"{base or base_url()}/verify",
        "award": cert.award or "",
        "award_statement": award_statement(statements, event=cert.programme_name, award=cert.award)
        if cert.kind == CertificateKind.AWARD else "",
        "photo": "",
    }


def sample_data() -> list[dict]:
    """One made-up certificate of each kind, as ``certificate_data`` gives them
    (for ``flask certs sample``; the ID number is a made-up one, not a person's)."""
    folder = template_folder()
    settings = pdf.issuer_settings(str(folder))
    base = base_url()
    event, prize = "河北省养老护理职业技能竞赛", "一等奖"
    common = {"holder_name": "张晓华", "id_type": settings["id_type"], "id_number": "130102199001010000",
              "occupation": settings["occupation"], "direction": "--", "issue_date": chinese_date(date.today()),
              "check_code": "ABCD-EFGH-JK", "query_address": f"{base}/verify", "award": "",
              "award_statement": "", "photo": "",
              "issuer_name": settings["evaluation_body_name"], "level_label": "", "hours": "",
              "hours_text": "", "statement": ""}
    samples = [
        {"kind": CertificateKind.SKILL_LEVEL, "number": "S000113000001264000001",
         "programme_name": "养老护理员（四级/中级工）职业技能培训", "level_label": LEVEL_LABELS[4]},
        {"kind": CertificateKind.TRAINING, "number": "PX13FC260000001",
         "programme_name": "失能老年人家庭照护者培训", "hours": 12, "issuer_name": "长安区康宁养老院",
         "hours_text": settings["statements"]["hours_value"].format(hours=12),
         "statement": completion_statement(settings["statements"], hours=12, assessed=False)},
        {"kind": CertificateKind.AWARD, "number": "JS13AW260000001",
         "programme_name": event, "award": prize,
         "award_statement": award_statement(settings["statements"], event=event, award=prize)},
    ]
    return [common | sample | {"verify_url": f"{base}/v/{sample['number']}?s=sample"} for sample in samples]


def render_certificates(certs: list[Certificate], *, target=None, base: str | None = None):
    """One PDF holding these certificates, in the given order."""
    return render_data([certificate_data(cert, base=base) for cert in certs], target=target)


def render_data(data: list[dict], *, target=None):
    """One PDF from pages' plain data (``certificate_data``): no database needed."""
    return pdf.write_pdf(data, template_folder(), target, font_cache=print_font_folder())


def is_printable(cert: Certificate) -> bool:
    """Only certificates with a number can be printed (pending ones have none)."""
    return bool(cert.number) and cert.kind in set(CertificateKind)
