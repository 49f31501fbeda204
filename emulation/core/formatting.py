"""Dates, times and numbers formatted by Babel in the user's locale (Asia/Ho_Chi_Minh)."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask, request, url_for
from flask_babel import format_date, format_datetime, format_decimal

from emulation.core.models import utcnow


def fmt_datetime(value: datetime | None, style: str = "short") -> str:
    return format_datetime(value, style) if value else ""


def fmt_date(value: date | None, style: str = "medium") -> str:
    return format_date(value, style) if value else ""


def fmt_number(value) -> str:
    return format_decimal(value) if value is not None else ""


def json_text(data) -> str:
    """Before/after data of an audit event as readable text (Vietnamese kept as is)."""
    return ", ".join(f"{k}: {v}" for k, v in data.items()) if isinstance(data, dict) else str(data)


def page_url(endpoint: str, page: int) -> str:
    """The current list's address with another page number, keeping every filter."""
    args = {k: v for k, v in request.args.items() if k != "page"}
    return url_for(endpoint, page=page, **request.view_args, **args)


def register(app: Flask) -> None:
    app.jinja_env.filters["dt"] = fmt_datetime
    app.jinja_env.filters["d"] = fmt_date
    app.jinja_env.filters["num"] = fmt_number
    app.jinja_env.filters["json_text"] = json_text
    app.jinja_env.globals["page_url"] = page_url
    from emulation.core.audit import lines as audit_lines

    app.jinja_env.globals["audit_lines"] = audit_lines
    app.jinja_env.globals["now_utc"] = utcnow
