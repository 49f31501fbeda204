"""What the administration pages list: users, and the audit log with its filters."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select

from emulation.auth.models import User
from emulation.core.audit import AuditEvent
from emulation.core.text import fold, like_pattern
from emulation.extensions import db

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def users_query(q: str = ""):
    """Users by username, those whose username or name contains `q` when given."""
    stmt = select(User).order_by(User.username)
    if q:
        pattern = like_pattern(q)
        stmt = stmt.where(or_(func.lower(User.username).like(pattern, escape="\\"),
                              func.lower(User.full_name).like(f"%{q.lower()}%")))
    return stmt


def audit_query(*, actor: str = "", action: str = "", object_type: str = "",
                object_id: int | None = None, q: str = "", date_from: date | None = None,
                date_to: date | None = None):
    """Audit events, newest first; the days are local (Vietnam) days, both ends included."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    if actor:
        stmt = stmt.where(or_(AuditEvent.actor_name == actor.lower(),
                              AuditEvent.actor_id.in_(_named(actor))))
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action, autoescape=True))
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == object_id)
    if q:
        stmt = stmt.where(AuditEvent.summary.contains(q, autoescape=True))
    if date_from:
        stmt = stmt.where(AuditEvent.created_at >= _local_midnight(date_from))
    if date_to:
        stmt = stmt.where(AuditEvent.created_at < _local_midnight(date_to) + timedelta(days=1))
    return stmt


def _named(text: str) -> list[int]:
    """Accounts whose full name contains `text`, accents and case aside ("nguyen van"
    finds Nguyễn Văn Đức)."""
    needle = fold(text)
    if not needle:
        return []
    return [uid for uid, name in db.session.execute(
        select(User.id, User.full_name).where(User.full_name != "")) if needle in fold(name)]


def audit_actions() -> list[str]:
    """Every action name recorded, for the filter's list."""
    return list(db.session.scalars(select(AuditEvent.action).distinct()
                                   .order_by(AuditEvent.action)))


def audit_object_types() -> list[str]:
    """Every record type named by an event, for the filter's list."""
    return [t for t in db.session.scalars(select(AuditEvent.object_type).distinct()
                                          .order_by(AuditEvent.object_type)) if t]


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ).astimezone(timezone.utc)
