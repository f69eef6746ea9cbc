"""What one request of an exam sitting costs, in-process: CPU milliseconds and
SQL statements per step, on PostgreSQL, with the production configuration.

    .venv/bin/python bench/exam_requests.py [--candidates 40] [--saves 10] [--profile STEP]

The surge bench (bench/exam_surge.py) says whether the targets are met under
load; this one says where a request's time goes, without the noise of a
saturated machine. A fresh database gets the surge bench's seed (the real
banks, a 100-question level-5 exam); each candidate then signs in (not
measured) and walks: "My exams", start (the POST), the paper, SAVES
autosaves, submit (confirmed) and the result, through Flask's test client —
no sockets, no gunicorn, so the figures are the application's own.

Prints, per step, the mean and median CPU time of the process (the test
client included, which is small), the PostgreSQL backends' CPU (read from
/proc in 10 ms ticks, so a mean over all the step's requests) and the
statements sent. ``--profile STEP``
adds a cProfile of that step's requests, sorted by own time.
"""

import argparse
import random

from request_meter import Meter, fresh_postgres, new_id_key, production_app, signed_in_client

STEPS = ("healthz", "my exams", "start", "paper", "save", "submit", "result")


def walk(client, meter: Meter, exam_id: int, saves: int, rng: random.Random) -> None:
    """One candidate's sitting, each request measured under its step."""
    import re

    from exam_surge import CHOICE, PAPER_TOKEN

    meter.measure("healthz", lambda: client.get("/healthz"))
    page = meter.measure("my exams", lambda: client.get("/me/exams")).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    started = meter.measure("start", lambda: client.post(f"/me/exams/{exam_id}/start",
                                                         data={"csrf_token": token, "confirmed": "1"}))
    assert started.status_code == 302, started.status_code
    paper_path = started.headers["Location"]
    page = meter.measure("paper", lambda: client.get(paper_path)).get_data(as_text=True)
    token = PAPER_TOKEN.search(page).group(1)
    choices: dict[int, list[str]] = {}
    for _kind, position, value in CHOICE.findall(page):
        choices.setdefault(int(position), []).append(value)
    for position in range(1, saves + 1):
        body = {"position": position, "answer": [rng.choice(choices[position])], "seq": position}  # one save each
        saved = meter.measure("save", lambda body=body: client.post(f"{paper_path}/answers", json=body,
                                                                    headers={"X-CSRFToken": token}))
        assert saved.status_code == 200, saved.get_data(as_text=True)
    submitted = meter.measure("submit", lambda: client.post(f"{paper_path}/submit", data={
        "csrf_token": token, "confirmed": "1"}))
    assert submitted.status_code == 302, submitted.status_code
    meter.measure("result", lambda: client.get(submitted.headers["Location"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=40)
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--profile", choices=STEPS, help="cProfile this step's requests")
    args = parser.parse_args()

    from exam_surge import PASSWORD, seed

    from lms.extensions import db

    with fresh_postgres("requests") as (url, _folder):
        id_key = new_id_key()
        usernames, exam_id = seed(url, id_key, args.candidates, random.Random(1))
        app = production_app(url, id_key)
        with app.app_context():
            meter = Meter(db.engine, STEPS, args.profile)
        rng = random.Random(2)
        for username in usernames:
            walk(signed_in_client(app, username, PASSWORD), meter, exam_id, args.saves, rng)
        print(f"{args.candidates} candidates, {args.saves} saves each; CPU ms per request "
              "(first candidate dropped: warm-up)")
        meter.print_table(lambda step, values: values[1:] if step != "save" else values[args.saves:])
        meter.print_profile()
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
