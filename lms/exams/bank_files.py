"""Reading question banks: the project's YAML (content/questions/), Moodle GIFT
and Moodle XML, into one shape (``BankQuestion``) that services store.

A file with any problem yields problems and no questions: an import is all or
nothing. Questions of a type CareLMS does not use are listed, never dropped
silently.
"""

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from lms.core.content_files import (
    LETTERS,
    Checker,
    ContentProblem,
    check_question,
    line_of,
    load_yaml,
)
from lms.core.vocabulary import AUDIENCES, FUNCTIONAL_AREAS
from lms.exams.formats import ParsedQuestion, parse_file

CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")
TAG = re.compile(r"<[^>]+>")


@dataclass
class BankQuestion:
    code: str
    kind: str
    stem: str
    options: list[str]
    answer: str
    explanation: str
    area: str
    level: int | None
    difficulty: int
    tags: list[str] = field(default_factory=list)
    line: int = 0


@dataclass
class BankFile:
    """What one file holds: the bank's identity, its questions, the questions
    skipped (with why) and every problem (with its line)."""

    code: str
    title: str
    audience: str
    questions: list[BankQuestion] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_yaml_bank(path: Path, text: str | None = None) -> BankFile:
    """Read and check a content/questions/<bank>.yaml file (``text``: its
    content when it is an upload, not a file; problems still name ``path``)."""
    check = Checker()
    try:
        meta = load_yaml(path.read_text(encoding="utf-8") if text is None else text, path)
    except ContentProblem as problem:
        return BankFile(code=path.stem, title="", audience="", problems=[str(problem)])
    if not isinstance(meta, dict):
        return BankFile(code=path.stem, title="", audience="", problems=[f"{path}:1: not a YAML mapping"])
    bank = BankFile(code=str(meta.get("bank") or ""), title=str(meta.get("title") or ""),
                    audience=str(meta.get("audience") or ""))
    check.require(bank.code == path.stem, path, line_of(meta, "bank"), "bank must equal the file name")
    check.require(bank.title.strip() != "", path, line_of(meta, "title"), "title is missing")
    check.require(bank.audience in AUDIENCES, path, line_of(meta, "audience"),
                  f"audience must be one of: {', '.join(AUDIENCES)}")
    raw = meta.get("questions")
    if check.require(isinstance(raw, list) and raw, path, line_of(meta, "questions"), "questions must be a list"):
        seen: set[str] = set()
        for number, item in enumerate(raw, start=1):
            question = _check_bank_question(check, path, item, number)
            if question is None:
                continue
            check.require(question.code not in seen, path, question.line, f"code {question.code} is used twice")
            seen.add(question.code)
            bank.questions.append(question)
    bank.problems = [str(p) for p in check.problems]
    if bank.problems:
        bank.questions = []
    return bank


def _check_bank_question(check: Checker, path: Path, item, number: int) -> BankQuestion | None:
    spec = check_question(check, path, item, 0, number)
    if spec is None:
        return None
    code, level, area, difficulty = (item.get("code"), item.get("level"), item.get("area"),
                                     item.get("difficulty", 2))
    line = line_of(item)
    check.require(isinstance(code, str) and bool(CODE.match(code)), path, line_of(item, "code"),
                  f"question {number}: code must be upper-case letters, digits and hyphens")
    check.require(level is None or (isinstance(level, int) and 1 <= level <= 5), path,
                  line_of(item, "level"), f"question {number}: level must be 1–5 or null")
    check.require(area in FUNCTIONAL_AREAS, path, line_of(item, "area"),
                  f"question {number}: area {area!r} is not one of: {', '.join(FUNCTIONAL_AREAS)}")
    check.require(isinstance(difficulty, int) and 1 <= difficulty <= 3, path, line_of(item, "difficulty"),
                  f"question {number}: difficulty must be 1, 2 or 3")
    check.require(spec.explanation != "", path, line, f"question {number}: explanation is missing")
    tags = item.get("tags") or []
    return BankQuestion(code=str(code), kind=spec.kind, stem=spec.stem, options=spec.options,
                        answer=spec.answer, explanation=spec.explanation, area=str(area),
                        level=level, difficulty=difficulty if isinstance(difficulty, int) else 2,
                        tags=[str(t) for t in tags] if isinstance(tags, list) else [], line=line)


def plain_text(text: str, text_format: str) -> str:
    """Moodle text as plain text: HTML tags dropped and entities decoded
    (pages escape it again), other formats as they are."""
    if text_format == "html":
        text = html.unescape(TAG.sub("", text.replace("<br>", "\n").replace("<br/>", "\n")))
    return text.strip()


def read_moodle_bank(name: str, data: bytes, *, code: str, title: str, audience: str, area: str,
                     level: int | None, difficulty: int, code_prefix: str) -> BankFile:
    """Read a GIFT or Moodle XML upload into a bank. Moodle has no functional
    areas or levels: a category whose last part is an area code (as our own
    export writes) gives the area, otherwise ``area``; codes are
    ``code_prefix`` + a running number, or the question's title when it is
    already a valid code (so a re-import updates the same questions)."""
    result = parse_file(name, data)
    bank = BankFile(code=code, title=title, audience=audience)
    bank.problems = [f"{name}:{line}: {message}" for line, message in result.errors]
    bank.skipped = [f"{name}:{s.line}: {s.title or s.kind}: {s.reason}" for s in result.skipped]
    if bank.problems:
        return bank
    # CareLMS papers letter options A–H: a longer list cannot be shown.
    bank.problems = [f"{name}:{q.line}: {q.title or 'question'}: {len(q.options)} options, at most "
                     f"{len(LETTERS)} are supported" for q in result.questions if len(q.options) > len(LETTERS)]
    if bank.problems:
        return bank
    for number, parsed in enumerate(result.questions, start=1):
        bank.questions.append(_from_moodle(parsed, number, area=area, level=level, difficulty=difficulty,
                                           code_prefix=code_prefix))
    return bank


def _from_moodle(parsed: ParsedQuestion, number: int, *, area: str, level: int | None, difficulty: int,
                 code_prefix: str) -> BankQuestion:
    category_area = parsed.category.rstrip("/").rsplit("/", 1)[-1] if parsed.category else ""
    code = parsed.title if CODE.match(parsed.title or "") else f"{code_prefix}-{number:04d}"
    return BankQuestion(
        code=code, kind=parsed.kind, stem=plain_text(parsed.stem, parsed.stem_format),
        options=[plain_text(o, parsed.stem_format) for o in parsed.options], answer=parsed.answer,
        explanation=plain_text(parsed.explanation, parsed.stem_format),
        area=category_area if category_area in FUNCTIONAL_AREAS else area,
        level=level, difficulty=difficulty, line=parsed.line)


def export_form(questions) -> list[ParsedQuestion]:
    """Stored questions in the shape the GIFT and Moodle XML writers take. The
    code goes in the title and the area ends the category, so that importing
    the export gives back the same questions in the same areas."""
    return [ParsedQuestion(kind=q.kind, stem=q.current.stem, options=q.current.options,
                           answer=q.current.answer, explanation=q.current.explanation, title=q.code,
                           category=f"CareLMS/{q.bank.code}/{q.area}") for q in questions]
