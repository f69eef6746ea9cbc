"""The training blueprint; its views live in views.py (classes and their
workflow), session_views.py (sessions and calendars), roster_views.py
(enrolment and rosters), attendance_views.py (QR attendance) and
report_views.py (hours)."""

from flask import Blueprint

bp = Blueprint("training", __name__)
