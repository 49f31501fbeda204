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
    # what happened as a message key and its values (JSON), put in the reader's language when
    # shown (`describe`); events written before it have only `summary`, free English text
    params: Mapped[str | None] = mapped_column(Text)
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
           after: dict | None = None, ip: str = "", params: dict | None = None) -> AuditEvent:
    """Add an audit event to the session; it commits with the change it describes.

    `params` are the values of the event's message (`register_messages`; the key is the
    action, or `params["_m"]` where one action has several messages): the log shows it in the
    reader's language. `summary`, when not given, is that message in English (searchable)."""
    if obj is not None:
        object_type = object_type or obj.__tablename__
        if object_id is None:
            session.flush()
            object_id = obj.id
    ev = AuditEvent(**event_values(actor=actor, action=action, object_type=object_type,
                                   object_id=object_id, summary=summary, before=before,
                                   after=after, ip=ip, params=params))
    session.add(ev)
    return ev


def event_values(*, actor, action: str, object_type: str, object_id: int | None,
                 summary: str, before: dict | None, after: dict | None, ip: str = "",
                 created_at=None, params: dict | None = None) -> dict:
    """The columns of one event, for `record` and for bulk inserts (imports)."""
    if not ip and has_request_context():
        ip = request.remote_addr or ""
    if params is not None:
        params = _jsonable(params)
        if not summary:
            summary = _english(action, params)
    values = {"actor_id": getattr(actor, "id", None),
              "actor_name": getattr(actor, "username", "") or "", "action": action,
              "object_type": object_type, "object_id": object_id, "summary": summary[:500],
              "before": _dump(before), "after": _dump(after), "ip": ip[:64],
              "params": None if params is None else json.dumps(params, ensure_ascii=False,
                                                                sort_keys=True)}
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


# --- messages: what an event says, in the reader's language -----------------------------------
# key → (lazy message, {param: how its value is shown}); "how" is the name of a template
# label dict (e.g. "PLEDGE_STATE_LABELS"), or one of "award" (a code, shown by the award's
# name), "date" (ISO date), "number". Areas' messages are registered by the app factory.
_MESSAGES: dict[str, tuple[Any, dict[str, str]]] = {}


def register_messages(messages: dict) -> None:
    """Add event messages: {key: lazy message} or {key: (lazy message, {param: how})}."""
    for key, entry in messages.items():
        _MESSAGES[key] = entry if isinstance(entry, tuple) else (entry, {})


def describe(action: str, params: str | None, summary: str,
             award_names: dict[str, str] | None = None) -> str:
    """An event in the reader's language: its message with its values, or, for events kept
    before messages existed (or whose message is gone), the stored summary."""
    if not params:
        return summary
    try:
        values = json.loads(params)
        message, how = _MESSAGES[values.get("_m") or action]
        shown = {k: _shown(v, how.get(k), award_names) for k, v in values.items()}
        return str(message) % shown
    except (KeyError, TypeError, ValueError):
        return summary


def actor_display(actor) -> str:
    """The name a history shows for who acted: the account's full name (its username if it
    has none); "" for the system (shown as "System", translated)."""
    if actor is None or getattr(actor, "id", None) is None:
        return ""
    return getattr(actor, "full_name", "") or getattr(actor, "username", "") or ""


def who(actor_id: int | None, actor_name: str, full_names: dict[int, str]) -> str:
    """Who an event names, for the reader: the account's full name; the system (the command
    line, jobs) as "System"; "—" when no one is known (a failed sign-in)."""
    from flask_babel import gettext

    if actor_name == SYSTEM_NAME:
        return gettext("System")
    return full_names.get(actor_id) or actor_name or "—"


SYSTEM_NAME = "system"


def full_names(actor_ids) -> dict[int, str]:
    """Full names of the accounts `actor_ids` (those that have one), in one query."""
    from sqlalchemy import column, select, table

    from emulation.extensions import db

    ids = {i for i in actor_ids if i}
    if not ids:
        return {}
    users = table("user", column("id"), column("full_name"))
    return {i: name for i, name in db.session.execute(
        select(users.c.id, users.c.full_name).where(users.c.id.in_(ids))) if name}


def award_names() -> dict[str, str]:
    """The award types' names by code (events name awards by code; readers by name)."""
    from sqlalchemy import column, select, table

    from emulation.extensions import db

    awards = table("award_type", column("code"), column("name"))
    return dict(db.session.execute(select(awards.c.code, awards.c.name)).all())


def readable(data: dict, names: dict[str, str], object_type: str = "") -> dict:
    """Before/after values for the reader: award codes replaced by the awards' names."""
    out = {}
    for key, value in data.items():
        if key in ("award", "of_code", "of_award") or (key == "code" and
                                                         object_type == "award_type"):
            value = names.get(value, value) if isinstance(value, str) else value
        elif key == "titles" and isinstance(value, list):
            value = [_title(v, names) for v in value]
        out[key] = value
    return out


def _title(value, names):
    if not isinstance(value, str):
        return value
    code, sep, rest = value.partition(":")
    return names.get(code, code) + sep + rest


def lines(events) -> list[dict]:
    """What the log and a history show of each event: who (full name), what (in the
    reader's language), before and after (award names for codes)."""
    events = list(events)
    people, names = full_names(ev.actor_id for ev in events), award_names()
    return [{"ev": ev, "who": who(ev.actor_id, ev.actor_name, people),
             "text": describe(ev.action, ev.params, ev.summary, names),
             "before": readable(ev.before_data, names, ev.object_type),
             "after": readable(ev.after_data, names, ev.object_type),
             "type": record_type_label(ev.object_type),
             "action": action_label(ev.action)} for ev in events]


def record_type_label(object_type: str) -> str:
    """The kind of record an event is about, in the reader's language ("unit" → "Đơn vị");
    an unknown one as stored."""
    from emulation.core.audit_messages import RECORD_TYPE_LABELS

    label = RECORD_TYPE_LABELS.get(object_type or "")
    return str(label) if label is not None else (object_type or "")


def action_label(action: str) -> str:
    """What an event did, in a few words in the reader's language: its label, or for an
    action named `<record>.<state>` the record type and the state's label; an unknown one as
    stored."""
    from flask import current_app

    from emulation.core.audit_messages import ACTION_LABELS, STATE_ACTION, STATE_ACTIONS

    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    record, _, state = action.partition(".")
    if record in STATE_ACTIONS:
        object_type, labels_name = STATE_ACTIONS[record]
        labels = current_app.jinja_env.globals.get(labels_name) or {}
        if state in labels:
            return str(STATE_ACTION) % {"record": record_type_label(object_type),
                                        "state": labels[state]}
    if action.endswith(".attach"):
        from emulation.core.audit_messages import ATTACH_ACTION

        return str(ATTACH_ACTION) % {"record": record_type_label(record)}
    return action


def _shown(value, how: str | None, award_names):
    from flask import current_app

    from emulation.core.formatting import fmt_date, fmt_number

    if value is None or how is None:
        return "" if value is None else value
    if how == "award":
        return (award_names or {}).get(value, value)
    if how == "date":
        return fmt_date(date.fromisoformat(str(value)[:10]))
    if how == "number":
        return fmt_number(Decimal(str(value)))
    labels = current_app.jinja_env.globals.get(how) or {}
    return str(labels.get(value, value))


def _english(action: str, params: dict) -> str:
    """The message with its raw values in its English source text (the stored summary)."""
    entry = _MESSAGES.get(params.get("_m") or action)
    if entry is None:
        return ""
    message = entry[0]
    text = getattr(message, "_args", (message,))[0]  # a lazy string's message id
    try:
        return (str(text) % {k: "" if v is None else v for k, v in params.items()})[:500]
    except (KeyError, TypeError, ValueError):
        return ""
