"""The subsidy package as a printable A4 PDF (WeasyPrint).

The template (``templates/subsidies/package_pdf.html`` with its stylesheet
next to it) gets plain dicts and strings from ``document_data``, never ORM
objects, and its only assets are files of that folder (``local_url_fetcher``,
as certificates use). Text is set in the system's Noto CJK fonts.

WeasyPrint lays out about 1 ms per line of a table, so the PDF prints every
row that is one per trainee (roster, hours, results, certificates, notice)
but summarises the evidence: attendance per session plus every row staff
marked by hand, and online study per trainee. The workbook holds every
attendance scan and every study interval: for a class of 100 trainees and
60 sessions that is some 12,000 scans, a minute of layout and 250 pages here.
"""

from pathlib import Path

from flask import current_app

from lms.certs.forms import STATUS_LABELS
from lms.certs.pdf import font_config, local_url_fetcher
from lms.core.time import local_datetime, local_span
from lms.subsidies.labels import (
    ENROLMENT_LABELS,
    RESULT_LABELS,
    day,
    hours_text,
    yes_no,
)
from lms.subsidies.lines import SubsidyPackage
from lms.training.forms import SCAN_LABELS

TEMPLATE = "subsidies/package_pdf.html"
ASSETS = Path(__file__).resolve().parent.parent / "templates" / "subsidies"

# Rows marked by hand listed in full (each takes ~5 ms of layout): a class
# marked wholly by hand would otherwise bring back the minute-long PDF the
# per-session summary avoids. The workbook lists them all.
MANUAL_ROWS_SHOWN = 300

def document_data(package: SubsidyPackage) -> dict:
    """What the PDF template prints, as plain values (times local, hours as
    学时 with one decimal, codes as their labels)."""
    facts = package.facts
    return {
        "facts": {
            "name": facts.name, "institution": facts.institution, "programme": facts.programme,
            "programme_code": facts.programme_code, "level_label": facts.level_label,
            "dates": f"{day(facts.starts_on)} – {day(facts.ends_on)}", "venue": facts.venue,
            "capacity": facts.capacity, "programme_hours": facts.programme_hours,
            "online_hours": facts.online_hours, "classroom_hours": facts.classroom_hours,
            "is_subsidised": facts.is_subsidised, "fee_yuan": facts.fee_yuan,
            "theory_exam_on": day(facts.theory_exam_on), "practical_exam_on": day(facts.practical_exam_on),
            "instructors": [{"name": n, "kind": k, "number": q} for n, k, q in facts.instructors],
            "approved_at": local_datetime(facts.approved_at), "approved_by": facts.approved_by,
            "commitment_text": facts.commitment_text, "committed_by": facts.committed_by,
            "committed_at": local_datetime(facts.committed_at),
            "closed_at": local_datetime(facts.closed_at),
        },
        "threshold": round(package.threshold * 100),
        "roster": [{"name": t.name, "id": t.id_masked, "phone": t.phone_masked,
                    "status": str(ENROLMENT_LABELS.get(t.status, t.status))} for t in package.roster],
        "hours": [{"name": line.name, "id": line.id_masked, "online": hours_text(line.hours.online),
                   "classroom": hours_text(line.hours.classroom), "prior": hours_text(line.hours.prior),
                   "total": hours_text(line.hours.total), "share": f"{line.hours.share * 100:.1f}%",
                   "met": yes_no(line.hours.is_met), "is_met": line.hours.is_met} for line in package.hours],
        "assessments": [{
            "name": line.name, "theory": "" if line.theory_score is None else str(line.theory_score),
            "theory_passed": yes_no(line.theory_passed),
            "practical": "" if line.practical_score_tenths is None else f"{line.practical_score_tenths / 10:.1f}",
            "practical_passed": yes_no(line.practical_passed),
            "result": str(RESULT_LABELS[line.result(package.theory_required, package.practical_required)]),
        } for line in package.assessments],
        "certificates": [{"name": line.name, "number": line.number or "", "issue_date": day(line.issue_date),
                          "status": str(STATUS_LABELS.get(line.status, line.status))}
                         for line in package.certificates],
        "notice": [{"position": line.position, "name": line.name, "id": line.id_masked, "programme": line.programme,
                    "hours": hours_text(line.total_minutes), "result": str(RESULT_LABELS[line.result]),
                    "certificate": line.certificate_number} for line in package.notice],
        "sessions": [{"time": local_span(s.starts_at, s.ends_at), "topic": s.topic, "instructor": s.instructor,
                      "hours": s.hours, "signed_in": s.signed_in, "signed_out": s.signed_out,
                      "manual": s.marked_by_hand} for s in package.sessions],
        "manual_more": max(0, len(package.manual_attendance) - MANUAL_ROWS_SHOWN),
        "manual": [{"name": line.name, "session": local_span(line.session_starts_at, line.session_ends_at),
                    "kind": str(SCAN_LABELS.get(line.kind, line.kind)), "at": local_datetime(line.at, seconds=True),
                    "by": line.recorded_by, "reason": line.reason}
                   for line in package.manual_attendance[:MANUAL_ROWS_SHOWN]],
        "attendance_rows": len(package.attendance),
        "study": [{"name": s.name, "intervals": s.intervals, "first": local_datetime(s.first_at),
                   "last": local_datetime(s.last_at), "minutes": s.credited_seconds // 60}
                  for s in package.study_summary],
        "interval_rows": len(package.intervals),
    }


def render_html(data: dict) -> str:
    """The PDF's HTML from ``document_data``'s values (the application's
    Jinja environment, for its translations; no request needed)."""
    return current_app.jinja_env.get_template(TEMPLATE).render(**data)


def package_pdf(package: SubsidyPackage) -> bytes:
    """The PDF of ``package``."""
    from weasyprint import HTML

    html = HTML(string=render_html(document_data(package)), base_url=str(ASSETS) + "/",
                url_fetcher=local_url_fetcher(ASSETS))
    # The font configuration certificates keep per thread (~40 ms to build).
    return html.write_pdf(font_config=font_config(()))
