"""Drawing a paper from an exam's blueprint.

The draw is a pure function of the exam's blueprint, the bank's active
questions and the attempt's seed, so a paper can be explained (and redrawn
for checking) from the recorded seed.
"""

import json
import random
from dataclasses import dataclass

from sqlalchemy import select

from lms.core.content_files import LETTERS
from lms.exams.models import Exam, Question, QuestionBank, QuestionVersion
from lms.extensions import cache, db


@dataclass(frozen=True)
class DrawnItem:
    question_version_id: int
    option_order: str  # the version's letters in the order they are shown
    points: int


class BlueprintShortfall(ValueError):
    """A blueprint row asks for more questions than the bank has."""

    def __init__(self, shortages: list[tuple[int, str, str, int, int]]):
        self.shortages = shortages  # (row number, area, kind, wanted, available)
        super().__init__("; ".join(f"row {n}: {area}/{kind} wants {w}, the bank has {a}"
                                   for n, area, kind, w, a in shortages))


def candidate_pool(exam: Exam, area: str, kind: str) -> list[tuple[int, int, int]]:
    """The pool of a blueprint row, kept for a minute per exam: every
    candidate of an exam draws from the same pools, and a surge of starts
    should not read and parse the whole bank each time."""
    key = f"exams:pool:{exam.id}:{area}:{kind}"
    pool = cache.get(key) if exam.id else None
    if pool is None:
        pool = _candidate_pool(exam, area, kind)
        if exam.id:
            cache.set(key, pool, timeout=60)
    return pool


def _candidate_pool(exam: Exam, area: str, kind: str) -> list[tuple[int, int, int]]:
    """(question id, current version id, number of options) of the active
    questions a blueprint row may draw from, in a stable order. An exam of a
    level draws that level's questions and those of the levels below it (a
    四级 candidate is examined on 五级 knowledge too); questions without a
    level serve every level."""
    stmt = (select(Question.id, QuestionVersion.id, QuestionVersion.options_json)
            .join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
            .join(QuestionBank, Question.bank_id == QuestionBank.id)
            .where(Question.is_active, Question.area == area, Question.kind == kind,
                   QuestionBank.audience == exam.audience)
            .order_by(Question.id))
    if exam.level is not None:
        stmt = stmt.where((Question.level >= exam.level) | Question.level.is_(None))
    return [(qid, vid, len(json.loads(options))) for qid, vid, options in db.session.execute(stmt)]


def check_blueprint(exam: Exam) -> None:
    """Raise ``BlueprintShortfall`` naming every row the bank cannot fill."""
    shortages = []
    for number, row in enumerate(exam.blueprint, start=1):
        available = len(candidate_pool(exam, row["area"], row["kind"]))
        if available < row["count"]:
            shortages.append((number, row["area"], row["kind"], row["count"], available))
    if shortages:
        raise BlueprintShortfall(shortages)


def draw_paper(exam: Exam, seed: int) -> list[DrawnItem]:
    """The paper for ``seed``: each row's questions sampled from its pool, the
    rows' questions in blueprint order, each question's options shuffled."""
    rng = random.Random(seed)
    items: list[DrawnItem] = []
    for row in exam.blueprint:
        pool = candidate_pool(exam, row["area"], row["kind"])
        if len(pool) < row["count"]:
            raise BlueprintShortfall([(0, row["area"], row["kind"], row["count"], len(pool))])
        for _qid, version_id, option_count in rng.sample(pool, row["count"]):
            letters = list(LETTERS[:option_count])
            rng.shuffle(letters)
            items.append(DrawnItem(version_id, "".join(letters), int(row["points"])))
    return items
