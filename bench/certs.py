"""Certificate rendering benchmark: certificates/s and peak memory, three ways.

    .venv/bin/python bench/certs.py            # N = 2000
    .venv/bin/python bench/certs.py --n 200    # a quick run

(a) naive: one WeasyPrint document (write_pdf) per certificate;
(b) the print job (chunks of LMS_CERTS_PRINT_CHUNK pages + zip) on one worker;
(c) two workers at once, each running a print job of half the certificates.

Each way runs in its own process, so that "peak memory" (max RSS) is that
way's own. Seeding (people, numbers, signatures) is not timed.
"""

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _app(folder: str):
    os.environ["LMS_INSTANCE_PATH"] = str(Path(folder) / "instance")
    from lms import create_app

    return create_app("default", SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder}/bench.db",
                      SECRET_KEY="bench", ID_ENCRYPTION_KEY="YmVuY2gta2V5LWJlbmNoLWtleS1iZW5jaC1rZXktMzI=")


def seed(folder: str, n: int) -> None:
    """n people with a CG-4 certificate each, committed."""
    import random

    from lms.certs import services
    from lms.certs.eligibility import Evidence
    from lms.demo.identities import fake_credit_code, fake_id_number, fake_mobile
    from lms.extensions import db
    from lms.people import services as people
    from lms.regions.queries import region_by_code
    from lms.regions.services import create_institution, import_regions
    from lms.training.models import Programme

    app = _app(folder)
    rng = random.Random(1)
    surnames, given = "王李张刘陈杨赵黄周吴", ["秀英", "桂兰", "建华", "淑珍", "玉梅", "志强", "海燕", "国庆"]
    with app.app_context():
        db.create_all()
        import_regions({"provinces": [{"code": "130000", "name": "河北省", "units": [
            {"code": "130100", "name": "石家庄市", "counties": [{"code": "130102", "name": "长安区"}]}]}]})
        region = region_by_code("130102")
        home = create_institution(name="长安区康宁养老院", credit_code=fake_credit_code(rng, "130102"),
                                  kind="care_home", grade=None, region=region)
        programme = Programme(code="CG-4", name="养老护理员（四级/中级工）职业技能培训", category="caregiver",
                              level=4, hours=150, certificate_kind="skill_level", is_active=True)
        db.session.add(programme)
        evidence = Evidence(staff_confirmed=True, note="bench")
        for i in range(n):
            person = people.register_person(
                name=rng.choice(surnames) + rng.choice(given), id_number=fake_id_number(rng, "130102"),
                phone=fake_mobile(rng), region=region, categories=["caregiver"],
                employer=home, registered_by=home)
            services.issue_certificate(person, programme, issued_by=None, institution=home,
                                       evidence=evidence)
            if i % 500 == 499:
                db.session.commit()
        db.session.commit()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def naive(folder: str, results) -> None:
    from sqlalchemy import select

    from lms.certs.documents import render_certificates
    from lms.certs.models import Certificate
    from lms.extensions import db

    app = _app(folder)
    out = Path(folder) / "naive"
    out.mkdir(exist_ok=True)
    with app.app_context():
        certs = db.session.scalars(select(Certificate).order_by(Certificate.number)).all()
        render_certificates(certs[:1])  # warm: fonts, templates
        start = time.perf_counter()
        for cert in certs:
            render_certificates([cert], target=str(out / f"{cert.number}.pdf"))
        results.put((time.perf_counter() - start, len(certs), _peak_mb()))


def create_jobs(folder: str, parts: int) -> list[int]:
    from sqlalchemy import select

    from lms.certs import printing
    from lms.certs.models import Certificate
    from lms.extensions import db

    app = _app(folder)
    with app.app_context():
        ids = list(db.session.scalars(select(Certificate.id).order_by(Certificate.number)))
        job_ids = []
        for k in range(parts):
            job = printing.create_print_job(ids[k::parts], owner_id=None, scope=None,
                                            base_url="https://verify.example.gov.cn", filters={})
            job_ids.append(job.job_id)
        db.session.commit()
        return job_ids


def worker(folder: str, job_id: int, results) -> None:
    from lms.certs import printing  # noqa: F401  (registers the job handler)
    from lms.core import jobs
    from lms.extensions import db

    app = _app(folder)
    with app.app_context():
        from lms.certs.documents import render_certificates
        from lms.certs.models import Certificate

        render_certificates([db.session.scalars(db.select(Certificate).limit(1)).one()])  # warm
        db.session.rollback()
        start = time.perf_counter()
        jobs.run_job(job_id)
        job = db.session.get(jobs.Job, job_id)
        assert job.status == "done", job.error
        results.put((start, time.perf_counter(), job.total, _peak_mb()))


def _run(target, *args) -> list:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    processes = [context.Process(target=target, args=(*a, results)) for a in args]
    for p in processes:
        p.start()
    got = [results.get() for _ in processes]
    for p in processes:
        p.join()
    return got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="certificates (default 2000)")
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="carelms-bench-")
    print(f"seeding {args.n} certificates in {folder} …", flush=True)
    seed(folder, args.n)
    rows = []
    if not args.skip_naive:
        seconds, count, peak = _run(naive, (folder,))[0]
        rows.append(("(a) naive, one write_pdf per certificate", count / seconds, seconds, peak))
    (job,) = create_jobs(folder, 1)
    start, end, count, peak = _run(worker, (folder, job))[0]
    rows.append(("(b) print job, one worker", count / (end - start), end - start, peak))
    job_ids = create_jobs(folder, 2)
    got = _run(worker, *[(folder, j) for j in job_ids])
    wall = max(g[1] for g in got) - min(g[0] for g in got)
    rows.append(("(c) print jobs, two workers", sum(g[2] for g in got) / wall, wall, max(g[3] for g in got)))
    print(f"\nN = {args.n}, {os.cpu_count()} CPUs")
    print(f"{'way':<44}{'cert/s':>8}{'seconds':>9}{'peak MB/worker':>16}")
    for name, rate, seconds, peak in rows:
        print(f"{name:<44}{rate:>8.1f}{seconds:>9.1f}{peak:>16.0f}")


if __name__ == "__main__":
    main()
