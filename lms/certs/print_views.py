"""Print jobs: start one from the list's filters, watch it, download the zip."""

from flask import abort, flash, jsonify, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.certs import printing, queries
from lms.certs.blueprint import bp
from lms.certs.forms import PrintJobForm
from lms.certs.models import PrintJob
from lms.certs.qr import base_url
from lms.core import jobs
from lms.core.access import Role, allow, current_scopes, get_in_scope_or_404
from lms.core.pagination import paginate
from lms.extensions import db

STAFF = (Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS)


@bp.post("/certificates/print-jobs")
@allow(*STAFF)
def start_print():
    form = PrintJobForm()
    form.programme.choices = []  # any code: the query matches it or finds nothing
    if not form.validate_on_submit():
        flash(_("Check the selection."), "error")
        return redirect(url_for("certs.index"))
    filters = form.filters()
    ids = queries.printable_ids(filters)
    if not ids:
        flash(_("No valid certificates match this selection."), "info")
        return redirect(url_for("certs.index", **filters.as_dict()))
    print_job = printing.create_print_job(ids, owner_id=current_user.id, scope=current_scopes()[0],
                                          base_url=base_url(), filters=filters.as_dict())
    # Ids read before the commit: reading them after would open a new transaction.
    print_job_id, job_id = print_job.id, print_job.job_id
    db.session.commit()
    jobs.start_job(job_id)
    return redirect(url_for("certs.print_job", print_job_id=print_job_id))


@bp.get("/certificates/print-jobs")
@allow(*STAFF)
def print_jobs():
    return render_template("certs/print_jobs.html", page=paginate(queries.print_jobs_stmt()))


@bp.get("/certificates/print-jobs/<int:print_job_id>")
@allow(*STAFF)
def print_job(print_job_id: int):
    item = get_in_scope_or_404(PrintJob, print_job_id)
    return render_template("certs/print_job.html", item=item, job=item.job)


@bp.get("/certificates/print-jobs/<int:print_job_id>/progress")
@allow(*STAFF)
def print_job_progress(print_job_id: int):
    job = get_in_scope_or_404(PrintJob, print_job_id).job
    return jsonify(status=job.status, done=job.done, total=job.total, percent=job.percent,
                   can_resume=job.can_resume,
                   download_url=url_for("certs.print_job_download", print_job_id=print_job_id)
                   if job.status == jobs.JobStatus.DONE else None)


@bp.get("/certificates/print-jobs/<int:print_job_id>/download")
@allow(*STAFF)
def print_job_download(print_job_id: int):
    item = get_in_scope_or_404(PrintJob, print_job_id)
    path = printing.zip_path(item)
    if item.job.status != jobs.JobStatus.DONE or not path.exists():
        abort(404)
    return send_file(path, mimetype="application/zip", as_attachment=True, download_name=path.name)


@bp.post("/certificates/print-jobs/<int:print_job_id>/resume")
@allow(*STAFF)
def print_job_resume(print_job_id: int):
    item = get_in_scope_or_404(PrintJob, print_job_id)
    print_job_id, job_id = item.id, item.job_id
    if jobs.resume_job(item.job):
        db.session.commit()
        jobs.start_job(job_id)
    else:
        flash(_("This print job is not stopped, so it cannot be resumed."), "info")
    return redirect(url_for("certs.print_job", print_job_id=print_job_id))
