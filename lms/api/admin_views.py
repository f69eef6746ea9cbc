"""API clients, administered by the security administrator (三员分立: who
may read what is a security duty, like roles and scopes).

A client's token is shown once, on the page that answers the creating POST
(``Cache-Control: no-store``, so neither the browser nor a proxy keeps it);
the database holds only its hash and first 8 characters.
"""

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.api import services
from lms.api.forms import ApiClientForm
from lms.api.models import ApiClient
from lms.auth.forms import ConfirmForm
from lms.core.access import Role, allow
from lms.extensions import db
from lms.regions.queries import region_by_code, regions_in_scope

bp = Blueprint("api_admin", __name__, url_prefix="/admin/api-clients")


def _form() -> ApiClientForm:
    form = ApiClientForm()
    form.region.choices = [(r.code, f"{r.code} {r.name}") for r in regions_in_scope()]
    return form


@bp.get("")
@allow(Role.SECURITY_ADMIN)
def clients():
    rows = db.session.scalars(select(ApiClient).order_by(ApiClient.revoked_at.is_not(None), ApiClient.name,
                                                         ApiClient.id)).all()
    return render_template("api/clients.html", clients=rows, confirm=ConfirmForm())


@bp.route("/new", methods=["GET", "POST"])
@allow(Role.SECURITY_ADMIN)
def new_client():
    form = _form()
    if form.validate_on_submit():
        client, token = services.create_client(form.name.data, region_by_code(form.region.data), by=current_user)
        db.session.commit()
        response = make_response(render_template("api/token.html", client=client, token=token))
        response.headers["Cache-Control"] = "no-store"
        return response
    return render_template("api/new_client.html", form=form), 400 if form.errors else 200


@bp.post("/<int:client_id>/revoke")
@allow(Role.SECURITY_ADMIN)
def revoke_client(client_id: int):
    client = db.session.get(ApiClient, client_id)
    if client is None:
        abort(404)
    if ConfirmForm().validate_on_submit() and not client.is_revoked:
        services.revoke_client(client, by=current_user)
        db.session.commit()
        flash(_("The token of %(name)s no longer works.", name=client.name), "success")
    return redirect(url_for("api_admin.clients"))
