"""The courses section of a person's staff page: enrolments, progress, hours,
and the way to the study record (the evidence) and to enrolment."""

from flask import render_template
from flask_login import current_user

from lms.core.access import Role
from lms.courses import queries
from lms.people.models import Person
from lms.people.sections import person_section


@person_section(order=10)
def study_section(person: Person):
    """Courses the person is on, with progress; enrolment links for institution staff."""
    rows = queries.my_learning(person)
    enrolled = {row.course.id for row in rows}
    open_courses = []
    if current_user.has_any_role({Role.INSTITUTION_STAFF}):
        open_courses = [course for course in queries.catalogue(everything=True)
                        if course.audience in person.categories and course.id not in enrolled
                        and not course.is_public]
    return render_template("courses/_person_section.html", person=person, rows=rows,
                           open_courses=open_courses, total_seconds=sum(row.seconds for row in rows))
