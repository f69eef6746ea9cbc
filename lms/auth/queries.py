"""Reads for account administration and the audit log."""

from sqlalchemy import func, select

from lms.auth.models import User
from lms.core.audit import AuditEntry


def users_stmt(search: str = ""):
    """All accounts, optionally filtered by user name or full name, by name."""
    stmt = select(User).order_by(User.username)
    if search:
        pattern = f"%{search.strip().lower()}%"
        stmt = stmt.where(
            func.lower(User.username).like(pattern) | func.lower(User.display_name).like(pattern)
        )
    return stmt


def audit_stmt(*, action: str = "", actor: str = "", object_type: str = ""):
    """Audit entries, newest first, filtered by action prefix, actor and object type."""
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc())
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action.strip()))
    if actor:
        stmt = stmt.where(func.lower(AuditEntry.actor_name) == actor.strip().lower())
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type.strip())
    return stmt
