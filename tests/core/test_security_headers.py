"""Security headers on every kind of response, HSTS only in production, the
templates the Content-Security-Policy allows, and the site's icon."""

import re
from pathlib import Path

from lms import create_app

TEMPLATES = Path(__file__).resolve().parents[2] / "lms/templates"


def _assert_protected(response) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy and "script-src 'self'" in policy, policy
    assert "'unsafe-inline'" not in policy and "frame-ancestors 'none'" in policy
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") in ("same-origin", "no-referrer")


def test_pages_error_pages_and_the_public_verify_page_carry_the_headers(client):
    pages = {"/": 200, "/login": 200, "/v/S00011300000126400000X?s=AAAA": 200, "/verify": 200,
             "/no-such-page": 404, "/me": 302}
    for url, status in pages.items():
        response = client.get(url)
        assert response.status_code == status, url
        _assert_protected(response)
        assert "Strict-Transport-Security" not in response.headers  # plain HTTP on one machine


def test_production_adds_hsts(tmp_path, monkeypatch):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    production = create_app("production", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/p.db",
                            SECRET_KEY="x" * 40, GC_FREEZE_AT_START=False)
    client = production.test_client()
    for url in ("/healthz", "/no-such-page"):
        response = client.get(url)
        _assert_protected(response)
        assert re.fullmatch(r"max-age=\d{7,}", response.headers["Strict-Transport-Security"]), url


def test_no_template_needs_inline_script_or_style():
    # The policy refuses them: such a page would lose its behaviour or layout.
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>")
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not inline_script.search(text), path
        assert not handler.search(text), path
        assert "style=" not in text and "<style" not in text, path


def test_the_site_icon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert response.data.startswith(b"\x00\x00\x01\x00")  # an ICO file
