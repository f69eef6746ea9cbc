"""Secrets generated into the instance folder when the environment gives none.

A fresh checkout must run without set-up, yet a secret must never live in the
repository: the first run writes random keys to ``instance/`` (mode 0600) and
later runs read them back.
"""

import base64
import os
import secrets
from pathlib import Path

from flask import Flask


def _read_or_create(path: Path, make: callable) -> str:
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    return value


def ensure_instance_secrets(app: Flask) -> None:
    """Fill SECRET_KEY and ID_ENCRYPTION_KEY from instance/ when they are unset."""
    folder = Path(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _read_or_create(
            folder / "secret_key", lambda: secrets.token_urlsafe(48)
        )
    if not app.config.get("ID_ENCRYPTION_KEY"):
        app.config["ID_ENCRYPTION_KEY"] = _read_or_create(
            folder / "id_encryption_key",
            lambda: base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii"),
        )
