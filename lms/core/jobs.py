"""Background jobs whose progress lives in the database.

A job is a row in ``jobs``. A feature registers a handler for a job kind with
``@handler("kind")``; the handler does its work in steps and calls
``report_progress`` after each, which commits, so any page or worker can read
how far it got. With ``LMS_REDIS_URL`` set, jobs go onto an RQ queue and run on
``rq worker`` processes on any machine; without it they run in a thread of this
process. Both paths call the same ``run_job(job_id)``.

Handlers must be resumable: a worker can be killed at any point, and running
the job again (``resume_job``) has to continue where the last committed step
left off without repeating its effects.
"""

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum

from flask import Flask, current_app, has_app_context
from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, or_, update
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.time import as_utc, utcnow
from lms.extensions import db

log = logging.getLogger(__name__)


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(db.Model):
    """One unit of long work: its kind, owner, progress and outcome."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED, index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    runs: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.status} {self.done}/{self.total}>"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_stale(self) -> bool:
        """Running, but no sign of life for a while: its worker probably died."""
        if self.status != JobStatus.RUNNING or self.heartbeat_at is None:
            return False
        limit = timedelta(seconds=current_app.config["JOBS_STALE_SECONDS"])
        return utcnow() - as_utc(self.heartbeat_at) > limit

    @property
    def can_resume(self) -> bool:
        return self.status == JobStatus.FAILED or self.is_stale


_HANDLERS: dict[str, Callable[[Job], str]] = {}


def handler(kind: str) -> Callable:
    """Register ``func(job) -> result text`` as the worker of jobs of ``kind``."""

    def register(func: Callable[[Job], str]) -> Callable[[Job], str]:
        _HANDLERS[kind] = func
        return func

    return register


def create_job(kind: str, *, total: int = 0, owner_id: int | None = None) -> Job:
    """Add a queued job (flushes, never commits). Call ``start_job`` after the
    commit, so that the worker can see the row."""
    job = Job(kind=kind, status=JobStatus.QUEUED, total=total, owner_id=owner_id)
    db.session.add(job)
    db.session.flush()
    return job


def start_job(job_id: int) -> None:
    """Hand a committed job to a worker: RQ when Redis is configured, else a thread."""
    app = current_app._get_current_object()
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        from redis import Redis
        from rq import Queue

        queue = Queue(app.config["JOBS_QUEUE"], connection=Redis.from_url(redis_url))
        queue.enqueue("lms.core.jobs.run_job", job_id, job_timeout=6 * 3600)
        return
    thread = threading.Thread(target=_run_with_app, args=(app, job_id), daemon=True,
                              name=f"job-{job_id}")
    thread.start()


def resume_job(job: Job) -> bool:
    """Queue a failed or stale job again (flushes); False when it cannot be resumed."""
    if not job.can_resume:
        return False
    job.status = JobStatus.QUEUED
    job.error = ""
    db.session.flush()
    return True


def report_progress(job: Job, done: int, total: int | None = None) -> None:
    """Record progress and commit, together with the step's own writes."""
    job.done = done
    if total is not None:
        job.total = total
    job.heartbeat_at = utcnow()
    db.session.commit()


_worker_app: Flask | None = None


def run_job(job_id: int) -> None:
    """Run (or continue) a job. The entry point for RQ workers and threads alike."""
    if has_app_context():
        app = current_app._get_current_object()
    else:  # an `rq worker` process: one app per process, configured from LMS_* variables
        global _worker_app
        if _worker_app is None:
            from lms import create_app

            _worker_app = create_app()
        app = _worker_app
    _run_with_app(app, job_id)


def _claim(job_id: int) -> bool:
    # One conditional UPDATE, so that two workers never run the same job at once.
    stale_before = utcnow() - timedelta(seconds=current_app.config["JOBS_STALE_SECONDS"])
    now = utcnow()
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id)
        .where(or_(Job.status.in_([JobStatus.QUEUED, JobStatus.FAILED]),
                   (Job.status == JobStatus.RUNNING) & (Job.heartbeat_at < stale_before)))
        .values(status=JobStatus.RUNNING, runs=Job.runs + 1, heartbeat_at=now,
                started_at=now, error="")
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _run_with_app(app: Flask, job_id: int) -> None:
    # A fresh app context gives this run its own database session.
    with app.app_context():
        try:
            if not _claim(job_id):
                return
            job = db.session.get(Job, job_id)
            result = _HANDLERS[job.kind](job)
            job.status, job.result, job.finished_at = JobStatus.DONE, result or "", utcnow()
            db.session.commit()
        except Exception as error:  # the row says what went wrong; the log has the trace
            log.exception("job %s failed", job_id)
            db.session.rollback()
            job = db.session.get(Job, job_id)
            if job is not None:
                job.status, job.error = JobStatus.FAILED, type(error).__name__
                job.finished_at = utcnow()
                db.session.commit()
        finally:
            db.session.remove()
