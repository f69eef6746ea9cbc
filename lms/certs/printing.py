"""Print jobs: many certificates into PDFs of at most ``CERTS_PRINT_CHUNK``
pages each, plus one zip, with progress.

The list of certificates and its split into chunks is fixed when the job is
created. The worker renders chunk after chunk; each PDF is written to a
temporary name and renamed into place, and the chunk is marked done in the
same commit that records progress. A worker killed at any point leaves at most
one chunk half-written (under the temporary name); resuming renders that chunk
again and skips the done ones, so no page is printed twice or left out, and
the numbers are those the certificates already carry.
"""

import json
import os
import zipfile
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from lms.certs.documents import certificate_data, render_data
from lms.certs.models import Certificate, PrintChunk, PrintJob
from lms.core import jobs
from lms.core.access import Scope
from lms.extensions import db
from lms.regions.models import Institution

JOB_KIND = "certs.print"


def job_folder(print_job_id: int) -> Path:
    """Where a print job's files live (instance/files/certs/print-jobs/<id>/)."""
    return Path(current_app.instance_path) / "files" / "certs" / "print-jobs" / str(print_job_id)


def zip_path(print_job: PrintJob) -> Path:
    return job_folder(print_job.id) / f"certificates-{print_job.id}.zip"


def create_print_job(certificate_ids: list[int], *, owner_id: int | None, scope: Scope | None,
                     base_url: str, filters: dict) -> PrintJob:
    """Fix the certificates and their chunks, and queue the job (flushes; call
    ``jobs.start_job(print_job.job_id)`` after the commit)."""
    if not certificate_ids:
        raise ValueError("nothing to print")
    size = max(1, current_app.config["CERTS_PRINT_CHUNK"])
    job = jobs.create_job(JOB_KIND, total=len(certificate_ids), owner_id=owner_id)
    institution_id = scope.institution_id if scope else None
    region_path = scope.region_path if scope else None
    if institution_id:  # civil affairs over the institution's region see its jobs too
        region_path = db.session.get(Institution, institution_id).region.path
    print_job = PrintJob(job=job, owner_id=owner_id, institution_id=institution_id,
                         region_path=region_path,
                         filters=json.dumps(filters | {"base_url": base_url}, ensure_ascii=False))
    for position, start in enumerate(range(0, len(certificate_ids), size)):
        ids = certificate_ids[start:start + size]
        print_job.chunks.append(PrintChunk(position=position, certificate_ids=json.dumps(ids),
                                           count=len(ids)))
    db.session.add(print_job)
    db.session.flush()
    return print_job


def _chunk_certificates(chunk: PrintChunk) -> list[Certificate]:
    ids = json.loads(chunk.certificate_ids)
    by_id = {c.id: c for c in db.session.scalars(select(Certificate).where(Certificate.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id]


def chunk_file(print_job_id: int, position: int) -> Path:
    return job_folder(print_job_id) / f"certificates-{print_job_id}-{position + 1:04d}.pdf"


@jobs.handler(JOB_KIND)
def run_print_job(job: jobs.Job) -> str:
    """Render every chunk not done yet, then the zip; returns the zip's file name."""
    print_job = db.session.scalar(select(PrintJob).where(PrintJob.job_id == job.id))
    base_url = json.loads(print_job.filters or "{}").get("base_url")
    folder = job_folder(print_job.id)
    folder.mkdir(parents=True, exist_ok=True)
    done = sum(c.count for c in print_job.chunks if c.is_done)
    jobs.report_progress(job, done)
    for chunk in print_job.chunks:
        if chunk.is_done:
            continue
        target = chunk_file(print_job.id, chunk.position)
        partial = target.with_suffix(".pdf.part")
        pages = [certificate_data(cert, base=base_url) for cert in _chunk_certificates(chunk)]
        # End the read before the long render: on SQLite a transaction holds the
        # write lock, and another worker must not wait seconds for it.
        db.session.commit()
        render_data(pages, target=str(partial))
        os.replace(partial, target)
        chunk.is_done = True
        done += chunk.count
        jobs.report_progress(job, done)  # commits the chunk's "done" with the progress
    final = zip_path(print_job)
    partial = final.with_suffix(".zip.part")
    # PDFs are compressed already: storing them is as small and much faster.
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
        for chunk in print_job.chunks:
            path = chunk_file(print_job.id, chunk.position)
            archive.write(path, arcname=path.name)
    os.replace(partial, final)
    return final.name
