"""A class's hours report: per trainee, online hours from the study clock,
classroom hours from attendance, hours recorded before CareLMS, and who has
enough for the assessment."""

from flask import render_template

from lms.core.access import Role, allow, get_in_scope_or_404
from lms.training.blueprint import bp
from lms.training.class_queries import class_report_rows
from lms.training.models import MINUTES_PER_HOUR, TrainingClass
from lms.training.queries import hours_threshold

STAFF = (Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS)


@bp.get("/classes/<int:class_id>/report")
@allow(*STAFF)
def class_report(class_id: int):
    cls = get_in_scope_or_404(TrainingClass, class_id)
    rows = class_report_rows(cls)
    return render_template("training/report.html", cls=cls, rows=rows, threshold=round(hours_threshold() * 100),
                           minutes_per_hour=MINUTES_PER_HOUR, below=sum(not r.hours.is_met for r in rows))
