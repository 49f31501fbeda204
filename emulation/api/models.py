"""Personal access tokens: stored as a SHA-256 hash, shown once."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emulation.core.models import Base, UTCDateTime, utcnow

ACTIVE, REVOKED, EXPIRED, ENDED = "active", "revoked", "expired", "ended"


class ApiToken(Base):
    """Khóa truy cập API: acts as its owner until it expires, is revoked, or the owner's
    account has a security event (password change or reset, "sign out everywhere",
    deactivation): the token keeps the owner's session version it was made under."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    session_version: Mapped[int] = mapped_column(Integer)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="joined")  # noqa: F821

    @property
    def state(self) -> str:
        """ACTIVE, or why the token no longer works: REVOKED, EXPIRED or ENDED (by a security
        event of its owner's account)."""
        if self.revoked_at is not None:
            return REVOKED
        if self.expires_at <= utcnow():
            return EXPIRED
        if self.session_version != self.user.session_version or not self.user.active:
            return ENDED
        return ACTIVE
