"""What the judges' pages show, worked out from the queries as plain data:
the marks a judge may choose for an aspect, which contestant the sheet
shows, every judge's marks of a station (judges as 裁判1, 裁判2 …, never by
name; contestants by number, never by name or unit) and its appeals."""

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _

from lms.competitions import queries, scoring
from lms.competitions.models import Appeal, Aspect, AspectKind, Station


@dataclass(frozen=True)
class Choice:
    """One mark a judge may give: the stored value, its label and, for a
    grade, the descriptor the judge compares the performance with."""

    value: int
    label: str
    text: str = ""


def points_text(hundredths: int) -> str:
    """Hundredths of a point as points, without trailing zeros: 400 → "4", 250 → "2.5"."""
    text = f"{Decimal(hundredths).scaleb(-2):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def aspect_choices(aspect: Aspect) -> list[Choice]:
    """The marks offered for ``aspect``, in the order the sheet shows them:
    grades 0–3 with their descriptors, or full points, full points less each
    listed deduction, and none. A deduction that gives the same value as
    another choice is left out: two radio buttons with one value could not
    show which was meant."""
    if aspect.kind == AspectKind.JUDGEMENT:
        descriptors = aspect.descriptors
        return [Choice(grade, str(grade), descriptors[grade] if grade < len(descriptors) else "")
                for grade in range(4)]
    full = aspect.max_hundredths
    choices = [Choice(full, _("Full marks %(points)s", points=points_text(full)))]
    for deduction in aspect.deductions:
        value = full - deduction["hundredths"]
        if value > 0 and value not in {c.value for c in choices}:
            choices.append(Choice(value, _("Deduct %(points)s: %(text)s",
                                           points=points_text(deduction["hundredths"]), text=deduction["text"])))
    choices.append(Choice(0, _("Zero points")))
    return choices


def mark_text(aspect: Aspect, value: int) -> str:
    """A stored mark as the pages show it: the grade, or the points."""
    return str(value) if aspect.kind == AspectKind.JUDGEMENT else points_text(value)


@dataclass
class StationLine:
    """A station on the judge's list: the judge's progress, or (for the
    chief judge) how many marks all judges still owe."""

    station: Station
    done: int = 0
    expected: int = 0
    missing: int | None = None


def grouped(lines: list[StationLine]) -> list[tuple]:
    """[(competition, [(round, [line, …]), …]), …] in the lines' order."""
    groups: dict = {}
    for line in lines:
        round_ = line.station.round
        groups.setdefault(round_.competition, {}).setdefault(round_, []).append(line)
    return [(competition, list(rounds.items())) for competition, rounds in groups.items()]


@dataclass(frozen=True)
class SheetPage:
    """Which of the judge's contestants the sheet shows, which are fully
    marked (contestant id → bool), how many aspects of the shown one are
    marked, and the next one still to mark."""

    current: queries.SheetContestant | None
    complete: dict[int, bool]
    current_done: int
    following: queries.SheetContestant | None


def sheet_page(sheet: queries.JudgeSheet, chosen: int | None) -> SheetPage:
    """The contestant ``chosen`` (by id), else the first not fully marked,
    else the first. Raises ``LookupError`` when ``chosen`` is not on the
    judge's sheet (another round, or the judge's own unit)."""
    contestants = sheet.contestants
    done = {c.id: sum(1 for a in sheet.aspects if (c.id, a.id) in sheet.marks) for c in contestants}
    complete = {c.id: done[c.id] == len(sheet.aspects) for c in contestants}
    if chosen is not None:
        current = next((c for c in contestants if c.id == chosen), None)
        if current is None:
            raise LookupError("not on this judge's sheet")
    else:
        current = next((c for c in contestants if not complete[c.id]), contestants[0] if contestants else None)
    following = None
    if current is not None:
        after = contestants[contestants.index(current) + 1:] + contestants
        following = next((c for c in after if not complete[c.id] and c.id != current.id), None)
    return SheetPage(current, complete, done[current.id] if current else 0, following)


@dataclass(frozen=True)
class MarkCell:
    """One judge's mark of one aspect of one contestant."""

    label: str
    judge_id: int
    text: str | None
    flagged: bool
    mark_id: int | None


@dataclass(frozen=True)
class AspectRow:
    """An aspect with every judge's mark and its score (rounded for display)."""

    aspect: Aspect
    cells: list[MarkCell]
    score: Decimal | None


@dataclass(frozen=True)
class ContestantRow:
    """A contestant (by number) with every aspect's marks and scores, the
    number of flagged marks and the station score."""

    contestant_id: int
    number: str
    aspects: list[AspectRow]
    flagged: int = 0
    total: Decimal | None = None


def judge_labels(station: Station, marks: dict) -> dict[int, str]:
    """Judge id → 裁判1, 裁判2 … in judge id order: the same label on every
    page, and never a name. Judges who marked but are no longer assigned
    keep a label too, since their marks count."""
    ids = set(queries.station_judge_ids(station))
    ids |= {judge_id for rows in marks.values() for row in rows for judge_id in row.by_judge}
    return {judge_id: _("Judge %(n)s", n=n) for n, judge_id in enumerate(sorted(ids), start=1)}


def contestant_rows(station: Station, only: int | None = None) -> tuple[list[ContestantRow], dict[int, str]]:
    """The station's marks per contestant (every drawn contestant, or only
    the one with id ``only``) and the judges' labels."""
    marks = queries.station_marks(station)
    labels = judge_labels(station, marks)
    numbers = queries.contestant_numbers(station.round_id)
    mark_ids = queries.station_mark_ids(station)
    rows = []
    for contestant_id, aspects in marks.items():
        if only is not None and contestant_id != only:
            continue
        aspect_rows = [
            AspectRow(row.aspect, [MarkCell(label, judge_id,
                                            mark_text(row.aspect, row.by_judge[judge_id])
                                            if judge_id in row.by_judge else None,
                                            judge_id in row.flagged,
                                            mark_ids.get((contestant_id, row.aspect.id, judge_id)))
                                   for judge_id, label in labels.items()],
                      scoring.round_points(row.score) if row.score is not None else None)
            for row in aspects]
        exact = [row.score for row in aspects if row.score is not None]
        rows.append(ContestantRow(contestant_id, numbers[contestant_id], aspect_rows,
                                  flagged=sum(len(row.flagged) for row in aspects),
                                  total=scoring.round_points(sum(exact)) if exact else None))
    return rows, labels


@dataclass(frozen=True)
class AppealLine:
    """An appeal as the review lists it: which mark (contestant number,
    aspect, judge label), the values, who lodged and decided it, and the
    values a decision may set."""

    appeal: Appeal
    number: str
    aspect: Aspect
    judge_label: str
    old_text: str
    new_text: str | None
    lodged_by: str | None
    decided_by: str | None
    choices: list[Choice]


def appeal_lines(station: Station, labels: dict[int, str]) -> list[AppealLine]:
    """The station's appeals, oldest first."""
    numbers = queries.contestant_numbers(station.round_id)
    aspects = {aspect.id: aspect for aspect in station.aspects}
    lines = []
    for row in queries.station_appeals(station):
        aspect, appeal = aspects[row.aspect_id], row.appeal
        lines.append(AppealLine(
            appeal, numbers.get(row.contestant_id, "—"), aspect, labels.get(row.judge_id, "—"),
            mark_text(aspect, appeal.old_value),
            mark_text(aspect, appeal.new_value) if appeal.new_value is not None else None,
            row.lodged_by, row.decided_by, aspect_choices(aspect)))
    return lines
