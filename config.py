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
    # A PostgreSQL read replica of the primary: the quota dashboard and its
    # export read from it (lms.core.replica); unset, everything reads the primary.
    DATABASE_REPLICA_URL = _env("DATABASE_REPLICA_URL")

    REDIS_URL = _env("REDIS_URL")
    RATELIMIT_STORAGE_URI = _env("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # The dashboard reads kept counts (quota rollups) and answers fast without
    # a cache, so by default its figures are live. A positive value keeps them
    # this long (Redis when configured, else per process); the page then says
    # how old they are.
    QUOTA_CACHE_SECONDS = _env_int("QUOTA_CACHE_SECONDS", 0)
    CACHE_TYPE = "RedisCache" if _env("REDIS_URL") else "SimpleCache"
    CACHE_REDIS_URL = _env("REDIS_URL")
    CACHE_KEY_PREFIX = "carelms:"
    LOGIN_LIMIT_PER_ADDRESS = _env("LOGIN_LIMIT_PER_ADDRESS", "30 per minute")
    LOGIN_LIMIT_PER_ACCOUNT = _env("LOGIN_LIMIT_PER_ACCOUNT", "10 per minute")
    # Reverse proxies in front of the app that append X-Forwarded-For/-Proto.
    # 0 ignores those headers (a client could forge them); behind one proxy
    # without this, every client shares the proxy's address and its limits.
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)

    # Larger request bodies are refused (413) before they are read: a 40 MB
    # question file once took 34 s to fail. The bank import also caps the
    # questions one file may hold.
    MAX_UPLOAD_MB = _env_int("MAX_UPLOAD_MB", 10)
    MAX_CONTENT_LENGTH = MAX_UPLOAD_MB * 1024 * 1024
    BANK_IMPORT_MAX_QUESTIONS = _env_int("BANK_IMPORT_MAX_QUESTIONS", 2000)
    # Strict-Transport-Security max-age in seconds; 0 sends none (plain HTTP
    # on one machine). ProductionConfig, served over HTTPS, sends a year.
    HSTS_SECONDS = 0

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
    # The cookie is renewed when the session changes, which lms/auth/session.py
    # makes happen at most once a minute ("seen_at"), not on every response.
    SESSION_REFRESH_EACH_REQUEST = False
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

    # Exams (lms/exams): how late an answer sent before the deadline may still
    # arrive — the paper keeps answers on the device through a dropped
    # connection and sends them when it is back, so a minute, not a moment;
    # later ones are refused and the attempt closes with what arrived in time.
    # And how far apart two examiners' practical totals may be before the
    # result is flagged for the chief examiner's review.
    EXAM_GRACE_SECONDS = _env_int("EXAM_GRACE_SECONDS", 60)
    # Question versions (stem, options) each process keeps for papers; 0 keeps none.
    EXAM_SHOWN_VERSIONS_KEPT = _env_int("EXAM_SHOWN_VERSIONS_KEPT", 20_000)
    PRACTICAL_FLAG_GAP = _env_int("PRACTICAL_FLAG_GAP", 10)

    # Certificates (lms/certs). The national number is Y|S + evaluation-body code
    # + 13 + site serial + year + level + sequence; the codes come from the
    # evaluation body's registration. The signing key (Ed25519, PEM) is generated
    # into instance/ on first use when neither setting is given.
    CERTS_ORG_TYPE = _env("CERTS_ORG_TYPE", "S")  # Y employer, S social organisation
    CERTS_EVALUATION_BODY_CODE = _env("CERTS_EVALUATION_BODY_CODE", "0001")
    CERTS_SITE_SERIAL = _env("CERTS_SITE_SERIAL", "000001")
    CERTS_SIGNING_KEY = _env("CERTS_SIGNING_KEY")  # PEM text
    CERTS_SIGNING_KEY_FILE = _env("CERTS_SIGNING_KEY_FILE")  # default instance/certs_signing_key.pem
    CERTS_VERIFY_BASE_URL = _env("CERTS_VERIFY_BASE_URL")  # e.g. https://lms.example.gov.cn
    CERTS_VERIFY_LIMIT = _env("CERTS_VERIFY_LIMIT", "30 per minute")
    CERTS_APPROVAL_PROGRAMMES = _env("CERTS_APPROVAL_PROGRAMMES", "")  # programme codes, comma-separated
    CERTS_PRINT_CHUNK = _env_int("CERTS_PRINT_CHUNK", 150)  # certificates per PDF file
    JOBS_QUEUE = _env("JOBS_QUEUE", "carelms")
    JOBS_STALE_SECONDS = _env_int("JOBS_STALE_SECONDS", 300)

    # Training classes (lms/training): the share of a programme's hours (online,
    # classroom and hours recorded from before CareLMS) a trainee needs for the
    # assessment and the certificate.
    TRAINING_HOURS_THRESHOLD = float(_env("TRAINING_HOURS_THRESHOLD", "0.8"))
    TRAINING_QR_SECONDS = _env_int("TRAINING_QR_SECONDS", 30)  # how often the attendance QR code changes

    # Quota status: done ÷ expected-by-today at or above these is on track / at risk.
    QUOTA_ON_TRACK_RATIO = float(_env("QUOTA_ON_TRACK_RATIO", "0.95"))
    QUOTA_AT_RISK_RATIO = float(_env("QUOTA_AT_RISK_RATIO", "0.80"))

    # The JSON API for provincial systems (lms/api, /api/v1): calls per client
    # (all endpoints together, Flask-Limiter syntax), and what flask-smorest
    # writes into the OpenAPI document it serves at /api/v1/openapi.json.
    API_RATE_LIMIT = _env("API_RATE_LIMIT", "120 per minute")
    API_TITLE = "CareLMS API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"

    PAGE_SIZE = _env_int("PAGE_SIZE", 25)
    CONTENT_DIR = _env("CONTENT_DIR")  # None: the repository's content/ folder


class TestingConfig(Config):
    """For pytest: the database comes from LMS_TEST_DATABASE_URL; CSRF is off
    unless a test turns it on to check it."""

    CACHE_TYPE = "NullCache"  # every test reads the database it just wrote
    EXAM_SHOWN_VERSIONS_KEPT = 0  # ids come back after a rolled-back test

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
    HSTS_SECONDS = _env_int("HSTS_SECONDS", 365 * 24 * 3600)
    # One app per process here (tests build hundreds, which must stay collectable).
    GC_FREEZE_AT_START = True


CONFIGS = {"default": Config, "testing": TestingConfig, "production": ProductionConfig}
