"""CSRF protection is on in every configuration but the tests that turn it off."""

import re

from lms.core.access import Role
from lms.extensions import db
from tests.conftest import PASSWORD


def test_post_without_token_is_rejected(app, client, make_user):
    user = make_user(Role.TRAINEE)
    db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 400
        assert "表单已过期" in response.get_data(as_text=True)
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post("/login", data={"username": user.username, "password": PASSWORD,
                                               "csrf_token": token})
        assert response.status_code == 302
        assert client.post("/logout").status_code == 400  # the sign-out button needs it too
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_csrf_is_on_by_default():
    from config import Config, ProductionConfig

    assert Config.WTF_CSRF_ENABLED and ProductionConfig.WTF_CSRF_ENABLED
