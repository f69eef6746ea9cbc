"""Moodle question formats (GIFT and Moodle XML): the shared data types, the
rules both formats use to grade choice questions, and ``parse_file`` which
picks the format of an upload.

Only the question kinds CareLMS uses are read (single choice, multiple choice,
true/false). Every other Moodle kind is reported as a ``SkippedQuestion`` so an
import can say what it left out; any error means the file must import nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
KINDS = ("single", "multiple", "true_false")
TEXT_FORMATS = ("plain", "markdown", "html", "moodle")

# One sentence per unsupported kind, shared so both formats word it the same.
SKIP_REASONS = {
    "essay": "essay questions are not supported",
    "matching": "matching questions are not supported",
    "numerical": "numerical questions are not supported",
    "short_answer": "short-answer questions are not supported",
    "description": "description items (text without an answer) are not questions",
    "cloze": "cloze (embedded answers) questions are not supported",
}

# Moodle writes categories as "$course$/top/A/B"; the context and the implicit
# "top" say where the category lived in Moodle, not what it is called.
_CATEGORY_PREFIX = re.compile(r"^\s*(?:\$[a-z]+\$/?)?\s*(?:top(?:/|$))?", re.IGNORECASE)


@dataclass
class ParsedQuestion:
    """One question read from (or to be written to) a Moodle file.

    ``answer`` holds letters for choice questions ("B", or sorted "ACD") and
    "true"/"false" for true/false. ``option_feedback`` is empty when no option
    has feedback, otherwise one entry per option; a true/false question has no
    options, so its entries are [feedback for "true", feedback for "false"].
    """

    kind: str
    stem: str
    options: list[str]
    answer: str
    explanation: str = ""
    title: str = ""
    category: str = ""
    stem_format: str = "plain"
    option_feedback: list[str] = field(default_factory=list)
    line: int = 0


@dataclass
class SkippedQuestion:
    """A question of a kind CareLMS does not use, with where it was and why."""

    line: int
    title: str
    kind: str
    reason: str


@dataclass
class ParseResult:
    """Everything read from one file; ``errors`` are (line, message) pairs."""

    questions: list[ParsedQuestion] = field(default_factory=list)
    skipped: list[SkippedQuestion] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file has no errors and may be imported."""
        return not self.errors


def normalize_category(path: str) -> str:
    """A Moodle category path without its context and "top" prefix:
    ``$course$/top/养老护理/基础`` -> ``养老护理/基础``; ``$course$/top`` -> ``""``."""
    return _CATEGORY_PREFIX.sub("", path.strip(), count=1).strip().strip("/").strip()


def format_weight(value: float) -> str:
    """A percentage as Moodle writes it: up to five decimals, no trailing zeros
    (100/3 -> "33.33333", 50.0 -> "50")."""
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def right_weights(count: int) -> str:
    """The weight of each right option when ``count`` options share 100%."""
    return format_weight(100 / count)


def classify_choice(weights: list[float], single: bool | None) -> tuple[str, str]:
    """Decide kind and answer letters of a choice question from its option
    weights (percent). ``single`` is the file's own statement (GIFT "=" or
    Moodle ``<single>``) or None to infer it: one option at 100% and no other
    positive weight reads as single choice. Raises ValueError on weights that
    cannot be imported."""
    if len(weights) < 2:
        raise ValueError("a choice question needs at least two options")
    if len(weights) > len(LETTERS):
        raise ValueError(f"a choice question can have at most {len(LETTERS)} options")
    for index, weight in enumerate(weights):
        if not -100 <= weight <= 100:
            raise ValueError(f"option {LETTERS[index]} has weight {format_weight(weight)}%, "
                             "outside -100..100")
    full = [i for i, w in enumerate(weights) if abs(w - 100) < 1e-6]
    positive = [i for i, w in enumerate(weights) if w > 0]
    if single is None:
        single = len(full) == 1 and len(positive) == 1
    if single:
        if not full:
            raise ValueError("no option is marked as the right answer")
        if len(full) > 1:
            raise ValueError("more than one option is fully right; a question with several "
                             "right options needs weights that add up to 100%")
        return "single", LETTERS[full[0]]
    if not positive:
        raise ValueError("no option has a positive weight, so there is no right answer")
    total = sum(weights[i] for i in positive)
    # Three options at 33.33333% (or even 33.3%) must pass; 100/7 rounds similarly.
    if abs(total - 100) > 0.2:
        raise ValueError(f"the weights of the right options add up to {format_weight(total)}% "
                         "instead of 100%")
    return "multiple", "".join(LETTERS[i] for i in positive)


def compact_feedback(feedback: list[str]) -> list[str]:
    """Feedback entries, or [] when none of them says anything (so a question
    without feedback compares equal however it was made)."""
    return feedback if any(feedback) else []


def parse_file(name: str, data: bytes) -> ParseResult:
    """Parse an uploaded question file, choosing the format by extension
    (.gift/.txt GIFT, .xml Moodle XML) or, failing that, by its first bytes."""
    from lms.exams.formats.gift import parse_gift
    from lms.exams.formats.moodle_xml import parse_moodle_xml

    suffix = PurePath(name).suffix.lower()
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:64]
    if suffix == ".xml" or (suffix not in (".gift", ".txt") and head.startswith((b"<?xml", b"<quiz"))):
        return parse_moodle_xml(data)
    if suffix in (".gift", ".txt"):
        text = _decode(data)
        if text is None:
            return ParseResult(errors=[(1, f"{name}: the file is not UTF-8 or GB18030 text")])
        return parse_gift(text)
    return ParseResult(errors=[(1, f"{name}: unsupported question file; expected Moodle GIFT "
                                   "(.gift, .txt) or Moodle XML (.xml)")])


def _decode(data: bytes) -> str | None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Chinese Windows editors still save plain text as GBK by default.
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return None
