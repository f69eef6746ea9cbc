"""Moodle GIFT format: reading and writing single choice, multiple choice and
true/false questions.

Follows Moodle's own importer where the documentation is silent: questions are
separated by blank lines, whole-line ``//`` comments are dropped, the first
``{...}`` is the answer block, ``####`` starts general feedback and
``{T#a#b}`` gives the feedback for the wrong answer first, then for the right.
"""

from __future__ import annotations

import re

from lms.exams.formats import (
    LETTERS,
    SKIP_REASONS,
    ParsedQuestion,
    ParseResult,
    SkippedQuestion,
    classify_choice,
    compact_feedback,
    normalize_category,
    right_weights,
)

# Escaped characters become private-use placeholders while the block is split,
# so that "\=" or "\{" can never be mistaken for syntax.
_ESCAPES = {"\\": "\ue000", "=": "\ue001", "~": "\ue002", "#": "\ue003", "{": "\ue004",
            "}": "\ue005", ":": "\ue006", "n": "\ue007"}
_RESTORE = str.maketrans({v: ("\n" if k == "n" else k) for k, v in _ESCAPES.items()})
_ESCAPE_RE = re.compile(r"\\([\\=~#{}:n])")
_CATEGORY_RE = re.compile(r"^\$CATEGORY:(.*)$", re.IGNORECASE)
_FORMAT_RE = re.compile(r"^\[(html|markdown|plain|moodle)\]", re.IGNORECASE)
_TRUE_FALSE_RE = re.compile(r"(TRUE|FALSE|T|F)\s*(?:#(.*))?", re.IGNORECASE | re.DOTALL)
_WEIGHT_RE = re.compile(r"%\s*(-?\d+(?:\.\d+)?)\s*%")
_SPECIAL = set("\\~=#{}:")


def parse_gift(text: str) -> ParseResult:
    """Parse GIFT text. Questions of other kinds are listed in ``skipped``;
    malformed questions become errors carrying the line the question starts
    on, and parsing goes on so that every error in the file is reported."""
    result = ParseResult()
    category = ""
    block: list[str] = []
    start = 0
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if stripped.startswith("//"):
            continue
        match = _CATEGORY_RE.match(stripped)
        if match or not stripped:
            if block:
                _parse_block("\n".join(block), start, category, result)
                block = []
            if match:
                category = normalize_category(match.group(1))
            continue
        if not block:
            start = number
        block.append(raw)
    if block:
        _parse_block("\n".join(block), start, category, result)
    return result


def _restore(text: str) -> str:
    return text.translate(_RESTORE).strip()


def _parse_block(text: str, line: int, category: str, result: ParseResult) -> None:
    def error(message: str) -> None:
        result.errors.append((line, message))

    body = _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(1)], text).strip()
    title = ""
    if body.startswith("::"):
        end = body.find("::", 2)
        if end < 0:
            return error("the question title is not closed with '::'")
        title, body = _restore(body[2:end]), body[end + 2:].strip()

    def skip(kind: str) -> None:
        result.skipped.append(SkippedQuestion(line, title, kind, SKIP_REASONS[kind]))

    stem_format = "plain"
    marker = _FORMAT_RE.match(body)
    if marker:
        stem_format, body = marker.group(1).lower(), body[marker.end():]
    opening, closing = body.find("{"), body.find("}")
    if opening < 0:
        if closing >= 0:
            return error("'}' without an opening '{' (write \\} for a literal brace)")
        return skip("description")
    if closing < 0:
        return error("the answer block '{' is never closed with '}'")
    if closing < opening or "{" in body[opening + 1:closing]:
        return error("braces do not pair up (write \\{ and \\} for literal braces)")
    before, inner, after = body[:opening], body[opening + 1:closing], body[closing + 1:]
    if "{" in after or "}" in after:
        return error("a question can have only one answer block")
    # Moodle's "missing word" form: text after the block means the blank sits inside.
    stem = _restore(before + "_____" + after if after.strip() else before)
    if not stem:
        return error("the question has no text")

    # Like Moodle, the last "####" starts the general feedback.
    head, separator, tail = inner.rpartition("####")
    inner, explanation = (head, _restore(tail)) if separator else (tail, "")
    inner = inner.strip()
    if not inner:
        return skip("essay")
    if inner.startswith("#"):
        return skip("numerical")
    question = ParsedQuestion(kind="", stem=stem, options=[], answer="", explanation=explanation,
                              title=title, category=category, stem_format=stem_format, line=line)
    true_false = _TRUE_FALSE_RE.fullmatch(inner)
    if true_false:
        _read_true_false(question, true_false.group(1), true_false.group(2))
        result.questions.append(question)
        return None
    if "~" not in inner:
        if "=" in inner and "->" in inner:
            return skip("matching")
        if inner.startswith("="):
            return skip("short_answer")
        return error("the answer block has no options (each starts with '=' or '~')")
    problem = _read_choice(question, inner)
    if problem:
        return error(problem)
    result.questions.append(question)
    return None


def _read_true_false(question: ParsedQuestion, word: str, feedback: str | None) -> None:
    truth = word.upper().startswith("T")
    wrong, _, right = (feedback or "").partition("#")
    wrong, right = _restore(wrong), _restore(right)
    question.kind, question.answer = "true_false", "true" if truth else "false"
    question.option_feedback = compact_feedback([right, wrong] if truth else [wrong, right])


def _read_choice(question: ParsedQuestion, inner: str) -> str | None:
    """Fill in options and answer; return an error message instead when the
    block cannot be imported."""
    parts = re.split(r"([=~])", inner)
    if parts[0].strip():
        return "text before the first option (options start with '=' or '~')"
    weights: list[float] = []
    options: list[str] = []
    feedback: list[str] = []
    has_equals = False
    for number, (sign, chunk) in enumerate(zip(parts[1::2], parts[2::2], strict=True), start=1):
        chunk = chunk.strip()
        weight = 100.0 if sign == "=" else 0.0
        has_equals = has_equals or sign == "="
        match = _WEIGHT_RE.match(chunk)
        if match:
            weight, chunk = float(match.group(1)), chunk[match.end():]
        text, _, note = chunk.partition("#")
        if not _restore(text):
            return f"option {number} has no text"
        options.append(_restore(text))
        feedback.append(_restore(note))
        weights.append(weight)
    if not has_equals and all(weight <= 0 for weight in weights):
        return "no option is marked as right: use '=' or give the right options positive weights"
    try:
        # "=" states single choice outright; with only "~" the weights decide.
        kind, answer = classify_choice(weights, True if has_equals else None)
    except ValueError as problem:
        return str(problem)
    question.kind, question.answer, question.options = kind, answer, options
    question.option_feedback = compact_feedback(feedback)
    return None


def _escape(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join("\\n" if c == "\n" else "\\" + c if c in _SPECIAL else c for c in text)


def to_gift(questions: list[ParsedQuestion]) -> str:
    """Write questions as GIFT text that ``parse_gift`` reads back unchanged
    (apart from ``line``)."""
    out: list[str] = []
    category = ""
    for question in questions:
        if question.category != category:
            category = question.category
            out.append(f"$CATEGORY: {category or '$course$/top'}\n")
        out.append(_write_question(question) + "\n")
    return "\n".join(out)


def _write_question(question: ParsedQuestion) -> str:
    head = f"::{_escape(question.title)}::" if question.title else ""
    stem = _escape(question.stem)
    if question.stem_format != "plain":
        head += f"[{question.stem_format}]"
    elif _FORMAT_RE.match(stem) or (not head and stem.startswith(("//", "$"))):
        # Such a stem would be read back as a marker, a comment or a category.
        head += "[plain]"
    explanation = f"####{_escape(question.explanation)}" if question.explanation else ""
    if question.kind == "true_false":
        return f"{head}{stem} {{{_true_false_block(question)}{explanation}}}"
    if question.kind not in ("single", "multiple"):
        raise ValueError(f"cannot write a {question.kind!r} question as GIFT")
    lines = [f"{head}{stem} {{", *_choice_lines(question)]
    if explanation:
        lines.append(f"\t{explanation}")
    lines.append("}")
    return "\n".join(lines)


def _true_false_block(question: ParsedQuestion) -> str:
    truth = question.answer == "true"
    on_true, on_false = (list(question.option_feedback) + ["", ""])[:2]
    right, wrong = (on_true, on_false) if truth else (on_false, on_true)
    text = "TRUE" if truth else "FALSE"
    if wrong or right:
        text += f"#{_escape(wrong)}"
    if right:
        text += f"#{_escape(right)}"
    return text


def _choice_lines(question: ParsedQuestion) -> list[str]:
    right = {LETTERS.index(letter) for letter in question.answer}
    feedback = list(question.option_feedback) + [""] * len(question.options)
    lines = []
    for index, option in enumerate(question.options):
        text = _escape(option)
        if question.kind == "multiple":
            sign = f"~%{right_weights(len(right))}%" if index in right else "~%-100%"
        else:
            sign = "=" if index in right else "~"
            # Text that starts like a weight would be read as one.
            if _WEIGHT_RE.match(text):
                sign += "%100%" if index in right else "%0%"
        note = f"#{_escape(feedback[index])}" if feedback[index] else ""
        lines.append(f"\t{sign}{text}{note}")
    return lines
