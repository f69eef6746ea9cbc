"""Ed25519 signatures for certificates.

Two signatures, made with the same key:

* the record signature covers the canonical form of every printed field
  (``canonical_form``) and is stored with the certificate; the verification
  page checks it, so a row edited in the database shows as not genuine;
* the QR signature covers only the number (``qr_message``) and travels in the
  QR code's URL, so that a number found or guessed shows nothing without it,
  and ``flask certs verify`` can check a scanned text offline with the public key.

Ed25519 is deterministic: signing the same message again gives the same
signature, so a certificate's QR code never changes between prints.
"""

import base64
import hashlib
import json
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

CANONICAL_VERSION = "carelms-cert-v1"
QR_VERSION = "carelms-qr-v1"
SIGNED_FIELDS = ("number", "kind", "holder_name", "id_number_masked", "programme_name",
                 "programme_category", "level", "hours", "issuer_name", "issue_date", "replaces")
# Fields added after certificates were first signed: covered when present in
# the fields given (``services.signed_fields`` gives them only for the kinds
# that print them), left out of the canonical form otherwise, so that the
# signatures of certificates issued before they existed stay valid.
OPTIONAL_SIGNED_FIELDS = ("award",)


def b64(raw: bytes) -> str:
    """URL-safe base64 without padding (fits a URL and a QR code's alphanumerics)."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    """Inverse of ``b64``; raises ValueError on anything but the one text
    ``b64`` writes for the bytes."""
    if not isinstance(text, str) or not text or len(text) % 4 == 1:
        raise ValueError("malformed")
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    # The decoder ignores the unused low bits of the last character, padding
    # and stray characters: a changed signature text must not verify.
    if b64(raw) != text:
        raise ValueError("not in canonical form")
    return raw


def _key_path() -> Path:
    configured = current_app.config.get("CERTS_SIGNING_KEY_FILE")
    return Path(configured) if configured else Path(current_app.instance_path) / "certs_signing_key.pem"


def _load_or_create_pem() -> bytes:
    path = _key_path()
    if path.exists():
        return path.read_bytes()
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # O_EXCL: two processes starting at once must not write two different keys
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return pem


def private_key() -> Ed25519PrivateKey:
    """The signing key: LMS_CERTS_SIGNING_KEY, or the key file (made on first use)."""
    cache = current_app.extensions.setdefault("certs_signing", {})
    if "key" not in cache:
        configured = current_app.config.get("CERTS_SIGNING_KEY")
        pem = configured.encode("ascii") if configured else _load_or_create_pem()
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise RuntimeError("the certificate signing key must be an Ed25519 key")
        cache["key"] = key
    return cache["key"]


def public_key() -> Ed25519PublicKey:
    """The verification key that goes with ``private_key``."""
    return private_key().public_key()


def public_key_pem(key: Ed25519PublicKey | None = None) -> str:
    """The public key as PEM text (published at a stable URL)."""
    return (key or public_key()).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def load_public_key(pem: str | bytes) -> Ed25519PublicKey:
    """Read a PEM public key (for offline verification)."""
    key = serialization.load_pem_public_key(pem.encode("ascii") if isinstance(pem, str) else pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def key_id(key: Ed25519PublicKey | None = None) -> str:
    """A short fingerprint of the public key, stored with each signature (rotation)."""
    raw = (key or public_key()).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def canonical_form(fields: dict) -> bytes:
    """The exact bytes the record signature covers: the signed fields as
    compact, key-sorted JSON (UTF-8), tagged with a version. An optional
    field is part of it exactly when ``fields`` has it."""
    missing = [name for name in SIGNED_FIELDS if name not in fields]
    if missing:
        raise KeyError(f"unsigned fields missing: {missing}")
    body = {name: fields[name] for name in (*SIGNED_FIELDS, *OPTIONAL_SIGNED_FIELDS) if name in fields}
    return json.dumps([CANONICAL_VERSION, body], ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"), default=str).encode("utf-8")


def sign_record(fields: dict) -> str:
    """The record signature of a certificate's fields (base64url)."""
    return b64(private_key().sign(canonical_form(fields)))


def verify_record(fields: dict, signature: str, key: Ed25519PublicKey | None = None) -> bool:
    """True when ``signature`` is a genuine record signature of exactly these fields."""
    try:
        (key or public_key()).verify(unb64(signature), canonical_form(fields))
    except (InvalidSignature, ValueError, KeyError):
        return False
    return True


def qr_message(number: str) -> bytes:
    """What the QR signature covers."""
    return f"{QR_VERSION}|{number}".encode("ascii", errors="strict")


def sign_number(number: str) -> str:
    """The QR signature of a certificate number (base64url, 86 characters)."""
    return b64(private_key().sign(qr_message(number)))


def verify_number(number: str, signature: str, key: Ed25519PublicKey | None = None) -> bool:
    """True when ``signature`` is the genuine QR signature of ``number``."""
    try:
        (key or public_key()).verify(unb64(signature), qr_message(number))
    except (InvalidSignature, ValueError, UnicodeEncodeError):
        return False
    return True
