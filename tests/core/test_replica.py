"""The read replica: a view marked ``@reads_replica`` reads its figures from
the replica; sign-in, access checks, writes, locks and everything after a
write read the primary; without a replica nothing changes."""

from datetime import date

import pytest
from flask import g
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import event, insert, orm, select

from lms.core.access import Role
from lms.core.replica import REPLICA, RoutingSession
from lms.extensions import db
from lms.quotas import rollups
from lms.quotas.models import Plan
from tests.conftest import PASSWORD, REGION_TREE


@pytest.fixture
def routed_app(make_committed_app, monkeypatch):
    """make(replica_url): a committed app with a replica, whose sessions
    route as production's ``db.session`` does."""

    def make(replica_url: str):
        app = make_committed_app(DATABASE_REPLICA_URL=replica_url)
        monkeypatch.setattr(db, "session", orm.scoped_session(orm.sessionmaker(class_=RoutingSession, db=db),
                                                              scopefunc=_app_ctx_id))
        return app

    return make


def _plan(code: str) -> dict:
    return {"code": code, "name": f"{code}指标", "period_start": date(2026, 1, 1), "deadline": date(2027, 12, 31)}


def test_plain_selects_of_a_marked_request_go_to_the_replica_until_it_writes(routed_app, tmp_path):
    # A replica holding other rows than the primary, to see which one answers.
    app = routed_app(f"sqlite:///{tmp_path / 'replica.db'}")
    with app.app_context():
        db.metadata.create_all(db.engines[REPLICA])
        with db.engines[REPLICA].begin() as connection:
            connection.execute(insert(Plan.__table__).values(**_plan("on-replica")))
        db.session.add(Plan(**_plan("on-primary")))
        db.session.commit()
        db.session.remove()

    def codes() -> set[str]:
        return set(db.session.scalars(select(Plan.code)))

    with app.test_request_context("/"):
        assert codes() == {"on-primary"}  # not marked: the primary
        db.session.remove()
    with app.test_request_context("/"):
        g.reads_replica = True
        assert codes() == {"on-replica"}
        assert db.session.get(Plan, 1).code == "on-replica"  # the ORM's own loads too
        assert set(db.session.scalars(select(Plan.code).with_for_update())) == {"on-primary"}  # a lock
        assert codes() == {"on-primary"}  # … and the request reads the primary from then on
        db.session.remove()
    with app.test_request_context("/"):
        g.reads_replica = True
        db.session.add(Plan(**_plan("written")))
        db.session.flush()  # a write goes to the primary, and the request reads its own writes
        assert codes() == {"on-primary", "written"}
        db.session.rollback()
        db.session.remove()


def _province_official_and_plan() -> None:
    """The regions, a provincial civil-affairs account (sjz-civil) and a
    kept plan "now", committed."""
    from lms.auth import services as accounts
    from lms.regions.queries import region_by_code
    from lms.regions.services import import_regions

    import_regions(REGION_TREE)
    user = accounts.create_user(username="sjz-civil", display_name="省民政厅", password=PASSWORD)
    accounts.assign_role(user, Role.CIVIL_AFFAIRS, by=None, region=region_by_code("130000"))
    plan = Plan(**_plan("now"))
    db.session.add(plan)
    db.session.flush()
    rollups.rebuild(plan)
    db.session.commit()
    db.session.remove()


def test_the_dashboard_reads_the_replica_and_signs_in_on_the_primary(routed_app, committed_database):
    # The replica is the same database through its own engine: the figures
    # are the same, and each statement says which engine ran it.
    app = routed_app(committed_database)
    with app.app_context():
        _province_official_and_plan()
        ran = {None: [], REPLICA: []}
        for key in ran:
            event.listen(db.engines[key], "before_cursor_execute",
                         lambda _c, _cur, statement, *_rest, key=key: ran[key].append(statement))
    client = app.test_client()
    assert client.post("/login", data={"username": "sjz-civil", "password": PASSWORD}).status_code == 302
    assert ran[REPLICA] == []  # signing in is not a marked view

    ran[None].clear()
    response = client.get("/quotas/regions/130000?plan=now")
    assert response.status_code == 200 and "now指标" in response.get_data(as_text=True)
    assert any("quota_rollups" in statement for statement in ran[REPLICA])
    assert any("quota_learner_counts" in statement for statement in ran[REPLICA])
    assert not any("quota_" in statement for statement in ran[None])
    assert any("FROM users" in statement for statement in ran[None])  # the account: always the primary

    ran[REPLICA].clear()
    assert client.get("/").status_code == 200  # an unmarked page
    assert ran[REPLICA] == []


def test_a_replica_that_fails_leaves_the_dashboard_on_the_primary(routed_app, committed_database, tmp_path,
                                                                  monkeypatch, caplog):
    from lms.core import replica

    monkeypatch.setattr(replica, "_resting_until", [0.0])
    app = routed_app(f"sqlite:///{tmp_path / 'no-such-folder' / 'replica.db'}")  # cannot be opened
    with app.app_context():
        _province_official_and_plan()
        tried = []
        event.listen(db.engines[REPLICA], "handle_error", lambda context: tried.append(context))
    client = app.test_client()
    assert client.post("/login", data={"username": "sjz-civil", "password": PASSWORD}).status_code == 302

    response = client.get("/quotas/regions/130000?plan=now")
    assert response.status_code == 200 and "now指标" in response.get_data(as_text=True)
    assert len(tried) == 1 and "read replica failed" in caplog.text
    assert client.get("/quotas/regions/130000?plan=now").status_code == 200
    assert len(tried) == 1  # resting: not tried again at once

    later = replica._clock() + replica.REPLICA_REST_SECONDS + 1
    monkeypatch.setattr(replica, "_clock", lambda: later)
    assert client.get("/quotas/regions/130000?plan=now").status_code == 200
    assert len(tried) == 2  # tried again after the rest, and answered from the primary again
