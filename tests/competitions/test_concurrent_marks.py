"""Marks entered at once on PostgreSQL: four judges saving every mark of a
station at the same moment, each with a connection of its own, lose
nothing; two saves of one mark racing each other keep the newer one."""

import random

import pytest
from sqlalchemy import func, select

from lms.competitions.models import Aspect, Judge, Mark
from lms.competitions.services import judging
from lms.extensions import db
from tests.competitions import factories
from tests.concurrency import run_at_once
from tests.conftest import is_postgres

pytestmark = pytest.mark.skipif(not is_postgres(), reason="row locks and upserts under load: PostgreSQL only")

JUDGES, CONTESTANTS = 4, 6


def _seed() -> dict:
    """Commit a drawn round of CONTESTANTS contestants and JUDGES judges (of no
    unit, so everyone marks everyone) and return the ids the threads need."""
    from lms.auth import services as accounts
    from lms.core.access import Role
    from lms.demo.identities import fake_id_number, fake_mobile
    from lms.people import services as people
    from lms.regions.queries import region_by_code
    from lms.regions.services import import_regions
    from tests.conftest import PASSWORD, REGION_TREE

    rng = random.Random(11)
    import_regions(REGION_TREE)
    unit = region_by_code("130102")
    competition = factories.published_competition(region_by_code("130100"), units=[unit])
    persons = [people.register_person(name=f"选手{n}", id_number=fake_id_number(rng, "130102"),
                                      phone=fake_mobile(rng), region=unit, categories=["caregiver"])
               for n in range(CONTESTANTS)]
    users = []
    for n in range(JUDGES):
        user = accounts.create_user(username=f"judge{n}", display_name=f"裁判{n}", password=PASSWORD)
        accounts.assign_role(user, Role.EXAMINER, by=None)
        users.append(user)
    setup = factories.drawn_round(competition, {unit: persons}, users)
    station = setup.stations[0]
    seeded = {"station": station.id, "users": [u.id for u in users],
              "contestants": [c.id for c in setup.contestants],
              "aspects": [(a.id, sorted(a.allowed_values())) for a in station.aspects]}
    db.session.commit()
    return seeded


def test_judges_marking_at_once_lose_no_mark(make_committed_app):
    app = make_committed_app()
    with app.app_context():
        seeded = _seed()
        db.session.remove()
    rng = random.Random(3)
    # Each judge enters every mark, then changes a third of them (as judges
    # do on a second look): the last value sent is the one that must stay.
    plans, last = {}, {}
    for user_id in seeded["users"]:
        saves, seq = [], 0
        for contestant_id in seeded["contestants"]:
            for aspect_id, allowed in seeded["aspects"]:
                seq += 1
                saves.append((contestant_id, aspect_id, rng.choice(allowed), seq))
        for contestant_id, aspect_id, _value, _seq in rng.sample(saves, len(saves) // 3):
            seq += 1
            saves.append((contestant_id, aspect_id, rng.choice(dict(seeded["aspects"])[aspect_id]), seq))
        plans[user_id] = saves
        for contestant_id, aspect_id, value, _seq in saves:
            last[(user_id, contestant_id, aspect_id)] = value

    def judge(user_id):
        def work():
            for contestant_id, aspect_id, value, seq in plans[user_id]:
                outcome = judging.save_mark(user_id=user_id, station_id=seeded["station"],
                                            contestant_id=contestant_id, aspect_id=aspect_id, value=value, seq=seq)
                db.session.commit()
                assert outcome.outcome == judging.SaveOutcome.SAVED
        return work

    assert run_at_once(app, [judge(user_id) for user_id in seeded["users"]]) == []
    with app.app_context():
        stored = {(user_id, contestant_id, aspect_id): value for user_id, contestant_id, aspect_id, value in
                  db.session.execute(select(Judge.user_id, Mark.contestant_id, Mark.aspect_id, Mark.value)
                                     .join(Judge, Judge.id == Mark.judge_id))}
        assert len(stored) == JUDGES * CONTESTANTS * len(seeded["aspects"])
        assert stored == last
        station = db.session.get(Aspect, seeded["aspects"][0][0]).station
        assert judging.missing_marks(station) == 0
        db.session.remove()


def test_two_saves_of_one_mark_racing_keep_the_newer(make_committed_app):
    """A retry and a new choice of the same mark arrive together (two
    requests in flight from one phone), for every aspect of every contestant:
    whichever commits first, the save with the higher counter wins."""
    app = make_committed_app()
    with app.app_context():
        seeded = _seed()
        db.session.remove()
    user_id = seeded["users"][0]
    targets = [(c, a, allowed) for c in seeded["contestants"] for a, allowed in seeded["aspects"]]
    outcomes: list = []

    def save(contestant_id, aspect_id, value, seq):
        def work():
            outcomes.append(judging.save_mark(user_id=user_id, station_id=seeded["station"],
                                              contestant_id=contestant_id, aspect_id=aspect_id, value=value,
                                              seq=seq).outcome)
            db.session.commit()
        return work

    errors: list = []
    for contestant_id, aspect_id, allowed in targets:
        older, newer = allowed[0], allowed[-1]  # different values: the winner is visible
        errors += run_at_once(app, [save(contestant_id, aspect_id, older, 1), save(contestant_id, aspect_id, newer, 2)])
    assert errors == []
    with app.app_context():
        rows = db.session.execute(select(Mark.contestant_id, Mark.aspect_id, Mark.value, Mark.seq)).all()
        assert len(rows) == len(targets)
        assert {(c, a): (v, s) for c, a, v, s in rows} == {(c, a): (allowed[-1], 2) for c, a, allowed in targets}
        assert db.session.scalar(select(func.count(Mark.id))) == len(targets)
        db.session.remove()
    # Each race ends with the newer save kept: saved, plus the older one saved
    # (it came first) or found stale (it came second).
    assert outcomes.count(judging.SaveOutcome.SAVED) >= len(targets)
