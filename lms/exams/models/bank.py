"""The question bank: banks, questions and their versions.

A question's text, options and key live in versions. A version that any
attempt has shown is frozen: editing the question then adds a new version, so
a past paper always reads back exactly as the candidate saw it.
"""

import json
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.content_files import LETTERS
from lms.core.time import utcnow
from lms.extensions import db


class QuestionKind:
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    ALL = (SINGLE, MULTIPLE, TRUE_FALSE)


class QuestionBank(db.Model):
    """A named set of questions for one audience (content/questions/<code>.yaml
    or an uploaded GIFT / Moodle XML file)."""

    __tablename__ = "question_banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(128))
    audience: Mapped[str] = mapped_column(String(32), index=True)

    def __repr__(self) -> str:
        return f"<QuestionBank {self.code}>"


class Question(db.Model):
    """A question's identity; what it says is in ``current`` (its newest version)."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("question_banks.id"), index=True)
    # Denormalised from the current version so that the bank can be filtered and
    # a paper drawn without reading every version.
    kind: Mapped[str] = mapped_column(String(16))
    area: Mapped[str] = mapped_column(String(32), index=True)
    level: Mapped[int | None] = mapped_column(Integer, index=True)
    difficulty: Mapped[int] = mapped_column(Integer, default=2)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_versions.id", use_alter=True, name="fk_questions_current_version"))
    is_active: Mapped[bool] = mapped_column(default=True)

    bank: Mapped[QuestionBank] = relationship(lazy="joined")
    current: Mapped["QuestionVersion | None"] = relationship(
        foreign_keys=[current_version_id], post_update=True, lazy="joined")

    def __repr__(self) -> str:
        return f"<Question {self.code}>"


class QuestionVersion(db.Model):
    """One wording of a question. Frozen once an attempt has shown it."""

    __tablename__ = "question_versions"
    __table_args__ = (UniqueConstraint("question_id", "version", name="uq_question_versions_question_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[str] = mapped_column(String(16))
    stem: Mapped[str] = mapped_column(Text)
    options_json: Mapped[str] = mapped_column(Text, default="[]")
    answer: Mapped[str] = mapped_column(String(8))  # "B", "ACD", "true", "false"
    explanation: Mapped[str] = mapped_column(Text, default="")
    area: Mapped[str] = mapped_column(String(32))
    level: Mapped[int | None] = mapped_column(Integer)
    difficulty: Mapped[int] = mapped_column(Integer, default=2)
    tags_json: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    question: Mapped[Question] = relationship(foreign_keys=[question_id])

    def __repr__(self) -> str:
        return f"<QuestionVersion {self.question_id} v{self.version}>"

    @property
    def options(self) -> list[str]:
        return json.loads(self.options_json)

    @property
    def tags(self) -> list[str]:
        return json.loads(self.tags_json)

    @property
    def letters(self) -> str:
        """The option letters this version offers ("ABCD"), "" for true/false."""
        return LETTERS[: len(self.options)]
