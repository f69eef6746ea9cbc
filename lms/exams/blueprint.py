"""The exams blueprint; its views live in bank_views.py, views.py,
attempt_views.py and practical_views.py."""

from flask import Blueprint

bp = Blueprint("exams", __name__)
