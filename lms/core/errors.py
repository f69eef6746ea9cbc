"""Error pages in the site's own style."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from lms.extensions import db


def register_error_pages(app: Flask) -> None:
    def page(status: int):
        def handler(error):
            if status == 500:
                db.session.rollback()
            return render_template("errors/error.html", status=status), status

        return handler

    for status in (400, 403, 404, 405, 429, 500):
        app.register_error_handler(status, page(status))
    app.register_error_handler(CSRFError, lambda e: (render_template("errors/error.html", status="csrf"), 400))
