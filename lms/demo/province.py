"""``flask demo seed --scale province``: a realistic province for the
dashboard and its benchmark — ~400 institutions, 45,000 trainees with valid ID
numbers, ~1M study-time records, ~200,000 exam attempts, ~45,000 certificates
spread over the plans' periods, with some allocation units ahead of their targets and some behind.

Everything is written with multi-row Core inserts (one ORM object at a time
would take hours). Deterministic: the same seed gives the same province.
"""

import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, insert, select, text

from lms.certs import numbering, signing
from lms.certs.models import Certificate, CertificateKind, CertificateStatus, NumberSequence
from lms.certs.services import signed_fields
from lms.core.crypto import encrypt_text, keyed_hash
from lms.core.masking import mask_id_number
from lms.courses.models import Course, CourseEnrolment, Lesson, StudyInterval
from lms.demo.identities import fake_credit_code, fake_id_number, fake_mobile, fake_name
from lms.exams.models import Attempt, AttemptStatus, Exam
from lms.extensions import db
from lms.people.models import ID_NUMBER_CONTEXT, Person, PersonCategory
from lms.regions.models import Institution, InstitutionKind, Region, RegionLevel
from lms.training.models import Programme

CATEGORY_MIX = (("caregiver", 0.90), ("institution_head", 0.02), ("family_caregiver", 0.05),
                ("social_worker", 0.03))
COURSE_FOR = {"caregiver": "caregiver-level5", "institution_head": "institution-heads",
              "family_caregiver": "family-caregiver-basics"}
PROGRAMME_FOR = {"caregiver": "CG-5", "institution_head": "IH", "family_caregiver": "FC", "social_worker": "SW"}
INSTITUTION_NAMES = (("康宁养老院", InstitutionKind.CARE_HOME), ("颐养中心", InstitutionKind.CARE_HOME),
                     ("社区养老服务中心", InstitutionKind.COMMUNITY_CENTRE),
                     ("护理职业培训学校", InstitutionKind.TRAINING_PROVIDER),
                     ("福寿园养老公寓", InstitutionKind.CARE_HOME))
CHUNK = 5_000


def _chunks(rows: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _insert(table, rows: list[dict], returning=None) -> list:
    """Multi-row insert in chunks; with ``returning``, the new ids in input order."""
    ids = []
    for chunk in _chunks(rows):
        if returning is None:
            db.session.execute(insert(table), chunk)
        else:
            result = db.session.execute(insert(table).returning(returning, sort_by_parameter_order=True), chunk)
            ids.extend(result.scalars())
    return ids


def seed_province(*, trainees: int = 45_000, intervals_per_trainee: int = 22, seed: int = 2022,
                  progress: Callable[[str], None] = print) -> dict:
    """Generate the province on top of loaded content (regions, programmes,
    courses, plans). Refuses to run twice: it checks for its own institutions."""
    rng = random.Random(seed)
    if db.session.scalar(select(func.count()).select_from(Institution).where(Institution.name.like("%（省级示例）"))):
        progress("province data already present: nothing to do")
        return {}
    units = list(db.session.scalars(select(Region).where(Region.level == RegionLevel.UNIT).order_by(Region.sort_order)))
    counties = defaultdict(list)
    for county in db.session.scalars(select(Region).where(Region.level == RegionLevel.COUNTY)):
        counties[county.parent_id].append(county)
    # Some units run ahead of their share, some behind (the dashboard's point).
    pace = {unit.id: rng.choice((0.55, 0.7, 0.85, 0.95, 1.05, 1.15, 1.3)) for unit in units}
    weights = [unit.population_60_plus or unit.population or 1 for unit in units]

    institutions = _seed_institutions(rng, units, counties)
    progress(f"institutions: {sum(len(v) for v in institutions.values())}")
    people = _seed_people(rng, trainees, units, weights, counties, institutions)
    progress(f"trainees: {len(people)}")
    intervals = _seed_study(rng, people, intervals_per_trainee)
    progress(f"study records: {intervals}")
    certificates = _seed_certificates(rng, people, pace)
    progress(f"certificates: {certificates}")
    attempts = _seed_exam_attempts(rng, people, institutions)
    progress(f"exam attempts: {attempts}")
    # Fresh statistics for the planner: without them PostgreSQL plans the
    # dashboard's joins as if the tables were empty (seconds instead of ms).
    db.session.flush()
    db.session.execute(text("ANALYZE"))
    return {"trainees": len(people), "study_records": intervals, "certificates": certificates,
            "exam_attempts": attempts}


def _seed_institutions(rng, units, counties) -> dict[int, list[int]]:
    rows, owners = [], []
    for unit in units:
        places = counties.get(unit.id) or [unit]
        for index in range(max(8, round(len(places) * 2.4))):
            county = places[index % len(places)]
            suffix, kind = INSTITUTION_NAMES[index % len(INSTITUTION_NAMES)]
            rows.append({"name": f"{county.name}{suffix}{index // len(places) + 1}号（省级示例）",
                         "credit_code": fake_credit_code(rng, county.code), "kind": kind,
                         "grade": rng.choice((None, 2, 3, 3, 4, 5)) if kind == InstitutionKind.CARE_HOME else None,
                         "region_id": county.id, "is_active": True, "created_at": datetime(2020, 6, 1)})
            owners.append(unit.id)
    ids = _insert(Institution.__table__, rows, returning=Institution.__table__.c.id)
    by_unit = defaultdict(list)
    for unit_id, institution_id in zip(owners, ids, strict=True):
        by_unit[unit_id].append(institution_id)
    return by_unit


def _pick_category(rng) -> str:
    roll, total = rng.random(), 0.0
    for category, share in CATEGORY_MIX:
        total += share
        if roll < total:
            return category
    return CATEGORY_MIX[0][0]


def _seed_people(rng, count, units, weights, counties, institutions) -> list[dict]:
    seen, rows, meta = set(), [], []
    chosen_units = rng.choices(units, weights=weights, k=count)
    for unit in chosen_units:
        county = rng.choice(counties.get(unit.id) or [unit])
        number = fake_id_number(rng, county.code)
        while number in seen:
            number = fake_id_number(rng, county.code)
        seen.add(number)
        employer = rng.choice(institutions[unit.id])
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        rows.append({
            "name": fake_name(rng), "id_number_encrypted": encrypt_text(number, context=ID_NUMBER_CONTEXT),
            "id_number_hash": keyed_hash(number, context=ID_NUMBER_CONTEXT),
            "id_number_masked": mask_id_number(number), "birth_date": born,
            "sex": "M" if int(number[16]) % 2 else "F", "phone": fake_mobile(rng), "region_id": county.id,
            "employer_id": employer, "registered_by_institution_id": employer, "created_at": datetime(2021, 1, 1),
        })
        meta.append({"unit_id": unit.id, "region": county, "institution_id": employer,
                     "category": _pick_category(rng), "name": rows[-1]["name"],
                     "masked": rows[-1]["id_number_masked"]})
    ids = _insert(Person.__table__, rows, returning=Person.__table__.c.id)
    for person_id, item in zip(ids, meta, strict=True):
        item["id"] = person_id
    _insert(PersonCategory.__table__, [{"person_id": m["id"], "category": m["category"]} for m in meta])
    return meta


def _seed_study(rng, people, per_person) -> int:
    courses = {slug: db.session.scalar(select(Course).where(Course.slug == slug)) for slug in set(COURSE_FOR.values())}
    lessons = {slug: list(db.session.scalars(select(Lesson.id).where(Lesson.course_id == course.id, Lesson.is_active)))
               for slug, course in courses.items() if course is not None}
    enrolments, intervals = [], []
    for person in people:
        slug = COURSE_FOR.get(person["category"])
        if slug not in lessons or not lessons[slug]:
            continue
        enrolments.append({"person_id": person["id"], "course_id": courses[slug].id,
                           "enrolled_at": datetime(2021, 1, 4)})
        day = date(2021, 1, 4) + timedelta(days=rng.randrange(600))
        for _ in range(rng.randint(per_person // 2, per_person * 3 // 2)):
            start = datetime.combine(day, time(hour=rng.randrange(7, 22), minute=rng.randrange(60)))
            minutes = rng.randint(5, 45)
            intervals.append({"person_id": person["id"], "lesson_id": rng.choice(lessons[slug]),
                              "started_at": start, "last_beat_at": start + timedelta(minutes=minutes),
                              "heartbeats": minutes * 2, "credited_seconds": minutes * 60})
            day += timedelta(days=rng.randrange(1, 4))
    _insert(CourseEnrolment.__table__, enrolments)
    for chunk in _chunks(intervals, 50_000):
        _insert(StudyInterval.__table__, chunk)
    return len(intervals)


EXAM_CATEGORIES = ("caregiver", "institution_head", "social_worker")
EXAMS_PER_INSTITUTION = 6  # one a quarter, 2021-Q1 to 2022-Q2


def _seed_exam_attempts(rng, people, institutions) -> int:
    """Quarterly theory exams at every institution, and ~4–5 closed attempts
    per trainee of an examined category (mock and real sittings): ~200,000
    attempts, some failed, for the dashboard's pass rate. Papers' items are
    not generated: the pass rate reads attempts only."""
    rows, owners = [], []
    for unit_institutions in institutions.values():
        for institution_id in unit_institutions:
            for category in EXAM_CATEGORIES:
                for quarter in range(EXAMS_PER_INSTITUTION):
                    opens = datetime(2021 + quarter // 4, 1 + 3 * (quarter % 4), 15, 9)
                    rows.append({"title": f"{opens:%Y}年第{quarter % 4 + 1}季度理论知识考试",
                                 "institution_id": institution_id, "audience": category, "level": None,
                                 "blueprint_json": "[]", "duration_minutes": 90, "pass_mark": 60,
                                 "attempts_allowed": 2, "opens_at": opens, "closes_at": opens + timedelta(days=7),
                                 "created_at": opens - timedelta(days=14)})
                    owners.append((institution_id, category))
    ids = _insert(Exam.__table__, rows, returning=Exam.__table__.c.id)
    exams = defaultdict(list)
    for owner, exam_id in zip(owners, ids, strict=True):
        exams[owner].append(exam_id)
    opens_by_id = {exam_id: row["opens_at"] for exam_id, row in zip(ids, rows, strict=True)}
    attempts = []
    for person in people:
        offered = exams.get((person["institution_id"], person["category"]), [])
        if not offered:
            continue
        for exam_id in rng.sample(offered, min(len(offered), rng.choice((3, 4, 5, 6)))):
            started = opens_by_id[exam_id] + timedelta(days=rng.randrange(7), minutes=rng.randrange(480))
            score = max(0, min(100, round(rng.gauss(71, 12))))
            attempts.append({"exam_id": exam_id, "person_id": person["id"], "number": 1, "seed": rng.randrange(2**31),
                             "status": AttemptStatus.SUBMITTED, "started_at": started,
                             "deadline_at": started + timedelta(minutes=90),
                             "closed_at": started + timedelta(minutes=rng.randrange(30, 90)),
                             "score": score, "is_passed": score >= 60})
    for chunk in _chunks(attempts, 50_000):
        _insert(Attempt.__table__, chunk)
    return len(attempts)


def _seed_certificates(rng, people, pace) -> int:
    programmes = {p.code: p for p in db.session.scalars(select(Programme))}
    start, end = date(2021, 2, 1), date(2022, 12, 31)
    span = (end - start).days
    sequences: dict[str, int] = defaultdict(int)
    rows = []
    for person in people:
        programme = programmes.get(PROGRAMME_FOR[person["category"]])
        # Reach ~ pace × 90 % of trainees by the deadline, a little earlier for fast units.
        if programme is None or rng.random() > min(0.98, 0.9 * pace[person["unit_id"]]):
            continue
        issued = start + timedelta(days=int(span * rng.random() ** (1 / pace[person["unit_id"]])))
        kind = programme.certificate_kind
        prefix, width = numbering.number_prefix(kind, category=programme.category, level=programme.level, on=issued)
        sequences[prefix] += 1
        rows.append({
            "number": f"{prefix}{sequences[prefix]:0{width}d}", "kind": kind, "status": CertificateStatus.VALID,
            "person_id": person["id"], "programme_id": programme.id, "institution_id": person["institution_id"],
            "programme_category": programme.category, "level": programme.level,
            "region_code": person["region"].code, "region_path": person["region"].path,
            "holder_name": person["name"], "id_number_masked": person["masked"],
            "programme_name": programme.name, "hours": programme.hours,
            "issuer_name": "河北省养老护理职业技能评价中心" if kind == CertificateKind.SKILL_LEVEL else "培训机构",
            "issue_date": issued, "requested_at": datetime.combine(issued, time(9)),
            "issued_at": datetime.combine(issued, time(10)), "decision_note": "", "status_reason": "",
        })
    key_id = signing.key_id()
    for row in rows:
        row["signature"] = signing.sign_record(signed_fields(Certificate(**{k: row[k] for k in (
            "number", "kind", "holder_name", "id_number_masked", "programme_name", "programme_category",
            "level", "hours", "issuer_name", "issue_date")})))
        row["key_id"] = key_id
    _insert(Certificate.__table__, rows)
    # Later issues continue after the generated numbers.
    for prefix, last in sequences.items():
        existing = db.session.scalar(select(NumberSequence).where(NumberSequence.prefix == prefix))
        if existing is None:
            db.session.add(NumberSequence(prefix=prefix, last_value=last))
        else:
            existing.last_value = max(existing.last_value, last)
    db.session.flush()
    return len(rows)
