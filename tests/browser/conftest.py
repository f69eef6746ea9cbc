"""Real headless Chromium (Debian's package, driven by Playwright) against a
real server on 127.0.0.1 with its own SQLite database. Never downloads a browser."""

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def make_live_app(tmp_path):
    """make_live_app(**config): an app on a fresh SQLite file, schema created,
    served from a thread on 127.0.0.1; ``app.base_url`` is its address."""
    from lms import create_app
    from lms.extensions import db

    started = []

    def make(**config):
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / f'live{len(started)}.db'}",
                         WTF_CSRF_ENABLED=True, **config)
        with app.app_context():
            db.create_all()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        app.base_url = f"http://127.0.0.1:{server.server_port}"
        started.append((app, server))
        return app

    yield make
    for app, server in started:
        server.shutdown()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def live_app(make_live_app):
    """The app with default settings, served."""
    return make_live_app()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: make test installs Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A page the size of a small phone (360 × 740)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()


def seed_home(rng):
    """The test region tree, 长安区康宁养老院 and its staff account ``staff1``
    (inside an app context); returns (institution, staff user)."""
    from lms.auth import services as accounts
    from lms.core.access import Role
    from lms.demo.identities import fake_credit_code
    from lms.regions.queries import region_by_code
    from lms.regions.services import create_institution, import_regions
    from tests.conftest import PASSWORD, REGION_TREE

    import_regions(REGION_TREE)
    home = create_institution(name="长安区康宁养老院", credit_code=fake_credit_code(rng, "130102"),
                              kind="care_home", grade=None, region=region_by_code("130102"))
    staff = accounts.create_user(username="staff1", display_name="培训专员", password=PASSWORD)
    accounts.assign_role(staff, Role.INSTITUTION_STAFF, by=None, institution=home)
    return home, staff


def wait_for(page, expression: str, timeout: float = 15.0) -> None:
    """Wait until the JavaScript ``expression`` is truthy on ``page``.

    Playwright's ``wait_for_function`` polls by ``eval`` inside the page,
    which the site's Content-Security-Policy (no 'unsafe-eval') forbids; a
    plain ``evaluate`` is allowed, so this polls from here instead."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(200)
