"""People in training, kept: through the real course, class and certificate
services they always equal a count from scratch, ``rebuild`` writes the same
rows, and the dashboard reads them."""

import random
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from lms.certs import services as certs
from lms.certs.models import Certificate, CertificateStatus
from lms.courses import services as courses
from lms.courses.models import Course, CourseEnrolment
from lms.extensions import db
from lms.people.models import Category, Person
from lms.quotas import learners
from lms.quotas.models import Learner, LearnerCount
from lms.quotas.queries import region_progress
from lms.regions.models import Region
from lms.training.models import ClassEnrolment, ClassStatus, EnrolmentStatus, TrainingClass
from lms.training.services import classes, enrolment
from lms.training.services.errors import TrainingError
from tests.training import factories
from tests.training.roster_fixtures import new_row, roster_fixture, workbook  # noqa: F401  (the `roster` fixture)

PLACES = ["130102", "130104", "130203", "130100"]
CATEGORIES = ("caregiver", "family_caregiver")


# --- a count from scratch, written independently of lms.quotas -------------------------

def reference() -> set[tuple[int, str, str]]:
    """(person, category, region path) of everyone in training."""
    studying = {tuple(row) for row in db.session.execute(select(CourseEnrolment.person_id, Course.audience)
                                                         .join(Course, Course.id == CourseEnrolment.course_id))}
    for person_id, status, cls in db.session.execute(
            select(ClassEnrolment.person_id, ClassEnrolment.status, TrainingClass)
            .join(TrainingClass, TrainingClass.id == ClassEnrolment.class_id)):
        if status == EnrolmentStatus.ENROLLED and cls.status == ClassStatus.RUNNING:
            studying.add((person_id, cls.programme.category))
    for cert in db.session.scalars(select(Certificate).where(Certificate.status == CertificateStatus.VALID)):
        studying.discard((cert.person_id, cert.programme_category))
    paths = dict(db.session.execute(select(Person.id, Region.path).join(Region, Region.id == Person.region_id)).all())
    return {(person_id, category, paths[person_id]) for person_id, category in studying}


def reference_counts(rows: set[tuple[int, str, str]]) -> set[tuple[str, str, int]]:
    counts = Counter()
    for _person, category, path in rows:
        codes = path.strip("/").split("/")
        for depth in range(1, len(codes) + 1):
            counts[(category, "".join(f"{code}/" for code in codes[:depth]))] += 1
    return {(category, path, n) for (category, path), n in counts.items()}


def stored() -> tuple[set, set]:
    return ({tuple(row) for row in db.session.execute(select(Learner.person_id, Learner.category, Learner.region_path))},
            {tuple(row) for row in db.session.execute(select(LearnerCount.category, LearnerCount.region_path,
                                                             LearnerCount.learners))})


def assert_kept_equals_reference(when: str = "") -> None:
    expected = reference()
    assert stored() == (expected, reference_counts(expected)), when


# --- a small world: courses of both audiences, classes of both programmes ------------------

def _course(slug: str, audience: str) -> Course:
    course = Course(slug=slug, title=f"{slug}课程", audience=audience, nominal_hours=10, is_public=False)
    db.session.add(course)
    db.session.flush()
    return course


@pytest.fixture
def world(regions, make_institution, make_person):
    home = make_institution("130102", name="长安区康宁养老院")
    caregiving = factories.programme("CG-5")
    family = factories.programme("FC-1", category="family_caregiver", level=None, hours=90)
    teacher = factories.instructor(home)
    made = []
    for n in range(4):  # one after another, so that nobody's classes overlap
        start = factories.START + timedelta(days=20 * n)
        made.append(factories.approved_class(home, [], teacher=teacher, name=f"2026年第{n + 1}期培训班",
                                             start=start, end=start + timedelta(days=10),
                                             programme_=caregiving if n % 2 == 0 else family))
    people = [make_person(PLACES[n % len(PLACES)], name=name,
                          categories=(Category.CAREGIVER, Category.FAMILY_CAREGIVER))
              for n, name in enumerate(("王秀英", "李建国", "张桂兰", "赵丽华", "陈淑珍", "刘玉梅"))]
    return {"courses": [_course("cg-basic", "caregiver"), _course("cg-night", "caregiver"),
                        _course("fc-home", "family_caregiver")],
            "classes": made, "people": people, "home": home}


OPERATIONS = (["course"] * 2 + ["place"] * 5 + ["withdraw"] * 2 + ["start"] * 2 + ["close"]
              + ["certify"] * 3 + ["revoke"] * 2 + ["move"])


@pytest.mark.parametrize("seed", [5, 17])
def test_random_histories_keep_the_people_in_training_equal_to_a_count_from_scratch(
        seed, world, regions, certify):
    rng = random.Random(seed)
    done = Counter()
    for step in range(160):
        operation, person = rng.choice(OPERATIONS), rng.choice(world["people"])
        if operation == "course":
            courses.enrol(person, rng.choice(world["courses"]), by=None)
        elif operation == "place":
            try:
                enrolment.enrol(rng.choice(world["classes"]), person, by=None)
            except TrainingError:  # on it already, or the class is closed: refused, nothing written
                continue
        elif operation == "withdraw":
            held = db.session.scalars(select(ClassEnrolment).where(
                ClassEnrolment.person_id == person.id, ClassEnrolment.status != EnrolmentStatus.WITHDRAWN)).all()
            if not held:
                continue
            enrolment.withdraw(rng.choice(held), reason="个人原因", by=None)
        elif operation in ("start", "close"):
            wanted = ClassStatus.APPROVED if operation == "start" else ClassStatus.RUNNING
            ready = [cls for cls in world["classes"] if cls.status == wanted]
            if not ready:
                continue
            (classes.start_class if operation == "start" else classes.close_class)(rng.choice(ready), by=None)
        elif operation == "certify":
            certify(person, date(2026, 5, 1) + timedelta(days=step), category=rng.choice(CATEGORIES),
                    institution=world["home"])
        elif operation == "revoke":
            valid = db.session.scalars(select(Certificate).where(
                Certificate.person_id == person.id, Certificate.status == CertificateStatus.VALID)).all()
            if not valid:
                continue
            certs.revoke_certificate(rng.choice(valid), reason="材料不实", by=None)
        elif operation == "move":
            # No service moves a person yet: the contract for code that does.
            person.region = regions[rng.choice(PLACES)]
            learners.people_changed([person.id])
        done[operation] += 1
        # After every step: a later change of the same person recounts them
        # and would hide a missed one.
        assert_kept_equals_reference(f"after step {step}: {operation}")
    assert len(done) == len(set(OPERATIONS)), done  # every kind of change happened
    assert stored()[0], "nobody in training: the history tested nothing"

    before = stored()
    assert learners.rebuild() == len(before[0])
    assert stored() == before


def region_progress_for(root):
    """The caregivers' dashboard figures of ``root`` under a plan running now."""
    from lms.quotas.models import Plan

    plan = Plan(code=f"p{root.code}", name="测试指标", period_start=date(2026, 1, 1), deadline=date(2027, 12, 31))
    db.session.add(plan)
    db.session.flush()
    return region_progress(plan, "caregiver", root, date(2026, 6, 1))


def test_the_dashboard_counts_the_kept_learners_by_child_region(world, regions):
    caregiving = world["courses"][0]
    people = world["people"]  # 长安区, 桥西区, 路南区 (唐山), 石家庄市 itself, 长安区, 桥西区
    for person in people:
        courses.enrol(person, caregiving, by=None)
    courses.enrol(people[0], world["courses"][1], by=None)  # a second course: still one person
    own, rows = region_progress_for(regions["130000"])
    assert own.in_training == 6
    assert {row.region.code: row.in_training for row in rows} == {"130100": 5, "130200": 1}
    own, rows = region_progress_for(regions["130100"])
    assert own.in_training == 5  # one of them is placed at the unit itself, in no county
    assert {row.region.code: row.in_training for row in rows} == {"130102": 2, "130104": 2}


def test_a_roster_import_counts_the_places_not_the_waiting_list(roster, rng):
    roster.cls.capacity, roster.cls.status = 3, ClassStatus.RUNNING  # nobody on it yet: nothing to recount
    db.session.flush()
    rows = [new_row(rng, name) for name in ("赵春生", "钱秀云", "孙丽华", "李桂芝")]
    assert roster.upload(workbook(rows)).status_code == 302
    names = {name for (name,) in db.session.execute(
        select(Person.name).join(Learner, Learner.person_id == Person.id))}
    assert names == {"赵春生", "钱秀云", "孙丽华"}
    first = db.session.scalar(select(ClassEnrolment).join(Person).where(Person.name == "赵春生"))
    enrolment.withdraw(first, reason="调岗", by=None)  # 李桂芝 takes the freed place
    assert {name for (name,) in db.session.execute(
        select(Person.name).join(Learner, Learner.person_id == Person.id))} == {"钱秀云", "孙丽华", "李桂芝"}
    assert_kept_equals_reference()


def test_a_place_on_a_running_class_and_a_course_change_are_counted(world, regions, make_person):
    cls = world["classes"][0]
    classes.start_class(cls, by=None)
    newcomer = make_person("130104", name="孙美兰")
    enrolment.enrol(cls, newcomer, by=None)
    assert (newcomer.id, "caregiver", regions["130104"].path) in stored()[0]
    course = world["courses"][2]  # a family course …
    courses.enrol(world["people"][1], course, by=None)
    assert (world["people"][1].id, "family_caregiver", world["people"][1].region.path) in stored()[0]
    course.audience = "caregiver"  # … that now serves caregivers (as a content import would change it)
    learners.course_changed(course)
    assert_kept_equals_reference()
