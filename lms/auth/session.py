"""Session rules: who is signed in, and for how long.

Staff sessions end after ``STAFF_IDLE_MINUTES`` without a request and after
``STAFF_ABSOLUTE_HOURS`` in all. Accounts that must change their password, and
admin duties that have not yet set up their second factor, are sent to do so
before anything else.
"""

from dataclasses import dataclass
from functools import cache

from flask import Flask, abort, current_app, flash, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import joinedload, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from lms.core.access import SIGNED_IN
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
    """The signed-in account, with its role assignments, for every request:
    one plain query, its rows made into ``User`` and ``RoleAssignment``
    objects of the session as though the ORM had loaded them (building them
    through an ORM query costs about three times as much, on every request of
    the application). Their regions and institutions load when first used."""
    from lms.auth.models import RoleAssignment, User

    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit():
        return None
    if db.session.identity_map.get(db.session.identity_key(User, int(user_id))) is not None:
        # Already in this session (a test, or a user loaded before the
        # loader ran): take that one, refreshed when expired.
        user = db.session.get(User, int(user_id), options=[joinedload(User.assignments)])
    else:
        rows = db.session.connection().execute(_user_with_roles(), {"user_id": int(user_id)}).all()
        user = _loaded(User, rows[0], "u_") if rows else None
        if user is not None:
            set_committed_value(user, "assignments",
                                [_loaded(RoleAssignment, row, "r_") for row in rows if row.r_id is not None])
            db.session.add(user)
    if user is None or str(user.session_version) != version or not user.is_active_account:
        return None
    return user


@cache
def _user_with_roles():
    """SELECT an account and its role assignments, a row per assignment (one
    row with NULLs when it holds none); columns prefixed u_ and r_."""
    from lms.auth.models import RoleAssignment, User

    users, roles = User.__table__, RoleAssignment.__table__
    return (select(*[column.label(f"u_{column.key}") for column in users.c],
                   *[column.label(f"r_{column.key}") for column in roles.c])
            .outerjoin(roles, roles.c.user_id == users.c.id)
            .where(users.c.id == bindparam("user_id")))


def _loaded(model, row, prefix: str):
    """An instance of ``model`` with the columns of ``row`` that carry
    ``prefix``, detached and with no pending changes, as if just loaded."""
    instance = model()
    values = row._mapping
    vars(instance).update({attribute.key: values[f"{prefix}{attribute.columns[0].key}"]
                           for attribute in inspect(model).column_attrs})
    make_transient_to_detached(instance)
    return instance


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
    """before_request: expire idle staff sessions; hold users at required steps.
    Not for a view that checks the account itself: it calls ``admit``."""
    if request.endpoint == "static" or _checks_account_itself():
        return None
    if not current_user.is_authenticated:
        return None
    return _session_rules(current_user)


def _checks_account_itself() -> bool:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return getattr(view, "checks_account_itself", False)


def _session_rules(account):
    """The answer for a signed-in ``account`` (a ``User`` or ``AccountFacts``)
    that may not go on, or None; renews "last seen"."""
    now = utcnow().timestamp()
    if account.is_staff and _expired(now):
        end_session()
        flash(_l("Your session ended after a period without activity. Please sign in again."), "info")
        return redirect(url_for("auth.login"))
    if now - session.get("seen_at", 0) >= SEEN_AT_RESOLUTION_SECONDS:
        session["seen_at"] = now  # modifies the session: its cookie (and expiry) is renewed
    if request.endpoint in _ALWAYS_REACHABLE:
        return None
    if account.must_change_password:
        flash(_l("Please choose a new password before you go on."), "info")
        return redirect(url_for("auth.change_password"))
    if account.needs_totp and not account.is_totp_enabled:
        flash(_l("Administrators must set up a second factor before going on."), "info")
        return redirect(url_for("auth.totp_setup"))
    return None


@dataclass(frozen=True)
class SignedInSession:
    """Whom the request's session says it is signed in as, before the
    account is read: for a view declared ``@allow(..., checks_account_itself=True)``,
    which reads the account (``account_columns``) in its own statement and
    hands the row to ``admit``."""

    user_id: int
    session_version: str

    def admit(self, row) -> None:
        """Answer exactly as the session rules and ``@allow`` would for the
        account in ``row``, by raising that answer (sign in again, change
        the password, set up the second factor, 403); return when the
        request may go on."""
        from lms.auth.models import AccountFacts

        account = AccountFacts.of_row(row)
        if (account is None or account.id != self.user_id or str(account.session_version) != self.session_version
                or not account.is_active_account):
            abort(login_manager.unauthorized())  # as for a session whose account no longer loads
        refusal = _session_rules(account)
        if refusal is not None:
            abort(refusal)
        roles = g.view_roles
        if SIGNED_IN not in roles and not account.has_any_role(roles):
            abort(403)

    def read_and_admit(self) -> None:
        """``admit`` with the account read on its own: for a path of the
        view that does not reach its statement (a malformed request), so
        that it is answered after the account checks, as any view is."""
        from lms.auth.models import User, account_columns

        self.admit(db.session.execute(select(*account_columns()).where(User.id == self.user_id)).first())


def signed_in_session() -> SignedInSession | None:
    """The session's account id and version, without loading the account
    (see ``SignedInSession``); None when not signed in. Flask-Login's session
    protection runs first, as its own loader runs it."""
    if login_manager._session_protection_failed():
        return None
    user_id, _, version = str(session.get("_user_id") or "").partition(":")
    return SignedInSession(int(user_id), version) if user_id.isdigit() else None
