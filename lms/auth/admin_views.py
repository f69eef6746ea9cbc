"""Account administration, split by duty (三员分立).

System administrators create accounts, reset passwords, unlock and deactivate;
security administrators grant and remove roles and scopes; audit administrators
read the audit log. No page lets one account do another duty's work.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth import queries, services
from lms.auth.forms import AuditSearchForm, ConfirmForm, RoleForm, UserCreateForm
from lms.auth.models import User
from lms.core.access import Role, allow
from lms.core.audit import verify_chain
from lms.core.pagination import paginate
from lms.core.templating import ROLE_LABELS
from lms.extensions import db
from lms.people.services import temporary_password
from lms.regions.models import Institution, Region
from lms.regions.queries import institutions_in_scope, regions_in_scope

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/users")
@allow(Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)
def users():
    search = request.args.get("q", "")
    page = paginate(queries.users_stmt(search))
    return render_template("admin/users.html", page=page, search=search)


@bp.route("/users/new", methods=["GET", "POST"])
@allow(Role.SYSTEM_ADMIN)
def new_user():
    form = UserCreateForm()
    if form.validate_on_submit():
        password = temporary_password()
        user = services.create_user(username=form.username.data, display_name=form.display_name.data,
                                    password=password, created_by=current_user)
        db.session.commit()
        flash(_("Account %(name)s created. Temporary password (shown once): %(pw)s",
                name=user.username, pw=password), "success")
        return redirect(url_for("admin.user", user_id=user.id))
    return render_template("admin/new_user.html", form=form), 400 if form.errors else 200


def _role_form() -> RoleForm:
    form = RoleForm()
    form.role.choices = [(role.value, ROLE_LABELS[role]) for role in Role]
    form.region.choices = [("", "—")] + [(r.code, f"{r.code} {r.name}") for r in regions_in_scope()]
    form.institution.choices = [("", "—")] + [(str(i.id), i.name) for i in institutions_in_scope()]
    return form


@bp.get("/users/<int:user_id>")
@allow(Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)
def user(user_id: int):
    account = _user_or_404(user_id)
    return render_template("admin/user.html", account=account, role_form=_role_form(),
                           confirm=ConfirmForm(), is_locked=services.is_locked(account))


@bp.post("/users/<int:user_id>/reset-password")
@allow(Role.SYSTEM_ADMIN)
def reset_password(user_id: int):
    account = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        password = temporary_password()
        services.reset_password(account, new=password, by=current_user)
        db.session.commit()
        flash(_("Temporary password for %(name)s (shown once): %(pw)s", name=account.username, pw=password),
              "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/unlock")
@allow(Role.SYSTEM_ADMIN)
def unlock(user_id: int):
    account = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        services.unlock_account(account, by=current_user)
        db.session.commit()
        flash(_("The account is unlocked."), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/active")
@allow(Role.SYSTEM_ADMIN)
def toggle_active(user_id: int):
    account = _user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.set_active(account, active=not account.is_active_account, by=current_user)
        except services.AccountError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/roles")
@allow(Role.SECURITY_ADMIN)
def add_role(user_id: int):
    account = _user_or_404(user_id)
    if account.id == current_user.id:
        flash(_("You cannot change your own roles."), "error")
        return redirect(url_for("admin.user", user_id=user_id))
    form = _role_form()
    if form.validate_on_submit():
        region = db.session.scalar(db.select(Region).where(Region.code == form.region.data)) \
            if form.region.data else None
        institution = db.session.get(Institution, int(form.institution.data)) \
            if form.institution.data else None
        try:
            services.assign_role(account, form.role.data, by=current_user,
                                 region=region, institution=institution)
        except services.AccountError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Role granted."), "success")
    else:
        flash(_("Choose a role from the list."), "error")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/roles/<role>/remove")
@allow(Role.SECURITY_ADMIN)
def remove_role(user_id: int, role: str):
    account = _user_or_404(user_id)
    if account.id == current_user.id:
        flash(_("You cannot change your own roles."), "error")
    elif ConfirmForm().validate_on_submit() and role in account.roles:
        services.remove_role(account, role, by=current_user)
        db.session.commit()
        flash(_("Role removed."), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.get("/audit")
@allow(Role.AUDIT_ADMIN)
def audit_log():
    form = AuditSearchForm(request.args)
    form.validate()
    stmt = queries.audit_stmt(action=form.action.data or "", actor=form.actor.data or "",
                              object_type=form.object_type.data or "")
    # Walking the whole chain is a deliberate act, not part of every page view.
    chain = verify_chain() if request.args.get("verify") else None
    return render_template("admin/audit.html", form=form, page=paginate(stmt), chain=chain)
