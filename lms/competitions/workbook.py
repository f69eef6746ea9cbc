"""A round's results as an Excel workbook, for the organisers: the ranking
(published, or the live standings marked as not published), every judge's
mark, and the team ranking once published.

Scores are written as numbers with two decimals, exactly as published;
measurement marks in points, judgement marks as grades 0–3. Times are the
service's local time as text, so that no spreadsheet shifts them."""

from decimal import Decimal
from io import BytesIO

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from lms.auth.models import User
from lms.competitions.models import (
    Aspect,
    AspectKind,
    CompetitionRound,
    Contestant,
    Judge,
    Mark,
    Station,
)
from lms.competitions.queries import published_results, team_standings
from lms.competitions.services.results import rank_round
from lms.core.time import local_datetime
from lms.extensions import db

BOLD = Font(bold=True)
SCORE = "0.00"


def _sheet(book: Workbook, title: str, headers: list[tuple[str, int]]):
    sheet = book.create_sheet(title)
    for index, (_header, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    cells = []
    for header, _width in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = BOLD
        cells.append(cell)
    sheet.append(cells)
    return sheet


def _score(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = SCORE
    return cell


def _results_rows(round_: CompetitionRound) -> list[list]:
    """[rank, number, name, unit, theory, practical, total, prize, advances, note, status] per contestant."""
    if round_.results_published_at is not None:
        return [[row.result.rank, row.number, row.name, row.unit, row.result.theory, row.result.practical,
                 row.result.total, row.result.prize or "", _("Yes") if row.result.advances else "",
                 _("No theory sitting") if row.result.note == "no_theory" else "", _("Published results")]
                for row in published_results(round_)]
    contestants = {c.id: c for c in db.session.scalars(select(Contestant).where(Contestant.round_id == round_.id))}
    rows = []
    for ranked in rank_round(round_):
        contestant = contestants[ranked.standing.key]
        rows.append([ranked.rank, contestant.number, contestant.entry.person.name, contestant.entry.unit.name,
                     ranked.standing.theory, ranked.standing.practical, ranked.standing.total, ranked.prize or "",
                     "", "", _("Not published")])
    return rows


def _results_sheet(book: Workbook, round_: CompetitionRound) -> None:
    sheet = _sheet(book, _("Results"), [
        (_("Rank"), 6), (_("Contestant number"), 10), (_("Name"), 12), (_("Unit"), 16), (_("Theory"), 9),
        (_("Practical"), 9), (_("Total score"), 9), (_("Prize"), 10), (_("Advances"), 8), (_("Note"), 14),
        (_("Status"), 10)])
    for row in _results_rows(round_):
        sheet.append(row[:4] + [_score(sheet, value) for value in row[4:7]] + row[7:])


def _marks_sheet(book: Workbook, round_: CompetitionRound) -> None:
    sheet = _sheet(book, _("Mark details"), [
        (_("Contestant number"), 10), (_("Station"), 30), (_("Aspect"), 40), (_("Kind"), 10), (_("Judge"), 12),
        (_("Points or grade"), 10), (_("Time"), 20)])
    kinds = {AspectKind.MEASUREMENT: _("Measurement"), AspectKind.JUDGEMENT: _("Judgement")}
    rows = db.session.execute(
        select(Contestant.number, Station.title, Aspect.code, Aspect.title, Aspect.kind, User.display_name,
               Mark.value, Mark.updated_at)
        .select_from(Mark)
        .join(Aspect, Aspect.id == Mark.aspect_id).join(Station, Station.id == Aspect.station_id)
        .join(Contestant, Contestant.id == Mark.contestant_id).join(Judge, Judge.id == Mark.judge_id)
        .join(User, User.id == Judge.user_id)
        .where(Station.round_id == round_.id)
        .order_by(Contestant.number, Station.position, Aspect.position, User.display_name, Judge.id))
    for number, station, code, title, kind, judge, value, at in rows:
        shown = _score(sheet, Decimal(value).scaleb(-2)) if kind == AspectKind.MEASUREMENT else value
        sheet.append([number, station, f"{code} {title}", kinds.get(kind, kind), judge, shown,
                      local_datetime(at, seconds=True)])


def _teams_sheet(book: Workbook, round_: CompetitionRound) -> None:
    sheet = _sheet(book, _("Teams"), [(_("Rank"), 6), (_("Unit"), 16), (_("Team score"), 10),
                                      (_("Contestants counted"), 10)])
    for team in team_standings(round_):
        sheet.append([team.rank, team.unit, _score(sheet, team.total), team.counted])


def round_workbook(round_: CompetitionRound) -> bytes:
    """The .xlsx of ``round_``: results, mark details and (once published) teams."""
    book = Workbook(write_only=True)
    _results_sheet(book, round_)
    _marks_sheet(book, round_)
    if round_.results_published_at is not None:
        _teams_sheet(book, round_)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()

