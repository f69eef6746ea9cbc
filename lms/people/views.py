"""Registry pages: public sign-up, staff registration, lists and records."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from lms.auth import services as accounts
from lms.auth.session import start_session
from lms.core.access import PUBLIC, Role, allow, get_in_scope_or_404, in_scope
from lms.core.pagination import paginate
from lms.extensions import db, limiter
from lms.people import queries, services
from lms.people.forms import (
    CATEGORY_LABELS,
    LookupForm,
    SelfRegistrationForm,
    WorkerRegistrationForm,
)
from lms.people.models import Person
from lms.people.search import search_argument
from lms.people.sections import person_sections
from lms.regions.models import Region, RegionLevel
from lms.regions.queries import own_institution, region_by_code

bp = Blueprint("people", __name__)

_REGISTRY_ROLES = (Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS)


def _county_choices() -> dict[str, list[tuple[str, str]]]:
    """Counties grouped by allocation unit, for a plain <select> with optgroups."""
    regions = db.session.scalars(
        db.select(Region).where(Region.level == RegionLevel.COUNTY).order_by(Region.path)
    )
    groups: dict[str, list] = {}
    for region in regions:
        groups.setdefault(region.parent.name, []).append((region.code, region.name))
    return groups


def _duplicate_message(existing: Person) -> Markup:
    if in_scope(existing, _REGISTRY_ROLES):
        link = url_for("people.show", person_id=existing.id)
        return Markup(_("This ID number is registered already: %(link)s.")) % {
            "link": Markup('<a href="%s">%s</a>') % (link, escape(_("open the existing record")))
        }
    # Registered by another institution: say so, but show nothing of that record.
    return Markup(escape(_("This ID number is registered already by another institution. "
                           "One person has one record in CareLMS: ask the person to sign in "
                           "with their own account, or contact your civil-affairs office.")))


@bp.route("/register", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])
def register():
    form = SelfRegistrationForm()
    form.region.choices = _county_choices()
    if form.validate_on_submit():
        try:
            person = services.self_register_family_caregiver(
                name=form.name.data, id_number=form.id_number.data, phone=form.phone.data,
                region=region_by_code(form.region.data), password=form.password.data,
            )
        except services.DuplicatePerson:
            db.session.rollback()
            form.id_number.errors.append(_(
                "This ID number is registered already. Sign in with the mobile number you used, "
                "or ask your training institution for help."))
        except accounts.AccountError as error:
            db.session.rollback()
            form.phone.errors.append(str(error))
        else:
            db.session.commit()
            start_session(person.user)
            flash(_("Welcome! Your registration is complete."), "success")
            return redirect(url_for("core.home"))
    return render_template("people/register.html", form=form), 400 if form.errors else 200


@bp.get("/people")
@allow(*_REGISTRY_ROLES)
def index():
    category = request.args.get("category", "")
    # A full ID or mobile number is looked up by POST (below), never in the URL.
    search, refused = search_argument("people.index", category=category or None)
    if refused:
        return refused
    page = paginate(queries.people_stmt(search, category))
    return render_template("people/index.html", page=page, search=search, category=category,
                           category_labels=CATEGORY_LABELS, lookup_form=LookupForm(),
                           can_register=current_user.has_any_role({Role.INSTITUTION_STAFF}))


@bp.post("/people/lookup")
@allow(*_REGISTRY_ROLES)
def lookup():
    """Find a person by ID number. A POST, so the number never enters a URL."""
    form = LookupForm()
    if not form.validate_on_submit():
        for error in form.id_number.errors:
            flash(error, "error")
        return redirect(url_for("people.index"))
    person = services.find_by_id_number(form.id_number.data)
    if person is None or not in_scope(person):
        flash(_("No trainee with this ID number in your area."), "info")
        return redirect(url_for("people.index"))
    return redirect(url_for("people.show", person_id=person.id))


@bp.route("/people/new", methods=["GET", "POST"])
@allow(Role.INSTITUTION_STAFF)
def new():
    institution = own_institution()
    form = WorkerRegistrationForm()
    form.region.choices = _county_choices()
    if request.method == "GET":
        form.region.data = institution.region.code if institution.region.level == "county" else None
    if form.validate_on_submit():
        try:
            person, password = services.register_worker(
                name=form.name.data, id_number=form.id_number.data, phone=form.phone.data,
                region=region_by_code(form.region.data), categories=form.categories.data,
                institution=institution, created_by=current_user,
            )
        except services.DuplicatePerson as duplicate:
            db.session.rollback()
            form.id_number.errors.append(_duplicate_message(duplicate.existing))
        except accounts.AccountError as error:
            db.session.rollback()
            form.phone.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("%(name)s is registered. Sign-in: mobile number; temporary password (shown once): "
                    "%(pw)s", name=person.name, pw=password), "success")
            return redirect(url_for("people.show", person_id=person.id))
    return render_template("people/new.html", form=form, institution=institution), \
        400 if form.errors else 200


@bp.get("/people/<int:person_id>")
@allow(*_REGISTRY_ROLES)
def show(person_id: int):
    person = get_in_scope_or_404(Person, person_id)
    return render_template("people/show.html", person=person, category_labels=CATEGORY_LABELS,
                           sections=person_sections(person))


@bp.get("/me")
@allow(Role.TRAINEE)
def me():
    person = queries.person_of_user(current_user.id)
    return render_template("people/me.html", person=person, category_labels=CATEGORY_LABELS)
