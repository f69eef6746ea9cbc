"""Writers at the same moment, each in its own thread, app context, session
and transaction: concurrency tests on a committed database
(``make_committed_app``)."""

import threading
from collections.abc import Callable

from lms.extensions import db


def run_at_once(app, actions: list[Callable[[], object]]) -> list[Exception]:
    """Start every action together (a barrier), commit what each one left
    uncommitted, and return the errors raised (rolled back), if any."""
    barrier = threading.Barrier(len(actions))
    errors: list[Exception] = []

    def write(action) -> None:
        with app.app_context():
            try:
                barrier.wait(30)
                action()
                db.session.commit()
            except Exception as error:  # returned to the test
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=write, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads), "a writer is still waiting after 120 s"
    return errors
