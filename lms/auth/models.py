"""Accounts and their role assignments."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.access import ADMIN_DUTIES, Role, RoleHolder, Scope
from lms.core.time import utcnow
from lms.extensions import db
from lms.regions.models import Institution, Region


class User(RoleHolder, UserMixin, db.Model):
    """A sign-in account. A trainee's personal record lives in ``people``."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    failed_login_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_secret_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    is_totp_enabled: Mapped[bool] = mapped_column(default=False)
    # Bumped on password change or deactivation: older sessions stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    assignments: Mapped[list["RoleAssignment"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username}>"

    # Flask-Login: the session stores id + version, so that a password change
    # ends every other session of the account.
    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @property
    def roles(self) -> set[str]:
        return {assignment.role for assignment in self.assignments}

    def scopes(self, roles: Iterable[str]) -> list[Scope]:
        """The scopes this account holds through the given roles."""
        wanted = set(roles)
        return [a.scope() for a in self.assignments if a.role in wanted]

    @property
    def scope_user_ids(self) -> set[int]:
        return {self.id}


@dataclass(frozen=True)
class AccountFacts(RoleHolder):
    """An account as read by a view that checks it itself, in its own
    statement (``account_columns``): what the session rules and the role
    check need, without building a ``User``."""

    id: int
    session_version: int
    is_active_account: bool
    must_change_password: bool
    is_totp_enabled: bool
    roles: frozenset[str]

    @classmethod
    def of_row(cls, row) -> "AccountFacts | None":
        """The facts in a row selected with ``account_columns()``; None when
        it has no account (no row, or the account does not exist)."""
        if row is None or row.account_id is None:
            return None
        return cls(id=row.account_id, session_version=row.account_session_version,
                   is_active_account=bool(row.account_is_active), must_change_password=bool(row.account_must_change),
                   is_totp_enabled=bool(row.account_totp_enabled),
                   roles=frozenset(row.account_roles.split(",")) if row.account_roles else frozenset())


def account_columns() -> list:
    """The columns ``AccountFacts.of_row`` reads, for a SELECT with ``users``
    in its FROM; the roles come as one comma-separated string."""
    roles = (select(func.aggregate_strings(RoleAssignment.role, ","))
             .where(RoleAssignment.user_id == User.id).scalar_subquery())
    return [User.id.label("account_id"), User.session_version.label("account_session_version"),
            User.is_active_account.label("account_is_active"),
            User.must_change_password.label("account_must_change"),
            User.is_totp_enabled.label("account_totp_enabled"), roles.label("account_roles")]


class RoleAssignment(db.Model):
    """A role held by a user, with the scope it applies to.

    Institution staff are scoped to one institution; civil-affairs staff to a
    region (county, allocation unit or province); admin duties to everything.
    """

    __tablename__ = "role_assignments"
    __table_args__ = (UniqueConstraint("user_id", "role", name="uq_role_assignments_user_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(back_populates="assignments")
    region: Mapped[Region | None] = relationship(lazy="joined")
    institution: Mapped[Institution | None] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<RoleAssignment {self.user_id} {self.role}>"

    def scope(self) -> Scope:
        if self.role in ADMIN_DUTIES:
            return Scope(everything=True)
        if self.role == Role.CIVIL_AFFAIRS and self.region is not None:
            return Scope(region_path=self.region.path)
        if self.role in (Role.INSTITUTION_STAFF, Role.EXAMINER) and self.institution_id:
            return Scope(institution_id=self.institution_id)
        return Scope(user_id=self.user_id)
