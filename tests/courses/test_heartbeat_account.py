"""The heartbeat checks the account in its own statement (it is the busiest
request, so the account is not loaded before the view). Whatever the
account's state, it must answer as every other trainee view does: here
"My learning", which goes through the ordinary session rules and ``@allow``."""

from urllib.parse import urlsplit

import pytest
from sqlalchemy import event, update

from lms.auth import services as accounts
from lms.auth.models import User
from lms.core.access import Role
from lms.extensions import db


@pytest.fixture
def learner(make_person, make_user, make_institution, make_course):
    user = make_user(Role.TRAINEE)
    make_person(user=user, institution=make_institution("130102"), name="张秀兰")
    course = make_course()
    db.session.commit()
    return {"user": user, "lesson_id": course.lessons[0].id}


def _answers(client, lesson_id: int, body: dict | None = None) -> tuple[tuple, tuple]:
    """(heartbeat's answer, My learning's answer): status and where a
    redirect leads (its path: the ``next`` in the query names the page)."""
    def answer(response):
        location = response.headers.get("Location")
        return response.status_code, urlsplit(location).path if location else None

    beat = client.post("/study/heartbeat", json=body if body is not None else {"lesson_id": lesson_id,
                                                                                "idle_seconds": 0})
    return answer(beat), answer(client.get("/learning"))


def _set(user: User, **values) -> None:
    db.session.execute(update(User).where(User.id == user.id).values(**values))
    db.session.commit()


def test_a_signed_in_trainee_beats(client, login, learner):
    login(learner["user"])
    assert _answers(client, learner["lesson_id"]) == ((200, None), (200, None))


def test_without_a_session_both_ask_to_sign_in(client, learner):
    assert _answers(client, learner["lesson_id"]) == ((302, "/login"), (302, "/login"))


def test_a_deactivated_account_is_signed_out(client, login, learner):
    login(learner["user"])
    _set(learner["user"], is_active_account=False)
    assert _answers(client, learner["lesson_id"]) == ((302, "/login"), (302, "/login"))


def test_a_session_older_than_a_password_change_is_signed_out(client, login, learner):
    login(learner["user"])
    _set(learner["user"], session_version=User.session_version + 1)
    assert _answers(client, learner["lesson_id"]) == ((302, "/login"), (302, "/login"))


def test_an_account_that_must_change_its_password_is_sent_to_do_so(client, login, learner):
    login(learner["user"])
    _set(learner["user"], must_change_password=True)
    assert _answers(client, learner["lesson_id"]) == ((302, "/account/password"), (302, "/account/password"))


def test_a_trainee_who_is_also_staff_is_cut_after_the_staff_idle_limit(client, login, learner, make_institution):
    accounts.assign_role(learner["user"], Role.INSTITUTION_STAFF, by=None, institution=make_institution("130102"))
    db.session.commit()
    login(learner["user"])
    with client.session_transaction() as session:
        session["seen_at"] -= 31 * 60
    beat, _page = _answers(client, learner["lesson_id"])
    assert beat == (302, "/login")
    assert client.get("/learning").status_code == 302  # the session was ended, not just refused once


def test_an_admin_duty_without_its_second_factor_is_sent_to_set_it_up(client, login, learner):
    accounts.assign_role(learner["user"], Role.AUDIT_ADMIN, by=None)
    db.session.commit()
    login(learner["user"])
    assert _answers(client, learner["lesson_id"]) == ((302, "/account/second-factor"),
                                                      (302, "/account/second-factor"))


def test_an_account_without_the_trainee_role_is_refused(client, login, make_user, make_institution, learner):
    staff = make_user(Role.INSTITUTION_STAFF, institution=make_institution("130102"))
    db.session.commit()
    login(staff)
    assert _answers(client, learner["lesson_id"]) == ((403, None), (403, None))
    # A malformed beat is refused for the role too, before its body is looked at.
    assert _answers(client, learner["lesson_id"], {"idle_seconds": 0})[0] == (403, None)


def test_last_seen_is_renewed_as_on_any_page(client, login, learner):
    login(learner["user"])
    with client.session_transaction() as session:
        session["seen_at"] -= 120
        before = session["seen_at"]
    response = client.post("/study/heartbeat", json={"lesson_id": learner["lesson_id"], "idle_seconds": 0})
    assert response.status_code == 200 and "session=" in response.headers.get("Set-Cookie", "")
    with client.session_transaction() as session:
        assert session["seen_at"] > before + 100


def test_the_account_is_read_with_the_beat_not_before_it(app, client, login, learner):
    login(learner["user"])
    client.post("/study/heartbeat", json={"lesson_id": learner["lesson_id"], "idle_seconds": 0})
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert client.post("/study/heartbeat", json={"lesson_id": learner["lesson_id"],
                                                     "idle_seconds": 0}).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    reading_users = [statement for statement in statements if "FROM users" in statement]
    assert len(reading_users) == 1 and "study_clocks" in reading_users[0], statements
