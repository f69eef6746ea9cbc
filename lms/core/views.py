"""Home page and per-device preferences (language, elder mode)."""

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for

from lms.core.access import PUBLIC, allow
from lms.core.preferences import (
    ELDER_COOKIE,
    LANGUAGE_COOKIE,
    ONE_YEAR,
    is_elder_mode,
    safe_next_url,
)

bp = Blueprint("core", __name__)


@bp.get("/")
@allow(PUBLIC)
def home():
    return render_template("core/home.html")


def _remember(cookie: str, value: str):
    response = make_response(redirect(safe_next_url(url_for("core.home"))))
    response.set_cookie(cookie, value, max_age=ONE_YEAR, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.post("/preferences/language")
@allow(PUBLIC)
def set_language():
    language = request.form.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        language = current_app.config["BABEL_DEFAULT_LOCALE"]
    return _remember(LANGUAGE_COOKIE, language)


@bp.post("/preferences/elder-mode")
@allow(PUBLIC)
def set_elder_mode():
    return _remember(ELDER_COOKIE, "0" if is_elder_mode() else "1")


@bp.get("/healthz")
@allow(PUBLIC)
def health():
    return {"status": "ok"}


@bp.get("/favicon.ico")
@allow(PUBLIC)
def favicon():
    # Browsers ask for /favicon.ico on any site, whatever the pages link to.
    return current_app.send_static_file("favicon.ico")
