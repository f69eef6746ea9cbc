"""The province generator inside a time window: a small "living" history
dated where it is asked to be, in every allocation unit, reproducible, and
the default province unchanged."""

import inspect
from datetime import date, datetime, time, timedelta

import pytest
import yaml
from sqlalchemy import func, select

from lms.certs.models import Certificate
from lms.core.content import content_dir
from lms.core.crypto import decrypt_text
from lms.courses.content import read_course
from lms.courses.models import CourseEnrolment, StudyInterval
from lms.courses.services import import_course
from lms.demo.province import COURSE_FOR, seed_province
from lms.exams.models import Attempt, Exam
from lms.extensions import db
from lms.people.models import ID_NUMBER_CONTEXT, Person
from lms.people.services import find_by_id_number
from lms.regions.models import Institution, Region, RegionLevel
from lms.regions.services import import_regions
from lms.training.services.programmes import import_programmes

WINDOW = (date(2024, 6, 10), date(2025, 11, 30))
SMALL = {"trainees": 300, "intervals_per_trainee": 6, "certified_share": 0.5, "seed": 2025,
         "label": "（测试示例）", "history": WINDOW, "institutions_per_county": 0.1,
         "min_institutions_per_unit": 1}


def _quiet(_line: str) -> None:
    pass


@pytest.fixture
def content():
    """The shipped regions (14 units), programmes and the courses the generator uses."""
    root = content_dir()
    import_regions(yaml.safe_load((root / "regions.yaml").read_text(encoding="utf-8")))
    import_programmes(yaml.safe_load((root / "programs.yaml").read_text(encoding="utf-8")))
    for slug in sorted(set(COURSE_FOR.values())):
        import_course(read_course(root / "courses" / slug))


def _between(column, first: date, last: date) -> int:
    """Rows of ``column``'s table dated outside first..last (whole days)."""
    start, stop = datetime.combine(first, time()), datetime.combine(last + timedelta(days=1), time())
    return db.session.scalar(select(func.count()).where((column < start) | (column >= stop)))


def test_a_small_history_is_dated_inside_its_window(content):
    result = seed_province(**SMALL, progress=_quiet)

    assert result["trainees"] == 300 and result["certificates"] > 0 and result["exam_attempts"] > 0
    first, last = WINDOW
    issued = db.session.execute(select(func.min(Certificate.issue_date), func.max(Certificate.issue_date))).one()
    # From the first of the month after the window opens; never after it closes.
    assert issued[0] >= date(2024, 7, 1) and issued[1] <= last
    assert _between(StudyInterval.started_at, first, last) == 0
    assert _between(StudyInterval.last_beat_at, first, last) == 0
    assert _between(Exam.opens_at, first, last) == 0 and _between(Exam.closes_at, first, last) == 0
    assert _between(Attempt.closed_at, first, last) == 0
    assert db.session.scalar(select(func.count()).select_from(StudyInterval)) == result["study_records"]


def test_every_allocation_unit_gets_trainees_and_certificates(content):
    result = seed_province(**SMALL, progress=_quiet)

    units = db.session.scalars(select(Region).where(Region.level == RegionLevel.UNIT)).all()
    assert len(units) == 14
    for unit in units:
        in_unit = Region.path.startswith(unit.path)
        people = db.session.scalar(select(func.count()).select_from(Person).join(Region).where(in_unit))
        certified = db.session.scalar(select(func.count()).select_from(Certificate)
                                      .where(Certificate.region_path.startswith(unit.path)))
        assert people > 0 and certified > 0, unit.name
    assert result["institutions"] == db.session.scalar(
        select(func.count()).select_from(Institution).where(Institution.name.endswith("（测试示例）")))


def test_the_same_seed_gives_the_same_history(content):
    def fingerprint():
        return db.session.execute(select(Certificate.number, Certificate.issue_date, Certificate.holder_name,
                                         Certificate.region_code).order_by(Certificate.number)).all()

    savepoint = db.session.begin_nested()
    first, first_certificates = seed_province(**SMALL, progress=_quiet), fingerprint()
    savepoint.rollback()

    assert seed_province(**SMALL, progress=_quiet) == first
    assert fingerprint() == first_certificates


def test_a_second_run_with_the_same_label_adds_nothing(content):
    seed_province(**SMALL, progress=_quiet)
    people = db.session.scalar(select(func.count()).select_from(Person))
    lines = []

    assert seed_province(**SMALL, progress=lines.append) == {}
    assert db.session.scalar(select(func.count()).select_from(Person)) == people
    assert "nothing to do" in lines[0]


def test_generated_people_are_in_the_registry(content):
    seed_province(**SMALL, progress=_quiet)

    person = db.session.scalar(select(Person).order_by(Person.id.desc()).limit(1))
    number = decrypt_text(person.id_number_encrypted, context=ID_NUMBER_CONTEXT)
    assert find_by_id_number(number) == person
    assert person.id_number_masked == f"{number[:4]}{'*' * 10}{number[-4:]}"


def test_the_default_province_keeps_its_dates(content):
    defaults = {name: p.default for name, p in inspect.signature(seed_province).parameters.items()}
    assert defaults["history"] == (date(2021, 1, 4), date(2022, 12, 31))
    assert (defaults["certified_share"], defaults["label"]) == (0.9, "（省级示例）")
    assert (defaults["institutions_per_county"], defaults["min_institutions_per_unit"]) == (2.4, 8)
    assert (defaults["trainees"], defaults["intervals_per_trainee"], defaults["seed"]) == (45_000, 22, 2022)

    seed_province(trainees=150, institutions_per_county=0.1, min_institutions_per_unit=1, progress=_quiet)

    # Quarterly exams 2021-Q1 to 2022-Q2, certificates 2021-02-01 to 2022-12-31.
    openings = db.session.scalars(select(Exam.opens_at).distinct()).all()
    assert sorted(o.replace(tzinfo=None) for o in openings) == [
        datetime(year, month, 15, 9) for year, month in
        ((2021, 1), (2021, 4), (2021, 7), (2021, 10), (2022, 1), (2022, 4))]
    issued = db.session.execute(select(func.min(Certificate.issue_date), func.max(Certificate.issue_date))).one()
    assert issued[0] >= date(2021, 2, 1) and issued[1] <= date(2022, 12, 31)
    enrolled = {e.replace(tzinfo=None) for e in db.session.scalars(select(CourseEnrolment.enrolled_at))}
    assert enrolled == {datetime(2021, 1, 4)}
