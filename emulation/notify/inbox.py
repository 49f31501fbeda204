"""A user's own notifications (the bell): the list and marking it read. Kept apart from
services.py, which makes and sends notifications for the other areas' events."""
from __future__ import annotations

from sqlalchemy import select, update

from emulation.core.models import utcnow
from emulation.extensions import db
from emulation.notify.models import Notification


def notifications_of(user):
    """The statement of the user's notifications, newest first."""
    return (select(Notification).where(Notification.user_id == user.id)
            .order_by(Notification.id.desc()))


def mark_all_read(user) -> None:
    """Every unread notification of the user is read now."""
    db.session.execute(update(Notification).where(Notification.user_id == user.id,
                                                  Notification.read_at.is_(None))
                       .values(read_at=utcnow()))
    db.session.commit()
