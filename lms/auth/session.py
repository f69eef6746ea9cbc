"""Session rules: who is signed in, and for how long.

Staff sessions end after ``STAFF_IDLE_MINUTES`` without a request and after
``STAFF_ABSOLUTE_HOURS`` in all. Accounts that must change their password, and
admin duties that have not yet set up their second factor, are sent to do so
before anything else.
"""

from flask import Flask, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import joinedload

from lms.core.time import utcnow
from lms.extensions import db, login_manager

# "Last seen" is kept to the minute: writing it on every request would make
# every response carry a re-signed session cookie (the exam surge's autosaves
# are several requests a minute per candidate), and idle limits are minutes.
SEEN_AT_RESOLUTION_SECONDS = 60

# Endpoints a user may reach while being held at a required step.
_ALWAYS_REACHABLE = {"static", "auth.logout", "auth.change_password", "auth.totp_setup",
                     "core.set_language", "core.set_elder_mode"}


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(_load_user)
    app.before_request(enforce_session_rules)


def _load_user(session_id: str):
    from lms.auth.models import User

    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit():
        return None
    # With the roles in the same round trip: every request needs both, and
    # under load each round trip waits its turn for the database.
    user = db.session.get(User, int(user_id), options=[joinedload(User.assignments)])
    if user is None or str(user.session_version) != version or not user.is_active_account:
        return None
    return user


def start_session(user) -> None:
    """Sign in with a brand-new session, so nothing from before sign-in carries
    over (no session fixation)."""
    keep = {key: session[key] for key in ("_flashes",) if key in session}
    session.clear()
    session.update(keep)
    login_user(user)
    now = utcnow().timestamp()
    session["signed_in_at"] = now
    session["seen_at"] = now
    session.permanent = True


def end_session() -> None:
    logout_user()
    session.clear()


def _expired(now: float) -> bool:
    from flask import current_app

    idle = current_app.config["STAFF_IDLE_MINUTES"] * 60
    absolute = current_app.config["STAFF_ABSOLUTE_HOURS"] * 3600
    seen = session.get("seen_at", now)
    started = session.get("signed_in_at", now)
    return now - seen > idle or now - started > absolute


def enforce_session_rules():
    """before_request: expire idle staff sessions; hold users at required steps."""
    if not current_user.is_authenticated or request.endpoint == "static":
        return None
    now = utcnow().timestamp()
    if current_user.is_staff and _expired(now):
        end_session()
        flash(_l("Your session ended after a period without activity. Please sign in again."), "info")
        return redirect(url_for("auth.login"))
    if now - session.get("seen_at", 0) >= SEEN_AT_RESOLUTION_SECONDS:
        session["seen_at"] = now  # modifies the session: its cookie (and expiry) is renewed
    if request.endpoint in _ALWAYS_REACHABLE:
        return None
    if current_user.must_change_password:
        flash(_l("Please choose a new password before you go on."), "info")
        return redirect(url_for("auth.change_password"))
    if current_user.needs_totp and not current_user.is_totp_enabled:
        flash(_l("Administrators must set up a second factor before going on."), "info")
        return redirect(url_for("auth.totp_setup"))
    return None
