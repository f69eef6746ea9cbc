"""What one request of a learner's evening costs, in-process: CPU
milliseconds and SQL statements per step, on PostgreSQL, with the production
configuration — the figures behind the README's capacity table.

    .venv/bin/python bench/study_requests.py [--learners 40] [--beats 10] [--profile STEP]

A fresh database gets the heartbeat bench's seed (regions, a public course of
two 45-minute lessons, LEARNERS enrolled trainees with accounts). Each learner
signs in through the login page (not measured) and walks: "My learning", the
course page, the lesson page, BEATS heartbeats 30 s apart (the clock is moved
back between them, so each one continues the stretch and is credited, as in
a real evening) and the quiz, through Flask's test client — no sockets, no
gunicorn, so the figures are the application's own. gunicorn's share of a
request (HTTP parsing, threads) comes on top: about 0.4 ms a request in
bench/heartbeats.py --http.

Prints, per step, the mean and median CPU time of the process (the test
client included, which is small), the PostgreSQL backends' CPU (read from
/proc in 10 ms ticks, so a mean over all the step's requests) and the
statements sent. ``--profile STEP`` adds a cProfile of that step's requests.
"""

import argparse
from datetime import timedelta

from request_meter import TOKEN, Meter, fresh_postgres, new_id_key, production_app, signed_in_client

STEPS = ("my learning", "course", "lesson", "heartbeat", "quiz")


def _back_date_clock(app, username: str, seconds: int) -> None:
    """Move the learner's study clock back, as if the last beat came
    ``seconds`` ago (so the next beat is credited without waiting)."""
    from sqlalchemy import update

    from lms.auth.models import User
    from lms.courses.models import StudyClock
    from lms.extensions import db
    from lms.people.models import Person

    with app.app_context():
        person = (Person.__table__.select().with_only_columns(Person.id)
                  .join_from(Person, User, User.id == Person.user_id).where(User.username == username))
        db.session.execute(update(StudyClock).where(StudyClock.person_id == person.scalar_subquery())
                           .values(last_beat_at=StudyClock.last_beat_at - timedelta(seconds=seconds)))
        db.session.commit()


def walk(app, client, meter, username: str, lesson_id: int, beats: int) -> None:
    """One learner's visit, each request measured under its step."""
    from heartbeats import COURSE

    from lms.courses.models import Lesson
    from lms.extensions import db

    with app.app_context():
        lesson = db.session.get(Lesson, lesson_id)
        lesson_path = f"/courses/{COURSE}/lessons/{lesson.slug}"
        # The right answers, as the form sends them: "true"/"false", or one value per letter.
        answers = {f"q{question.id}": [question.answer] if question.kind == "true_false" else list(question.answer)
                   for question in lesson.questions}
    assert meter.measure("my learning", lambda: client.get("/learning")).status_code == 200
    assert meter.measure("course", lambda: client.get(f"/courses/{COURSE}")).status_code == 200
    page = meter.measure("lesson", lambda: client.get(lesson_path))
    assert page.status_code == 200, page.status_code
    token = TOKEN.search(page.get_data(as_text=True)).group(1)
    for _ in range(beats):
        beat = meter.measure("heartbeat", lambda: client.post("/study/heartbeat", json={
            "lesson_id": lesson_id, "idle_seconds": 0}, headers={"X-CSRFToken": token}))
        assert beat.status_code == 200, beat.get_data(as_text=True)
        _back_date_clock(app, username, 30)
    quiz = meter.measure("quiz", lambda: client.post(f"{lesson_path}/quiz", data={"csrf_token": token, **answers}))
    assert quiz.status_code == 200, quiz.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=40)
    parser.add_argument("--beats", type=int, default=10)
    parser.add_argument("--profile", choices=STEPS, help="cProfile this step's requests")
    args = parser.parse_args()

    from heartbeats import PASSWORD, seed_bulk

    from lms.extensions import db

    with fresh_postgres("study") as (url, folder):
        app = production_app(url, new_id_key())
        _user_ids, usernames, lesson_id = seed_bulk(app, args.learners, folder)
        with app.app_context():
            meter = Meter(db.engine, STEPS, args.profile)
        for username in usernames:
            walk(app, signed_in_client(app, username, PASSWORD), meter, username, lesson_id, args.beats)
        print(f"{args.learners} learners, {args.beats} heartbeats each; CPU ms per request "
              "(first learner dropped: warm-up; first beat of each learner dropped: it starts the stretch)")
        meter.print_table(lambda step, values: values[1:] if step != "heartbeat" else [
            value for index, value in enumerate(values[args.beats:]) if index % args.beats])
        meter.print_profile()
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
