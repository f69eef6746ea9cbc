"""Demo training classes for the first demo institution: one closed (with a
full record of sessions and attendance, so its caregivers have the hours for
the exam), one running this week (a session today), one approved for next
month. Made through the same services staff use, so the audit trail reads as
it would in real life. Idempotent: a class is looked up by name first."""

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select

from lms.auth.models import User
from lms.core.time import local_today, local_zone, utcnow
from lms.demo.identities import fake_id_number, fake_mobile, fake_name
from lms.extensions import db
from lms.people import services as people
from lms.people.models import Category, Person, PersonCategory
from lms.regions.models import Institution
from lms.training.class_queries import institution_instructors
from lms.training.models import Attendance, ClassStatus, ScanKind, TrainingClass
from lms.training.queries import programme_by_code
from lms.training.services import classes, enrolment
from lms.training.services.sessions import SessionDetails, schedule_session

INSTRUCTORS = (("王丽华", "养老护理员二级/技师", "HB2019-JS-0107"), ("赵建国", "职业培训师（三级）", "HB2021-PX-0342"))
COMMITMENT = "我单位承诺本次培训真实有效，学员名单、授课教师和学时安排均如实填报。"
# Classroom topics of the 五级 standard, taught in five-hour days.
TOPICS = ("职业道德与老年人权益保障", "老年人身心特点与沟通", "清洁照护：口腔、头发与身体清洁", "饮食照护与噎食急救",
          "排泄照护与失禁护理", "睡眠照护与床单位整理", "生命体征测量", "协助口服给药与冷热应用",
          "跌倒、烫伤与压力性损伤的预防", "感染防控与手卫生", "翻身、移位与轮椅转运", "康乐活动与关节被动活动")


def seed_classes(institution: Institution, staff: User, approver: User) -> list[str]:
    """The three demo classes of ``institution``; returns what was created."""
    made: list[str] = []
    programme = programme_by_code("CG-5")
    caregivers = list(db.session.scalars(
        select(Person).join(Person.category_rows)
        .where(PersonCategory.category == Category.CAREGIVER, Person.employer_id == institution.id)
        .order_by(Person.id)))
    if programme is None or not caregivers:
        return made
    teachers = _instructors(institution, staff)
    today = local_today()
    first = today - timedelta(days=75)
    if _make(institution, programme, "2026年第3期养老护理员（五级）培训班", first, first + timedelta(days=41),
             caregivers, teachers, staff, approver, days=30, finish=ClassStatus.CLOSED):
        made.append("closed class")
    monday = today - timedelta(days=today.weekday())
    newcomers = _newcomers(institution, staff, count=8)
    if _make(institution, programme, "2026年第5期养老护理员（五级）培训班", monday, monday + timedelta(days=34),
             newcomers[:4] + caregivers[:1], teachers, staff, approver, days=5, finish=ClassStatus.RUNNING,
             first_day=monday):
        made.append("running class")
    later = monday + timedelta(days=42)
    if _make(institution, programme, "2027年第1期养老护理员（五级）培训班", later, later + timedelta(days=34),
             newcomers[4:], teachers, staff, approver, days=2, finish=ClassStatus.APPROVED):
        made.append("approved class")
    return made


def _instructors(institution: Institution, staff: User):
    existing = {i.qualification_number: i for i in institution_instructors(institution.id)}
    return [existing.get(number) or classes.create_instructor(
        institution=institution, name=name, qualification_kind=kind, qualification_number=number, by=staff)
        for name, kind, number in INSTRUCTORS]


def _newcomers(institution: Institution, staff: User, count: int) -> list[Person]:
    """New caregivers of the institution (registered without accounts, as a
    roster import registers them)."""
    rng = random.Random(institution.id * 7919)
    found = []
    for _ in range(count):
        # Every value is drawn on every run, found or not, so a second run
        # draws the same people (and registers none again).
        id_number, name, phone = fake_id_number(rng, institution.region.code), fake_name(rng), fake_mobile(rng)
        person = people.find_by_id_number(id_number) or people.register_person(
            name=name, id_number=id_number, phone=phone, region=institution.region,
            categories=[Category.CAREGIVER], employer=institution, registered_by=institution, created_by=staff)
        found.append(person)
    return found


def _make(institution, programme, name, starts_on, ends_on, roster, teachers, staff, approver, *, days: int,
          finish: str, first_day=None) -> bool:
    if db.session.scalar(select(TrainingClass.id).where(TrainingClass.institution_id == institution.id,
                                                        TrainingClass.name == name)):
        return False
    cls = classes.create_class(institution=institution, programme=programme, by=staff, details=classes.ClassDetails(
        name=name, starts_on=starts_on, ends_on=ends_on, venue="康宁养老院二楼实训室", capacity=30,
        resources="多功能护理床6张、轮椅4台、心肺复苏模拟人2具、口腔护理及生命体征测量用具",
        theory_exam_on=ends_on, practical_exam_on=ends_on))
    classroom = programme.hours - 30
    classes.set_plan(cls, [classes.PlanRow("线上理论：养老护理员五级课程", "online", 30)]
                     + [classes.PlanRow(topic, "classroom", classroom // len(TOPICS) + (1 if n < classroom % len(TOPICS)
                                                                                      else 0))
                        for n, topic in enumerate(TOPICS)], by=staff)
    classes.set_instructors(cls, teachers, by=staff)
    for person in roster:
        enrolment.enrol(cls, person, by=staff)
    classes.submit_class(cls, commitment=COMMITMENT, confirmed=True, by=staff)
    classes.approve_class(cls, by=approver)
    zone = local_zone()
    day, scheduled = first_day or starts_on, []
    while len(scheduled) < days and day <= ends_on:
        if day.weekday() < 5:
            start = datetime.combine(day, time(9, 0), zone)
            scheduled.append(schedule_session(cls, SessionDetails(
                starts_at=start, ends_at=start + timedelta(hours=6), topic=TOPICS[len(scheduled) % len(TOPICS)],
                instructor=teachers[len(scheduled) % len(teachers)], venue=cls.venue, hours=5), by=staff))
        day += timedelta(days=1)
    if finish in (ClassStatus.RUNNING, ClassStatus.CLOSED):
        classes.start_class(cls, by=staff)
        _attendance(scheduled, roster)
    if finish == ClassStatus.CLOSED:
        classes.close_class(cls, by=staff)
    return True


def _attendance(sessions, roster) -> None:
    """Scans for the sessions that are over: most trainees on time, a few late."""
    now = utcnow()
    rng = random.Random(len(roster) * 31 + len(sessions))
    for session in sessions:
        if session.ends_at > now:
            continue
        for person in roster:
            late = timedelta(minutes=rng.choice((0, 0, 0, 5, 20)))
            db.session.add_all([
                Attendance(session_id=session.id, person_id=person.id, kind=ScanKind.IN,
                           at=session.starts_at - timedelta(minutes=5) + late),
                Attendance(session_id=session.id, person_id=person.id, kind=ScanKind.OUT,
                           at=session.ends_at + timedelta(minutes=2))])
    db.session.flush()
