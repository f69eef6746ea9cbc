"""Demo exams: for each demo institution that trains caregivers, two
examiners, a 五级 theory exam open for the next 30 days with the
institution's caregivers admitted, and a practical assessment of its first
caregiver. Idempotent like the rest of the demo (looked up by title)."""

from datetime import timedelta

from sqlalchemy import select

from lms.auth.models import User
from lms.core.time import utcnow
from lms.exams import practical, services
from lms.exams.models import Exam, PracticalAssessment, PracticalSheet
from lms.extensions import db
from lms.people.models import Category, Person, PersonCategory
from lms.regions.models import Institution
from lms.training.queries import programme_by_code

# 100 questions of 1 point over the caregiver areas, within what the 五级
# banks in content/questions hold: 70 single choice, 10 multiple, 20 true/false.
DEMO_BLUEPRINT = [
    {"area": "ethics_basics", "kind": "single", "count": 12, "points": 1},
    {"area": "daily_care", "kind": "single", "count": 18, "points": 1},
    {"area": "basic_care", "kind": "single", "count": 18, "points": 1},
    {"area": "rehabilitation", "kind": "single", "count": 12, "points": 1},
    {"area": "psychological_support", "kind": "single", "count": 10, "points": 1},
    {"area": "daily_care", "kind": "multiple", "count": 5, "points": 1},
    {"area": "basic_care", "kind": "multiple", "count": 5, "points": 1},
    {"area": "ethics_basics", "kind": "true_false", "count": 5, "points": 1},
    {"area": "daily_care", "kind": "true_false", "count": 5, "points": 1},
    {"area": "basic_care", "kind": "true_false", "count": 5, "points": 1},
    {"area": "rehabilitation", "kind": "true_false", "count": 5, "points": 1},
]
EXAM_TITLE = "养老护理员（五级/初级工）理论知识考试"


def seed_exams(institution: Institution, examiners: list[User]) -> list[str]:
    """Create the institution's demo exam and practical assessment; returns
    what it created (nothing when the bank or the sheets are not loaded)."""
    made = []
    caregivers = list(db.session.scalars(
        select(Person).join(Person.category_rows)
        .where(PersonCategory.category == Category.CAREGIVER, Person.employer_id == institution.id)
        .order_by(Person.id)))
    if not caregivers:
        return made
    exam = db.session.scalar(select(Exam).where(Exam.title == EXAM_TITLE, Exam.institution_id == institution.id))
    if exam is None:
        now = utcnow()
        try:
            exam = services.create_exam(
                title=EXAM_TITLE, institution=institution, programme=programme_by_code("CG-5"),
                audience="caregiver", level=5, blueprint=DEMO_BLUEPRINT, duration_minutes=90, pass_mark=60,
                attempts_allowed=2, opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=30),
                by=None)
        except services.BlueprintError:
            return made  # content/questions not imported yet
        made.append(f"exam {exam.title}")
    services.add_candidates(exam, caregivers)
    sheet = db.session.scalar(select(PracticalSheet).where(PracticalSheet.code == "cg5-turning"))
    has_assessment = db.session.scalar(select(PracticalAssessment.id).where(
        PracticalAssessment.institution_id == institution.id))
    if sheet is not None and examiners and not has_assessment:
        practical.create_assessment(sheet=sheet, person=caregivers[0], institution=institution,
                                    programme=programme_by_code("CG-5"), examiners=examiners,
                                    chief=examiners[0])
        made.append("practical assessment")
    return made


