"""Classical item analysis of theory-exam questions, in plain Python.

Given every response to a set of questions and each attempt's total score, ``analyse``
reports per question: facility (share correct), upper–lower 27% discrimination, the
point-biserial correlation with the rest-score, how often each option was chosen, and
short flags for the question-bank editors. ``stats_rows`` turns the result into rows for
a spreadsheet export. Nothing here touches the database; callers pass plain values.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# Share of attempts in each of the upper and lower groups (Kelley's 27%).
GROUP_FRACTION = 0.27
# Flags are only raised from this many responses up; fewer give unstable figures.
MIN_ATTEMPTS = 10
# Facility above this: almost everyone answers right, the question tells little.
TOO_EASY_ABOVE = 0.95
# Facility below this: almost everyone fails; often a wrong key or an unclear stem.
TOO_HARD_BELOW = 0.20
# Discrimination below this (but not negative) separates strong and weak candidates poorly.
LOW_DISCRIMINATION_BELOW = 0.20

TRUE_FALSE = ("true", "false")

FLAG_TOO_FEW = "too_few_attempts"
FLAG_TOO_EASY = "too_easy"
FLAG_TOO_HARD = "too_hard"
FLAG_NEGATIVE = "negative_discrimination"
FLAG_LOW = "low_discrimination"
FLAG_DISTRACTOR_BEATS_KEY = "distractor_beats_key"
FLAG_UNUSED_DISTRACTOR = "unused_distractor"

HEADER = [
    "question",
    "attempts",
    "facility %",
    "discrimination",
    "point-biserial",
    "option counts",
    "flags",
]
# How the unanswered count ("" in option_counts) is written in the export.
BLANK_LABEL = "blank"


@dataclass(frozen=True)
class Response:
    """One attempt's answer to one question."""

    attempt_id: int
    question_id: int
    chosen: str  # the letters chosen ("B", "AC"), "true"/"false", or "" if unanswered
    is_correct: bool


@dataclass(frozen=True)
class ItemStats:
    """Item-analysis figures for one question (see ``analyse`` for definitions)."""

    question_id: int
    attempts: int
    facility: float | None
    discrimination: float | None
    point_biserial: float | None
    option_counts: dict[str, int]
    flags: list[str]


def analyse(
    responses: Iterable[Response],
    totals: Mapping[int, float],
    *,
    options: Mapping[int, str] | None = None,
    keys: Mapping[int, str] | None = None,
    points: Mapping[int, float] | None = None,
    min_attempts: int = MIN_ATTEMPTS,
) -> list[ItemStats]:
    """Analyse each question; one ``ItemStats`` per question, ordered by question id.

    ``totals``: attempt_id -> total score of the attempt; every response's attempt must be
    in it. ``options``: question_id -> the letters it offers ("ABCD"), so options nobody
    chose show with 0 and can be flagged as unused. ``keys``: question_id -> the correct
    answer ("B", "ACD", "true"), needed for ``distractor_beats_key`` and to tell keys from
    distractors. ``points``: question_id -> marks the question carries (default 1), used to
    take the question out of the total for the rest-score. Questions named only in
    ``options`` or ``keys`` are reported with 0 attempts.

    - facility: proportion of responses that are correct.
    - discrimination: proportion correct in the upper group minus in the lower group. The
      groups are the top and bottom ``max(1, round(0.27 * len(totals)))`` attempts of all
      attempts ranked by total (ties: lower attempt_id ranks higher), counting only the
      group members that responded to the question; None if either group has none.
    - point_biserial: Pearson correlation between correctness (1/0) and the rest-score
      (total minus this question's points when correct); None when either has no variance.
    - option_counts: each letter chosen counts once ("AC" counts A and C); "true"/"false"
      count as words; "" counts unanswered responses and is always present.
    - flags: ``["too_few_attempts"]`` below ``min_attempts`` responses, otherwise any of
      too_easy, too_hard, negative_discrimination, low_discrimination,
      distractor_beats_key (single-letter keys only), unused_distractor (needs options;
      key letters are not distractors).

    Raises ``ValueError`` for a response whose attempt has no total, or for two responses
    by the same attempt to the same question.
    """
    options = options or {}
    keys = keys or {}
    points = points or {}

    by_question: dict[int, dict[int, Response]] = defaultdict(dict)
    for response in responses:
        if response.attempt_id not in totals:
            raise ValueError(f"attempt {response.attempt_id} has responses but no total")
        answered = by_question[response.question_id]
        if response.attempt_id in answered:
            raise ValueError(
                f"attempt {response.attempt_id} answered question {response.question_id} twice"
            )
        answered[response.attempt_id] = response

    upper, lower = _groups(totals)
    question_ids = sorted(set(by_question) | set(options) | set(keys))
    return [
        _item_stats(
            question_id,
            list(by_question.get(question_id, {}).values()),
            totals,
            upper,
            lower,
            offered=options.get(question_id, ""),
            key=keys.get(question_id),
            worth=points.get(question_id, 1.0),
            min_attempts=min_attempts,
        )
        for question_id in question_ids
    ]


def stats_rows(
    stats: Iterable[ItemStats],
    labels: Mapping[int, str],
    *,
    header: Sequence[str] = HEADER,
) -> list[list]:
    """Rows for a spreadsheet export, header row first.

    ``labels``: question_id -> what to show in the question column (e.g. the question
    code); the id is shown when a label is missing. Facility is a percentage with one
    decimal, the two coefficients have two decimals, missing figures are empty cells.
    Option counts read "A:3 B:5 C:0 D:2", with "blank:1" appended when some responses
    were unanswered; flags are comma-separated.
    """
    rows: list[list] = [list(header)]
    for item in stats:
        rows.append(
            [
                labels.get(item.question_id, str(item.question_id)),
                item.attempts,
                _rounded(None if item.facility is None else item.facility * 100, 1),
                _rounded(item.discrimination, 2),
                _rounded(item.point_biserial, 2),
                _format_counts(item.option_counts),
                ", ".join(item.flags),
            ]
        )
    return rows


def _groups(totals: Mapping[int, float]) -> tuple[frozenset[int], frozenset[int]]:
    """Upper and lower 27% of all attempts by total score."""
    if not totals:
        return frozenset(), frozenset()
    ranked = sorted(totals, key=lambda attempt_id: (-totals[attempt_id], attempt_id))
    # Round half up rather than Python's half-to-even, so 13.5 gives 14 like a reader expects.
    size = max(1, math.floor(GROUP_FRACTION * len(ranked) + 0.5))
    return frozenset(ranked[:size]), frozenset(ranked[-size:])


def _item_stats(
    question_id: int,
    answers: list[Response],
    totals: Mapping[int, float],
    upper: frozenset[int],
    lower: frozenset[int],
    *,
    offered: str,
    key: str | None,
    worth: float,
    min_attempts: int,
) -> ItemStats:
    attempts = len(answers)
    facility = _share_correct(answers)

    upper_share = _share_correct([a for a in answers if a.attempt_id in upper])
    lower_share = _share_correct([a for a in answers if a.attempt_id in lower])
    discrimination = None
    if upper_share is not None and lower_share is not None:
        discrimination = upper_share - lower_share

    scored = [1.0 if a.is_correct else 0.0 for a in answers]
    rest = [totals[a.attempt_id] - worth * x for a, x in zip(answers, scored, strict=True)]
    point_biserial = _pearson(scored, rest)

    counts = _option_counts(answers, offered)
    if attempts < min_attempts:
        flags = [FLAG_TOO_FEW]
    else:
        flags = _flags(facility, discrimination, counts, offered, key)
    return ItemStats(
        question_id=question_id,
        attempts=attempts,
        facility=facility,
        discrimination=discrimination,
        point_biserial=point_biserial,
        option_counts=counts,
        flags=flags,
    )


def _share_correct(answers: list[Response]) -> float | None:
    return sum(a.is_correct for a in answers) / len(answers) if answers else None


def _option_counts(answers: list[Response], offered: str) -> dict[str, int]:
    counts: Counter[str] = Counter({letter: 0 for letter in offered})
    counts.setdefault("", 0)
    for answer in answers:
        if not answer.chosen:
            counts[""] += 1
        elif answer.chosen in TRUE_FALSE:
            counts[answer.chosen] += 1
        else:
            counts.update(answer.chosen)
    # Options in order, the unanswered count last: the order people read them in.
    return {option: counts[option] for option in sorted(counts, key=lambda o: (o == "", o))}


def _flags(
    facility: float | None,
    discrimination: float | None,
    counts: Mapping[str, int],
    offered: str,
    key: str | None,
) -> list[str]:
    flags = []
    if facility is not None and facility > TOO_EASY_ABOVE:
        flags.append(FLAG_TOO_EASY)
    if facility is not None and facility < TOO_HARD_BELOW:
        flags.append(FLAG_TOO_HARD)
    if discrimination is not None and discrimination < 0:
        flags.append(FLAG_NEGATIVE)
    elif discrimination is not None and discrimination < LOW_DISCRIMINATION_BELOW:
        flags.append(FLAG_LOW)
    if key and len(key) == 1 and key.isalpha():
        wrong = [count for option, count in counts.items() if option and option != key]
        if wrong and max(wrong) > counts.get(key, 0):
            flags.append(FLAG_DISTRACTOR_BEATS_KEY)
    key_letters = set(key or "") if key not in TRUE_FALSE else set()
    if any(counts.get(letter, 0) == 0 for letter in offered if letter not in key_letters):
        flags.append(FLAG_UNUSED_DISTRACTOR)
    return flags


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson correlation, or None when it is undefined (fewer than 2 values, no variance)."""
    n = len(xs)
    if n < 2 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    mean_x = math.fsum(xs) / n
    mean_y = math.fsum(ys) / n
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    sxx = math.fsum((x - mean_x) ** 2 for x in xs)
    syy = math.fsum((y - mean_y) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy)


def _rounded(value: float | None, digits: int) -> float | str:
    return "" if value is None else round(value, digits)


def _format_counts(counts: Mapping[str, int]) -> str:
    parts = [f"{option}:{count}" for option, count in counts.items() if option]
    if counts.get(""):
        parts.append(f"{BLANK_LABEL}:{counts['']}")
    return " ".join(parts)
