"""Per-device display preferences: language and elder mode (长辈模式).

Both are remembered in long-lived cookies so that they hold before login and
on a shared family phone, and both are changed by a plain form POST (one tap,
no JavaScript needed).
"""

from flask import current_app, request

LANGUAGE_COOKIE = "lms_lang"
ELDER_COOKIE = "lms_elder"
ONE_YEAR = 365 * 24 * 3600


def current_language() -> str:
    """The UI language of this request: the cookie if valid, else the default."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def is_elder_mode() -> bool:
    """Whether this device asked for large type and large touch targets."""
    return request.cookies.get(ELDER_COOKIE) == "1"


def safe_next_url(default: str) -> str:
    """The ``next`` form field when it is a path on this site, else ``default``."""
    target = request.form.get("next") or request.args.get("next") or ""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
