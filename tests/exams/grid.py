"""Exam objects for the access grid (tests/test_access.py): a bank, an exam of
the home institution with the world's trainee admitted and an attempt
started, the same for the other institution's outsider, and a practical
assessment of each institution (the home one assigned to the grid examiner)."""

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from lms.core.content import content_dir
from lms.core.time import utcnow
from lms.exams import attempts, bank_services, practical, services
from lms.exams.bank_files import BankFile
from lms.exams.models import PracticalSheet, Question
from lms.extensions import db
from tests.exams.conftest import BLUEPRINT, bank_questions


def _exam(institution, person):
    exam = services.create_exam(
        title="五级理论知识考试", institution=institution, programme=None, audience="caregiver", level=5,
        blueprint=BLUEPRINT, duration_minutes=60, pass_mark=60, attempts_allowed=2,
        opens_at=utcnow() - timedelta(hours=1), closes_at=utcnow() + timedelta(days=1), by=None)
    services.add_candidates(exam, [person])
    return exam


def grid_exams(world: dict) -> dict:
    bank_services.import_bank(BankFile(code="grid-bank", title="题库", audience="caregiver",
                                       questions=bank_questions()))
    practical.import_sheets(Path(content_dir()) / "practical")
    sheet = db.session.scalar(select(PracticalSheet).order_by(PracticalSheet.code).limit(1))
    exam = _exam(world["home"], world["person"])
    other_exam = _exam(world["other"], world["outsider"])
    attempt = attempts.start_attempt(exam, world["person"])
    outsider_attempt = attempts.start_attempt(other_exam, world["outsider"])
    examiner = world["users"]["examiner"]
    assessment = practical.create_assessment(sheet=sheet, person=world["person"], institution=world["home"],
                                             programme=None, examiners=[examiner], chief=examiner)
    outsider_assessment = practical.create_assessment(sheet=sheet, person=world["outsider"],
                                                      institution=world["other"], programme=None,
                                                      examiners=[examiner], chief=examiner)
    # The other institution's assessment names the grid examiner too: scope,
    # not assignment alone, must keep it out of reach.
    question = db.session.scalar(select(Question).order_by(Question.id).limit(1))
    db.session.commit()
    return {"exam": exam, "other_exam": other_exam, "attempt": attempt, "outsider_attempt": outsider_attempt,
            "assessment": assessment, "outsider_assessment": outsider_assessment, "question": question}
