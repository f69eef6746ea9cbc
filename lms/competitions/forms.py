"""Forms for organising competitions: the rules, rounds, stations,
allowances, judges, the theory exam and entries."""

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from lms.competitions.models import CompetitionLevel
from lms.competitions.services.events import CompetitionRules
from lms.core.vocabulary import FUNCTIONAL_AREAS

LEVEL_LABELS = {CompetitionLevel.CITY: _l("City competition"), CompetitionLevel.PROVINCE: _l("Province competition")}
STATUS_LABELS = {"draft": _l("Draft"), "open": _l("Published"), "finished": _l("Finished")}
AREA_LABELS = FUNCTIONAL_AREAS
MAX_PRIZE_LINES = 3  # content/competitions/prizes.yaml names three prizes

# "3,7,10", "3，7，10", "3、7、10" or "3 7 10": however the numbers are typed.
_SEPARATORS = re.compile(r"[\s,，、;；]+")


def parse_lines(text: str) -> tuple[int, ...] | None:
    """The whole numbers of a prize line text, or None when one is not a whole number."""
    parts = [part for part in _SEPARATORS.split(text or "") if part]
    if not all(part.isdigit() for part in parts):
        return None
    return tuple(int(part) for part in parts)


class RulesForm(FlaskForm):
    """A competition's rules: what ``services.events.CompetitionRules`` holds.
    ``region_level`` is the organising region's level, which the competition's
    level must match."""

    name = StringField(_l("Competition name"), validators=[DataRequired(), Length(max=128)])
    level = SelectField(_l("Competition level"), choices=list(LEVEL_LABELS.items()), validators=[DataRequired()])
    item = StringField(_l("Competition item"), validators=[DataRequired(), Length(max=64)],
                       render_kw={"placeholder": _l("e.g. elderly care (the occupation competed in)")})
    starts_on = DateField(_l("First day of the competition"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day of the competition"), validators=[DataRequired()])
    theory_weight = IntegerField(_l("Theory weight (percent)"), default=20,
                                 validators=[InputRequired(), NumberRange(0, 100)])
    practical_weight = IntegerField(_l("Practical weight (percent)"), default=80,
                                    validators=[InputRequired(), NumberRange(0, 100)])
    prize_kind = RadioField(_l("Prizes are given"), default="counts",
                            choices=[("counts", _l("as numbers of places")), ("shares", _l("as percent shares"))])
    prize_lines = StringField(_l("Prize lines, best prize first"), default="3,7,10",
                              validators=[DataRequired(), Length(max=40)])
    merit = BooleanField(_l("Everyone else ranked receives the merit award"), default=True)
    team_best_n = IntegerField(_l("Team score: sum of each unit's best N totals"), default=3,
                               validators=[InputRequired(), NumberRange(1, 50)])
    drop_extremes_from = IntegerField(_l("Drop the highest and lowest mark from this many judges (0: never)"),
                                      default=5, validators=[InputRequired(), NumberRange(0, 50)])
    disagreement = DecimalField(_l("Flag a judgement mark this many grades from the other judges"), places=2,
                                default=Decimal(1), validators=[InputRequired(), NumberRange(0, 3)])
    rules = TextAreaField(_l("Rules text (shown on the public page)"), validators=[Optional(), Length(max=5000)])

    def __init__(self, *args, region_level: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_level = region_level

    def _organiser_level(self) -> str | None:
        return self.region_level

    def validate_level(self, field) -> None:
        level = self._organiser_level()
        if level is None:
            return
        expected = CompetitionLevel.PROVINCE if level == "province" else CompetitionLevel.CITY
        if field.data != expected:
            raise ValidationError(_l("A city competition is organised by a city, a province competition by "
                                     "the province: choose the level that matches the organising region."))

    def validate_practical_weight(self, field) -> None:
        if self.theory_weight.data is not None and field.data is not None \
                and self.theory_weight.data + field.data != 100:
            raise ValidationError(_l("The theory and practical weights must add up to 100."))

    def validate_prize_lines(self, field) -> None:
        lines = parse_lines(field.data)
        if not lines:
            raise ValidationError(_l("Give whole numbers separated by commas, e.g. 3,7,10."))
        if len(lines) > MAX_PRIZE_LINES:
            raise ValidationError(_l("At most %(n)s prize lines.", n=MAX_PRIZE_LINES))
        if self.prize_kind.data == "shares" and sum(lines) > 100:
            raise ValidationError(_l("The shares add up to more than 100%."))

    def validate_drop_extremes_from(self, field) -> None:
        if field.data is not None and 0 < field.data < 3:
            raise ValidationError(_l("Dropping the highest and lowest mark needs at least 3 judges (or 0: never)."))

    def validate_disagreement(self, field) -> None:
        if field.data is not None and field.data != field.data.quantize(Decimal("0.01")):
            raise ValidationError(_l("At most two decimals."))

    def validate_ends_on(self, field) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first."))

    def competition_rules(self) -> CompetitionRules:
        """The rules as the service takes them."""
        lines = parse_lines(self.prize_lines.data) or ()
        shares = self.prize_kind.data == "shares"
        return CompetitionRules(
            name=self.name.data, level=self.level.data, item=self.item.data, starts_on=self.starts_on.data,
            ends_on=self.ends_on.data, theory_weight=self.theory_weight.data,
            practical_weight=self.practical_weight.data, prize_counts=() if shares else lines,
            prize_shares=lines if shares else (), merit=self.merit.data, team_best_n=self.team_best_n.data,
            drop_extremes_from=self.drop_extremes_from.data,
            disagreement_hundredths=int(self.disagreement.data * 100), rules=self.rules.data or "")

    def fill_from(self, competition) -> None:
        """Show a competition's current rules (editing)."""
        for name in ("name", "level", "item", "starts_on", "ends_on", "theory_weight", "practical_weight",
                     "team_best_n", "drop_extremes_from", "rules"):
            getattr(self, name).data = getattr(competition, name)
        scheme = competition.prize_scheme
        self.prize_kind.data = "shares" if scheme.get("shares") else "counts"
        self.prize_lines.data = ",".join(str(n) for n in scheme.get("shares") or scheme.get("counts") or [])
        self.merit.data = bool(scheme.get("merit"))
        self.disagreement.data = Decimal(competition.disagreement_hundredths) / 100


class CompetitionForm(RulesForm):
    """A new competition: its rules, the organising region (one of the
    user's, at unit or province level) and, optionally, the host institution
    (inside that region)."""

    region = SelectField(_l("Organised by civil affairs of"), coerce=int, validators=[DataRequired()])
    host = SelectField(_l("Host institution (sets the theory exam)"), coerce=int, default=0)

    def __init__(self, *args, regions=(), institutions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.regions = {region.id: region for region in regions}
        self.institutions = {institution.id: institution for institution in institutions}
        self.region.choices = [(region.id, region.name) for region in regions]
        self.host.choices = [(0, _l("None yet"))] + [
            (i.id, f"{i.name}（{i.region.name}）") for i in institutions]

    def _organiser_level(self) -> str | None:
        region = self.regions.get(self.region.data)
        return region.level if region else None

    def validate_host(self, field) -> None:
        host, region = self.institutions.get(field.data), self.regions.get(self.region.data)
        if host is not None and region is not None and not host.region.path.startswith(region.path):
            raise ValidationError(_l("The host institution must lie inside the organising region."))


class AdvancementForm(FlaskForm):
    """How many of a round advance: a number, a share, or (both empty) none."""

    advance_top_n = IntegerField(_l("Number who advance to the next round"),
                                 validators=[Optional(), NumberRange(1, 1000)])
    advance_share = IntegerField(_l("Or the percent who advance"), validators=[Optional(), NumberRange(1, 100)])

    def validate_advance_share(self, field) -> None:
        if field.data is not None and self.advance_top_n.data is not None:
            raise ValidationError(_l("Give either the number or the share who advance, not both."))


class RoundForm(AdvancementForm):
    name = StringField(_l("Round name"), validators=[DataRequired(), Length(max=64)],
                       render_kw={"placeholder": _l("e.g. preliminary round, final")})


class StationForm(FlaskForm):
    scheme = SelectField(_l("Marking scheme"), validators=[DataRequired()])


class AllowanceForm(FlaskForm):
    unit = SelectField(_l("Unit"), coerce=int, validators=[DataRequired()])
    places = IntegerField(_l("Places"), validators=[InputRequired(), NumberRange(0, 500)])


class JudgeForm(FlaskForm):
    username = StringField(_l("Examiner's username"), validators=[DataRequired(), Length(max=64)])
    unit = SelectField(_l("Home unit (contestants of this unit are kept from the judge)"), coerce=int, default=0)
    is_chief = BooleanField(_l("Chief judge"))


class AssignForm(FlaskForm):
    judge = SelectField(_l("Judge"), coerce=int, validators=[DataRequired()])


class TheoryExamForm(FlaskForm):
    exam = SelectField(_l("Theory exam"), coerce=int, validators=[DataRequired()])


class ActionForm(FlaskForm):
    """A button that changes something: the form carries the CSRF check."""


class EntryForm(FlaskForm):
    person = HiddenField(validators=[DataRequired()])
