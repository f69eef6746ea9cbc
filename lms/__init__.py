"""CareLMS: training and certification for elderly-care workers.

``create_app`` only wires things together: configuration, extensions,
blueprints, CLI commands, request hooks and error pages.
"""

import gc
import os
from pathlib import Path

from flask import Flask

from config import CONFIGS


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the application. ``config_name`` is 'default', 'testing' or
    'production' (default: ``LMS_CONFIG`` or 'default')."""
    app = Flask(__name__, instance_path=os.environ.get("LMS_INSTANCE_PATH") or None,
                instance_relative_config=True)
    app.config.from_object(CONFIGS[config_name or os.environ.get("LMS_CONFIG", "default")])
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'carelms.db'}"

    from lms.core.secrets import ensure_instance_secrets

    ensure_instance_secrets(app)
    import lms.models  # noqa: F401  (all tables known before anything uses the metadata)

    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)

    from lms.core.errors import register_error_pages
    from lms.core.security_headers import register_security_headers
    from lms.core.templating import register_template_helpers

    register_error_pages(app)
    register_security_headers(app)
    register_template_helpers(app)
    _trust_proxies(app)
    if app.config.get("GC_FREEZE_AT_START"):
        # What start-up made (models, templates, catalogues: ~190k objects)
        # lives as long as the process; frozen, the collector's full passes
        # skip it instead of pausing a request for ~200 ms now and then.
        gc.freeze()
    return app


def _trust_proxies(app: Flask) -> None:
    """Take the client's address and scheme from the last ``TRUSTED_PROXIES``
    X-Forwarded-For / X-Forwarded-Proto entries (what the proxies added, not
    what the client sent), so that rate limits count each client."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0, x_port=0, x_prefix=0)


def _init_extensions(app: Flask) -> None:
    from lms.auth.session import init_login
    from lms.core.access import refuse_undeclared_views
    from lms.core.database import configure_sqlite
    from lms.core.preferences import current_language
    from lms.core.replica import REPLICA, watch_replica
    from lms.extensions import babel, cache, csrf, db, limiter, migrate

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    if app.config.get("DATABASE_REPLICA_URL"):
        app.config["SQLALCHEMY_BINDS"] = {**app.config.get("SQLALCHEMY_BINDS", {}),
                                          REPLICA: app.config["DATABASE_REPLICA_URL"]}
    db.init_app(app)
    # The replica holds the primary's tables (streamed by PostgreSQL), none of
    # its own: create_all/drop_all must never reach it.
    db.metadatas.pop(REPLICA, None)
    with app.app_context():
        configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
        if REPLICA in db.engines:
            watch_replica(db.engines[REPLICA])
    migrate.init_app(app, db, render_as_batch=True, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=current_language)
    limiter.init_app(app)
    cache.init_app(app)
    init_login(app)
    app.before_request(refuse_undeclared_views)


def _register_blueprints(app: Flask) -> None:
    from lms.api.admin_views import bp as api_admin_bp
    from lms.api.blueprint import register_api
    from lms.auth.admin_views import bp as admin_bp
    from lms.auth.views import bp as auth_bp
    from lms.certs.views import bp as certs_bp
    from lms.competitions.views import bp as competitions_bp
    from lms.core.views import bp as core_bp
    from lms.courses.views import bp as courses_bp
    from lms.exams.views import bp as exams_bp
    from lms.people.views import bp as people_bp
    from lms.quotas.views import bp as quotas_bp
    from lms.regions.views import bp as regions_bp
    from lms.subsidies.views import bp as subsidies_bp
    from lms.training.views import bp as training_bp

    for blueprint in (core_bp, auth_bp, admin_bp, regions_bp, people_bp, courses_bp, training_bp, exams_bp,
                      certs_bp, competitions_bp, quotas_bp, subsidies_bp, api_admin_bp):
        app.register_blueprint(blueprint)
    register_api(app)  # /api/v1 and its OpenAPI document (flask-smorest)


def _register_cli(app: Flask) -> None:
    from lms.auth.cli import users_cli
    from lms.certs.cli import certs_cli
    from lms.competitions.cli import competitions_cli
    from lms.content_cli import content_cli
    from lms.core.cli import audit_cli
    from lms.demo import demo_cli
    from lms.exams.cli import exams_cli
    from lms.quotas.cli import quotas_cli
    from lms.regions.cli import regions_cli

    for group in (users_cli, audit_cli, regions_cli, content_cli, demo_cli, exams_cli, certs_cli, competitions_cli,
                  quotas_cli):
        app.cli.add_command(group)
