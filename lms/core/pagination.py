"""Pagination of list pages."""

from dataclasses import dataclass
from math import ceil

from flask import current_app, request
from sqlalchemy import Select, func, select

from lms.extensions import db


@dataclass
class Page:
    """One page of results, with what the pager macro needs."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def paginate(stmt: Select, *, rows: bool = False) -> Page:
    """Paginate a select() by the ``page`` query argument. A bad or
    out-of-range page number is clamped, never an error. With ``rows`` the
    items are whole result rows (for selects of several columns), otherwise
    the first entity of each row."""
    per_page = current_app.config["PAGE_SIZE"]
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    pages = max(1, ceil(total / per_page))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    result = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    items = list(result) if rows else list(result.scalars())
    return Page(items=items, page=page, per_page=per_page, total=total)
