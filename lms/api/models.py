"""Clients of the JSON API for provincial systems (``/api/v1``)."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.core.time import utcnow
from lms.extensions import db
from lms.regions.models import Region


class ApiClient(db.Model):
    """A provincial system that reads CareLMS through the API, with its token.

    Scoped like a civil-affairs account: a region subtree (``region``), and
    another region's objects answer 404. Only the SHA-256 of the token is
    stored. The token is 32 random bytes (``secrets.token_urlsafe``), so no
    salt and no slow hash are needed: a salt stops precomputed tables and
    same-password collisions, and a slow hash stops guessing — both defend
    low-entropy human secrets, while 256 random bits cannot be guessed or
    tabulated. A plain hash also keeps the lookup a single indexed equality.
    ``token_prefix`` (the first 8 characters) lets administrators tell
    tokens apart without holding them.
    """

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    token_prefix: Mapped[str] = mapped_column(String(8))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    region: Mapped[Region] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ApiClient {self.id} {self.token_prefix}>"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def region_path(self) -> str:
        """The client's scope: everything under this region path."""
        return self.region.path
