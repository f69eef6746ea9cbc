"""``flask demo seed --scale province``: a realistic province for the
dashboard and its benchmark — ~400 institutions, 45,000 trainees with valid ID
numbers, ~1M study-time records, ~200,000 exam attempts, ~45,000 certificates
spread over a time window, with some allocation units ahead of their targets
and some behind. ``--scale nation`` is ten times that; a small run with a
window ending today gives a "living" history.

Rows are written in bulk as they are generated (``lms.demo.bulk``: one ORM
object at a time would take hours). Deterministic: the same seed gives the
same data.
"""

import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import perf_counter
from types import SimpleNamespace

from sqlalchemy import func, select

from lms.certs import numbering, signing
from lms.certs.models import Certificate, CertificateKind, CertificateStatus, NumberSequence
from lms.certs.services import signed_fields
from lms.core.crypto import encrypt_text, keyed_hash
from lms.core.masking import mask_id_number
from lms.core.time import month_start
from lms.courses.models import Course, CourseEnrolment, Lesson, StudyInterval
from lms.demo import bulk
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
EXAM_CATEGORIES = ("caregiver", "institution_head", "social_worker")

DEFAULT_HISTORY = (date(2021, 1, 4), date(2022, 12, 31))
PROVINCE_LABEL = "（省级示例）"
# A unit the weighted draw leaves below this share of trainees is topped up,
# so a small run still has every unit. Not 1 %: 辛集 holds 0.8 % of the
# weight, and a 1 % floor would reshuffle the default province.
MIN_UNIT_SHARE = 0.005
# Trainees start studying over at most 600 days (about 20 months, a two-year
# plan's intake), and early enough that all their sessions, 1–3 days apart,
# fall before the window's last day (which may be today).
STUDY_SPREAD_DAYS = 600
# Exam sittings stop half a year before the window's end: certificates follow
# them (the default window gives the quarters 2021-Q1 to 2022-Q2).
EXAM_LEAD_DAYS = 182

# What the generator writes in bulk.
BULK_TABLES = (Institution.__table__, Person.__table__, PersonCategory.__table__, CourseEnrolment.__table__,
               StudyInterval.__table__, Exam.__table__, Attempt.__table__, Certificate.__table__)

# The two sizes of ``flask demo seed --scale``: nation is ten provinces' worth of
# people and institutions on the same regions, under its own label and seed.
SCALES = {
    "province": {"trainees": 45_000},
    "nation": {"trainees": 450_000, "institutions_per_county": 24.0, "min_institutions_per_unit": 80,
               "label": "（全国规模示例）", "seed": 2030},
}


@dataclass(slots=True)
class _Trainee:
    """What the later stages need of a generated person (slots: 450,000 of them)."""

    unit_id: int
    region: Region
    institution_id: int
    category: str
    name: str
    masked: str
    id: int = 0


class _Stages:
    """Progress lines with the seconds each stage took and the total so far."""

    def __init__(self, progress: Callable[[str], None]) -> None:
        self.progress, self.started = progress, perf_counter()
        self.last = self.started

    def done(self, line: str) -> None:
        now = perf_counter()
        self.progress(f"{line} ({now - self.last:.1f} s; {now - self.started:.0f} s in all)")
        self.last = now


def seed_province(*, trainees: int = 45_000, intervals_per_trainee: int = 22, seed: int = 2022,
                  history: tuple[date, date] = DEFAULT_HISTORY, certified_share: float = 0.9,
                  label: str = PROVINCE_LABEL, institutions_per_county: float = 2.4,
                  min_institutions_per_unit: int = 8,
                  progress: Callable[[str], None] = print) -> dict:
    """Generate trainees, study, exams and certificates on top of loaded
    content (regions, programmes, courses, plans), all dated inside
    ``history`` (first day, last day). ``certified_share`` of trainees are
    certified by the window's end in a unit at pace 1.0. Institutions are
    named with ``label``, and a second run with the same label does nothing
    (returns {}); otherwise returns the counts written."""
    if db.session.scalar(select(func.count()).select_from(Institution)
                         .where(Institution.name.endswith(label, autoescape=True))):
        progress(f"data labelled {label} already present: nothing to do")
        return {}
    rng = random.Random(seed)
    stages = _Stages(progress)
    units = list(db.session.scalars(select(Region).where(Region.level == RegionLevel.UNIT).order_by(Region.sort_order)))
    counties = defaultdict(list)
    for county in db.session.scalars(select(Region).where(Region.level == RegionLevel.COUNTY)):
        counties[county.parent_id].append(county)
    # Some units run ahead of their share, some behind (the dashboard's point).
    pace = {unit.id: rng.choice((0.55, 0.7, 0.85, 0.95, 1.05, 1.15, 1.3)) for unit in units}
    weights = [unit.population_60_plus or unit.population or 1 for unit in units]

    with bulk.foreign_keys_checked_after(BULK_TABLES):
        institutions = _seed_institutions(rng, units, counties, label, institutions_per_county,
                                          min_institutions_per_unit, created=month_start(history[0], -7))
        result = {"institutions": sum(len(v) for v in institutions.values())}
        stages.done(f"institutions: {result['institutions']:,}")
        people = _seed_people(rng, _allocate_units(rng, units, weights, trainees), counties, institutions,
                              created=month_start(history[0]))
        result["trainees"] = len(people)
        stages.done(f"trainees: {len(people):,}")
        result["study_records"] = _seed_study(rng, people, intervals_per_trainee, history)
        stages.done(f"study records: {result['study_records']:,}")
        result["certificates"] = _seed_certificates(rng, people, pace, certified_share, history)
        stages.done(f"certificates: {result['certificates']:,}")
        result["exam_attempts"] = _seed_exam_attempts(rng, people, institutions, history)
        stages.done(f"exam attempts: {result['exam_attempts']:,}")
    stages.done("foreign keys checked")
    bulk.refresh_statistics()
    stages.done("statistics and rollups refreshed")
    return result


def _seed_institutions(rng, units, counties, label, per_county, min_per_unit, created) -> dict[int, list[int]]:
    rows, owners = [], []
    for unit in units:
        places = counties.get(unit.id) or [unit]
        for index in range(max(min_per_unit, round(len(places) * per_county))):
            county = places[index % len(places)]
            suffix, kind = INSTITUTION_NAMES[index % len(INSTITUTION_NAMES)]
            rows.append({"name": f"{county.name}{suffix}{index // len(places) + 1}号{label}",
                         "credit_code": fake_credit_code(rng, county.code), "kind": kind,
                         "grade": rng.choice((None, 2, 3, 3, 4, 5)) if kind == InstitutionKind.CARE_HOME else None,
                         "region_id": county.id, "is_active": True, "created_at": datetime.combine(created, time())})
            owners.append(unit.id)
    ids = bulk.write_with_ids(Institution.__table__, rows)
    by_unit = defaultdict(list)
    for unit_id, institution_id in zip(owners, ids, strict=True):
        by_unit[unit_id].append(institution_id)
    return by_unit


def _allocate_units(rng, units, weights, count) -> list[Region]:
    """Each trainee's allocation unit, drawn by weight (60+ population). A
    unit left below MIN_UNIT_SHARE gets trainees from the end of the list
    taken from units above it (small runs only; no random draw is added)."""
    chosen = rng.choices(units, weights=weights, k=count)
    floor = math.ceil(count * MIN_UNIT_SHARE)
    counts = defaultdict(int)
    for unit in chosen:
        counts[unit.id] += 1
    needed = [unit for unit in units for _ in range(floor - counts[unit.id])]
    for index in range(count - 1, -1, -1):
        if not needed:
            break
        if counts[chosen[index].id] > floor:
            counts[chosen[index].id] -= 1
            chosen[index] = needed.pop()
    return chosen


def _pick_category(rng) -> str:
    roll, total = rng.random(), 0.0
    for category, share in CATEGORY_MIX:
        total += share
        if roll < total:
            return category
    return CATEGORY_MIX[0][0]


def _seed_people(rng, chosen_units, counties, institutions, created) -> list[_Trainee]:
    """Write one person per entry of ``chosen_units``, in batches (their ids
    reserved first), then their categories."""
    seen = set(db.session.scalars(select(Person.id_number_hash)))
    people = []
    for batch in bulk.chunks(chosen_units):
        made = [_person(rng, unit, counties, institutions, seen, created) for unit in batch]
        ids = bulk.write_with_ids(Person.__table__, [row for row, _trainee in made])
        for (_row, trainee), person_id in zip(made, ids, strict=True):
            trainee.id = person_id
            people.append(trainee)
    bulk.write(PersonCategory.__table__, ({"person_id": t.id, "category": t.category} for t in people))
    return people


def _person(rng, unit, counties, institutions, seen, created) -> tuple[dict, _Trainee]:
    """A person's row, with an ID number no one in the registry has: ``seen``
    holds keyed hashes, so the people already in the database count too."""
    county = rng.choice(counties.get(unit.id) or [unit])
    number = fake_id_number(rng, county.code)
    digest = keyed_hash(number, context=ID_NUMBER_CONTEXT)
    while digest in seen:
        number = fake_id_number(rng, county.code)
        digest = keyed_hash(number, context=ID_NUMBER_CONTEXT)
    seen.add(digest)
    employer = rng.choice(institutions[unit.id])
    name, masked = fake_name(rng), mask_id_number(number)
    row = {"name": name, "id_number_encrypted": encrypt_text(number, context=ID_NUMBER_CONTEXT),
           "id_number_hash": digest, "id_number_masked": masked,
           "birth_date": date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
           "sex": "M" if int(number[16]) % 2 else "F", "phone": fake_mobile(rng), "region_id": county.id,
           "employer_id": employer, "registered_by_institution_id": employer,
           "created_at": datetime.combine(created, time())}
    return row, _Trainee(unit.id, county, employer, _pick_category(rng), name, masked)


def _seed_study(rng, people, per_person, history) -> int:
    """Enrol each trainee on their category's course and write their study
    intervals, every one inside ``history``; returns how many intervals."""
    courses = {slug: db.session.scalar(select(Course.id).where(Course.slug == slug)) for slug in set(COURSE_FOR.values())}
    lessons = {slug: list(db.session.scalars(select(Lesson.id).where(Lesson.course_id == course_id, Lesson.is_active)))
               for slug, course_id in courses.items() if course_id is not None}
    enrolled = datetime.combine(history[0], time())
    bulk.write(CourseEnrolment.__table__, (
        {"person_id": person.id, "course_id": courses[COURSE_FOR[person.category]], "enrolled_at": enrolled}
        for person in people if lessons.get(COURSE_FOR.get(person.category))))
    return bulk.write(StudyInterval.__table__, _study_rows(rng, people, lessons, per_person, history))


def _study_rows(rng, people, lessons, per_person, history) -> Iterator[dict]:
    """Each enrolled trainee's sessions, 1–3 days apart, from a first day
    early enough that they end before the window's last day."""
    start, end = history
    spread = max(1, min(STUDY_SPREAD_DAYS, (end - start).days - 3 * (per_person * 3 // 2 - 1)))
    for person in people:
        course_lessons = lessons.get(COURSE_FOR.get(person.category))
        if not course_lessons:
            continue
        day = start + timedelta(days=rng.randrange(spread))
        for _ in range(rng.randint(per_person // 2, per_person * 3 // 2)):
            if day >= end:  # only in a window too short for the sessions
                break
            started = datetime.combine(day, time(hour=rng.randrange(7, 22), minute=rng.randrange(60)))
            minutes = rng.randint(5, 45)
            yield {"person_id": person.id, "lesson_id": rng.choice(course_lessons),
                   "started_at": started, "last_beat_at": started + timedelta(minutes=minutes),
                   "heartbeats": minutes * 2, "credited_seconds": minutes * 60}
            day += timedelta(days=rng.randrange(1, 4))


def _exam_openings(history) -> list[datetime]:
    """Quarterly sittings (the 15th of each quarter's first month, 9:00) from
    the window's start to EXAM_LEAD_DAYS before its end; at least one."""
    start, end = history
    last = end - timedelta(days=EXAM_LEAD_DAYS)
    openings, quarter = [], (start.year * 12 + start.month - 1) // 3
    while (opens := datetime(quarter // 4, quarter % 4 * 3 + 1, 15, 9)).date() <= last:
        if opens.date() >= start:
            openings.append(opens)
        quarter += 1
    return openings or [datetime.combine(start, time(9))]


def _seed_exams(institutions, history) -> tuple[dict, dict]:
    """Theory exams at every institution for every examined category;
    returns their ids by (institution, category) and their opening times."""
    openings, rows, owners = _exam_openings(history), [], []
    for unit_institutions in institutions.values():
        for institution_id in unit_institutions:
            for category in EXAM_CATEGORIES:
                for opens in openings:
                    rows.append({"title": f"{opens:%Y}年第{(opens.month - 1) // 3 + 1}季度理论知识考试",
                                 "institution_id": institution_id, "audience": category, "level": None,
                                 "blueprint_json": "[]", "duration_minutes": 90, "pass_mark": 60,
                                 "attempts_allowed": 2, "opens_at": opens, "closes_at": opens + timedelta(days=7),
                                 "created_at": opens - timedelta(days=14)})
                    owners.append((institution_id, category))
    ids = bulk.write_with_ids(Exam.__table__, rows)
    exams = defaultdict(list)
    for owner, exam_id in zip(owners, ids, strict=True):
        exams[owner].append(exam_id)
    return exams, {row["id"]: row["opens_at"] for row in rows}


def _seed_exam_attempts(rng, people, institutions, history) -> int:
    """Quarterly theory exams at every institution, and ~4–5 closed attempts
    per trainee of an examined category (mock and real sittings): ~200,000
    attempts at province scale, some failed, for the dashboard's pass rate.
    Papers' items are not generated: the pass rate reads attempts only."""
    exams, opens_by_id = _seed_exams(institutions, history)
    return bulk.write(Attempt.__table__, _attempt_rows(rng, people, exams, opens_by_id))


def _attempt_rows(rng, people, exams, opens_by_id) -> Iterator[dict]:
    for person in people:
        offered = exams.get((person.institution_id, person.category), [])
        if not offered:
            continue
        for exam_id in rng.sample(offered, min(len(offered), rng.choice((3, 4, 5, 6)))):
            started = opens_by_id[exam_id] + timedelta(days=rng.randrange(7), minutes=rng.randrange(480))
            score = max(0, min(100, round(rng.gauss(71, 12))))
            yield {"exam_id": exam_id, "person_id": person.id, "number": 1, "seed": rng.randrange(2**31),
                   "status": AttemptStatus.SUBMITTED, "started_at": started,
                   "deadline_at": started + timedelta(minutes=90),
                   "closed_at": started + timedelta(minutes=rng.randrange(30, 90)),
                   "score": score, "is_passed": score >= 60}


class _CertificateIssuer:
    """Certificate rows with consecutive numbers per prefix, issued between the
    first of the month after the window opens and the window's end."""

    def __init__(self, history) -> None:
        self.programmes = {p.code: p for p in db.session.scalars(select(Programme))}
        self.first = min(month_start(history[0], 1), history[1])
        self.span = (history[1] - self.first).days
        # Numbers continue after what the database has (another run, real issues).
        self.sequences = defaultdict(int, {s.prefix: s.last_value for s in db.session.scalars(select(NumberSequence))})
        self.key_id = signing.key_id()

    def programme(self, person: _Trainee) -> Programme | None:
        return self.programmes.get(PROGRAMME_FOR[person.category])

    def row(self, rng, person: _Trainee, pace: float) -> dict:
        """A valid, signed certificate; fast units issue a little earlier in the window."""
        programme = self.programme(person)
        issued = self.first + timedelta(days=int(self.span * rng.random() ** (1 / pace)))
        kind = programme.certificate_kind
        prefix, width = numbering.number_prefix(kind, category=programme.category, level=programme.level, on=issued)
        self.sequences[prefix] += 1
        row = {
            "number": f"{prefix}{self.sequences[prefix]:0{width}d}", "kind": kind, "status": CertificateStatus.VALID,
            "person_id": person.id, "programme_id": programme.id, "institution_id": person.institution_id,
            "programme_category": programme.category, "level": programme.level,
            "region_code": person.region.code, "region_path": person.region.path,
            "holder_name": person.name, "id_number_masked": person.masked,
            "programme_name": programme.name, "hours": programme.hours,
            "issuer_name": "河北省养老护理职业技能评价中心" if kind == CertificateKind.SKILL_LEVEL else "培训机构",
            "issue_date": issued, "requested_at": datetime.combine(issued, time(9)),
            "issued_at": datetime.combine(issued, time(10)), "decision_note": "", "status_reason": "",
        }
        # signed_fields only reads attributes: a namespace spares building an ORM
        # object per certificate (a third of the signing time at nation scale).
        row["signature"] = signing.sign_record(signed_fields(SimpleNamespace(**row, replaces=None)))
        row["key_id"] = self.key_id
        return row

    def save_sequences(self) -> None:
        """Later issues continue after the generated numbers."""
        for prefix, last in self.sequences.items():
            existing = db.session.scalar(select(NumberSequence).where(NumberSequence.prefix == prefix))
            if existing is None:
                db.session.add(NumberSequence(prefix=prefix, last_value=last))
            else:
                existing.last_value = max(existing.last_value, last)
        db.session.flush()


def _seed_certificates(rng, people, pace, share, history) -> int:
    """Certify ~``share`` × pace of each unit's trainees inside the window."""
    issuer = _CertificateIssuer(history)
    count = bulk.write(Certificate.__table__, _certificate_rows(rng, people, issuer, pace, share))
    issuer.save_sequences()
    return count


def _certificate_rows(rng, people, issuer, pace, share) -> Iterator[dict]:
    certified_units = set()
    for person in people:
        if issuer.programme(person) is None or rng.random() > min(0.98, share * pace[person.unit_id]):
            continue
        certified_units.add(person.unit_id)
        yield issuer.row(rng, person, pace[person.unit_id])
    # A unit the draw left without any certificate gets one (small runs), so
    # that every unit shows progress.
    firsts = {}
    for person in people:
        if person.unit_id not in certified_units and issuer.programme(person) is not None:
            firsts.setdefault(person.unit_id, person)
    for person in firsts.values():
        yield issuer.row(rng, person, pace[person.unit_id])
