"""Enrolments at the same moment, each in its own connection and
transaction, keep the people in training exact: one person put on two
courses at once is counted once, and many people of one region lose no
count."""

import random
import time

from lms.courses import services as courses
from lms.courses.models import Course
from lms.extensions import db
from lms.people.models import Person
from lms.quotas import learners
from tests.concurrency import run_at_once
from tests.quotas.test_learners import assert_kept_equals_reference, stored

PEOPLE = 5


def _seed() -> dict:
    """Commit regions, two caregiver courses and people of one county."""
    from lms.demo.identities import fake_id_number, fake_mobile
    from lms.people import services as people
    from lms.regions.queries import region_by_code
    from lms.regions.services import import_regions
    from tests.conftest import REGION_TREE

    rng = random.Random(7)
    import_regions(REGION_TREE)
    region = region_by_code("130102")
    made = [Course(slug=slug, title=title, audience="caregiver", nominal_hours=10)
            for slug, title in (("cg-care", "生活照护"), ("cg-safety", "安全防护"))]
    db.session.add_all(made)
    ids = [people.register_person(name=f"李{'一二三四五六'[i]}梅", id_number=fake_id_number(rng, "130102"),
                                  phone=fake_mobile(rng), region=region, categories=["caregiver"]).id
           for i in range(PEOPLE)]
    db.session.commit()
    return {"people": ids, "courses": [course.id for course in made]}


def test_concurrent_enrolments_keep_the_people_in_training_exact(make_committed_app, monkeypatch):
    app = make_committed_app()
    with app.app_context():
        seeded = _seed()
        db.session.remove()
    read_states = learners._states

    def slow_states(ids):
        # Between reading a person's state and writing the difference: long
        # enough for another writer of the same person to read the same
        # state, unless the per-person lock makes it wait.
        states = read_states(ids)
        time.sleep(0.4)
        return states

    monkeypatch.setattr(learners, "_states", slow_states)
    enrolments = [(seeded["people"][0], course_id) for course_id in seeded["courses"]]  # one person, two courses
    enrolments += [(person_id, seeded["courses"][0]) for person_id in seeded["people"][1:]]

    def enrol(person_id, course_id):
        return lambda: courses.enrol(db.session.get(Person, person_id), db.session.get(Course, course_id), by=None)

    assert run_at_once(app, [enrol(*pair) for pair in enrolments]) == []
    with app.app_context():
        assert_kept_equals_reference()
        kept, counts = stored()
        assert len(kept) == PEOPLE and ("caregiver", "130000/", PEOPLE) in counts
        db.session.remove()
