"""The subsidy package of a closed class: a page saying what is in it, and
its two downloads (the workbook with every row of evidence, the PDF to read
and print). Institution staff of the class's institution and civil-affairs
staff of its region; another region's class is a 404."""


from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from lms.core.access import Role, allow, get_in_scope_or_404
from lms.core.downloads import attachment
from lms.subsidies import queries
from lms.subsidies.pdf import package_pdf
from lms.subsidies.workbook import subsidy_workbook
from lms.training.models import ClassStatus, TrainingClass

bp = Blueprint("subsidies", __name__)

STAFF = (Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS)


def _form_language():
    # The package is filed with the civil-affairs department: it is in the
    # service's default language (Simplified Chinese), whatever the language
    # of the staff member's pages.
    return force_locale(current_app.config["BABEL_DEFAULT_LOCALE"])


def _refuse_open_class(cls: TrainingClass):
    """A redirect to the package page saying why there is no file yet, or
    None for a closed class."""
    if cls.status == ClassStatus.CLOSED:
        return None
    flash(_("The subsidy package is made when the class is closed; this class is not closed yet."), "error")
    return redirect(url_for("subsidies.package", class_id=cls.id))


@bp.get("/classes/<int:class_id>/subsidy")
@allow(*STAFF)
def package(class_id: int):
    cls = get_in_scope_or_404(TrainingClass, class_id)
    is_closed = cls.status == ClassStatus.CLOSED
    return render_template("subsidies/package.html", cls=cls, is_closed=is_closed,
                           counts=queries.package_counts(cls) if is_closed else None)


@bp.get("/classes/<int:class_id>/subsidy.xlsx")
@allow(*STAFF)
def workbook(class_id: int):
    cls = get_in_scope_or_404(TrainingClass, class_id)
    if refused := _refuse_open_class(cls):
        return refused
    with _form_language():
        data = subsidy_workbook(queries.subsidy_package(cls))
    return attachment(data, f"subsidy-{cls.id}.xlsx")


@bp.get("/classes/<int:class_id>/subsidy.pdf")
@allow(*STAFF)
def pdf(class_id: int):
    cls = get_in_scope_or_404(TrainingClass, class_id)
    if refused := _refuse_open_class(cls):
        return refused
    with _form_language():
        data = package_pdf(queries.subsidy_package(cls))
    return attachment(data, f"subsidy-{cls.id}.pdf", "application/pdf")
