"""Writes to the question bank: importing banks and editing questions.

Editing never changes what a past attempt showed: a version that has been
used is frozen, and the edit becomes a new version.
"""

import json
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from lms.core import audit
from lms.core.database import in_chunks
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
# Codes per ``IN (…)`` look-up and new questions per flush go in pieces
# (``in_chunks``): a whole file's codes in one look-up failed on a large upload
# on SQLite builds before 3.32, which allow 999 variables in a statement.


def _fields_of(version: QuestionVersion) -> dict:
    return {"kind": version.kind, "stem": version.stem, "options": version.options,
            "answer": version.answer, "explanation": version.explanation, "area": version.area,
            "level": version.level, "difficulty": version.difficulty, "tags": version.tags}


def _fields_of_spec(spec: BankQuestion) -> dict:
    return {name: getattr(spec, name) for name in VERSION_FIELDS}


def import_bank(bank_file: BankFile) -> ImportReport:
    """Create or update a bank and its questions from a checked file.

    Raises ``BankImportError`` (and changes nothing) when the file has any
    problem, or more questions than ``BANK_IMPORT_MAX_QUESTIONS``. A question
    whose code exists in another bank is a problem too: codes are unique
    across banks and never reused.
    """
    if bank_file.problems:
        raise BankImportError(bank_file.problems)
    limit = current_app.config["BANK_IMPORT_MAX_QUESTIONS"]
    if len(bank_file.questions) > limit:
        raise BankImportError([_("The file holds %(n)s questions; at most %(limit)s can be imported from one "
                                 "file. Split it into smaller files and import them one by one.",
                                 n=len(bank_file.questions), limit=limit)])
    bank = db.session.scalar(select(QuestionBank).where(QuestionBank.code == bank_file.code))
    if bank is None:
        bank = QuestionBank(code=bank_file.code, title=bank_file.title, audience=bank_file.audience)
        db.session.add(bank)
        db.session.flush()
    bank.title, bank.audience = bank_file.title, bank_file.audience
    existing = _existing_questions([q.code for q in bank_file.questions])
    clashes = [f"{q.code}: already in bank {existing[q.code].bank.code}" for q in bank_file.questions
               if q.code in existing and existing[q.code].bank_id != bank.id]
    if clashes:
        raise BankImportError(clashes)
    report = ImportReport()
    new = []
    for spec in bank_file.questions:
        question = existing.get(spec.code)
        if question is None:
            new.append(spec)
        elif _fields_of(question.current) == _fields_of_spec(spec):
            report.unchanged += 1
        else:
            _apply(question, _fields_of_spec(spec))
            report.updated += 1
    for chunk in in_chunks(new):
        _create_questions(bank, chunk)
    report.created = len(new)
    db.session.flush()
    return report


def _existing_questions(codes: list[str]) -> dict[str, Question]:
    found = {}
    for chunk in in_chunks(codes):
        found.update((q.code, q) for q in db.session.scalars(select(Question).where(Question.code.in_(chunk))))
    return found


def _create_questions(bank: QuestionBank, specs: list[BankQuestion]) -> None:
    # One flush for the chunk's rows (SQLAlchemy pages the multi-row INSERT
    # within the database's variable limit), one for their current versions:
    # flushing each question took 1.7 s for 2,000 questions, this 0.6 s.
    versions = []
    for spec in specs:
        fields = _fields_of_spec(spec)
        question = Question(code=spec.code, bank=bank)
        _denormalise(question, fields)
        version = QuestionVersion(question=question, version=1)
        _write(version, fields)
        db.session.add_all((question, version))
        versions.append(version)
    db.session.flush()
    for version in versions:
        version.question.current = version
    db.session.flush()


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
