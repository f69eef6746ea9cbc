"""Writes for API clients: create, revoke, and the record of each call.
Flush, never commit."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from lms.api.models import ApiClient
from lms.auth.models import User
from lms.core import audit
from lms.core.time import as_utc, utcnow
from lms.extensions import db
from lms.regions.models import Region

TOKEN_BYTES = 32
PREFIX_LENGTH = 8
# last_used_at is for administrators ("is this client still in use?"), not
# evidence — the audit log is that — so one write a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiClientError(ValueError):
    """A client cannot be created or revoked as asked."""


def token_hash(token: str) -> str:
    """What is stored of a token: its SHA-256 in hex (see ``ApiClient``)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_client(name: str, region: Region, by: User | None) -> tuple[ApiClient, str]:
    """A new client scoped to ``region``, and its token — returned here only,
    to be shown once: the database keeps the hash and the first 8 characters."""
    name = (name or "").strip()
    if not name or len(name) > 128:
        raise ApiClientError("name")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    client = ApiClient(name=name, region=region, token_prefix=token[:PREFIX_LENGTH],
                       token_hash=token_hash(token), created_by_id=by.id if by else None)
    db.session.add(client)
    db.session.flush()
    audit.record("api_client.created", client, actor=by,
                 new={"name": client.name, "region": region.code, "token_prefix": client.token_prefix})
    return client, token


def revoke_client(client: ApiClient, by: User | None) -> ApiClient:
    """Stop the client's token working from the next call on."""
    if client.is_revoked:
        raise ApiClientError("revoked already")
    client.revoked_at = utcnow()
    db.session.flush()
    audit.record("api_client.revoked", client, actor=by, old={"revoked_at": None},
                 new={"name": client.name, "token_prefix": client.token_prefix,
                      "revoked_at": client.revoked_at})
    return client


def client_for_token(token: str) -> ApiClient | None:
    """The active client holding ``token``, or None (unknown or revoked).

    Found by an indexed equality on the hash: no timing comparison of the
    token itself happens, so no constant-time compare is needed — what a
    timing difference could leak is a prefix of the *hash*, which says
    nothing about a preimage.
    """
    if not token:
        return None
    client = db.session.scalar(db.select(ApiClient).where(ApiClient.token_hash == token_hash(token)))
    return None if client is None or client.is_revoked else client


def record_call(client: ApiClient, *, endpoint: str, args: dict[str, Any], status: int,
                count: int | None, subject: dict[str, Any] | None = None) -> None:
    """Audit one answered call: which client, which endpoint, with which
    (non-sensitive) arguments, how it ended and how many records it returned.

    The audit log is one hash chain whose writers take a lock in turn (see
    ``lms.core.audit``): every API call waits for it briefly. That is fine at
    a provincial system's volume (a few clients, ``API_RATE_LIMIT`` each) and
    is the price of a log that shows tampering.
    """
    now = utcnow()
    if client.last_used_at is None or now - as_utc(client.last_used_at) >= LAST_USED_RESOLUTION:
        client.last_used_at = now
    values = {"endpoint": endpoint, "args": args, "status": status, "count": count}
    audit.record("api.call", client, actor=_ApiActor(client), new=values | (subject or {}))


class _ApiActor:
    """Who the audit log names for an API call: the client, not a user (the
    entry's actor id stays empty; the client is the entry's object)."""

    id = None

    def __init__(self, client: ApiClient):
        self.username = f"api:{client.name}"[:80]
