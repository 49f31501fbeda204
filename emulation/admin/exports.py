"""The audit log as a spreadsheet, filtered exactly as the page `/admin/audit/` is."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from emulation.admin import queries
from emulation.auth.models import User
from emulation.core import audit as events
from emulation.core.audit import AuditEvent
from emulation.core.formatting import json_text
from emulation.core.text import clean
from emulation.core.xlsx import STREAM_ROWS, Workbook
from emulation.extensions import db

HEADERS = [_l("When"), _l("Who"), _l("Action"), _l("Record type"), _l("Record"),
           _l("Summary"), _l("Before"), _l("After"), _l("IP address")]
# the page's text filters and how much of each it reads (AuditFilterForm)
TEXT_FILTERS = {"actor": 64, "action": 64, "object_type": 40, "q": 100}


@dataclass(frozen=True)
class AuditList:
    """The filters of the audit page (`queries.audit_query`'s arguments)."""

    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: int | None = None
    q: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def params(self) -> dict:
        """The filters as a job keeps them (JSON: dates as ISO text)."""
        return {"actor": self.actor, "action": self.action, "object_type": self.object_type,
                "object_id": self.object_id, "q": self.q,
                "date_from": self.date_from.isoformat() if self.date_from else None,
                "date_to": self.date_to.isoformat() if self.date_to else None}

    def query(self):
        """`queries.audit_query` with these filters (the page's query)."""
        return queries.audit_query(actor=self.actor, action=self.action,
                                   object_type=self.object_type, object_id=self.object_id,
                                   q=self.q, date_from=self.date_from, date_to=self.date_to)


def subject(user, params: dict) -> AuditList | None:
    """The filtered log for an administrator (anyone else: None, answered as 404); `params`
    as `AuditList.params` wrote them, read again as strictly as the page reads its form."""
    if not getattr(user, "is_authenticated", False) or not user.is_admin:
        return None
    texts = {key: clean(params.get(key) or "")[:limit] for key, limit in TEXT_FILTERS.items()}
    object_id = params.get("object_id")
    if not (isinstance(object_id, int) and 1 <= object_id <= 2**31 - 1):
        object_id = None
    return AuditList(**texts, object_id=object_id, date_from=_day(params.get("date_from")),
                     date_to=_day(params.get("date_to")))


def count(audit: AuditList) -> int:
    """Events the export will write."""
    return db.session.scalar(select(func.count()).select_from(
        audit.query().order_by(None).subquery())) or 0


def workbook(audit: AuditList, on_progress=None, book=Workbook) -> Workbook:
    """The events, newest first as on the page: when (Vietnam time), who, action, record,
    summary, before and after (as the page shows them), IP address; `book`: Workbook, or
    core.csvbook.CsvBook for CSV."""
    wb = book(on_progress)
    sheet = wb.sheet(_("Audit log"))
    sheet.header(HEADERS, [16, 16, 24, 16, 10, 60, 50, 50, 16])
    stmt = (audit.query().with_only_columns(
        AuditEvent.created_at, AuditEvent.actor_name, User.full_name, AuditEvent.action,
        AuditEvent.object_type, AuditEvent.object_id, AuditEvent.summary, AuditEvent.params,
        AuditEvent.before, AuditEvent.after, AuditEvent.ip)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .execution_options(yield_per=STREAM_ROWS))
    names = events.award_names()
    for at, actor, full_name, action, object_type, object_id, summary, params, before, after, \
            ip in db.session.execute(stmt):
        sheet.append([at, events.who(1, actor, {1: full_name} if full_name else {}),
                      events.action_label(action), events.record_type_label(object_type),
                      object_id,
                      events.describe(action, params, summary, names),
                      _json(before, names, object_type), _json(after, names, object_type), ip])
    return wb


def _json(text: str | None, names, object_type) -> str:
    return json_text(events.readable(json.loads(text), names, object_type)) if text else ""


def _day(value) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
