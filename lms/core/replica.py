"""Reads from a PostgreSQL read replica, for views that only read.

With ``LMS_DATABASE_REPLICA_URL`` set, a view marked ``@reads_replica`` (the
quota dashboard and its export) sends its plain SELECTs to the replica, so
that dashboards and exports do not load the primary that takes study
heartbeats, exam answers and certificate writes. Everything else goes to
the primary, as without a replica:

- every request's sign-in, session and access checks: they run before the
  view (``@allow`` stands outside ``@reads_replica``), so a revoked session
  or role is never read from a replica that lags;
- anything but a plain SELECT (a write, a flush, a lock, ``FOR UPDATE``, raw
  SQL): and from then on the whole request reads the primary, so that it
  reads its own writes.

A replica lags its primary by the time it takes to stream the last commits
(well under a second on one network); figures read from it are that old.

A replica that fails (down, unreachable, restarting) does not take the
dashboard with it: the view runs again on the primary, and for
``REPLICA_REST_SECONDS`` marked views read the primary before the replica
is tried again. Give the replica's URL a ``connect_timeout`` so that an
unreachable host fails in seconds.
"""

import logging
import time
from functools import wraps

from flask import g, has_request_context
from flask_sqlalchemy.session import Session
from sqlalchemy import Engine, Select, event
from sqlalchemy.exc import DBAPIError

REPLICA = "replica"  # the bind key of LMS_DATABASE_REPLICA_URL's engine
REPLICA_REST_SECONDS = 30

log = logging.getLogger(__name__)
_resting_until = [0.0]  # this process's: when a failed replica may be tried again (on _clock)
_clock = time.monotonic


def reads_replica(view):
    """Mark a view that only reads: its plain SELECTs may go to the replica.
    When the replica fails, the view runs again on the primary (safe: it
    only reads)."""

    @wraps(view)
    def marked(*args, **kwargs):
        if _clock() < _resting_until[0]:
            return view(*args, **kwargs)
        g.reads_replica = True
        try:
            return view(*args, **kwargs)
        except DBAPIError as error:
            if not g.pop("replica_failed", False):
                raise
            log.warning("read replica failed (%s): reading the primary for %d s",
                        type(error.orig).__name__, REPLICA_REST_SECONDS)
            _resting_until[0] = _clock() + REPLICA_REST_SECONDS
            from lms.extensions import db  # here: lms.extensions imports this module

            db.session.rollback()
            g.reads_replica = False
            return view(*args, **kwargs)

    return marked


def watch_replica(engine: Engine) -> None:
    """Note, for ``reads_replica``, an error of the replica's engine
    (connecting included) in the request that met it."""

    @event.listens_for(engine, "handle_error")
    def failed(_context) -> None:
        if has_request_context():
            g.replica_failed = True


class RoutingSession(Session):
    """``db.session``'s class: picks the replica's engine for the plain
    SELECTs of a view marked ``@reads_replica``, the primary otherwise."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and self.bind is None and self._to_replica(clause):
            return self._db.engines[REPLICA]
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)

    def _to_replica(self, clause) -> bool:
        if not has_request_context() or not g.get("reads_replica") or g.get("reads_primary"):
            return False
        if REPLICA not in self._db.engines:
            return False
        if self._flushing or (clause is not None and not _plain_select(clause)):
            g.reads_primary = True  # this request writes or locks: it reads its own writes from now on
            return False
        return clause is not None  # without a statement: asked which database, not used for reading


def _plain_select(clause) -> bool:
    return isinstance(clause, Select) and clause._for_update_arg is None
