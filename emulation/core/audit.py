"""Audit events (nhật ký): who, when, what, before → after. Written by services, never edited."""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import has_request_context, request
from sqlalchemy import ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from emulation.core.models import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    """One state change. The application offers no way to edit or delete it."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(150), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[int | None] = mapped_column()
    summary: Mapped[str] = mapped_column(String(500), default="")
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    ip: Mapped[str] = mapped_column(String(64), default="")

    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)

    @property
    def before_data(self) -> dict:
        return json.loads(self.before) if self.before else {}

    @property
    def after_data(self) -> dict:
        return json.loads(self.after) if self.after else {}


class AuditImmutableError(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session, flush_context, instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise AuditImmutableError("audit events cannot be changed or deleted")


def _jsonable(value: Any):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")  # never an exponent: 1E+1 is 10
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def _dump(data: dict | None) -> str | None:
    if not data:
        return None
    return json.dumps(_jsonable(data), ensure_ascii=False, sort_keys=True)


def record(session: Session, *, actor, action: str, obj=None, object_type: str = "",
           object_id: int | None = None, summary: str = "", before: dict | None = None,
           after: dict | None = None, ip: str = "") -> AuditEvent:
    """Add an audit event to the session; it commits with the change it describes."""
    if obj is not None:
        object_type = object_type or obj.__tablename__
        if object_id is None:
            session.flush()
            object_id = obj.id
    ev = AuditEvent(**event_values(actor=actor, action=action, object_type=object_type,
                                   object_id=object_id, summary=summary, before=before,
                                   after=after, ip=ip))
    session.add(ev)
    return ev


def event_values(*, actor, action: str, object_type: str, object_id: int | None,
                 summary: str, before: dict | None, after: dict | None, ip: str = "",
                 created_at=None) -> dict:
    """The columns of one event, for `record` and for bulk inserts (imports)."""
    if not ip and has_request_context():
        ip = request.remote_addr or ""
    values = {"actor_id": getattr(actor, "id", None),
              "actor_name": getattr(actor, "username", "") or "", "action": action,
              "object_type": object_type, "object_id": object_id, "summary": summary[:500],
              "before": _dump(before), "after": _dump(after), "ip": ip[:64]}
    if created_at is not None:
        values["created_at"] = created_at
    return values


def diff(old: dict, new: dict) -> tuple[dict, dict]:
    """The changed fields only, as (before, after)."""
    keys = [k for k in new if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new.get(k) for k in keys}


def history(object_type: str, object_id: int, limit: int = 20) -> list[AuditEvent]:
    """The latest events of one record, newest first (a detail page's history)."""
    from sqlalchemy import select

    from emulation.extensions import db

    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
        .order_by(AuditEvent.id.desc()).limit(limit)).all()
