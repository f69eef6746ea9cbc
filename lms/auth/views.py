"""Signing in and out, password change, second factor."""

import segno
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth import services
from lms.auth.forms import ChangePasswordForm, ConfirmForm, LoginForm, SecondFactorForm
from lms.auth.models import User
from lms.auth.services import LoginOutcome
from lms.auth.session import end_session, start_session
from lms.core.access import PUBLIC, SIGNED_IN, allow
from lms.core.preferences import safe_next_url
from lms.extensions import db, limiter

bp = Blueprint("auth", __name__)

_PENDING = "pending_second_factor"


def _account_key() -> str:
    return "account:" + (request.form.get("username") or "").strip().lower()


@bp.route("/login", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_account_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.is_submitted() else 200
    result = services.authenticate(form.username.data, form.password.data)
    db.session.commit()
    if result.outcome == LoginOutcome.LOCKED:
        minutes = current_app.config["LOCKOUT_MINUTES"]
        flash(_("Too many failed attempts. The account is locked for %(n)s minutes.", n=minutes), "error")
        return render_template("auth/login.html", form=form), 403
    if result.outcome != LoginOutcome.OK:
        flash(_("The user name or password is not right."), "error")
        return render_template("auth/login.html", form=form), 401
    user = result.user
    if user.is_totp_enabled:
        session.clear()
        session[_PENDING] = user.get_id()
        session["next"] = safe_next_url("")
        return redirect(url_for("auth.second_factor"))
    return _finish_login(user, safe_next_url(url_for("core.home")))


def _finish_login(user: User, target: str):
    services.record_login(user)
    db.session.commit()
    start_session(user)
    return redirect(target or url_for("core.home"))


@bp.route("/login/second-factor", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])
def second_factor():
    pending = session.get(_PENDING, "")
    user_id, _sep, version = pending.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or str(user.session_version) != version:
        session.pop(_PENDING, None)
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        if services.is_locked(user):
            db.session.commit()
            session.clear()
            flash(_("Too many failed attempts. The account is locked for %(n)s minutes.",
                    n=current_app.config["LOCKOUT_MINUTES"]), "error")
            return redirect(url_for("auth.login"))
        if services.totp_code_matches(user, form.code.data):
            target = session.get("next") or url_for("core.home")
            return _finish_login(user, target)
        db.session.commit()
        flash(_("The code is not right."), "error")
        return render_template("auth/second_factor.html", form=form), 401
    return render_template("auth/second_factor.html", form=form)


@bp.post("/logout")
@allow(PUBLIC)
def logout():
    end_session()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@allow(SIGNED_IN)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, current=form.current.data, new=form.new.data)
        except services.AccountError as error:
            db.session.rollback()
            form.current.errors.append(str(error))
        else:
            db.session.commit()
            start_session(current_user)  # the old session id stops working everywhere else
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("core.home"))
    return render_template("auth/change_password.html", form=form), 400 if form.errors else 200


@bp.route("/account/second-factor", methods=["GET", "POST"])
@allow(SIGNED_IN)
def totp_setup():
    form = SecondFactorForm()
    disable_form = ConfirmForm(prefix="disable")
    if current_user.is_totp_enabled:
        return render_template("auth/totp_setup.html", enabled=True, disable_form=disable_form)
    secret = session.get("totp_setup_secret") or services.new_totp_secret()
    session["totp_setup_secret"] = secret
    if form.validate_on_submit():
        try:
            services.enable_totp(current_user, secret=secret, code=form.code.data)
        except services.AccountError as error:
            form.code.errors.append(str(error))
        else:
            db.session.commit()
            session.pop("totp_setup_secret", None)
            flash(_("The second factor is on. You will be asked for a code at every sign-in."), "success")
            return redirect(url_for("core.home"))
    uri = services.totp_uri(current_user, secret)
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4)
    return render_template("auth/totp_setup.html", enabled=False, form=form, secret=secret,
                           qr_svg=qr_svg), 400 if form.errors else 200


@bp.post("/account/second-factor/disable")
@allow(SIGNED_IN)
def totp_disable():
    form = ConfirmForm(prefix="disable")
    if form.validate_on_submit():
        try:
            services.disable_totp(current_user)
        except services.AccountError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The second factor is off."), "info")
    return redirect(url_for("auth.totp_setup"))
