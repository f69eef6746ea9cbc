"""Writes for competitions. Flush, never commit: the request or command owns
the transaction. ``events`` sets a competition up; ``entries`` enters
contestants and runs the draw; ``judging`` assigns judges, saves marks, locks
stations and decides appeals; ``results`` publishes rankings and awards."""

from lms.competitions.services.errors import CompetitionError

__all__ = ["CompetitionError"]
