"""A notification for one user, and the reminders already sent (never twice)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from emulation.core.models import Base, UTCDateTime, utcnow


class Notification(Base):
    """Thông báo: a message for one user, and its email when mail is on: `mail_state` None
    (not mailed), queued, retrying (a try failed, another is scheduled), sent or failed (every
    try failed: listed for administrators at /notifications/mail/)."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    params: Mapped[str] = mapped_column(Text, default="{}")
    link: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    mail_state: Mapped[str | None] = mapped_column(String(10))
    mail_attempts: Mapped[int] = mapped_column(Integer, default=0)
    mail_error: Mapped[str] = mapped_column(String(500), default="")
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_notification_user_unread", "user_id", "read_at"),
        Index("ix_notification_mail_state", "mail_state"),
        CheckConstraint("mail_state IN ('queued', 'retrying', 'sent', 'failed')",
                        name="mail_state"),
    )


class ReminderSent(Base):
    __tablename__ = "reminder_sent"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
