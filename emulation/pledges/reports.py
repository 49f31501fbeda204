"""Báo cáo kết quả: a unit's results for a report period, their evidence, submission and
reopening; every move checked, recorded and audited."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from emulation.campaigns.models import Campaign, ReportPeriod
from emulation.campaigns.services import require_manage
from emulation.core import audit, signals, uploads
from emulation.core.errors import (
    InvalidState,
    NotFound,
    ServiceError,
    StaleRecord,
    check_version,
    stale_message,
)
from emulation.core.models import utcnow
from emulation.core.numbers import parse_number
from emulation.core.text import clean_block
from emulation.extensions import db
from emulation.org.models import Unit
from emulation.pledges.enums import PledgeState, ReportState
from emulation.pledges.models import Pledge, PledgeItem, Report, ReportItem
from emulation.pledges.services import (
    campaign_unit_for,
    pledge_of,
    require_officer,
    require_participant,
)

# --- loaders (for load_or_404) -------------------------------------------------------------

def report_for(user, report_id: int) -> tuple[Report, Campaign]:
    """A report the user may read (its unit's officers, the campaign's organisers), with its
    campaign; otherwise NotFound."""
    report = db.session.get(Report, report_id)
    if report is None:
        raise NotFound(_("No such report."))
    campaign, _unit = campaign_unit_for(user, report.campaign_id, report.unit_id)
    return report, campaign


def period_of(campaign: Campaign, period_id: int, unit: Unit | None = None) -> ReportPeriod:
    """A report period of the campaign (asked of `unit`, when given); else NotFound."""
    period = db.session.get(ReportPeriod, period_id)
    if period is None or period.campaign_id != campaign.id or (
            unit is not None and not period.concerns(unit.id)):
        raise NotFound(_("No such report period."))
    return period


def item_of(report: Report, item_id: int) -> ReportItem:
    item = db.session.get(ReportItem, item_id)
    if item is None or item.report_id != report.id:
        raise NotFound(_("No such report item."))
    return item


# --- reading -------------------------------------------------------------------------------

def report_of(unit: Unit, period: ReportPeriod) -> Report | None:
    return db.session.scalar(select(Report).where(Report.unit_id == unit.id,
                                                  Report.period_id == period.id))


def periods_of(campaign: Campaign, unit: Unit) -> list[ReportPeriod]:
    """The campaign's report periods asked of the unit, by deadline."""
    return [p for p in campaign.periods if p.concerns(unit.id)]


def reports_of(campaign: Campaign, unit: Unit) -> list[Report]:
    return list(db.session.scalars(
        select(Report).join(ReportPeriod, ReportPeriod.id == Report.period_id)
        .where(Report.campaign_id == campaign.id, Report.unit_id == unit.id)
        .options(selectinload(Report.items))
        .order_by(ReportPeriod.deadline, ReportPeriod.id)))


def unit_items(campaign_id: int, period_id: int, unit_id: int | None = None, among=None):
    """(unit id, movement id, target, achieved, self-assessed) of every approved pledge item,
    with the period's results where reported; of one unit, or of the units a query of unit
    ids (`among`) selects, when given. Two plain queries joined in memory: SQLite plans the
    single outer-join form badly at a few thousand units."""
    def only(column):
        return ([column == unit_id] if unit_id else []) + (
            [column.in_(among)] if among is not None else [])

    results = {item_id: (achieved, pct) for item_id, achieved, pct in db.session.execute(
        select(ReportItem.pledge_item_id, ReportItem.achieved_value, ReportItem.progress_pct)
        .join(Report, Report.id == ReportItem.report_id)
        .where(Report.campaign_id == campaign_id, Report.period_id == period_id,
               *only(Report.unit_id)))}
    rows = db.session.execute(
        select(PledgeItem.id, Pledge.unit_id, PledgeItem.movement_id, PledgeItem.target_value)
        .join(Pledge, Pledge.id == PledgeItem.pledge_id)
        .where(Pledge.campaign_id == campaign_id, Pledge.state == PledgeState.APPROVED,
               *only(Pledge.unit_id)))
    return [(unit_id, movement_id, target, *results.get(item_id, (None, None)))
            for item_id, unit_id, movement_id, target in rows]


def save_report(actor, campaign: Campaign, unit: Unit, period: ReportPeriod, version,
                sections: dict, entries: dict, locale: str = "vi") -> Report:
    """Save a report draft: the four evaluation texts and, per pledge item, achieved value,
    narrative and self-assessed progress (entries: pledge item id → dict of texts)."""
    require_officer(actor, unit)
    require_participant(campaign, unit)
    if period.campaign_id != campaign.id:
        raise NotFound(_("No such report period."))
    if not period.concerns(unit.id):
        raise NotFound(_("This report period is not asked of %(unit)s.", unit=unit.name))
    pledge = pledge_of(campaign, unit)
    if pledge is None or pledge.state != "approved":
        raise InvalidState(_("Results can be reported once the pledge is approved."))
    if campaign.state != "published":
        raise InvalidState(_("Results can be reported only while the campaign is published."))
    report = report_of(unit, period)
    if report is None:
        if version not in (None, "", "0", 0):
            raise StaleRecord(stale_message())
        report = Report(campaign_id=campaign.id, unit=unit, period=period, state=ReportState.DRAFT)
        db.session.add(report)
    else:
        check_version(report, version)
        if report.state != ReportState.DRAFT:
            raise InvalidState(_("A submitted report cannot be changed."))
    items = {i.id: i for i in pledge.items}
    errors, cleaned = [], {}
    for item_id, entry in entries.items():
        item = items.get(item_id)
        if item is None:
            raise ServiceError(_("That pledge item belongs to another pledge."))
        label = _("Movement %(n)d", n=item.movement.number)
        try:
            achieved = parse_number(entry.get("achieved_value"), locale)
        except ValueError:
            errors.append(_("%(item)s: the achieved value is not a number.", item=label))
            continue
        try:
            progress = parse_number(entry.get("progress_pct"), locale, places=1)
        except ValueError:
            progress = Decimal(-1)
        if progress is not None and not (0 <= progress <= 100):
            errors.append(_("%(item)s: progress must be between 0 and 100.", item=label))
            continue
        cleaned[item_id] = {"achieved_value": achieved, "progress_pct": progress,
                            "narrative": clean_block(entry.get("narrative"), 20000)}
    if errors:
        raise ServiceError(" ".join(errors))
    before = report_snapshot(report) if report.id else {}
    for key in ("integration", "task_progress", "target_attainment", "difficulties"):
        setattr(report, key, clean_block(sections.get(key), 50000))
    current = {ri.pledge_item_id: ri for ri in report.items}
    for item_id, values in cleaned.items():
        row = current.get(item_id)
        if row is None:
            row = ReportItem(pledge_item_id=item_id)
            report.items.append(row)
        for key, value in values.items():
            setattr(row, key, value)
    report.updated_at = utcnow()
    db.session.flush()
    old, new = audit.diff(before, report_snapshot(report))
    audit.record(db.session, actor=actor, action="report.save", obj=report,
                 summary=f"report of {unit.code} for {period.label} saved", before=old,
                 after=new, params={"unit": unit.name, "period": period.label})
    db.session.commit()
    return report


def submit_report(actor, report: Report, version, today: date | None = None) -> None:
    """Submit the report. One past its period's deadline is accepted and marked late (nộp
    muộn): `late_days`, counted on its first submission (a report the organiser reopened
    keeps the mark it had). `today` defaults to the day in Vietnam."""
    require_officer(actor, report.unit)
    check_version(report, version)
    if report.state != ReportState.DRAFT:
        raise InvalidState(_("This report has already been submitted."))
    if today is None:
        from emulation.core.web import local_today

        today = local_today()
    if report.late_days is None:
        report.late_days = max(0, (today - report.period.deadline).days)
    report.state, report.submitted_at = ReportState.SUBMITTED, utcnow()
    audit.record(db.session, actor=actor, action="report.submitted", obj=report,
                 summary=f"report of {report.unit.code} for {report.period.label} submitted"
                         + (f", {report.late_days} days late" if report.late_days else ""),
                 before={"state": "draft"},
                 after={"state": "submitted", "late_days": report.late_days},
                 params={"unit": report.unit.name, "period": report.period.label,
                         "days": report.late_days,
                         **({"_m": "report.submitted:late"} if report.late_days else {})})
    signals.report_submitted.send(report, actor=actor)
    db.session.commit()


def reopen_report(actor, report: Report, version, reason: str) -> None:
    campaign = db.session.get(Campaign, report.campaign_id)
    require_manage(actor, campaign)
    check_version(report, version)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for reopening the report."))
    if report.state != ReportState.SUBMITTED:
        raise InvalidState(_("Only a submitted report can be reopened."))
    report.state = ReportState.DRAFT
    audit.record(db.session, actor=actor, action="report.reopened", obj=report,
                 summary=f"report of {report.unit.code} reopened", before={"state": "submitted"},
                 after={"state": "draft", "reason": reason[:2000]},
                 params={"unit": report.unit.name, "period": report.period.label})
    db.session.commit()


def add_evidence(actor, report: Report, item: ReportItem, upload):
    """Minh chứng: a file proving one result, checked and stored like every upload."""
    require_officer(actor, report.unit)
    if item.report_id != report.id:
        raise NotFound(_("No such report item."))
    if report.state != ReportState.DRAFT:
        raise InvalidState(_("A submitted report cannot be changed."))
    attachment = uploads.attach(actor, "report_item", item.id, upload, record=report,
                                action="report.evidence")
    db.session.commit()
    return attachment


def report_snapshot(report: Report) -> dict:
    data = {k: getattr(report, k) for k in ("integration", "task_progress",
                                             "target_attainment", "difficulties")}
    for row in report.items:
        data[f"item {row.pledge_item_id}"] = {
            "achieved_value": row.achieved_value, "progress_pct": row.progress_pct,
            "narrative": row.narrative}
    return data
