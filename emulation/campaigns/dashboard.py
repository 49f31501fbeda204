"""Campaign dashboard: registration and reporting progress, progress per movement, units behind
(the campaign's view over its units' pledges and reports).

A fixed number of queries whatever the number of units (asserted by a test).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from emulation.campaigns.models import Campaign, CampaignParticipant, Movement, ReportPeriod
from emulation.extensions import db
from emulation.org.models import Unit
from emulation.pledges import progress
from emulation.pledges.enums import PledgeState, ReportState
from emulation.pledges.models import Pledge, Report
from emulation.pledges.reports import unit_items
from emulation.pledges.services import state_counts


@dataclass
class PeriodStatus:
    period: ReportPeriod
    submitted: int = 0
    draft: int = 0
    missing: int = 0
    overdue: bool = False


@dataclass
class Dashboard:
    participants: int
    pledge_counts: dict[str, int]
    periods: list[PeriodStatus]
    period: ReportPeriod | None
    overall: Decimal | None
    movements: list[tuple[Movement, Decimal | None, int]]
    unit_progress: list[tuple]  # ((unit id, name), progress)
    behind: list[tuple] = field(default_factory=list)  # ((unit id, name), reasons)


def campaign_dashboard(campaign: Campaign, today: date,
                       period_id: int | None = None) -> Dashboard:
    # (id, name) rows, not Unit objects: a union-wide campaign has thousands of participants
    participants = db.session.execute(
        select(Unit.id, Unit.name).join(CampaignParticipant, CampaignParticipant.unit_id == Unit.id)
        .where(CampaignParticipant.campaign_id == campaign.id).order_by(Unit.path)).all()
    counts = state_counts(campaign)
    report_counts: dict[tuple[int, str], int] = {
        (pid, state): n for pid, state, n in db.session.execute(
            select(Report.period_id, Report.state, func.count(Report.id))
            .where(Report.campaign_id == campaign.id)
            .group_by(Report.period_id, Report.state))}
    periods = []
    for p in campaign.periods:
        status = PeriodStatus(p, report_counts.get((p.id, ReportState.SUBMITTED), 0),
                              report_counts.get((p.id, ReportState.DRAFT), 0))
        status.missing = len(participants) - status.submitted - status.draft
        status.overdue = p.deadline < today
        periods.append(status)
    chosen = _chosen_period(campaign, periods, period_id)
    overall, movements, unit_progress = None, [], []
    if chosen is not None:
        overall, movements, unit_progress = _progress(campaign, chosen, participants)
    behind = _behind(campaign, participants, periods, today)
    return Dashboard(len(participants), counts, periods, chosen, overall, movements,
                     unit_progress, behind)


def unit_progress(campaign: Campaign, unit: Unit) -> list[tuple]:
    """Unit dashboard: (period, overall %, {movement number: %}) for each report period."""
    numbers = {m.id: m.number for m in campaign.movements}
    rows = []
    for period in campaign.periods:
        items = [progress.ItemData(movement_id, target, achieved, pct) for
                 _u, movement_id, target, achieved, pct in unit_items(campaign.id, period.id,
                                                                      unit.id)]
        overall, movements = progress.rollup(items)
        rows.append((period, overall, {numbers[m]: v for m, v in movements.items()}))
    return rows


def _progress(campaign, period, participants):
    by_unit: dict[int, list[progress.ItemData]] = {}
    for unit_id, movement_id, target, achieved, pct in unit_items(campaign.id, period.id):
        by_unit.setdefault(unit_id, []).append(progress.ItemData(movement_id, target, achieved,
                                                                 pct))
    per_movement: dict[int, list[Decimal | None]] = {}
    unit_progress = []
    units = {u.id: u for u in participants}
    for unit_id, items in by_unit.items():
        overall, movements = progress.rollup(items)
        if unit_id in units:
            unit_progress.append((units[unit_id], overall))
        for movement_id, value in movements.items():
            per_movement.setdefault(movement_id, []).append(value)
    unit_progress.sort(key=lambda row: (row[1] is None, row[1] or 0))
    movements = [(m, progress.mean(per_movement.get(m.id, [])),
                  sum(v is not None for v in per_movement.get(m.id, [])))
                 for m in campaign.movements]
    overall = progress.mean(value for _, value in unit_progress)
    return overall, movements, unit_progress


def _chosen_period(campaign, periods: list[PeriodStatus], period_id):
    if period_id is not None:
        return next((s.period for s in periods if s.period.id == period_id), None)
    with_reports = [s.period for s in periods if s.submitted or s.draft]
    return with_reports[-1] if with_reports else (periods[0].period if periods else None)


def _behind(campaign, participants, periods: list[PeriodStatus], today: date):
    """Units late with their pledge or with the report of a period whose deadline passed."""
    pledge_states = dict(db.session.execute(select(Pledge.unit_id, Pledge.state).where(
        Pledge.campaign_id == campaign.id)).all())
    submitted = set(db.session.execute(select(Report.unit_id, Report.period_id).where(
        Report.campaign_id == campaign.id, Report.state == ReportState.SUBMITTED)).all())
    rows = []
    for unit in participants:
        reasons = []
        state = pledge_states.get(unit.id)
        if campaign.registration_deadline and campaign.registration_deadline < today and \
                state not in (PledgeState.SUBMITTED, PledgeState.APPROVED):
            reasons.append(_("pledge not submitted"))
        for status in periods:
            if status.overdue and (unit.id, status.period.id) not in submitted:
                reasons.append(_("no report for %(period)s", period=status.period.label))
        if reasons:
            rows.append((unit, reasons))
    return rows
