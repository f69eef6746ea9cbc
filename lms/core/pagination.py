"""Pagination of list pages."""

from flask import current_app, request
from sqlalchemy import Select

from lms.extensions import db


def paginate(stmt: Select):
    """Paginate a select() by the ``page`` query argument, never erroring on a
    bad or out-of-range page number (it is clamped instead)."""
    page = request.args.get("page", 1, type=int) or 1
    return db.paginate(
        stmt,
        page=max(page, 1),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
        count=True,
    )
