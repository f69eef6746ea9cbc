"""Roster import from Excel: a 5,000-row roster validated and imported, on
SQLite and PostgreSQL (DESIGN §6: under 10 s).

    .venv/bin/python bench/roster_import.py [--rows 5000] [--registered 1000] [--places 500]

Each backend gets a fresh database: the region tree (content/regions.yaml),
a programme, an institution with a staff account and two classes. First a
roster of REGISTERED people is imported into a February class (so that they
are in the registry), then the timed roster of ROWS people — those plus new
ones, valid made-up ID numbers, counties by code — into a March class of
PLACES places (the rest go on the waiting list). The timed import goes
through the whole Flask stack in process, signed in as the staff member:
upload, content check, openpyxl, every row's checks, the bulk writes, the
commit. PostgreSQL is used when a server answers on LMS_TEST_POSTGRES_URL
(default postgres@127.0.0.1:5432); its database is dropped afterwards.
"""

import argparse
import random
import time
from datetime import date
from io import BytesIO

from backends import ROOT, on_each_backend  # noqa: E402, F401  (also puts the project on sys.path)

PASSWORD = "Bench#pass2026"


def roster_file(rows: list[list[str]]) -> bytes:
    """An .xlsx as staff would upload it: the template's header, then the rows."""
    from openpyxl import Workbook

    from lms.training.roster_sheet import roster_spec

    book = Workbook(write_only=True)
    sheet = book.create_sheet(roster_spec().sheet)
    sheet.append(roster_spec().headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def make_rows(count: int, counties: list[str], rng: random.Random, seen: set[str]) -> list[list[str]]:
    from lms.demo.identities import fake_id_number, fake_mobile, fake_name

    rows = []
    while len(rows) < count:
        county = rng.choice(counties)
        number = fake_id_number(rng, county)
        if number in seen:
            continue
        seen.add(number)
        rows.append([fake_name(rng), number, fake_mobile(rng), county])
    return rows


def seed(app, places: int) -> dict:
    """Regions, a programme, an institution, its staff account and two classes."""
    import yaml

    from lms.auth import services as accounts
    from lms.core.access import Role
    from lms.core.content import content_dir
    from lms.demo.identities import fake_credit_code
    from lms.extensions import db
    from lms.regions.models import Region, RegionLevel
    from lms.regions.queries import region_by_code
    from lms.regions.services import create_institution, import_regions
    from lms.training.models import Programme
    from lms.training.services.classes import ClassDetails, create_class

    with app.app_context():
        import_regions(yaml.safe_load((content_dir() / "regions.yaml").read_text(encoding="utf-8")))
        county = region_by_code("130102")
        home = create_institution(name="长安区康宁养老院（基准）", credit_code=fake_credit_code(random.Random(1), "130102"),
                                  kind="training_provider", grade=None, region=county)
        programme = Programme(code="CG-5", name="养老护理员（五级/初级工）", category="caregiver", level=5, hours=180,
                              certificate_kind="skill_level", theory_pass_mark=60, practical_pass_mark=60)
        db.session.add(programme)
        staff = accounts.create_user(username="bench-staff", display_name="培训机构", password=PASSWORD)
        accounts.assign_role(staff, Role.INSTITUTION_STAFF, by=None, institution=home)
        classes = {}
        for key, start, end in (("february", date(2026, 2, 2), date(2026, 2, 13)),
                                ("march", date(2026, 3, 2), date(2026, 3, 13))):
            classes[key] = create_class(institution=home, programme=programme, by=None, details=ClassDetails(
                name=f"2026年{key}培训班", starts_on=start, ends_on=end, venue="实训室", capacity=places)).id
        counties = list(db.session.scalars(db.select(Region.code).where(Region.level == RegionLevel.COUNTY)))
        db.session.commit()
    return {"classes": classes, "counties": counties}


def run(database_url: str, label: str, args: argparse.Namespace) -> None:
    from lms import create_app
    from lms.extensions import db
    from lms.training import roster_sheet

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, PASSWORD_HASH_METHOD="scrypt:1024:8:1")
    with app.app_context():
        db.create_all()
    world = seed(app, args.places)
    rng, seen = random.Random(2026), set()
    registered = make_rows(args.registered, world["counties"], rng, seen)
    rows = registered + make_rows(args.rows - args.registered, world["counties"], rng, seen)
    rng.shuffle(rows)
    client = app.test_client()
    assert client.post("/login", data={"username": "bench-staff", "password": PASSWORD}).status_code == 302

    def upload(class_id: int, data: bytes) -> float:
        started = time.perf_counter()
        response = client.post(f"/classes/{class_id}/roster/import", data={"file": (BytesIO(data), "花名册.xlsx")},
                               content_type="multipart/form-data")
        seconds = time.perf_counter() - started
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return seconds

    with app.app_context():
        first, data = roster_file(registered), roster_file(rows)
    upload(world["classes"]["february"], first)
    with app.test_request_context():
        started = time.perf_counter()
        roster_sheet.read_roster(data)
        reading = time.perf_counter() - started
    seconds = upload(world["classes"]["march"], data)
    with app.app_context():
        from sqlalchemy import text

        counts = db.session.execute(text(
            "SELECT status, count(*) FROM training_class_enrolments WHERE class_id = :c GROUP BY status ORDER BY status"),
            {"c": world["classes"]["march"]}).all()
        people = db.session.execute(text("SELECT count(*) FROM people")).scalar()
        db.engine.dispose()
    print(f"{label}: {args.rows:,} rows ({len(data) / 1024:.0f} KB; {args.registered:,} registered already) "
          f"imported in {seconds:.2f} s through HTTP (reading the workbook alone: {reading:.2f} s); "
          f"people {people:,}; enrolments {', '.join(f'{s} {n:,}' for s, n in counts)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000)
    parser.add_argument("--registered", type=int, default=1_000)
    parser.add_argument("--places", type=int, default=500)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    on_each_backend(lambda url, label: run(url, label, args), name="roster", only=args.only)

if __name__ == "__main__":
    main()
