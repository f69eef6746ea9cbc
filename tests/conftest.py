"""Test fixtures: one schema per session, each test inside a rolled-back
transaction, and factories for regions, institutions, accounts and people.

The database comes from LMS_TEST_DATABASE_URL (scripts/test-all.sh sets it for
SQLite and PostgreSQL runs); without it a temporary SQLite file is used.
"""

import contextvars
import os
import random
import tempfile
import uuid
from pathlib import Path

import pyotp
import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import orm
from sqlalchemy.engine import make_url

_TMP = Path(tempfile.mkdtemp(prefix="carelms-tests-"))
os.environ.setdefault("LMS_TEST_DATABASE_URL", f"sqlite:///{_TMP / 'test.db'}")
os.environ["LMS_INSTANCE_PATH"] = str(_TMP / "instance")

from lms import create_app  # noqa: E402
from lms.auth import services as accounts  # noqa: E402
from lms.core.access import ADMIN_DUTIES, Role  # noqa: E402
from lms.core.crypto import encrypt_text  # noqa: E402
from lms.demo.identities import fake_credit_code, fake_id_number, fake_mobile  # noqa: E402
from lms.extensions import db, limiter  # noqa: E402
from lms.people import services as people  # noqa: E402
from lms.people.models import Category  # noqa: E402
from lms.regions.models import InstitutionKind  # noqa: E402
from lms.regions.services import import_regions  # noqa: E402

PASSWORD = "Test#pass2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

REGION_TREE = {
    "provinces": [{
        "code": "130000", "name": "河北省",
        "units": [
            {"code": "130100", "name": "石家庄市", "counties": [
                {"code": "130102", "name": "长安区"}, {"code": "130104", "name": "桥西区"}]},
            {"code": "130200", "name": "唐山市", "counties": [{"code": "130203", "name": "路北区"}]},
        ],
    }]
}


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, as in production.

    Tests hold an app context open (for the database); without this, Flask
    would reuse it for the client's requests and share ``g`` between them, so
    that the signed-in user of one request leaked into the next.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def _compile_translations() -> None:
    """Compile the catalogue so pages render the current Chinese texts."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    folder = Path(__file__).resolve().parent.parent / "lms/translations/zh/LC_MESSAGES"
    with (folder / "messages.po").open("rb") as source, (folder / "messages.mo").open("wb") as target:
        write_mo(target, read_po(source))


@pytest.fixture(scope="session")
def app():
    _compile_translations()
    app = create_app("testing")
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """Run the test in a transaction that is rolled back afterwards; commits in
    views and services only release a SAVEPOINT. Browser tests serve a real
    app of their own from another thread and do not take part."""
    if request.node.get_closest_marker("browser"):
        yield
        return
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = orm.scoped_session(
            orm.sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_ctx_id,
        )
        limiter.reset()
        with app.test_request_context():
            yield
        db.session.remove()
        db.session = original
        outer.rollback()
        connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def regions():
    """A small tree: 河北省 > 石家庄市 (长安区, 桥西区), 唐山市 (路北区)."""
    import_regions(REGION_TREE)
    from lms.regions.queries import region_by_code

    return {code: region_by_code(code) for code in
            ("130000", "130100", "130102", "130104", "130200", "130203")}


@pytest.fixture
def rng():
    return random.Random(7)


@pytest.fixture
def make_institution(regions, rng):
    from lms.regions.services import create_institution

    def make(region_code="130102", name=None, kind=InstitutionKind.CARE_HOME, grade=None):
        region = regions[region_code]
        return create_institution(name=name or f"{region.name}测试养老院{rng.randrange(10**6)}",
                                  credit_code=fake_credit_code(rng, region.code), kind=kind,
                                  grade=grade, region=region)

    return make


@pytest.fixture
def make_user(regions, rng):
    """make_user(role, region_code=…, institution=…): an account holding one role.

    Admin duties get a second factor already set up (TOTP_SECRET)."""

    def make(role=None, *, region_code=None, institution=None, username=None):
        user = accounts.create_user(username=username or f"u{rng.randrange(10**9)}",
                                    display_name="测试用户", password=PASSWORD)
        if role:
            accounts.assign_role(user, role, by=None,
                                 region=regions[region_code] if region_code else None,
                                 institution=institution)
        if role in ADMIN_DUTIES:
            user.totp_secret_encrypted = encrypt_text(TOTP_SECRET, context=b"user.totp_secret")
            user.is_totp_enabled = True
        db.session.flush()
        return user

    return make


@pytest.fixture
def make_person(regions, rng):
    def make(region_code="130102", *, institution=None, user=None, name="王秀英",
             categories=(Category.CAREGIVER,), id_number=None):
        return people.register_person(
            name=name, id_number=id_number or fake_id_number(rng, region_code),
            phone=fake_mobile(rng), region=regions[region_code], categories=list(categories),
            employer=institution, registered_by=institution, user=user,
        )

    return make


@pytest.fixture
def login(client):
    """login(user): sign in through the real form (and second factor when on)."""

    def do_login(user, password=PASSWORD):
        response = client.post("/login", data={"username": user.username, "password": password})
        if user.is_totp_enabled:
            response = client.post("/login/second-factor",
                                   data={"code": pyotp.TOTP(TOTP_SECRET).now()})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return do_login


@pytest.fixture
def world(make_institution, make_user, make_person, tmp_path, regions):
    """One object of each kind inside a scope, and one outside it, plus an
    account for every role scoped so that the 'inside' objects are theirs."""
    home = make_institution("130102", name="长安区康宁养老院")
    other = make_institution("130203", name="路北区幸福里养老中心")
    trainee_user = make_user(Role.TRAINEE)
    person = make_person("130102", institution=home, user=trainee_user)
    outsider = make_person("130203", institution=other, name="李建国")
    users = {
        "trainee": trainee_user,
        "institution_staff": make_user(Role.INSTITUTION_STAFF, institution=home),
        "examiner": make_user(Role.EXAMINER, institution=home),
        "civil_affairs": make_user(Role.CIVIL_AFFAIRS, region_code="130100"),
        "system_admin": make_user(Role.SYSTEM_ADMIN),
        "security_admin": make_user(Role.SECURITY_ADMIN),
        "audit_admin": make_user(Role.AUDIT_ADMIN),
    }
    course = _grid_course(tmp_path)
    objects = {"home": home, "other": other, "person": person, "outsider": outsider, "users": users,
               "course": course, **_grid_targets(regions)}
    db.session.commit()
    return objects


def _grid_targets(regions) -> dict:
    """A plan with a county target inside the grid's civil-affairs scope (长安区)
    and one outside it (路北区)."""
    from datetime import date

    from lms.quotas.models import Plan, Target

    plan = Plan(code="grid-plan", name="指标", period_start=date(2021, 1, 1), deadline=date(2022, 12, 31))
    inside = Target(plan=plan, category="caregiver", region=regions["130102"], persons=100)
    outside = Target(plan=plan, category="caregiver", region=regions["130203"], persons=100)
    db.session.add_all([plan, inside, outside])
    db.session.flush()
    return {"quota_target": inside, "outside_quota_target": outside}


def _grid_course(tmp_path):
    """A public course with an attachment, for the access grid."""
    from lms.courses.content import read_course
    from lms.courses.queries import course_by_slug
    from lms.courses.services import import_course
    from tests.courses.conftest import write_course

    folder = write_course(tmp_path / "courses", "grid-course", attachment=True)
    import_course(read_course(folder))
    return course_by_slug("grid-course")


def is_postgres() -> bool:
    return make_url(os.environ["LMS_TEST_DATABASE_URL"]).get_backend_name() == "postgresql"


@pytest.fixture
def committed_database(tmp_path):
    """The URL of a database of its own that tests may really commit to: a
    SQLite file, or (on a PostgreSQL run) a fresh PostgreSQL database, dropped after."""
    if not is_postgres():
        yield f"sqlite:///{tmp_path / 'committed.db'}"
        return
    import psycopg
    from psycopg import sql

    url = make_url(os.environ["LMS_TEST_DATABASE_URL"])
    name = f"carelms_committed_{uuid.uuid4().hex[:10]}"
    admin = dict(host=url.host or "127.0.0.1", port=url.port or 5432,
                 user=url.username or "postgres", password=url.password, dbname="postgres",
                 autocommit=True)
    with psycopg.connect(**admin) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(**admin) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def make_committed_app(committed_database, tmp_path):
    """make_committed_app(**config): a second app on the committed database,
    schema created, own instance folder. The test's rolled-back session is
    swapped out meanwhile: each app context of this app, in any thread, gets
    its own session that really commits (for concurrency and job tests)."""
    from lms import create_app as make_app

    made = []
    original = db.session

    def make(**config):
        app = make_app("testing", SQLALCHEMY_DATABASE_URI=committed_database, **config)
        app.instance_path = str(tmp_path / "instance")
        with app.app_context():
            engine = db.engine
            db.metadata.create_all(engine)
        db.session = orm.scoped_session(orm.sessionmaker(bind=engine), scopefunc=_app_ctx_id)
        made.append(engine)
        return app

    yield make
    db.session.remove()
    db.session = original
    for engine in made:
        engine.dispose()
