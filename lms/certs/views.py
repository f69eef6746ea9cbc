"""Certificate pages for staff (list, issue, approve, revoke, reissue, PDF)
and for trainees (their own certificates). Print jobs: print_views.py; the
public verification page: public_views.py; Open Badges: badge_views.py."""

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import false

from lms.certs import (  # noqa: F401  (their routes join the blueprint; the section joins the person page)
    badge_views,
    person_section,
    print_views,
    public_views,
    queries,
    services,
)
from lms.certs.blueprint import bp
from lms.certs.documents import render_certificates
from lms.certs.eligibility import Evidence, NotEligible, unmet_before_decision
from lms.certs.forms import (
    STATUS_LABELS,
    CertificateFilterForm,
    IssueForm,
    PrintJobForm,
    ReasonForm,
)
from lms.certs.models import Certificate, CertificateStatus
from lms.certs.qr import verification_url
from lms.core.access import Role, allow, get_in_scope_or_404
from lms.core.pagination import paginate
from lms.extensions import db
from lms.people.models import Person
from lms.people.queries import people_stmt, person_of_user
from lms.people.search import search_argument
from lms.regions.queries import own_institution, region_by_code, region_picker_choices
from lms.training.queries import active_programmes

STAFF = (Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS)


def programme_choices() -> list[tuple[str, str]]:
    """(code, name) of the active programmes, for selects."""
    return [(p.code, p.name) for p in active_programmes()]


def _pdf_response(cert: Certificate):
    data = render_certificates([cert])
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=f"certificate-{cert.number}.pdf")


@bp.get("/certificates")
@allow(*STAFF)
def index():
    form = CertificateFilterForm(request.args)
    form.programme.choices = [("", _("All programmes"))] + programme_choices()
    form.region.choices = [("", _("All my regions"))] + region_picker_choices()
    valid = form.validate()
    # A refused filter lists nothing and offers no print run: printing "all"
    # because a date range was reversed would be a costly surprise.
    filters = form.filters() if valid else queries.CertificateFilters()
    search, refused = search_argument("certs.index")
    if refused:
        return refused
    people = db.session.scalars(people_stmt(search).limit(10)).all() if search else []
    print_form = PrintJobForm(data=filters.as_dict() | {
        "issued_from": filters.issued_from, "issued_to": filters.issued_to,
        "programme": filters.programme_code, "region": filters.region_code})
    stmt = queries.certificates_stmt(filters)
    if not valid:
        stmt = stmt.where(false())
    return render_template("certs/index.html", page=paginate(stmt), valid=valid,
                           form=form, print_form=print_form, search=search, people=people,
                           status_labels=STATUS_LABELS,
                           can_issue=current_user.has_any_role({Role.INSTITUTION_STAFF})), 200 if valid else 400


@bp.route("/people/<int:person_id>/certificates/new", methods=["GET", "POST"])
@allow(Role.INSTITUTION_STAFF)
def issue(person_id: int):
    person = get_in_scope_or_404(Person, person_id)
    form = IssueForm()
    form.programme.choices = [(p.code, p.name) for p in active_programmes()
                              if p.category in person.categories]
    if form.validate_on_submit():
        programme = next(p for p in active_programmes() if p.code == form.programme.data)
        institution = own_institution()
        try:
            cert = services.issue_certificate(
                person, programme, issued_by=current_user, institution=institution,
                evidence=Evidence(staff_confirmed=form.confirmed.data, note=form.note.data))
        except NotEligible as why:
            db.session.rollback()
            for message in why.unmet:
                flash(str(message), "error")
        else:
            db.session.commit()
            flash(_("Certificate issued.") if cert.number else
                  _("Certificate requested: it awaits civil-affairs approval."), "success")
            return redirect(url_for("certs.show", cert_id=cert.id))
    readiness = [(programme, unmet_before_decision(person, programme)) for programme in active_programmes()
                 if programme.category in person.categories]
    return render_template("certs/issue.html", person=person, form=form, readiness=readiness), \
        400 if request.method == "POST" else 200


@bp.get("/certificates/<int:cert_id>")
@allow(*STAFF)
def show(cert_id: int):
    cert = get_in_scope_or_404(Certificate, cert_id)
    return render_template("certs/show.html", cert=cert, status_labels=STATUS_LABELS,
                           region=region_by_code(cert.region_code),
                           reason_form=ReasonForm(),
                           can_approve=current_user.has_any_role({Role.CIVIL_AFFAIRS}))


@bp.get("/certificates/<int:cert_id>/pdf")
@allow(*STAFF)
def pdf(cert_id: int):
    cert = get_in_scope_or_404(Certificate, cert_id)
    if cert.status != CertificateStatus.VALID:
        abort(404)
    return _pdf_response(cert)


@bp.post("/certificates/<int:cert_id>/approve")
@allow(Role.CIVIL_AFFAIRS)
def approve(cert_id: int):
    cert = get_in_scope_or_404(Certificate, cert_id)
    try:
        services.approve_certificate(cert, approved_by=current_user)
    except services.CertificateStateError:
        flash(_("Only a certificate awaiting approval can be approved."), "error")
    else:
        db.session.commit()
        flash(_("Certificate approved and numbered."), "success")
    return redirect(url_for("certs.show", cert_id=cert.id))


def _change(cert_id: int, action):
    cert = get_in_scope_or_404(Certificate, cert_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give a reason."), "error")
        return redirect(url_for("certs.show", cert_id=cert.id))
    try:
        result = action(cert, reason=form.reason.data, by=current_user)
    except services.CertificateStateError:
        flash(_("Only a valid certificate can be revoked or reissued."), "error")
        return redirect(url_for("certs.show", cert_id=cert.id))
    db.session.commit()
    return redirect(url_for("certs.show", cert_id=result.id))


@bp.post("/certificates/<int:cert_id>/revoke")
@allow(*STAFF)
def revoke(cert_id: int):
    return _change(cert_id, services.revoke_certificate)


@bp.post("/certificates/<int:cert_id>/reissue")
@allow(*STAFF)
def reissue(cert_id: int):
    return _change(cert_id, services.reissue_certificate)


@bp.get("/me/certificates")
@allow(Role.TRAINEE)
def mine():
    person = person_of_user(current_user.id)
    certificates = queries.own_certificates(person.id) if person else []
    # The public page anyone checking the certificate sees (what its QR code opens).
    verify_urls = {cert.id: verification_url(cert.number) for cert in certificates if cert.number}
    return render_template("certs/mine.html", certificates=certificates, status_labels=STATUS_LABELS,
                           verify_urls=verify_urls)


@bp.get("/me/certificates/<int:cert_id>/pdf")
@allow(Role.TRAINEE)
def my_pdf(cert_id: int):
    cert = get_in_scope_or_404(Certificate, cert_id)
    if cert.status != CertificateStatus.VALID:
        abort(404)
    return _pdf_response(cert)
