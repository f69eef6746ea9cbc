"""Station marking schemes (赛项评分标准) for skill competitions: reading and
checking ``content/competitions/stations/<code>.yaml``.

A scheme has the shape of a WorldSkills CIS marking scheme. *Measurement*
aspects are objective: the aspect is met (its points), met with exactly one of
its listed shortfalls (its points less that deduction) or not met (0).
*Judgement* aspects are graded 0–3 by each judge against the written
descriptors and scaled to the aspect's points. Points are kept in hundredths
(integers), so that a station adds up to exactly 100 and no float rounding
creeps into rankings.

Every problem of a file is reported, each as ``path:line: what is wrong``.
"""

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from lms.core.content import content_dir
from lms.core.content_files import Checker, ContentProblem, line_of, load_yaml
from lms.core.vocabulary import FUNCTIONAL_AREAS

MEASUREMENT = "measurement"
JUDGEMENT = "judgement"
KINDS = (MEASUREMENT, JUDGEMENT)
LEVELS = (5, 4)
GRADES = (0, 1, 2, 3)
TOTAL_HUNDREDTHS = 100_00
MIN_ASPECTS, MAX_ASPECTS = 8, 20

_STATION_CODE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ASPECT_CODE = re.compile(r"[a-z0-9]+")
_SCHEME_KEYS = {"code", "title", "area", "level", "minutes", "scenario", "aspects", "references"}
_ASPECT_KEYS = {"code", "kind", "title", "max_points", "deductions", "descriptors"}


@dataclass(frozen=True)
class AspectSpec:
    """One aspect of a station's scheme; points in hundredths. Deductions are
    (text, hundredths) for measurement aspects; descriptors are the texts of
    grades 0–3 for judgement aspects."""

    code: str
    kind: str
    title: str
    max_hundredths: int
    deductions: tuple[tuple[str, int], ...]
    descriptors: tuple[str, ...]


@dataclass(frozen=True)
class SchemeSpec:
    """A station's scheme as read from its file; ``source_hash`` (sha256 of
    the text) tells whether the file changed since it was last loaded."""

    code: str
    title: str
    area: str
    level: int
    minutes: int
    scenario: str
    aspects: tuple[AspectSpec, ...]
    references: tuple[str, ...]
    source_hash: str


class SchemeProblems(Exception):
    """Every problem of one scheme file, each as ``path:line: what is wrong``."""

    def __init__(self, problems: list[ContentProblem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _hundredths(value) -> int | None:
    """Points as hundredths, or None when ``value`` is not a number with at
    most two decimals. Parsed through ``str`` so that 0.1 stays 0.1 and is
    not the nearest binary float."""
    # YAML reads yes/true as a bool, and a bool is an int in Python: refuse it.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite() or number.as_tuple().exponent < -2:
        return None
    return int(number * 100)


def _shown(hundredths: int) -> str:
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def _text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _unknown_keys(check: Checker, path: Path, mapping: dict, allowed: set, where: str) -> None:
    # A misspelt key (``descriptor:``) would otherwise be silently ignored.
    for key in mapping:
        check.require(key in allowed, path, line_of(mapping, str(key)), f"{where}unknown key {key!r}")


def _check_deductions(check: Checker, path: Path, aspect: dict, name: str,
                      max_hundredths: int | None) -> tuple[tuple[str, int], ...]:
    raw = aspect.get("deductions")
    if raw is None:
        return ()
    if not check.require(isinstance(raw, list), path, line_of(aspect, "deductions"),
                         f"{name}: deductions must be a list of {{text, points}}"):
        return ()
    found = []
    for deduction in raw:
        line = line_of(deduction) if isinstance(deduction, dict) else line_of(aspect, "deductions")
        if not check.require(isinstance(deduction, dict), path, line,
                             f"{name}: each deduction is a mapping with text and points"):
            continue
        text, points = deduction.get("text"), _hundredths(deduction.get("points"))
        check.require(_text(text), path, line, f"{name}: a deduction needs a text")
        if not check.require(points is not None and points > 0, path, line,
                             f"{name}: a deduction's points must be a number above 0 with at most 2 decimals"):
            continue
        if max_hundredths is not None:
            check.require(points < max_hundredths, path, line,
                          f"{name}: a deduction of {_shown(points)} must be less than "
                          f"max_points {_shown(max_hundredths)}")
        if _text(text):
            found.append((text.strip(), points))
    return tuple(found)


def _check_descriptors(check: Checker, path: Path, aspect: dict, name: str) -> tuple[str, ...]:
    raw = aspect.get("descriptors")
    line = line_of(aspect, "descriptors")
    if not check.require(isinstance(raw, dict), path, line,
                         f"{name}: a judgement aspect needs descriptors for grades 0, 1, 2 and 3"):
        return ()
    wanted = [str(grade) for grade in GRADES]
    # YAML reads ``0:`` as an int key and ``"0":`` as a text key; both name grade 0.
    grades = {str(key): value for key, value in raw.items() if not isinstance(key, bool) and str(key) in wanted}
    extra = [str(key) for key in raw if isinstance(key, bool) or str(key) not in wanted]
    missing = [grade for grade in wanted if grade not in grades]
    check.require(not missing, path, line, f"{name}: descriptors lack grade {', '.join(missing)}")
    check.require(not extra, path, line, f"{name}: descriptors have unknown grade {', '.join(extra)}")
    texts = []
    for grade, value in sorted(grades.items()):
        check.require(_text(value), path, line_of(raw, grade), f"{name}: the descriptor of grade {grade} is empty")
        texts.append(str(value or "").strip())
    return tuple(texts) if len(texts) == len(GRADES) else ()


def _check_aspect(check: Checker, path: Path, aspect, number: int, seen: set,
                  list_line: int) -> AspectSpec | None:
    """Check one aspect; problems go to ``check``, the spec comes back (None
    when the aspect has a problem)."""
    before = len(check.problems)
    if not check.require(isinstance(aspect, dict), path, list_line, f"aspect {number} must be a mapping"):
        return None
    line = line_of(aspect)
    code = aspect.get("code")
    name = f"aspect {code}" if isinstance(code, str) and code else f"aspect {number}"
    _unknown_keys(check, path, aspect, _ASPECT_KEYS, f"{name}: ")
    if check.require(isinstance(code, str) and _ASPECT_CODE.fullmatch(code) is not None, path,
                     line_of(aspect, "code"), f"{name}: code must be lowercase letters and digits"):
        check.require(code not in seen, path, line_of(aspect, "code"), f"{name}: code is used twice")
        seen.add(code)
    kind = aspect.get("kind")
    check.require(kind in KINDS, path, line_of(aspect, "kind"),
                  f"{name}: kind must be {MEASUREMENT} or {JUDGEMENT}, not {kind!r}")
    check.require(_text(aspect.get("title")), path, line, f"{name}: title is missing")
    max_hundredths = _hundredths(aspect.get("max_points"))
    if not check.require(max_hundredths is not None and max_hundredths > 0, path, line_of(aspect, "max_points"),
                         f"{name}: max_points must be a number above 0 with at most 2 decimals"):
        max_hundredths = None
    deductions, descriptors = (), ()
    if kind == MEASUREMENT:
        check.require("descriptors" not in aspect, path, line_of(aspect, "descriptors"),
                      f"{name}: a measurement aspect has no descriptors")
        deductions = _check_deductions(check, path, aspect, name, max_hundredths)
    elif kind == JUDGEMENT:
        check.require("deductions" not in aspect, path, line_of(aspect, "deductions"),
                      f"{name}: a judgement aspect has no deductions")
        descriptors = _check_descriptors(check, path, aspect, name)
    if len(check.problems) > before:
        return None
    return AspectSpec(code=code, kind=kind, title=aspect["title"].strip(), max_hundredths=max_hundredths,
                      deductions=deductions, descriptors=descriptors)


def read_scheme(path: Path) -> SchemeSpec:
    """Read and check one station scheme file. Raises ``SchemeProblems``
    listing every problem of the file, each with its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise SchemeProblems([ContentProblem(path, 1 + path.read_bytes()[: error.start].count(b"\n"),
                                             "the file is not UTF-8 text")]) from None
    try:
        meta = load_yaml(text, path)
    except ContentProblem as problem:
        raise SchemeProblems([problem]) from None
    if not isinstance(meta, dict):
        raise SchemeProblems([ContentProblem(path, 1, "a station scheme is a YAML mapping")])
    check = Checker()
    _unknown_keys(check, path, meta, _SCHEME_KEYS, "")
    code = meta.get("code")
    check.require(code == path.stem, path, line_of(meta, "code"), "code must equal the file name")
    check.require(isinstance(code, str) and _STATION_CODE.fullmatch(code) is not None, path,
                  line_of(meta, "code"), "code must be lowercase letters, digits and single hyphens")
    check.require(_text(meta.get("title")), path, line_of(meta, "title"), "title is missing")
    check.require(isinstance(meta.get("area"), str) and meta["area"] in FUNCTIONAL_AREAS, path, line_of(meta, "area"),
                  f"area {meta.get('area')!r} is not a known functional area")
    check.require(meta.get("level") in LEVELS and _whole(meta.get("level")), path, line_of(meta, "level"),
                  "level must be 5 or 4")
    check.require(_whole(meta.get("minutes")) and meta["minutes"] > 0, path, line_of(meta, "minutes"),
                  "minutes must be a positive whole number")
    check.require(_text(meta.get("scenario")), path, line_of(meta, "scenario"), "scenario is missing")
    references = meta.get("references") or []
    check.require(isinstance(references, list) and all(_text(r) for r in references), path,
                  line_of(meta, "references"), "references must be a list of non-empty texts")

    raw = meta.get("aspects")
    aspects_line = line_of(meta, "aspects")
    if check.require(isinstance(raw, list), path, aspects_line, "aspects must be a list of aspects"):
        check.require(MIN_ASPECTS <= len(raw) <= MAX_ASPECTS, path, aspects_line,
                      f"a station has {MIN_ASPECTS}–{MAX_ASPECTS} aspects, not {len(raw)}")
    else:
        raw = []
    seen: set[str] = set()
    aspects = [_check_aspect(check, path, aspect, number, seen, aspects_line) for number, aspect in enumerate(raw, 1)]
    # The total is only meaningful when every aspect's points could be read.
    points = [_hundredths(a.get("max_points")) if isinstance(a, dict) else None for a in raw]
    if raw and all(p is not None and p > 0 for p in points):
        total = sum(points)
        check.require(total == TOTAL_HUNDREDTHS, path, aspects_line,
                      f"the aspects' max_points add up to {_shown(total)}, not 100")
    if check.problems:
        raise SchemeProblems(check.problems)
    return SchemeSpec(
        code=code, title=meta["title"].strip(), area=meta["area"], level=meta["level"],
        minutes=meta["minutes"], scenario=meta["scenario"].strip(), aspects=tuple(aspects),
        references=tuple(r.strip() for r in references),
        source_hash=hashlib.sha256(text.encode("utf-8")).hexdigest())


def schemes_folder() -> Path:
    """Where the station schemes are: ``<content>/competitions/stations``
    (``LMS_CONTENT_DIR`` when set, else the repository's content/ folder).
    Needs an application context."""
    return content_dir() / "competitions" / "stations"


def load_schemes(folder: Path | None = None) -> tuple[list[SchemeSpec], list[str]]:
    """Every good scheme in ``folder`` (default ``schemes_folder()``) sorted
    by code, and the problems of the files that are not good."""
    folder = folder if folder is not None else schemes_folder()
    specs, problems = [], []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            specs.append(read_scheme(path))
        except SchemeProblems as bad:
            problems.extend(str(problem) for problem in bad.problems)
    return sorted(specs, key=lambda spec: spec.code), problems


def scheme_by_code(code: str, folder: Path | None = None) -> SchemeSpec | None:
    """The scheme of station ``code``, or None when there is no such station.
    A file that exists but is broken raises ``SchemeProblems``: hiding it as
    "no such station" would leave a competition without its marking scheme
    and no one told why."""
    # The code becomes a file name: anything but a station code (say "../x") is no station.
    if not isinstance(code, str) or _STATION_CODE.fullmatch(code) is None:
        return None
    path = (folder if folder is not None else schemes_folder()) / f"{code}.yaml"
    return read_scheme(path) if path.is_file() else None
