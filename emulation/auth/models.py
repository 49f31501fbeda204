"""Users and their role grants."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emulation.auth.enums import Role
from emulation.core.models import Base, TimestampMixin, UTCDateTime, VersionedMixin, utcnow

ROLES = Role.values()


class User(TimestampMixin, VersionedMixin, Base):
    """Tài khoản: someone who logs in. Holds RoleGrants."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(150), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    # Bumped by a password change or "sign out everywhere": every older session stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    first_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin",
        order_by="RoleGrant.id")

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class RoleGrant(TimestampMixin, Base):
    """Phân quyền: (user, role, unit). A grant on a unit covers the unit's whole subtree."""

    __tablename__ = "role_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"),
                                                index=True)

    user: Mapped[User] = relationship(back_populates="grants")
    unit: Mapped[Unit | None] = relationship(lazy="joined")  # noqa: F821

    __table_args__ = (
        UniqueConstraint("user_id", "role", "unit_id", name="user_role_unit"),
        CheckConstraint(f"role IN ({Role.sql_in()})", name="role_known"),
        # Only admin is organisation-wide; every other role is held on a unit.
        CheckConstraint("role = 'admin' OR unit_id IS NOT NULL", name="unit_required"),
    )


class LoginSession(Base):
    """Phiên đăng nhập: one signed-in browser. Its cookie carries a secret whose hash is kept
    here; logging out deletes the row, so a copy of the cookie no longer logs in."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
