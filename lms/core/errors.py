"""Error pages in the site's own style."""

from flask import Flask, current_app, render_template
from flask_wtf.csrf import CSRFError

from lms.extensions import db


def _render(status: int | str) -> str:
    # The 413 page names the upload limit, in whole megabytes.
    limit_mb = max(1, current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))
    return render_template("errors/error.html", status=status, limit_mb=limit_mb)


def register_error_pages(app: Flask) -> None:
    def page(status: int):
        def handler(error):
            if status == 500:
                db.session.rollback()
            return _render(status), status

        return handler

    for status in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(status, page(status))
    app.register_error_handler(CSRFError, lambda e: (_render("csrf"), 400))
