"""Region tree and institution pages."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lms.core.access import Role, allow, current_scopes, get_in_scope_or_404
from lms.core.pagination import paginate
from lms.extensions import db
from lms.regions import queries, services
from lms.regions.forms import KIND_LABELS, InstitutionForm
from lms.regions.models import Institution

bp = Blueprint("regions", __name__)

_EDITORS = (Role.CIVIL_AFFAIRS, Role.SYSTEM_ADMIN)


@bp.get("/regions")
@allow(Role.CIVIL_AFFAIRS, Role.SYSTEM_ADMIN)
def tree():
    scopes = current_scopes()
    roots = None if any(s.everything for s in scopes) else [s.region_path for s in scopes]
    rows = []
    for root in roots or [None]:
        rows.extend(queries.region_tree_rows(root))
    return render_template("regions/tree.html", rows=rows)


@bp.get("/institutions")
@allow(Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS, Role.SYSTEM_ADMIN)
def institutions():
    search, kind = request.args.get("q", ""), request.args.get("kind", "")
    page = paginate(queries.institutions_stmt(search, kind))
    return render_template("regions/institutions.html", page=page, search=search, kind=kind,
                           kind_labels=KIND_LABELS)


def _region_choices(form: InstitutionForm) -> None:
    form.region.choices = [(r.code, f"{r.name}（{r.code}）") for r in queries.regions_in_scope(("unit", "county"))]


def _form_values(form: InstitutionForm) -> dict:
    return {
        "name": form.name.data,
        "kind": form.kind.data,
        "grade": int(form.grade.data) if form.grade.data else None,
        "region": queries.region_by_code(form.region.data),
    }


@bp.route("/institutions/new", methods=["GET", "POST"])
@allow(*_EDITORS)
def new_institution():
    form = InstitutionForm()
    _region_choices(form)
    if form.validate_on_submit():
        institution = services.create_institution(credit_code=form.credit_code.data, **_form_values(form))
        db.session.commit()
        flash(_("Institution registered."), "success")
        return redirect(url_for("regions.institution", institution_id=institution.id))
    return render_template("regions/institution_form.html", form=form), 400 if form.errors else 200


@bp.get("/institutions/<int:institution_id>")
@allow(Role.INSTITUTION_STAFF, Role.CIVIL_AFFAIRS, Role.SYSTEM_ADMIN)
def institution(institution_id: int):
    item = get_in_scope_or_404(Institution, institution_id)
    return render_template("regions/institution.html", institution=item, kind_labels=KIND_LABELS)


@bp.route("/institutions/<int:institution_id>/edit", methods=["GET", "POST"])
@allow(*_EDITORS)
def edit_institution(institution_id: int):
    item = get_in_scope_or_404(Institution, institution_id)
    form = InstitutionForm(obj=item, editing=item)
    _region_choices(form)
    if request.method == "GET":
        form.region.data = item.region.code
        form.grade.data = str(item.grade or "")
    if form.validate_on_submit():
        services.update_institution(item, **_form_values(form))
        db.session.commit()
        flash(_("Changes saved."), "success")
        return redirect(url_for("regions.institution", institution_id=item.id))
    return render_template("regions/institution_form.html", form=form, institution=item), \
        400 if form.errors else 200
