"""Verification URLs and their QR codes.

The QR code is drawn into the PDF as vector rectangles from its module
matrix (``lms/certs/stamping.py``). The matrix comes from zxing-cpp: a
batch draws one per certificate, and its C++ encoder takes ~0.5 ms where a
pure-Python one takes ~3 ms (and picks a denser encoding of the URL, so
fewer modules).
"""

import hmac
import re
import unicodedata
from urllib.parse import parse_qs, quote, urlsplit

import zxingcpp
from flask import current_app, has_request_context, request

from lms.certs.signing import sign_number, unb64

VERIFY_PATH = "/v/"
DARK_RUN = re.compile(rb"\x00+")  # in zxing-cpp's module image, 0 is a dark module
# The check code is read off paper and typed by hand, often by older people:
# Crockford's base32 has no I, L, O or U, so nothing printed looks like
# something else, and what is typed is read generously (O as 0, I and L as 1,
# any case, spaces and hyphens ignored). 10 characters carry 50 bits.
CHECK_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_CODE_LENGTH = 10
CHECK_CODE_GROUPS = (4, 4, 2)  # printed as ABCD-EFGH-JK
_TYPED_SEPARATORS = re.compile(r"[\s\-_.\u2010-\u2015\u2212]+")
_TYPED_LOOKALIKES = str.maketrans("OIL", "011")


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
    """The short code printed under the QR code for checking by hand: the
    first 50 bits of the number's QR signature in ``CHECK_ALPHABET``, grouped
    (``7K3M-Q9TR-XC``)."""
    signature = int.from_bytes(unb64(sign_number(number))[:8], "big")
    bits = 5 * CHECK_CODE_LENGTH
    value = signature >> (64 - bits)
    code = "".join(CHECK_ALPHABET[(value >> shift) & 31] for shift in range(bits - 5, -1, -5))
    groups, start = [], 0
    for size in CHECK_CODE_GROUPS:
        groups.append(code[start:start + size])
        start += size
    return "-".join(groups)


def normalise_check_code(text: str) -> str:
    """A typed check code as the printed one reads without its hyphens:
    full-width characters made plain, upper case, separators dropped, and
    O, I, L read as 0, 1, 1."""
    text = unicodedata.normalize("NFKC", text or "").upper()
    return _TYPED_SEPARATORS.sub("", text).translate(_TYPED_LOOKALIKES)


def check_code_matches(number: str, typed: str) -> bool:
    """True when ``typed`` is the check code printed for ``number``."""
    # Bytes: compare_digest refuses str with anything beyond ASCII in it.
    expected = normalise_check_code(check_code(number)).encode()
    return hmac.compare_digest(expected, normalise_check_code(typed).encode())


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

