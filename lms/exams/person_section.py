"""The assessments section of a person's staff page: theory exams with their
attempts and practical assessments, each linked when the viewer may open it."""

from flask import render_template

from lms.core.access import in_scope
from lms.exams import queries
from lms.people.models import Person
from lms.people.sections import person_section


@person_section(order=20)
def assessments_section(person: Person):
    """Exams the person is admitted to (with attempts) and practical results."""
    exams = queries.exams_for_person(person)
    practicals = queries.practical_results_for(person)
    return render_template("exams/_person_section.html", exams=exams, practicals=practicals,
                           may_open=in_scope)
