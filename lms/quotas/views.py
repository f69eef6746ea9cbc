"""The progress dashboard for civil-affairs staff, and target edits."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms.core.access import Role, allow, current_scopes, in_scope
from lms.core.replica import reads_replica
from lms.core.time import local_today
from lms.core.vocabulary import AUDIENCES
from lms.extensions import db
from lms.quotas import queries, services
from lms.quotas.export import dashboard_workbook
from lms.quotas.forms import TargetForm
from lms.regions.queries import region_by_code

bp = Blueprint("quotas", __name__, url_prefix="/quotas")

STATUS_LABELS = {
    "on_track": _l("On track"),
    "at_risk": _l("At risk"),
    "behind": _l("Behind"),
    "met": _l("Target met"),
    "not_met": _l("Not met (plan ended)"),
    "no_target": _l("No target"),
}
SORTS = {
    "region": lambda row: row.region.sort_order,
    "percent": lambda row: row.persons.percent if row.persons.percent is not None else -1,
    "gap": lambda row: row.persons.gap if row.persons.gap is not None else -10**9,
    "status": lambda row: ("not_met", "behind", "at_risk", "on_track", "met", "no_target").index(
        row.persons.status),
}


def _filters():
    plans = queries.plans()
    if not plans:
        abort(404)
    plan = queries.plan_by_code(request.args.get("plan", "")) or queries.default_plan(plans, local_today())
    category = request.args.get("category", "")
    category = category if category in AUDIENCES else "caregiver"
    return plans, plan, category


def _region_in_scope(code: str):
    region = region_by_code(code)
    if region is None or not in_scope(region):
        abort(404)
    return region


@bp.get("")
@allow(Role.CIVIL_AFFAIRS)
def index():
    """Province staff land on the province, city staff on their unit."""
    paths = sorted(scope.region_path for scope in current_scopes() if scope.region_path)
    code = paths[0].rstrip("/").rsplit("/", 1)[-1]
    return redirect(url_for("quotas.region", code=code, **request.args.to_dict()))


def _dashboard(code: str):
    region = _region_in_scope(code)
    plans, plan, category = _filters()
    today = local_today()
    own, rows = queries.region_progress(plan, category, region, today)
    sort = request.args.get("sort", "region")
    # Each order puts what needs attention first: lowest %, largest gap, behind.
    rows.sort(key=SORTS.get(sort, SORTS["region"]), reverse=sort == "gap")
    return region, plans, plan, category, today, own, rows, sort


@bp.get("/regions/<code>")
@allow(Role.CIVIL_AFFAIRS)
@reads_replica
def region(code: str):
    region, plans, plan, category, today, own, rows, sort = _dashboard(code)
    editable = {row.region.id for row in rows if _can_edit(row.region)}
    trend = queries.monthly_trend(plan, category, region, today)
    institutions = queries.institution_rows(plan, category, region, today) if region.level != "province" else []
    return render_template(
        "quotas/dashboard.html", region=region, plans=plans, plan=plan, category=category, own=own, rows=rows,
        sort=sort, today=today, audiences=AUDIENCES, status_labels=STATUS_LABELS, trend=trend,
        institutions=institutions,
        targets=queries.targets_by_region(plan, category, [row.region for row in rows]), editable=editable,
        parent=region.parent if region.parent and in_scope(region.parent) else None,
        figures_as_of=queries.figures_as_of(), cache_minutes=-(-current_app.config["QUOTA_CACHE_SECONDS"] // 60),
    )


@bp.get("/regions/<code>/export.xlsx")
@allow(Role.CIVIL_AFFAIRS)
@reads_replica
def export(code: str):
    region, _plans, plan, category, _today_, own, rows, _sort = _dashboard(code)
    title = f"{region.name} · {plan.name} · {AUDIENCES[category]}"
    data = dashboard_workbook(title, own, rows, STATUS_LABELS)
    return current_app.response_class(
        data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename=quota-{region.code}-{plan.code}-{category}.xlsx"})


def _can_edit(region) -> bool:
    """Province staff edit units' targets, city staff their counties': a
    target strictly below one's own region."""
    return any(scope.region_path and region.path.startswith(scope.region_path) and region.path != scope.region_path
               for scope in current_scopes())


@bp.route("/targets/<int:target_id>/edit", methods=["GET", "POST"])
@allow(Role.CIVIL_AFFAIRS)
def edit_target(target_id: int):
    target = queries.target_for_edit(target_id)
    if target is None or not in_scope(target):
        abort(404)
    if not _can_edit(target.region):
        abort(403)
    form = TargetForm(obj=target)
    if form.validate_on_submit():
        services.update_target(target, persons=form.persons.data, person_times=form.person_times.data,
                               by=current_user)
        db.session.commit()
        flash(_("Target saved."), "success")
        parent = target.region.parent
        return redirect(url_for("quotas.region", code=parent.code, plan=target.plan.code, category=target.category))
    return render_template("quotas/edit_target.html", target=target, form=form,
                           audiences=AUDIENCES), 400 if form.errors else 200
