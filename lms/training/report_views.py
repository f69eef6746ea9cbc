"""A class's hours report: per trainee, online hours from the study clock,
classroom hours from attendance, hours recorded before CareLMS, and who has
enough for the assessment."""

from dataclasses import dataclass

from flask import render_template

from lms.core.access import Role, allow, get_in_scope_or_404
from lms.people.models import Person
from lms.training import class_queries
from lms.training.blueprint import bp
from lms.training.hours import classroom_minutes
from lms.training.models import MINUTES_PER_HOUR, TrainingClass
from lms.training.queries import HoursRecord, hours_records, hours_threshold

STAFF = (Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS)


@dataclass(frozen=True)
class ReportRow:
    """One trainee's line in the report."""

    person: Person
    hours: HoursRecord  # towards the programme, from every source and class
    class_minutes: int  # classroom minutes credited in this class
    planned_classroom: int  # minutes the plan's classroom hours make

    @property
    def classroom_rate(self) -> int | None:
        """This class's attendance as a whole percentage of its planned classroom hours."""
        return None if not self.planned_classroom else self.class_minutes * 100 // self.planned_classroom


def class_report_rows(cls: TrainingClass) -> list[ReportRow]:
    """The report's rows for everyone holding a place, by name."""
    people = class_queries.enrolled_people(cls)
    records = hours_records([p.id for p in people], cls.programme)
    attended = classroom_minutes(cls.id)
    planned = cls.classroom_hours * MINUTES_PER_HOUR
    return [ReportRow(person, records[person.id], attended.get(person.id, 0), planned) for person in people]


@bp.get("/classes/<int:class_id>/report")
@allow(*STAFF)
def class_report(class_id: int):
    cls = get_in_scope_or_404(TrainingClass, class_id)
    rows = class_report_rows(cls)
    return render_template("training/report.html", cls=cls, rows=rows, threshold=round(hours_threshold() * 100),
                           minutes_per_hour=MINUTES_PER_HOUR, below=sum(not r.hours.is_met for r in rows))
