"""Verification URLs and their QR codes.

The QR code is drawn into the PDF as vector rectangles from its module
matrix (``lms/certs/stamping.py``). The matrix comes from zxing-cpp: a
batch draws one per certificate, and its C++ encoder takes ~0.5 ms where a
pure-Python one takes ~3 ms (and picks a denser encoding of the URL, so
fewer modules).
"""

import re
from urllib.parse import parse_qs, quote, urlsplit

import zxingcpp
from flask import current_app, has_request_context, request

from lms.certs.signing import sign_number

VERIFY_PATH = "/v/"
DARK_RUN = re.compile(rb"\x00+")  # in zxing-cpp's module image, 0 is a dark module
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


def qr_dark_runs(text: str) -> list[list[tuple[int, int]]]:
    """The QR code of ``text`` (error correction M, no quiet zone) as, per row
    of modules from the top, the (start, length) of each run of dark modules."""
    image = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(
        scale=1, add_quiet_zones=False)
    size = image.shape[1]
    pixels = bytes(memoryview(image))  # one byte per module: 0 dark, 255 light
    return [[(m.start() - row, m.end() - m.start()) for m in DARK_RUN.finditer(pixels, row, row + size)]
            for row in range(0, len(pixels), size)]

