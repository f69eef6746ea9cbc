"""Password policy (等保 2.0): minimum length and a mix of character classes."""

import string

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash


def character_classes(password: str) -> int:
    """How many of lower case, upper case, digits and symbols the password uses."""
    return sum(
        (
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )


def policy_problem(password: str, *, username: str = "") -> str | None:
    """A code for the first rule the password breaks, or None when it is fine."""
    if len(password) < current_app.config["PASSWORD_MIN_LENGTH"]:
        return "too_short"
    if character_classes(password) < current_app.config["PASSWORD_MIN_CLASSES"]:
        return "too_simple"
    if username and username.lower() in password.lower():
        return "contains_username"
    return None


def hash_password(password: str) -> str:
    """A salted hash: Werkzeug's default scrypt unless PASSWORD_HASH_METHOD says
    otherwise (the tests use cheaper scrypt parameters)."""
    from flask import has_app_context

    method = current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"
    return generate_password_hash(password, method=method)


def password_matches(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)
