"""Dates, times and numbers formatted by Babel in the user's locale (Asia/Ho_Chi_Minh)."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask, request, url_for
from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import lazy_gettext as _l

from emulation.core.models import utcnow

CAMPAIGN_STATE_LABELS = {"draft": _l("Draft"), "published": _l("Published"),
                         "closed": _l("Closed")}
CAMPAIGN_KIND_LABELS = {"regular": _l("Regular (yearly)"), "thematic": _l("Thematic")}
PERIOD_KIND_LABELS = {"quarterly": _l("Quarterly"), "midyear": _l("Mid-year"),
                      "yearend": _l("Year-end"), "midterm": _l("Mid-term review (sơ kết)"),
                      "final": _l("Final review (tổng kết)"), "custom": _l("Other")}
CRITERION_KIND_LABELS = {"regular": _l("Regular"), "bonus": _l("Bonus"),
                         "penalty": _l("Penalty")}
PARTICIPATION_LABELS = {"children": _l("Direct sub-units of the issuing unit"),
                        "subtree": _l("Every unit below the issuing unit"),
                        "list": _l("A chosen list")}
CLUSTER_KIND_LABELS = {"cum": _l("Cluster (cụm)"), "khoi": _l("Block (khối)")}
PLEDGE_STATE_LABELS = {"none": _l("Not started"), "draft": _l("Draft"),
                       "submitted": _l("Submitted"), "approved": _l("Approved"),
                       "returned": _l("Returned")}
REPORT_STATE_LABELS = {"none": _l("Not started"), "draft": _l("Draft"),
                       "submitted": _l("Submitted")}


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
    app.jinja_env.globals["now_utc"] = utcnow
    app.jinja_env.globals.update(
        CAMPAIGN_STATE_LABELS=CAMPAIGN_STATE_LABELS, CAMPAIGN_KIND_LABELS=CAMPAIGN_KIND_LABELS,
        PERIOD_KIND_LABELS=PERIOD_KIND_LABELS, CRITERION_KIND_LABELS=CRITERION_KIND_LABELS,
        PARTICIPATION_LABELS=PARTICIPATION_LABELS, CLUSTER_KIND_LABELS=CLUSTER_KIND_LABELS,
        PLEDGE_STATE_LABELS=PLEDGE_STATE_LABELS, REPORT_STATE_LABELS=REPORT_STATE_LABELS)
