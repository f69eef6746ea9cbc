"""The competitions blueprint; its views live in views.py (organisers: set-up,
entries, draw, judges, results), judge_views.py (mark sheets, the chief
judge's review, lock and appeals) and public_views.py (the event page and
the results board)."""

from flask import Blueprint

bp = Blueprint("competitions", __name__)
