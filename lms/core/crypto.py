"""Encryption at rest for personal identifiers.

ID numbers are stored encrypted with AES-256-GCM (random 96-bit nonce stored in
front of the ciphertext) so that a copy of the database reveals nothing. A keyed
hash (HMAC-SHA256 with a key derived from the same secret) lets the registry
find a person by ID number, and enforce one record per person, without
decrypting every row.
"""

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app

_NONCE_BYTES = 12


def _master_key() -> bytes:
    key = base64.urlsafe_b64decode(current_app.config["ID_ENCRYPTION_KEY"])
    if len(key) != 32:
        raise RuntimeError("LMS_ID_ENCRYPTION_KEY must be 32 bytes, base64 encoded")
    return key


def _subkey(purpose: bytes) -> bytes:
    return hmac.new(_master_key(), purpose, hashlib.sha256).digest()


def encrypt_text(plain: str, *, context: bytes) -> bytes:
    """Encrypt ``plain``; ``context`` (e.g. b"person.id_number") is bound as AAD."""
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(_subkey(b"enc")).encrypt(nonce, plain.encode("utf-8"), context)


def decrypt_text(blob: bytes, *, context: bytes) -> str:
    """Decrypt what ``encrypt_text`` produced with the same context."""
    nonce, body = blob[:_NONCE_BYTES], blob[_NONCE_BYTES:]
    return AESGCM(_subkey(b"enc")).decrypt(nonce, body, context).decode("utf-8")


def keyed_hash(value: str, *, context: bytes) -> str:
    """A deterministic, keyed fingerprint for look-ups (hex, 64 chars)."""
    return hmac.new(_subkey(b"hash:" + context), value.encode("utf-8"), hashlib.sha256).hexdigest()
