"""Reading content files (YAML) with line numbers, so that every problem is
reported as ``path:line: what is wrong``; and the checks of a choice question
that lesson quizzes and question banks share."""

from dataclasses import dataclass
from pathlib import Path

import yaml

QUESTION_KINDS = ("single", "multiple", "true_false")
LETTERS = "ABCDEFGH"


class ContentProblem(Exception):
    """One problem in one file, at one line (1-based; 0 when not known)."""

    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


class _Mapping(dict):
    """A YAML mapping that remembers the line of each key."""

    line = 0
    key_lines: dict


class _LineLoader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
        mapping = _Mapping(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {key.value: key.start_mark.line + 1 for key, _ in node.value
                             if isinstance(key, yaml.ScalarNode)}
        return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping)


def line_of(mapping, key: str | None = None, offset: int = 0) -> int:
    """The 1-based line of ``key`` in a mapping read by ``load_yaml`` (of the
    mapping itself without a key), shifted by ``offset``."""
    if isinstance(mapping, _Mapping):
        return (mapping.key_lines.get(key, mapping.line) if key else mapping.line) + offset
    return offset


def load_yaml(text: str, path: Path, offset: int = 0):
    """Parse YAML whose mappings remember their lines; a syntax error becomes a
    ``ContentProblem`` at its line."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 — a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 + offset if mark else offset
        raise ContentProblem(path, line, f"YAML: {getattr(error, 'problem', error)}") from None


@dataclass
class QuestionSpec:
    kind: str
    stem: str
    options: list[str]
    answer: str
    explanation: str


class Checker:
    """Collects every problem of one file or folder instead of stopping at the first."""

    def __init__(self):
        self.problems: list[ContentProblem] = []

    def require(self, ok: bool, path: Path, line: int, message: str) -> bool:
        if not ok:
            self.problems.append(ContentProblem(path, line, message))
        return ok


def check_question(check: Checker, path: Path, q, offset: int, number: int) -> QuestionSpec | None:
    """Check one question mapping; problems go to ``check``, the spec comes back."""
    line = line_of(q, None, offset)
    if not check.require(isinstance(q, dict), path, line, f"quiz question {number} must be a mapping"):
        return None
    kind, stem = q.get("type"), q.get("stem")
    options, answer = q.get("options") or [], q.get("answer")
    check.require(kind in QUESTION_KINDS, path, line_of(q, "type", offset),
                  f"question {number}: type must be one of {', '.join(QUESTION_KINDS)}")
    check.require(isinstance(stem, str) and stem.strip() != "", path, line, f"question {number}: stem is missing")
    if kind == "true_false":
        ok = check.require(isinstance(answer, bool), path, line_of(q, "answer", offset),
                           f"question {number}: a true_false answer is true or false")
        check.require(not options, path, line_of(q, "options", offset),
                      f"question {number}: a true_false question has no options")
        answer_text = ("true" if answer else "false") if ok else ""
    else:
        ok_options = check.require(
            isinstance(options, list) and 2 <= len(options) <= len(LETTERS)
            and all(isinstance(o, str | int | float) and str(o).strip() for o in options),
            path, line_of(q, "options", offset), f"question {number}: needs 2–8 non-empty options")
        answer_text = str(answer or "").strip().upper()
        valid = LETTERS[: len(options)] if ok_options else ""
        check.require(answer_text != "" and all(c in valid for c in answer_text)
                      and len(set(answer_text)) == len(answer_text),
                      path, line_of(q, "answer", offset),
                      f"question {number}: answer {answer!r} is not among the options' letters")
        expected = "exactly one letter" if kind == "single" else "two or more letters"
        check.require((len(answer_text) == 1) if kind == "single" else (len(answer_text) >= 2),
                      path, line_of(q, "answer", offset), f"question {number}: {kind} needs {expected}")
        answer_text = "".join(sorted(answer_text))
    return QuestionSpec(kind=kind, stem=str(stem or "").strip(), options=[str(o) for o in options],
                        answer=answer_text, explanation=str(q.get("explanation") or "").strip())


