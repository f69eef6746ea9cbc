"""Demo data for trying CareLMS on one machine (``flask demo seed``)."""

from lms.demo.cli import demo_cli

__all__ = ["demo_cli"]
