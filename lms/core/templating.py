"""What every template can use: masking filters, preferences, navigation."""

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms.core.access import Role
from lms.core.content_files import LETTERS
from lms.core.masking import mask_name, mask_phone
from lms.core.preferences import current_language, is_elder_mode
from lms.core.time import local_clock, local_datetime

ROLE_LABELS = {
    Role.TRAINEE: _l("Trainee"),
    Role.INSTITUTION_STAFF: _l("Institution staff"),
    Role.EXAMINER: _l("Examiner"),
    Role.CIVIL_AFFAIRS: _l("Civil-affairs staff"),
    Role.SYSTEM_ADMIN: _l("System administrator"),
    Role.SECURITY_ADMIN: _l("Security administrator"),
    Role.AUDIT_ADMIN: _l("Audit administrator"),
}

# (endpoint, label, roles that see it): the navigation, role-aware.
NAVIGATION = (
    ("courses.my_learning", _l("My learning"), {Role.TRAINEE}),
    ("courses.catalogue", _l("Courses"), {Role.TRAINEE, Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS}),
    ("courses.progress", _l("Study progress"), {Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS}),
    ("training.my_schedule", _l("My classes"), {Role.TRAINEE}),
    ("people.me", _l("My record"), {Role.TRAINEE}),
    ("people.index", _l("Trainees"), {Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS}),
    ("training.classes", _l("Training classes"), {Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS}),
    ("regions.institutions", _l("Institutions"),
     {Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS, Role.SYSTEM_ADMIN}),
    ("exams.mine", _l("My exams"), {Role.TRAINEE}),
    ("exams.index", _l("Exams"), {Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS}),
    ("exams.practical_index", _l("Practical assessments"), {Role.EXAMINER}),
    ("competitions.judging", _l("Competition judging"), {Role.EXAMINER}),
    ("certs.mine", _l("My certificates"), {Role.TRAINEE}),
    ("certs.index", _l("Certificates"), {Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS}),
    ("certs.print_jobs", _l("Print jobs"), {Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS}),
    ("quotas.index", _l("Training targets"), {Role.CIVIL_AFFAIRS}),
    ("competitions.index", _l("Skill competitions"), {Role.CIVIL_AFFAIRS}),
    ("regions.tree", _l("Regions"), {Role.CIVIL_AFFAIRS, Role.SYSTEM_ADMIN}),
    ("admin.users", _l("Users"), {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN}),
    ("api_admin.clients", _l("API clients"), {Role.SECURITY_ADMIN}),
    ("admin.audit_log", _l("Audit log"), {Role.AUDIT_ADMIN}),
)


def navigation_for_current_user() -> list[tuple[str, str]]:
    """The navigation links the signed-in user may follow."""
    if not current_user.is_authenticated:
        return []
    return [(endpoint, label) for endpoint, label, roles in NAVIGATION
            if current_user.has_any_role(roles)]


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["mask_name"] = mask_name
    app.jinja_env.filters["mask_phone"] = mask_phone
    app.jinja_env.filters["datetime"] = local_datetime
    app.jinja_env.filters["clock"] = local_clock

    @app.context_processor
    def _globals():
        return {
            "elder_mode": is_elder_mode(),
            "current_language": current_language(),
            "navigation": navigation_for_current_user(),
            "role_labels": ROLE_LABELS,
            # The letters a choice question's options are shown with: the same
            # string that checks answers, so a page never labels an option the
            # grader would not accept.
            "option_letters": LETTERS,
        }
