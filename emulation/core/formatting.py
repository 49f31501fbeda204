"""Dates, times and numbers formatted by Babel in the user's locale (Asia/Ho_Chi_Minh)."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask, request, url_for
from flask_babel import format_date, format_datetime, format_decimal, get_locale

from emulation.core.models import utcnow
from emulation.core.numbers import number_text, percent_text

# Vietnamese pages write dates as dd/mm/yyyy (Babel's own vi formats are `1 thg 5, 1980` and
# `1/5/80`); other locales keep Babel's formats. The date fields read the same pattern.
VI_DATE, VI_DATETIME = "dd/MM/yyyy", "dd/MM/yyyy HH:mm"
DATE_HINT = "dd/mm/yyyy"


def fmt_datetime(value: datetime | None, style: str = "short") -> str:
    """A moment in Vietnam's time: `02/09/2025 03:30` (vi)."""
    if not value:
        return ""
    vi = _locale() == "vi" and style in ("short", "medium")
    return format_datetime(value, VI_DATETIME if vi else style)


def fmt_date(value: date | None, style: str = "medium") -> str:
    """The one date format of pages, messages and documents: `01/05/1980` (vi)."""
    if not value:
        return ""
    vi = _locale() == "vi" and style in ("short", "medium")
    return format_date(value, VI_DATE if vi else style)


def fmt_number(value) -> str:
    return format_decimal(value) if value is not None else ""


def date_input_value(value: date | None) -> str:
    """What a date field shows, in every language: dd/mm/yyyy (core.forms.DateField)."""
    return value.strftime("%d/%m/%Y") if value else ""


def fmt_percent(value, places: int = 1) -> str:
    """A percentage given in points, in the reader's locale: `66,7%` (vi), never `66.67%`."""
    return percent_text(value, _locale(), places)


def fmt_signed(value) -> str:
    """Bonus and penalty points with their sign: `+2,5`, `-1` (vi)."""
    return number_text(value, _locale(), signed=True)


def _locale() -> str:
    return str(get_locale() or "vi")


def json_text(data) -> str:
    """Before/after data of an audit event as readable text (Vietnamese kept as is)."""
    return ", ".join(f"{k}: {v}" for k, v in data.items()) if isinstance(data, dict) else str(data)


def page_url(endpoint: str, page: int) -> str:
    """The current list's address with another page number, keeping every filter."""
    args = {k: v for k, v in request.args.items() if k != "page"}
    return url_for(endpoint, page=page, **request.view_args, **args)


def list_url(endpoint: str, cursor: str | None = None, page: int | None = None) -> str:
    """The current long list's address at another position (`cursor`, or a numbered `page`;
    neither: the first page), keeping every filter."""
    args = {k: v for k, v in request.args.items() if k not in ("page", "cursor")}
    if cursor:
        args["cursor"] = cursor
    elif page and page > 1:
        args["page"] = page
    return url_for(endpoint, **request.view_args, **args)


def register(app: Flask) -> None:
    app.jinja_env.filters["dt"] = fmt_datetime
    app.jinja_env.filters["d"] = fmt_date
    app.jinja_env.filters["num"] = fmt_number
    app.jinja_env.filters["date_input"] = date_input_value
    app.jinja_env.globals["DATE_HINT"] = DATE_HINT
    app.jinja_env.filters["pct"] = fmt_percent
    app.jinja_env.filters["signed"] = fmt_signed
    app.jinja_env.filters["json_text"] = json_text
    app.jinja_env.globals["page_url"] = page_url
    app.jinja_env.globals["list_url"] = list_url
    from emulation.core.audit import lines as audit_lines

    app.jinja_env.globals["audit_lines"] = audit_lines
    app.jinja_env.globals["now_utc"] = utcnow
