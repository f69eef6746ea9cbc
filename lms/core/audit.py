"""The audit log: who did what, when, from where, with old and new values.

Entries form a hash chain: each stores the hash of the one before it and a hash
over its own content. Editing, deleting or inserting a row breaks the chain at
that point, and ``verify_chain`` names the first broken entry. Nothing in the
application deletes entries (retention: at least 180 days).
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import DateTime, Integer, String, Text, select, text
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.time import as_utc, utcnow
from lms.extensions import db

GENESIS_HASH = "0" * 64
# Any constant works: it only has to be the same for every writer of the log.
_AUDIT_LOCK_KEY = 7_240_001


class AuditEntry(db.Model):
    """One audited event. Never updated or deleted by the application."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_name: Mapped[str] = mapped_column(String(80), default="")
    remote_addr: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64), default="")
    object_id: Mapped[str] = mapped_column(String(64), default="")
    old_values: Mapped[str] = mapped_column(Text, default="")
    new_values: Mapped[str] = mapped_column(Text, default="")
    # Unique: two writers that read the same tail cannot both extend the chain.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    entry_hash: Mapped[str] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} {self.object_type}:{self.object_id}>"

    def content_hash(self) -> str:
        """The hash this entry must carry, computed from its stored content."""
        payload = json.dumps(
            [
                as_utc(self.occurred_at).isoformat(timespec="microseconds"),
                self.actor_id,
                self.actor_name,
                self.remote_addr,
                self.action,
                self.object_type,
                self.object_id,
                self.old_values,
                self.new_values,
                self.prev_hash,
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _dump(values: dict[str, Any] | None) -> str:
    if not values:
        return ""
    return json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)


def _lock_chain() -> None:
    # PostgreSQL: serialise writers of the chain for the rest of the transaction.
    # SQLite serialises writers by itself.
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _AUDIT_LOCK_KEY})


def record(
    action: str,
    obj: Any = None,
    *,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    actor: Any = None,
    object_type: str | None = None,
    object_id: Any = None,
) -> AuditEntry:
    """Append an entry to the audit log (flushes, never commits).

    ``obj`` names the object by its class and id; values must never hold ID
    numbers, passwords or secrets in clear — pass masked values.
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    _lock_chain()
    tail = db.session.execute(
        select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
    ).scalar()
    entry = AuditEntry(
        occurred_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_name=getattr(actor, "username", "") or "",
        remote_addr=(request.remote_addr or "") if has_request_context() else "cli",
        action=action,
        object_type=object_type or (type(obj).__name__ if obj is not None else ""),
        object_id=str(object_id if object_id is not None else getattr(obj, "id", "") or ""),
        old_values=_dump(old),
        new_values=_dump(new),
        prev_hash=tail or GENESIS_HASH,
    )
    entry.entry_hash = entry.content_hash()
    db.session.add(entry)
    db.session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    """Result of checking the chain: ``broken_id`` is None when intact."""

    checked: int
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify_chain() -> ChainReport:
    """Walk the log in order and report the first entry that breaks the chain."""
    expected_prev = GENESIS_HASH
    checked = 0
    rows = db.session.execute(
        select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=1000)
    ).scalars()
    for entry in rows:
        checked += 1
        if entry.prev_hash != expected_prev:
            return ChainReport(checked, entry.id, "previous-hash link does not match")
        if entry.content_hash() != entry.entry_hash:
            return ChainReport(checked, entry.id, "content does not match its hash")
        expected_prev = entry.entry_hash
    return ChainReport(checked)
