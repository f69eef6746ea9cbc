"""An institution's month calendar with 500 sessions: p50/p95 of the page,
on SQLite and PostgreSQL.

    .venv/bin/python bench/calendar.py [--sessions 500] [--requests 30]

Each backend gets a fresh database with one institution, 10 instructors and
20 approved classes whose 500 sessions all fall in one month (inserted in
bulk: scheduling them one by one is not what is measured). Requests go
through the whole Flask stack in process, signed in as the institution's
staff. PostgreSQL is used when a server answers on LMS_TEST_POSTGRES_URL
(default postgres@127.0.0.1:5432); its database is dropped afterwards.
"""

import argparse
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from backends import ROOT, on_each_backend  # noqa: E402, F401  (also puts the project on sys.path)

MONTH = date(2026, 3, 1)
PASSWORD = "Bench#cal2026"


def _seed(sessions: int) -> None:
    from lms.auth import services as accounts
    from lms.core.access import Role
    from lms.demo.identities import fake_credit_code
    from lms.extensions import db
    from lms.regions.queries import region_by_code
    from lms.regions.services import create_institution, import_regions
    from lms.training.models import ClassSession, ClassStatus, Programme, TrainingClass
    from lms.training.services.classes import create_instructor

    rng = random.Random(3)
    import_regions({"provinces": [{"code": "130000", "name": "河北省", "units": [
        {"code": "130100", "name": "石家庄市", "counties": [{"code": "130102", "name": "长安区"}]}]}]})
    home = create_institution(name="长安区康宁养老院", credit_code=fake_credit_code(rng, "130102"), kind="care_home",
                              grade=None, region=region_by_code("130102"))
    staff = accounts.create_user(username="staff", display_name="培训专员", password=PASSWORD)
    accounts.assign_role(staff, Role.INSTITUTION_STAFF, by=None, institution=home)
    programme = Programme(code="CG-5", name="养老护理员（五级/初级工）职业技能培训", category="caregiver", level=5,
                          hours=180, certificate_kind="skill_level", theory_pass_mark=60, practical_pass_mark=60)
    db.session.add(programme)
    teachers = [create_instructor(institution=home, name=f"教师{n}", qualification_kind="职业培训师",
                                  qualification_number=f"PX-{n:04d}", by=None) for n in range(10)]
    classes = [TrainingClass(institution=home, programme=programme, name=f"2026年第{n + 1}期培训班",
                             status=ClassStatus.APPROVED, starts_on=MONTH, ends_on=MONTH + timedelta(days=30),
                             venue=f"实训室{n % 5}", capacity=40) for n in range(20)]
    db.session.add_all(classes)
    db.session.flush()
    rows = []
    for n in range(sessions):
        day = MONTH + timedelta(days=n % 31)
        start = datetime(day.year, day.month, day.day, 1 + (n // 31) % 10, tzinfo=UTC)
        rows.append({"class_id": classes[n % len(classes)].id, "starts_at": start,
                     "ends_at": start + timedelta(minutes=50), "topic": f"专题{n}",
                     "instructor_id": teachers[n % len(teachers)].id, "venue": f"实训室{n % 5}", "hours": 1})
    db.session.execute(ClassSession.__table__.insert(), rows)
    db.session.commit()


def run(database_url: str, label: str, args) -> None:
    from lms import create_app
    from lms.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        db.create_all()
        _seed(args.sessions)
    client = app.test_client()
    assert client.post("/login", data={"username": "staff", "password": PASSWORD}).status_code == 302
    url = f"/training/calendar?view=month&date={MONTH.isoformat()}"
    page = client.get(url).get_data(as_text=True)
    shown = page.count("data-session=")
    samples = []
    for _ in range(args.requests):
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200
    samples.sort()
    p50, p95 = statistics.median(samples) * 1000, samples[max(0, int(len(samples) * 0.95) - 1)] * 1000
    print(f"{label}: month calendar, {shown} sessions shown: p50 {p50:.1f} ms   p95 {p95:.1f} ms")
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    on_each_backend(lambda url, label: run(url, label, args), name="cal", only=args.only)

if __name__ == "__main__":
    main()
