"""Writes to the question bank: importing banks and editing questions.

Editing never changes what a past attempt showed: a version that has been
used is frozen, and the edit becomes a new version.
"""

import json
from dataclasses import dataclass

from sqlalchemy import select

from lms.core import audit
from lms.exams.bank_files import BankFile, BankQuestion
from lms.exams.models import AttemptItem, Question, QuestionBank, QuestionVersion
from lms.extensions import db


class BankImportError(ValueError):
    """The file has problems; nothing was imported. ``problems`` lists them all."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


VERSION_FIELDS = ("kind", "stem", "options", "answer", "explanation", "area", "level", "difficulty", "tags")


def _fields_of(version: QuestionVersion) -> dict:
    return {"kind": version.kind, "stem": version.stem, "options": version.options,
            "answer": version.answer, "explanation": version.explanation, "area": version.area,
            "level": version.level, "difficulty": version.difficulty, "tags": version.tags}


def _fields_of_spec(spec: BankQuestion) -> dict:
    return {name: getattr(spec, name) for name in VERSION_FIELDS}


def import_bank(bank_file: BankFile) -> ImportReport:
    """Create or update a bank and its questions from a checked file.

    Raises ``BankImportError`` (and changes nothing) when the file has any
    problem. A question whose code exists in another bank is a problem too:
    codes are unique across banks and never reused.
    """
    if bank_file.problems:
        raise BankImportError(bank_file.problems)
    bank = db.session.scalar(select(QuestionBank).where(QuestionBank.code == bank_file.code))
    if bank is None:
        bank = QuestionBank(code=bank_file.code, title=bank_file.title, audience=bank_file.audience)
        db.session.add(bank)
        db.session.flush()
    bank.title, bank.audience = bank_file.title, bank_file.audience
    codes = [q.code for q in bank_file.questions]
    existing = {q.code: q for q in db.session.scalars(select(Question).where(Question.code.in_(codes)))}
    clashes = [f"{q.code}: already in bank {existing[q.code].bank.code}" for q in bank_file.questions
               if q.code in existing and existing[q.code].bank_id != bank.id]
    if clashes:
        raise BankImportError(clashes)
    report = ImportReport()
    for spec in bank_file.questions:
        question = existing.get(spec.code)
        if question is None:
            question = Question(code=spec.code, bank=bank)
            db.session.add(question)
            _new_version(question, _fields_of_spec(spec))
            report.created += 1
        elif _fields_of(question.current) == _fields_of_spec(spec):
            report.unchanged += 1
        else:
            _apply(question, _fields_of_spec(spec))
            report.updated += 1
    db.session.flush()
    return report


def update_question(question: Question, fields: dict) -> QuestionVersion:
    """Change a question's text, options, key or tags (audited). A version that
    an attempt has shown is kept as it was and a new version is added."""
    old = _fields_of(question.current)
    version = _apply(question, fields)
    audit.record("question.updated", question, old=old, new=_fields_of(version))
    return version


def set_question_active(question: Question, active: bool) -> None:
    """Retire a question from new papers (or bring it back); attempts keep it."""
    if question.is_active != active:
        audit.record("question.retired" if not active else "question.restored", question)
        question.is_active = active
        db.session.flush()


def _apply(question: Question, fields: dict) -> QuestionVersion:
    current = question.current
    if current is not None and not _is_used(current):
        _write(current, fields)
        _denormalise(question, fields)
        db.session.flush()
        return current
    return _new_version(question, fields)


def _is_used(version: QuestionVersion) -> bool:
    # Asked when editing, not recorded when papers are drawn: starting an exam
    # then writes nothing to the shared question rows (no lock contention in a surge).
    shown = select(AttemptItem.id).where(AttemptItem.question_version_id == version.id).limit(1)
    return db.session.scalar(shown) is not None


def _new_version(question: Question, fields: dict) -> QuestionVersion:
    number = (question.current.version + 1) if question.current is not None else 1
    _denormalise(question, fields)
    version = QuestionVersion(question=question, version=number)
    _write(version, fields)
    db.session.add(version)
    db.session.flush()
    question.current = version
    db.session.flush()
    return version


def _write(version: QuestionVersion, fields: dict) -> None:
    version.kind, version.stem, version.answer = fields["kind"], fields["stem"], fields["answer"]
    version.options_json = json.dumps(fields["options"], ensure_ascii=False)
    version.explanation, version.area = fields["explanation"], fields["area"]
    version.level, version.difficulty = fields["level"], fields["difficulty"]
    version.tags_json = json.dumps(fields.get("tags") or [], ensure_ascii=False)


def _denormalise(question: Question, fields: dict) -> None:
    question.kind, question.area = fields["kind"], fields["area"]
    question.level, question.difficulty = fields["level"], fields["difficulty"]
