"""The certificates blueprint; its views live in views.py, print_views.py and
public_views.py."""

import logging

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

from lms.certs.pdf import harfbuzz_subset_available

bp = Blueprint("certs", __name__)


def _warn_without_harfbuzz_subset(state: BlueprintSetupState) -> None:
    # Checked once at start-up: without the library every certificate still
    # renders, but 20–60× slower, which turns a print job of hours into days.
    if not harfbuzz_subset_available():
        message = ("libharfbuzz-subset0 is MISSING: certificate PDFs will take seconds each "
                   "instead of ~100 ms. Install it: apt-get install libharfbuzz-subset0")
        state.app.logger.warning(message)
        logging.getLogger("lms.certs").warning(message)


bp.record_once(_warn_without_harfbuzz_subset)
