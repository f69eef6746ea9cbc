"""Moodle XML format: reading and writing ``multichoice`` and ``truefalse``
questions, with ``category`` pseudo-questions setting the category.

Documents with a DTD or entity declarations are refused before parsing and
again inside the parser (for encodings the byte check cannot see), because
entity expansion is the classic way to make a small upload exhaust memory.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from xml.parsers import expat

from lms.exams.formats import (
    LETTERS,
    SKIP_REASONS,
    ParsedQuestion,
    ParseResult,
    SkippedQuestion,
    classify_choice,
    compact_feedback,
    format_weight,
    normalize_category,
    right_weights,
)

_FORMATS_IN = {"html": "html", "moodle_auto_format": "moodle", "plain_text": "plain",
               "markdown": "markdown"}
_FORMATS_OUT = {value: key for key, value in _FORMATS_IN.items()}
_SKIPPED_TYPES = {"essay": "essay", "matching": "matching", "match": "matching",
                  "shortanswer": "short_answer", "numerical": "numerical",
                  "description": "description", "multianswer": "cloze", "cloze": "cloze"}
_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DECLARATION_BYTES = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# Characters XML 1.0 cannot carry at all; they would make the export unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _Refused(Exception):
    """Raised from inside expat when the document declares a DTD or entity."""


def parse_moodle_xml(data: bytes | str) -> ParseResult:
    """Parse a Moodle XML question export. A document that is not well-formed
    XML, or that declares a DTD or entities, gives a single error."""
    found = (_DECLARATION.search(data) if isinstance(data, str)
             else _DECLARATION_BYTES.search(data))
    if found:
        line = data[:found.start()].count("\n" if isinstance(data, str) else b"\n") + 1
        return ParseResult(errors=[(line, "DTD and entity declarations are not allowed")])
    try:
        root, lines = _parse_tree(data)
    except _Refused as refused:
        return ParseResult(errors=[(refused.args[0], "DTD and entity declarations are not allowed")])
    except expat.ExpatError as problem:
        return ParseResult(errors=[(problem.lineno, f"malformed XML: "
                                                    f"{expat.ErrorString(problem.code)}")])
    except ValueError as problem:  # e.g. an encoding expat cannot decode
        return ParseResult(errors=[(1, f"unreadable XML: {problem}")])
    result = ParseResult()
    if root.tag != "quiz":
        result.errors.append((lines[root], f"the root element is <{root.tag}>, expected <quiz>"))
        return result
    category = ""
    for element in root.findall("question"):
        qtype = (element.get("type") or "").strip().lower()
        if qtype == "category":
            category = normalize_category(_text(element, "category"))
        elif qtype in ("multichoice", "truefalse"):
            _read_question(element, qtype, lines[element], category, result)
        elif not qtype:
            result.errors.append((lines[element], "<question> has no type attribute"))
        else:
            kind = _SKIPPED_TYPES.get(qtype, qtype)
            reason = SKIP_REASONS.get(kind, f"Moodle question type '{qtype}' is not supported")
            result.skipped.append(SkippedQuestion(lines[element], _text(element, "name"), kind,
                                                  reason))
    return result


def _parse_tree(data: bytes | str) -> tuple[ET.Element, dict[ET.Element, int]]:
    """Build an ElementTree with the start line of every element (the C
    accelerated parser records no positions, so expat drives a TreeBuilder)."""
    if isinstance(data, str):
        # The text is already decoded; any encoding in the declaration is moot.
        parser = expat.ParserCreate(encoding="utf-8")
        data = data.encode("utf-8")
    else:
        parser = expat.ParserCreate()
    builder = ET.TreeBuilder()
    lines: dict[ET.Element, int] = {}

    def start(tag: str, attributes: dict[str, str]) -> None:
        lines[builder.start(tag, attributes)] = parser.CurrentLineNumber

    def refuse(*_args) -> None:
        raise _Refused(parser.CurrentLineNumber)

    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.Parse(data, True)
    return builder.close(), lines


def _text(element: ET.Element, path: str) -> str:
    """The ``<text>`` of a child (Moodle wraps every text that way), stripped;
    old files put the text directly in the element."""
    child = element if path == "." else element.find(path)
    if child is None:
        return ""
    inner = child.find("text")
    return ((inner.text if inner is not None else child.text) or "").strip()


def _read_question(element: ET.Element, qtype: str, line: int, category: str,
                   result: ParseResult) -> None:
    text_element = element.find("questiontext")
    text_format = text_element.get("format", "html") if text_element is not None else "html"
    question = ParsedQuestion(
        kind="", stem=_text(element, "questiontext"), options=[], answer="",
        explanation=_text(element, "generalfeedback"), title=_text(element, "name"),
        category=category, stem_format=_FORMATS_IN.get(text_format, "html"), line=line)
    answers = [(answer.get("fraction", "0"), _text(answer, "."), _text(answer, "feedback"))
               for answer in element.findall("answer")]
    problem = "the question has no text" if not question.stem else None
    if problem is None:
        if qtype == "truefalse":
            problem = _read_true_false(question, answers)
        else:
            problem = _read_choice(question, answers, element.findtext("single", "true"))
    if problem:
        result.errors.append((line, f"{qtype} question: {problem}"))
    else:
        result.questions.append(question)


def _fraction(raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"answer fraction {raw!r} is not a number") from None


def _read_choice(question: ParsedQuestion, answers: list[tuple[str, str, str]],
                 single: str) -> str | None:
    if any(not text for _, text, _ in answers):
        return "an answer has no text"
    try:
        weights = [_fraction(raw) for raw, _, _ in answers]
        question.kind, question.answer = classify_choice(
            weights, single.strip().lower() not in ("false", "0"))
    except ValueError as problem:
        return str(problem)
    question.options = [text for _, text, _ in answers]
    question.option_feedback = compact_feedback([note for _, _, note in answers])
    return None


def _read_true_false(question: ParsedQuestion, answers: list[tuple[str, str, str]]) -> str | None:
    by_word: dict[str, tuple[float, str]] = {}
    for raw, text, note in answers:
        word = text.lower()
        if word not in ("true", "false") or word in by_word:
            return "answers must be one 'true' and one 'false'"
        try:
            by_word[word] = (_fraction(raw), note)
        except ValueError as problem:
            return str(problem)
    right = [word for word, (fraction, _) in by_word.items() if abs(fraction - 100) < 1e-6]
    if len(right) != 1:
        return "exactly one of 'true' and 'false' must have fraction 100"
    question.kind, question.answer = "true_false", right[0]
    question.option_feedback = compact_feedback(
        [by_word.get("true", (0, ""))[1], by_word.get("false", (0, ""))[1]])
    return None


def _add_text(parent: ET.Element, tag: str, text: str, text_format: str | None = None,
              **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text_format:
        element.set("format", text_format)
    ET.SubElement(element, "text").text = _NOT_XML.sub("", text)
    return element


def to_moodle_xml(questions: list[ParsedQuestion]) -> str:
    """Write questions as a Moodle XML document that Moodle imports and
    ``parse_moodle_xml`` reads back unchanged (apart from ``line``)."""
    quiz = ET.Element("quiz")
    category = ""
    for question in questions:
        if question.category != category:
            category = question.category
            holder = ET.SubElement(quiz, "question", type="category")
            _add_text(holder, "category", f"$course$/top/{category}" if category else "$course$/top")
        quiz.append(_question_element(question))
    ET.indent(quiz, "  ")
    body = ET.tostring(quiz, "unicode", short_empty_elements=False)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + '\n'


def _question_element(question: ParsedQuestion) -> ET.Element:
    qtype = {"single": "multichoice", "multiple": "multichoice", "true_false": "truefalse"}.get(
        question.kind)
    if qtype is None:
        raise ValueError(f"cannot write a {question.kind!r} question as Moodle XML")
    text_format = _FORMATS_OUT.get(question.stem_format, "plain_text")
    element = ET.Element("question", type=qtype)
    _add_text(element, "name", question.title)
    _add_text(element, "questiontext", question.stem, text_format)
    _add_text(element, "generalfeedback", question.explanation, text_format)
    ET.SubElement(element, "defaultgrade").text = "1"
    ET.SubElement(element, "penalty").text = "1" if qtype == "truefalse" else "0.3333333"
    ET.SubElement(element, "hidden").text = "0"
    if qtype == "truefalse":
        feedback = (list(question.option_feedback) + ["", ""])[:2]
        for word, note in zip(("true", "false"), feedback, strict=True):
            answer = _add_text(element, "answer", word, "moodle_auto_format",
                               fraction="100" if question.answer == word else "0")
            _add_text(answer, "feedback", note, text_format)
        return element
    right = {LETTERS.index(letter) for letter in question.answer}
    ET.SubElement(element, "single").text = "true" if question.kind == "single" else "false"
    ET.SubElement(element, "shuffleanswers").text = "true"
    ET.SubElement(element, "answernumbering").text = "ABCD"
    feedback = list(question.option_feedback) + [""] * len(question.options)
    for index, option in enumerate(question.options):
        if question.kind == "single":
            fraction = "100" if index in right else "0"
        else:
            fraction = right_weights(len(right)) if index in right else format_weight(-100)
        answer = _add_text(element, "answer", option, text_format, fraction=fraction)
        _add_text(answer, "feedback", feedback[index], text_format)
    return element
