"""Access control, declared once per view and checked in one place.

Every view says who may use it with ``@allow(...)``. Roles are checked here;
*scope* (which region's or institution's objects a user may touch) is checked
by ``get_in_scope_or_404`` and ``scope_clause``. An object outside the user's
scope is answered with 404, exactly as if it did not exist, so that ids of
other cities' data cannot be probed. A view without a declaration is refused
(see ``refuse_undeclared_views``): access is closed unless opened on purpose.
"""

from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps

from flask import abort, current_app, g, request
from flask_login import current_user
from sqlalchemy import false, or_, true

from lms.extensions import db, login_manager


class Role(StrEnum):
    TRAINEE = "trainee"
    INSTITUTION_STAFF = "institution_staff"
    EXAMINER = "examiner"
    CIVIL_AFFAIRS = "civil_affairs"
    SYSTEM_ADMIN = "system_admin"  # users and settings
    SECURITY_ADMIN = "security_admin"  # roles and scopes
    AUDIT_ADMIN = "audit_admin"  # reads the audit log, nothing else


# 三员分立: no account may hold two of these.
ADMIN_DUTIES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Everyone but trainees works on other people's data: idle timeout, optional TOTP.
STAFF_ROLES = frozenset(Role) - {Role.TRAINEE}

PUBLIC = "public"  # no login needed
SIGNED_IN = "signed_in"  # any signed-in account, whatever its roles


@dataclass(frozen=True)
class Scope:
    """What one role assignment lets a user see.

    Exactly one field is meaningful: a region subtree (by materialised path), an
    institution, the user's own records, or everything (admin duties).
    """

    region_path: str | None = None
    institution_id: int | None = None
    user_id: int | None = None
    everything: bool = False


class RoleHolder:
    """What an account's roles imply, for anything with a ``roles`` set: the
    ``User`` loaded for a request, and the account facts a view that checks
    the account itself reads in its own statement."""

    roles: AbstractSet[str]

    def has_any_role(self, roles: Iterable[str]) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def is_staff(self) -> bool:
        return self.has_any_role(Role) and self.roles != {Role.TRAINEE}

    @property
    def needs_totp(self) -> bool:
        """Admin duties must use a second factor."""
        return self.has_any_role(ADMIN_DUTIES)


def allow(*roles: str, checks_account_itself: bool = False) -> Callable:
    """Declare who may use a view: role names, ``PUBLIC`` or ``SIGNED_IN``.

    ``checks_account_itself``: for the busiest request only (the study
    heartbeat). The account is then not loaded before the view; the view
    reads it in its own statement and must pass it to
    ``lms.auth.session.SignedInSession.admit``, which answers exactly as the
    session rules and this role check would."""
    allowed = frozenset(roles)
    if not allowed:
        raise ValueError("allow() needs at least one role")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if PUBLIC not in allowed and not checks_account_itself:
                if not current_user.is_authenticated:
                    return login_manager.unauthorized()
                if SIGNED_IN not in allowed and not current_user.has_any_role(allowed):
                    abort(403)
            g.view_roles = allowed
            return view(*args, **kwargs)

        wrapped.allowed_roles = allowed
        wrapped.checks_account_itself = checks_account_itself
        return wrapped

    return decorator


def refuse_undeclared_views() -> None:
    """``before_request`` hook: a view with no ``@allow`` is never served."""
    if request.endpoint is None or request.endpoint == "static":
        return
    view = current_app.view_functions.get(request.endpoint)
    if view is not None and not hasattr(view, "allowed_roles"):
        abort(403)


def current_scopes(roles: Iterable[str] | None = None) -> list[Scope]:
    """The scopes of the signed-in user for the roles the current view allows."""
    if not current_user.is_authenticated:
        return []
    wanted = roles if roles is not None else g.get("view_roles", frozenset())
    if SIGNED_IN in wanted:
        wanted = frozenset(Role)
    return current_user.scopes(wanted)


def in_scope(obj, roles: Iterable[str] | None = None) -> bool:
    """True when ``obj`` lies within one of the current user's scopes.

    Scoped objects expose ``scope_region_path`` (str or None),
    ``scope_institution_ids`` (a set of ints) and ``scope_user_ids`` (a set of
    ints); any of them may be empty.
    """
    for scope in current_scopes(roles):
        if scope.everything:
            return True
        region_path = getattr(obj, "scope_region_path", None)
        if scope.region_path and region_path and region_path.startswith(scope.region_path):
            return True
        if scope.institution_id and scope.institution_id in getattr(
            obj, "scope_institution_ids", set()
        ):
            return True
        if scope.user_id and scope.user_id in getattr(obj, "scope_user_ids", set()):
            return True
    return False


def get_in_scope_or_404(model: type, object_id: int, roles: Iterable[str] | None = None):
    """Load ``model`` by id; 404 when it does not exist *or* is outside scope."""
    obj = db.session.get(model, object_id)
    if obj is None or not in_scope(obj, roles):
        abort(404)
    return obj


def scope_clause(
    *,
    region_path=None,
    institution_columns: Iterable = (),
    user_column=None,
    roles: Iterable[str] | None = None,
):
    """A WHERE clause that keeps only rows inside the current user's scopes.

    Pass the columns that locate a row: a region path column, institution id
    columns and an owning user id column. With no matching scope the clause is
    FALSE, so a list is empty rather than leaking.
    """
    terms = []
    for scope in current_scopes(roles):
        if scope.everything:
            return true()
        if scope.region_path and region_path is not None:
            terms.append(region_path.startswith(scope.region_path))
        if scope.institution_id:
            terms.extend(column == scope.institution_id for column in institution_columns)
        if scope.user_id and user_column is not None:
            terms.append(user_column == scope.user_id)
    return or_(*terms) if terms else false()
