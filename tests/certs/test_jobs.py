"""Print jobs: chunked PDFs and a zip, progress in the database, resumable,
the same code path on a thread and on RQ (real Redis when it answers)."""

import json
import os
import random
import time
import uuid
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.certs import printing, services
from lms.certs.models import Certificate, PrintJob
from lms.core import jobs
from lms.core.access import Scope
from lms.extensions import db
from tests.certs.conftest import EVIDENCE, add_programmes, meet_requirements, pdf_text


def seed_people(app, count: int, *, issue: bool = True):
    """Commit a region tree, an institution, the programmes and `count` people
    (with CG-4 certificates when `issue`); returns (person ids, programme id,
    institution id). Call inside an app context of `app`."""
    from lms.demo.identities import fake_credit_code, fake_id_number, fake_mobile
    from lms.people import services as people
    from lms.regions.queries import region_by_code
    from lms.regions.services import create_institution, import_regions
    from tests.conftest import REGION_TREE

    rng = random.Random(11)
    import_regions(REGION_TREE)
    region = region_by_code("130102")
    home = create_institution(name="长安区康宁养老院", credit_code=fake_credit_code(rng, "130102"),
                              kind="care_home", grade=None, region=region)
    programme = add_programmes()["CG-4"]
    ids = []
    for i in range(count):
        person = people.register_person(
            name=f"王{'一二三四五六七八九十'[i % 10]}英", id_number=fake_id_number(rng, "130102"),
            phone=fake_mobile(rng), region=region, categories=["caregiver"],
            employer=home, registered_by=home)
        meet_requirements(person, programme, home)
        if issue:
            services.issue_certificate(person, programme, issued_by=None, institution=home,
                                       evidence=EVIDENCE)
        ids.append(person.id)
    db.session.commit()
    return ids, programme.id, home.id


def _new_print_job(home_id: int) -> PrintJob:
    ids = list(db.session.scalars(select(Certificate.id).order_by(Certificate.number)))
    print_job = printing.create_print_job(ids, owner_id=None, scope=Scope(institution_id=home_id),
                                          base_url="https://verify.example.cn", filters={})
    db.session.commit()
    return print_job


def _wait(app, job_id: int, timeout: float = 120) -> jobs.Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            job = db.session.get(jobs.Job, job_id)
            if job.status in (jobs.JobStatus.DONE, jobs.JobStatus.FAILED):
                db.session.expunge(job)
                return job
        time.sleep(0.2)
    raise AssertionError("job did not finish")


def _numbers_in_zip(app, print_job_id: int, tmp_path) -> list[str]:
    with app.app_context():
        path = printing.zip_path(db.session.get(PrintJob, print_job_id))
    numbers = []
    with zipfile.ZipFile(path) as archive:
        for name in sorted(archive.namelist()):
            target = tmp_path / name
            target.write_bytes(archive.read(name))
            text = pdf_text(target)
            numbers += sorted(set(n for n in text.split() if len(n) == 22 and n[0] in "YS"),
                              key=text.index)
    return numbers


def test_a_thread_job_prints_every_certificate_once_in_chunks(committed_app, tmp_path):
    with committed_app.app_context():
        _ids, _p, home_id = seed_people(committed_app, 7)
        expected = list(db.session.scalars(select(Certificate.number).order_by(Certificate.number)))
        print_job = _new_print_job(home_id)
        assert [c.count for c in print_job.chunks] == [3, 3, 1]  # CERTS_PRINT_CHUNK = 3
        pid, job_id = print_job.id, print_job.job_id
        jobs.start_job(job_id)  # no LMS_REDIS_URL: a thread of this process
    job = _wait(committed_app, job_id)
    assert (job.status, job.done, job.total, job.percent) == ("done", 7, 7, 100)
    assert _numbers_in_zip(committed_app, pid, tmp_path) == expected


def test_a_resumed_job_gives_the_same_numbers_and_no_duplicate_pages(committed_app, tmp_path,
                                                                     monkeypatch):
    with committed_app.app_context():
        _ids, _p, home_id = seed_people(committed_app, 7)
        expected = list(db.session.scalars(select(Certificate.number).order_by(Certificate.number)))
        print_job = _new_print_job(home_id)
        pid, job_id = print_job.id, print_job.job_id

    real_render, calls = printing.render_data, []

    def dies_on_the_second_chunk(pages, **kwargs):
        calls.append(len(pages))
        if len(calls) == 2:  # half-way through: a partial file exists, then the worker "dies"
            Path(kwargs["target"]).write_bytes(b"%PDF-1.7 partial")
            raise MemoryError("worker killed")
        return real_render(pages, **kwargs)

    monkeypatch.setattr(printing, "render_data", dies_on_the_second_chunk)
    with committed_app.app_context():
        jobs.run_job(job_id)
        job = db.session.get(jobs.Job, job_id)
        assert (job.status, job.done) == ("failed", 3)
        assert job.can_resume and jobs.resume_job(job)
        db.session.commit()
        jobs.run_job(job_id)
        job = db.session.get(jobs.Job, job_id)
        assert (job.status, job.done, job.runs) == ("done", 7, 2)
    assert calls == [3, 3, 3, 1]  # the first chunk was not printed again
    assert _numbers_in_zip(committed_app, pid, tmp_path) == expected


def test_a_stale_running_job_can_be_claimed_again(committed_app):
    with committed_app.app_context():
        _ids, _p, home_id = seed_people(committed_app, 2)
        job = _new_print_job(home_id).job
        job_id = job.id
        job.status, job.heartbeat_at = jobs.JobStatus.RUNNING, jobs.utcnow()
        db.session.commit()
        assert not job.can_resume  # alive: a second worker must not start it
        committed_app.config["JOBS_STALE_SECONDS"] = 0
        time.sleep(0.01)
        assert job.can_resume
        db.session.rollback()  # end this read before the worker's own session writes
        jobs.run_job(job_id)
        assert db.session.get(jobs.Job, job_id).status == "done"


def _redis_or_skip(url: str):
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    try:
        connection = Redis.from_url(url, socket_connect_timeout=1)
        connection.ping()
    except RedisDown:
        if os.environ.get("CI"):
            pytest.fail(f"Redis does not answer at {url}: in CI the RQ path must be tested")
        pytest.skip(f"Redis does not answer at {url}")
    return connection


def test_an_rq_worker_runs_the_same_job(committed_app, tmp_path):
    from rq import Queue, SimpleWorker

    url = os.environ.get("LMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    connection = _redis_or_skip(url)
    queue_name = f"carelms-test-{uuid.uuid4().hex[:8]}"
    committed_app.config.update(REDIS_URL=url, JOBS_QUEUE=queue_name)
    try:
        with committed_app.app_context():
            _ids, _p, home_id = seed_people(committed_app, 4)
            expected = list(db.session.scalars(select(Certificate.number).order_by(Certificate.number)))
            print_job = _new_print_job(home_id)
            pid, job_id = print_job.id, print_job.job_id
            jobs.start_job(job_id)
            queue = Queue(queue_name, connection=connection)
            assert queue.count == 1  # on the queue, not in a thread
            db.session.rollback()  # SQLite: hold no lock while the worker writes
            # A worker in this process (SimpleWorker does not fork), with this app.
            SimpleWorker([queue], connection=connection).work(burst=True)
            job = db.session.get(jobs.Job, job_id)
            assert (job.status, job.done) == ("done", 4)
            assert json.loads(db.session.get(PrintJob, pid).filters)["base_url"]
        assert _numbers_in_zip(committed_app, pid, tmp_path) == expected
    finally:
        Queue(queue_name, connection=connection).delete(delete_jobs=True)
