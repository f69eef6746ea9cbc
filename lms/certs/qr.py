"""Verification URLs and their QR codes.

The QR code goes into the PDF as a small PNG (two pixels per module, scaled up
by CSS with crisp edges) rather than SVG: an SVG of hundreds of rectangles
costs WeasyPrint layout time on every page, a PNG is one image.
"""

import base64
import io
from urllib.parse import parse_qs, quote, urlsplit

import segno
from flask import current_app, has_request_context, request

from lms.certs.signing import sign_number

VERIFY_PATH = "/v/"
CHECK_CODE_LENGTH = 10  # base64url characters: 60 bits, printed for typing in by hand


def base_url() -> str:
    """Where the public verification page lives (no trailing slash)."""
    configured = current_app.config.get("CERTS_VERIFY_BASE_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return "http://127.0.0.1:5000"


def verification_url(number: str, *, base: str | None = None) -> str:
    """The URL a certificate's QR code carries: its number and QR signature."""
    return f"{(base or base_url()).rstrip('/')}{VERIFY_PATH}{quote(number)}?s={sign_number(number)}"


def check_code(number: str) -> str:
    """The short code printed under the QR code for checking by hand."""
    return sign_number(number)[:CHECK_CODE_LENGTH]


def parse_verification_text(text: str) -> tuple[str, str]:
    """(number, signature) from a scanned QR text; ValueError when it is not one."""
    parts = urlsplit(text.strip())
    if VERIFY_PATH not in parts.path:
        raise ValueError("not a verification URL")
    number = parts.path.rsplit(VERIFY_PATH, 1)[1].strip("/")
    signature = (parse_qs(parts.query).get("s") or [""])[0]
    if not number or not signature:
        raise ValueError("number or signature missing")
    return number, signature


def qr_png(text: str) -> bytes:
    """A PNG of the QR code, 2 pixels per module (crisp when scaled), 4-module quiet zone."""
    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False, mask=4).save(buffer, kind="png", scale=2, border=4)
    return buffer.getvalue()


def qr_data_uri(text: str) -> str:
    """The QR code as a data: URI for an <img> in a certificate template."""
    return "data:image/png;base64," + base64.b64encode(qr_png(text)).decode("ascii")
