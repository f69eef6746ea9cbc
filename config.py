"""Settings for CareLMS, all read from ``LMS_*`` environment variables.

Secrets that are not given in the environment (the session key, the key that
encrypts ID numbers) are generated once into the instance folder by
``lms.core.secrets`` so that a fresh checkout runs with no set-up.
"""

import os
from datetime import timedelta


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"LMS_{name}", default)


def _env_int(name: str, default: int) -> int:
    return int(_env(name, str(default)))


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Defaults for a single machine: SQLite in ``instance/``, jobs in-process."""

    # Filled from instance/ by lms.core.secrets when not set here.
    SECRET_KEY = _env("SECRET_KEY")
    ID_ENCRYPTION_KEY = _env("ID_ENCRYPTION_KEY")  # 32 bytes, base64 (urlsafe)

    # None means "a SQLite file under the instance folder" (resolved in create_app).
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL")
    SQLITE_BUSY_TIMEOUT_MS = _env_int("SQLITE_BUSY_TIMEOUT_MS", 15000)

    REDIS_URL = _env("REDIS_URL")
    RATELIMIT_STORAGE_URI = _env("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ADDRESS = _env("LOGIN_LIMIT_PER_ADDRESS", "30 per minute")
    LOGIN_LIMIT_PER_ACCOUNT = _env("LOGIN_LIMIT_PER_ACCOUNT", "10 per minute")

    # 等保 2.0 level 3: lockout, idle and absolute session limits, password policy.
    LOCKOUT_THRESHOLD = _env_int("LOCKOUT_THRESHOLD", 5)
    LOCKOUT_MINUTES = _env_int("LOCKOUT_MINUTES", 15)
    STAFF_IDLE_MINUTES = _env_int("STAFF_IDLE_MINUTES", 30)
    STAFF_ABSOLUTE_HOURS = _env_int("STAFF_ABSOLUTE_HOURS", 12)
    PASSWORD_MIN_LENGTH = _env_int("PASSWORD_MIN_LENGTH", 8)
    PASSWORD_MIN_CLASSES = _env_int("PASSWORD_MIN_CLASSES", 3)
    TOTP_ISSUER = _env("TOTP_ISSUER", "CareLMS")
    PASSWORD_HASH_METHOD = "scrypt"  # Werkzeug's default parameters

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=_env_int("STAFF_ABSOLUTE_HOURS", 12))
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the session's own limits apply

    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = _env("TIMEZONE", "Asia/Shanghai")
    LANGUAGES = ("zh", "en")

    # 学时 rules (1 学时 = 45 min): heartbeat period, idle limit, completion and cap.
    STUDY_HEARTBEAT_SECONDS = _env_int("STUDY_HEARTBEAT_SECONDS", 30)
    STUDY_IDLE_SECONDS = _env_int("STUDY_IDLE_SECONDS", 300)
    LESSON_MIN_TIME_RATIO = float(_env("LESSON_MIN_TIME_RATIO", "1.0"))
    LESSON_CREDIT_CAP_MULTIPLE = float(_env("LESSON_CREDIT_CAP_MULTIPLE", "1.5"))

    PAGE_SIZE = _env_int("PAGE_SIZE", 25)
    CONTENT_DIR = _env("CONTENT_DIR")  # None: the repository's content/ folder


class TestingConfig(Config):
    """For pytest: the database comes from LMS_TEST_DATABASE_URL; CSRF is off
    unless a test turns it on to check it."""

    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("LMS_TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    PASSWORD_HASH_METHOD = "scrypt:4096:8:1"  # cheap on purpose: hundreds of sign-ins per run
    SECRET_KEY = "test-secret-key"
    ID_ENCRYPTION_KEY = "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktMzJieSE="


class ProductionConfig(Config):
    """Behind a reverse proxy over HTTPS, on PostgreSQL."""

    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)


CONFIGS = {"default": Config, "testing": TestingConfig, "production": ProductionConfig}
