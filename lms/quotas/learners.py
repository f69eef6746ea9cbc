"""People in training, kept for the dashboard ("in training, not yet
certified"): ``Learner`` rows say who is, ``LearnerCount`` rows how many per
category and region.

A person is in training for a category while they are enrolled on one of
its courses, or hold a place (not a waiting-list one) on a running class of
one of its programmes, and hold no valid certificate of the category. They
are counted in their own region and its ancestors.

Every service that changes one of those facts calls ``people_changed`` with
the persons concerned, in its own transaction: a course enrolment, a class
place taken, given up or filled from the waiting list, a roster import, a
class started or closed, a certificate made valid or not (through
``rollups.record_change``). It works out their state again from the raw
rows, under each person's lock (``counting.lock_people``), and writes only
the difference — so the counts cannot drift from the definition, whatever
the order of the changes. Code that writes those rows around the services
(bulk loads, a hand-made fix, moving a person to another region) calls
``people_changed`` for the people, or ``rebuild()``.
"""

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import delete, except_, func, insert, select, text, tuple_, union

from lms.certs.models import Certificate, CertificateStatus
from lms.courses.models import Course, CourseEnrolment
from lms.extensions import db
from lms.people.models import Person
from lms.quotas import counting
from lms.quotas.models import Learner, LearnerCount
from lms.regions.models import Region
from lms.training.models import (
    ClassEnrolment,
    ClassStatus,
    EnrolmentStatus,
    Programme,
    TrainingClass,
)

CHUNK = 500  # persons per statement: bounded IN lists for a whole roster
COUNT_KEY = ("category", "region_path")


def people_changed(person_ids: Iterable[int]) -> None:
    """Count these persons again (their state has just changed, not yet
    committed) and add the difference to the counts."""
    ids = sorted(set(person_ids))
    if not ids:
        return
    db.session.flush()
    if counting.is_postgres():
        # Conflicts only with rebuild's EXCLUSIVE lock: a rebuild waits for
        # this transaction, or this one waits and then reads the recount.
        db.session.execute(text("LOCK TABLE quota_learners IN ROW EXCLUSIVE MODE"))
    counting.lock_people(ids)
    for start in range(0, len(ids), CHUNK):
        _recount(ids[start:start + CHUNK])


def class_changed(cls: TrainingClass) -> None:
    """``cls`` started or closed: everyone holding a place on it may have
    changed."""
    people_changed(db.session.scalars(select(ClassEnrolment.person_id).where(
        ClassEnrolment.class_id == cls.id, ClassEnrolment.status == EnrolmentStatus.ENROLLED)))


def course_changed(course: Course) -> None:
    """``course`` now serves another audience: its learners may have changed."""
    people_changed(db.session.scalars(select(CourseEnrolment.person_id).where(
        CourseEnrolment.course_id == course.id)))


def counts(category: str, paths: list[str]) -> dict[str, int]:
    """{region path: people in training} for these regions (each counts the
    people of its descendants too)."""
    stmt = select(LearnerCount.region_path, LearnerCount.learners).where(
        LearnerCount.category == category, LearnerCount.region_path.in_(paths))
    return dict(db.session.execute(stmt).all())


def in_training(person_ids: list[int] | None = None):
    """(person_id, category, region_path) of everyone in training — or of
    these persons only: the definition, counted from the raw rows."""

    def only(column):
        return [column.in_(person_ids)] if person_ids is not None else []

    on_course = (select(CourseEnrolment.person_id, Course.audience.label("category"))
                 .join(Course, Course.id == CourseEnrolment.course_id).where(*only(CourseEnrolment.person_id)))
    in_class = (select(ClassEnrolment.person_id, Programme.category)
                .join(TrainingClass, TrainingClass.id == ClassEnrolment.class_id)
                .join(Programme, Programme.id == TrainingClass.programme_id)
                .where(ClassEnrolment.status == EnrolmentStatus.ENROLLED, TrainingClass.status == ClassStatus.RUNNING,
                       *only(ClassEnrolment.person_id)))
    certified = select(Certificate.person_id, Certificate.programme_category).where(
        Certificate.status == CertificateStatus.VALID, *only(Certificate.person_id))
    # One set difference: a quarter of the cost of testing each person with EXISTS.
    # (SQLite takes no parenthesised compound inside another: the union is a subquery.)
    studying = except_(select(union(on_course, in_class).subquery()), certified).subquery()
    return (select(studying.c.person_id, studying.c.category, Region.path)
            .join(Person, Person.id == studying.c.person_id).join(Region, Region.id == Person.region_id))


def _states(ids: list[int]) -> tuple[dict, dict]:
    """({(person, category): region path} in training now, and as kept)."""
    now = {(person, category): path for person, category, path in db.session.execute(in_training(ids))}
    kept = {(person, category): path for person, category, path in db.session.execute(
        select(Learner.person_id, Learner.category, Learner.region_path).where(Learner.person_id.in_(ids)))}
    return now, kept


def _recount(ids: list[int]) -> None:
    now, kept = _states(ids)
    gone = [key for key, path in kept.items() if now.get(key) != path]
    new = [key for key, path in now.items() if kept.get(key) != path]
    if not gone and not new:
        return
    deltas: Counter = Counter()
    for key in gone:
        for level in counting.region_levels(kept[key]):
            deltas[(key[1], level)] -= 1
    for key in new:
        for level in counting.region_levels(now[key]):
            deltas[(key[1], level)] += 1
    if gone:
        db.session.execute(delete(Learner).where(tuple_(Learner.person_id, Learner.category).in_(gone)))
    if new:
        db.session.execute(insert(Learner), [
            {"person_id": person, "category": category, "region_path": now[(person, category)]}
            for person, category in new])
    counting.add_counts(LearnerCount, COUNT_KEY, {key: (n,) for key, n in deltas.items()}, ("learners",))


def rebuild() -> int:
    """Recount everyone from the raw rows, in the caller's transaction
    (flushes, never commits); returns how many people-in-categories are in
    training."""
    db.session.flush()
    if counting.is_postgres():
        # Changes of people's state wait until this transaction ends, then
        # apply their differences on top of the recount.
        db.session.execute(text("LOCK TABLE quota_learners IN EXCLUSIVE MODE"))
    db.session.execute(delete(LearnerCount))
    db.session.execute(delete(Learner))
    db.session.execute(insert(Learner).from_select(["person_id", "category", "region_path"], in_training()))
    totals: Counter = Counter()
    in_training_now = 0
    for category, path, n in db.session.execute(
            select(Learner.category, Learner.region_path, func.count()).group_by(Learner.category, Learner.region_path)):
        in_training_now += n
        for level in counting.region_levels(path):
            totals[(category, level)] += n
    counting.add_counts(LearnerCount, COUNT_KEY, {key: (n,) for key, n in totals.items()}, ("learners",))
    return in_training_now
