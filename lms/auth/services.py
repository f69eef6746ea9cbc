"""Writes for accounts: creation, sign-in bookkeeping, passwords, roles, TOTP.

Every function flushes and never commits; security events go to the audit log.
Errors carry a translated message that a page can show as it is.
"""

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

import pyotp
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms.auth.models import RoleAssignment, User
from lms.auth.passwords import hash_password, password_matches, policy_problem
from lms.core import audit
from lms.core.access import ADMIN_DUTIES, Role
from lms.core.crypto import decrypt_text, encrypt_text
from lms.core.names import UnsafeName, clean_name
from lms.core.time import as_utc, utcnow
from lms.extensions import db
from lms.regions.models import Institution, Region

_TOTP_CONTEXT = b"user.totp_secret"

# A hash of a random password: checking against it costs as much as a real check,
# so "no such user" and "wrong password" take the same time.
_DUMMY_HASH = hash_password("not-a-real-password-9f1c")


class AccountError(ValueError):
    """A write was refused; ``str(error)`` is a message for the user."""


POLICY_MESSAGES = {
    "too_short": _l("The password must have at least %(n)s characters."),
    "too_simple": _l(
        "The password must mix at least %(n)s of: lower-case letters, upper-case letters, "
        "digits and symbols."
    ),
    "contains_username": _l("The password must not contain the user name."),
}


def policy_message(problem: str) -> str:
    """The user-facing sentence for a password-policy problem code."""
    config = current_app.config
    n = config["PASSWORD_MIN_LENGTH"] if problem == "too_short" else config["PASSWORD_MIN_CLASSES"]
    return str(POLICY_MESSAGES[problem]) % {"n": n}


def require_good_password(password: str, username: str) -> None:
    """Raise ``AccountError`` when the password breaks the policy."""
    problem = policy_problem(password, username=username)
    if problem:
        raise AccountError(policy_message(problem))


def find_user(username: str) -> User | None:
    """The account with this user name (case-insensitive)."""
    return db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


def create_user(
    *, username: str, display_name: str, password: str, created_by: User | None = None
) -> User:
    """Create an account. One created by someone else must change its password
    at first sign-in, because the creator knows it. The display name obeys the
    rule for names (``lms.core.names``): it is shown on every page."""
    username = username.strip()
    try:
        display_name = clean_name(display_name, label=_l("Full name"))
    except UnsafeName as error:
        raise AccountError(str(error)) from None
    if find_user(username) is not None:
        raise AccountError(_l("The user name %(name)s is taken.", name=username))
    require_good_password(password, username)
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        must_change_password=created_by is not None,
        password_changed_at=utcnow(),
        created_by_id=created_by.id if created_by else None,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", user, new={"username": user.username}, actor=created_by)
    return user


class LoginOutcome(StrEnum):
    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    LOCKED = "locked"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class LoginResult:
    outcome: LoginOutcome
    user: User | None = None


def authenticate(username: str, password: str) -> LoginResult:
    """Check a user name and password, counting failures and locking the account
    after ``LOCKOUT_THRESHOLD`` consecutive failures for ``LOCKOUT_MINUTES``.

    While an account is locked even the right password is refused, so that
    guessing cannot go on behind the lock.
    """
    user = find_user(username)
    if user is None:
        password_matches(_DUMMY_HASH, password)
        audit.record("login.failed", object_type="User", object_id="", new={"username": username[:64]})
        return LoginResult(LoginOutcome.BAD_CREDENTIALS)
    if is_locked(user):
        audit.record("login.refused_locked", user, actor=user)
        return LoginResult(LoginOutcome.LOCKED, user)
    if not password_matches(user.password_hash, password):
        locked = _count_failure(user, "login.failed")
        return LoginResult(LoginOutcome.LOCKED if locked else LoginOutcome.BAD_CREDENTIALS, user)
    if not user.is_active_account:
        audit.record("login.refused_inactive", user, actor=user)
        return LoginResult(LoginOutcome.INACTIVE, user)
    user.failed_login_count = 0
    user.locked_until = None
    return LoginResult(LoginOutcome.OK, user)


def _count_failure(user: User, action: str) -> bool:
    """Count a failed password or second-factor check; lock the account when
    the threshold is reached. Returns True when this failure locked it."""
    user.failed_login_count += 1
    audit.record(action, user, new={"failures": user.failed_login_count}, actor=user)
    if user.failed_login_count < current_app.config["LOCKOUT_THRESHOLD"]:
        db.session.flush()
        return False
    user.locked_until = utcnow() + timedelta(minutes=current_app.config["LOCKOUT_MINUTES"])
    user.failed_login_count = 0
    audit.record("account.locked", user, new={"until": user.locked_until}, actor=user)
    db.session.flush()
    return True


def is_locked(user: User) -> bool:
    """Whether the account is inside a lockout period now."""
    locked_until = as_utc(user.locked_until)
    return bool(locked_until and locked_until > utcnow())


def record_login(user: User) -> None:
    """Note a completed sign-in (after the second factor, where there is one)."""
    user.last_login_at = utcnow()
    audit.record("login.succeeded", user, actor=user)
    db.session.flush()


def unlock_account(user: User, *, by: User) -> None:
    """Lift a lockout before it runs out (system administrator)."""
    old = {"locked_until": user.locked_until}
    user.locked_until = None
    user.failed_login_count = 0
    audit.record("account.unlocked", user, old=old, new={"locked_until": None}, actor=by)
    db.session.flush()


def change_password(user: User, *, current: str, new: str) -> None:
    """The user's own change: needs the current password; ends other sessions."""
    if not password_matches(user.password_hash, current):
        raise AccountError(_l("The current password is not right."))
    if current == new:
        raise AccountError(_l("The new password must differ from the current one."))
    require_good_password(new, user.username)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.password_changed_at = utcnow()
    user.session_version += 1
    audit.record("password.changed", user, actor=user)
    db.session.flush()


def reset_password(user: User, *, new: str, by: User) -> None:
    """An administrator sets a temporary password; the user must change it."""
    require_good_password(new, user.username)
    user.password_hash = hash_password(new)
    user.must_change_password = True
    user.locked_until = None
    user.failed_login_count = 0
    user.session_version += 1
    audit.record("password.reset", user, actor=by)
    db.session.flush()


def set_active(user: User, *, active: bool, by: User) -> None:
    """Deactivate or reactivate an account; deactivation ends its sessions."""
    if user.id == by.id and not active:
        raise AccountError(_l("You cannot deactivate your own account."))
    if user.is_active_account == active:
        return
    user.is_active_account = active
    user.session_version += 1
    audit.record(
        "user.activated" if active else "user.deactivated", user,
        old={"active": not active}, new={"active": active}, actor=by,
    )
    db.session.flush()


def assign_role(
    user: User, role: str, *, by: User | None,
    region: Region | None = None, institution: Institution | None = None,
) -> RoleAssignment:
    """Give ``user`` a role with its scope.

    Civil-affairs staff need a region; institution staff an institution; an
    admin duty cannot join another admin duty on the same account (三员分立).
    """
    role = Role(role)
    if role in user.roles:
        raise AccountError(_l("The account already has this role."))
    if role in ADMIN_DUTIES and user.has_any_role(ADMIN_DUTIES):
        raise AccountError(
            _l("An account may hold only one of the system, security and audit administrator duties.")
        )
    if role == Role.CIVIL_AFFAIRS and region is None:
        raise AccountError(_l("Civil-affairs staff need a region."))
    if role == Role.INSTITUTION_STAFF and institution is None:
        raise AccountError(_l("Institution staff need an institution."))
    assignment = RoleAssignment(
        user=user, role=role,
        region=region if role == Role.CIVIL_AFFAIRS else None,
        institution=institution if role in (Role.INSTITUTION_STAFF, Role.EXAMINER) else None,
    )
    db.session.add(assignment)
    db.session.flush()
    audit.record(
        "role.assigned", user, actor=by,
        new={"role": role.value, "region": region.code if assignment.region else None,
             "institution": assignment.institution_id},
    )
    return assignment


def remove_role(user: User, role: str, *, by: User) -> None:
    """Take a role away (audited)."""
    for assignment in list(user.assignments):
        if assignment.role == role:
            user.assignments.remove(assignment)
            audit.record("role.removed", user, old={"role": role}, actor=by)
    user.session_version += 1
    db.session.flush()


def new_totp_secret() -> str:
    """A fresh base32 secret for an authenticator app."""
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    """The otpauth:// URI an authenticator app reads from a QR code."""
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.username, issuer_name=current_app.config["TOTP_ISSUER"]
    )


def enable_totp(user: User, *, secret: str, code: str) -> None:
    """Turn on the second factor once the user proves the app shows the codes."""
    if not pyotp.TOTP(secret).verify(code.strip(), valid_window=1):
        raise AccountError(_l("The code is not right. Check the time on your phone and try again."))
    user.totp_secret_encrypted = encrypt_text(secret, context=_TOTP_CONTEXT)
    user.is_totp_enabled = True
    audit.record("totp.enabled", user, actor=user)
    db.session.flush()


def disable_totp(user: User) -> None:
    """Turn off the second factor; refused for admin duties, which must keep it."""
    if user.needs_totp:
        raise AccountError(_l("Administrators must keep the second factor on."))
    user.totp_secret_encrypted = None
    user.is_totp_enabled = False
    audit.record("totp.disabled", user, actor=user)
    db.session.flush()


def totp_code_matches(user: User, code: str) -> bool:
    """Check a 6-digit code against the user's enabled second factor."""
    if not user.is_totp_enabled or not user.totp_secret_encrypted:
        return False
    secret = decrypt_text(user.totp_secret_encrypted, context=_TOTP_CONTEXT)
    if pyotp.TOTP(secret).verify((code or "").strip(), valid_window=1):
        user.failed_login_count = 0
        return True
    _count_failure(user, "totp.failed")
    return False
