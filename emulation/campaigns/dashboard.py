"""Campaign dashboard: registration and reporting progress, progress per movement, units behind
(the campaign's view over its units' pledges and reports), for the whole campaign or for the
branch an organiser follows; the reminders sent to the units behind; a unit's own dashboard.

A fixed number of queries whatever the number of units (asserted by a test).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import case, exists, func, or_, select, union, union_all

from emulation.campaigns.models import (
    Campaign,
    CampaignParticipant,
    Movement,
    ReportPeriod,
    ReportPeriodUnit,
)
from emulation.campaigns.services import Follow
from emulation.core import audit, signals
from emulation.core.errors import InvalidState, check_version
from emulation.extensions import db
from emulation.org.models import Unit
from emulation.pledges import progress, progress_store
from emulation.pledges.enums import PledgeState, ReportState
from emulation.pledges.models import (
    MovementProgress,
    Pledge,
    PledgeItem,
    Report,
    ReportItem,
    UnitProgress,
)
from emulation.pledges.progress_store import from_tenths, mean_of
from emulation.pledges.reports import unit_items
from emulation.pledges.services import state_counts


class UnitRow(NamedTuple):
    id: int
    name: str
    code: str
    path: str


@dataclass
class PeriodStatus:
    period: ReportPeriod
    submitted: int = 0
    draft: int = 0
    late: int = 0  # submitted after the deadline (nộp muộn)
    missing: int = 0
    overdue: bool = False
    expected: int = 0  # participants the period is asked of
    with_data: int = 0  # reports holding at least one result


@dataclass
class Behind:
    """A unit late with its pledge or with the report of periods whose deadline passed."""

    unit: tuple  # (id, name, code, path)
    pledge: bool
    periods: list[ReportPeriod]

    @property
    def reasons(self) -> list[str]:
        return ([_("pledge not submitted")] if self.pledge else []) + [
            _("no report for %(period)s", period=p.label) for p in self.periods]


@dataclass
class Dashboard:
    participants: int
    pledge_counts: dict[str, int]
    periods: list[PeriodStatus]
    period: ReportPeriod | None
    overall: Decimal | None
    movements: list[tuple[Movement, Decimal | None, int]]
    # ((unit id, name, code, path), progress) of the units of lowest progress shown
    unit_progress: list[tuple]
    behind: list[Behind] = field(default_factory=list)
    # (period, overall progress or None) of every period, in order: the progress over time
    trend: list[tuple] = field(default_factory=list)
    units_total: int = 0  # participants with an approved pledge, when the period has results
    # the page of units behind (`behind` holds its items), with the exact count (`.total`)
    behind_pages: BehindPagination | None = None


def campaign_dashboard(campaign: Campaign, today: date, period_id: int | None = None,
                       among=None, shown: int = 30, behind_page: int = 1,
                       behind_per_page: int = 100) -> Dashboard:
    """The dashboard of the campaign's participants (of the unit-id query `among` only, when
    given: a branch). It opens on the latest period holding results (`period_id` chooses
    another); without any, on the period due next, else the last one. Progress is read from
    the stored roll-up (`progress_store`): a few aggregate queries and the `shown` units of
    lowest progress; the units behind are counted in SQL and listed a page at a time
    (`behind_page`, `behind_per_page` units in tree order) — a fixed number of queries,
    whatever the number of units."""
    counts = state_counts(campaign, among)
    participants = sum(counts.values())  # a participant has at most one pledge
    periods = _period_statuses(campaign, participants, today, among)
    chosen = _chosen_period(periods, period_id, today)
    overall, movements, unit_rows, units_total = None, [], [], 0
    by_period = _stored_overall(campaign, among)
    trend = [(s.period, mean_of(*by_period.get(s.period.id, (0, 0, 0))[:2])) for s in periods]
    if chosen is not None:
        total, n, reporting = by_period.get(chosen.id, (0, 0, 0))
        overall = mean_of(total, n)
        movements = _stored_movements(campaign, chosen.id, among)
        if reporting:  # units are listed once one (of `among`) reported a result
            unit_rows, units_total = _stored_units(campaign, chosen.id, among, shown)
    behind = behind_pagination(campaign, periods, today, among, behind_page, behind_per_page)
    return Dashboard(participants, counts, periods, chosen, overall, movements,
                     unit_rows, behind.items, trend, units_total, behind)


def recomputed_progress(campaign: Campaign, period_id: int, among=None):
    """(overall, [(movement, %, units reporting)], [(unit row, %)] lowest first) of one
    period, rolled up again from every pledge item: the reference the stored figures equal
    (the dashboard's computation before they were stored; used by the tests)."""
    items = progress_store.items_by_period(campaign.id, among)
    return _progress(campaign, items.get(period_id, []), _participants(campaign, among))


def _among(column, among) -> list:
    return [column.in_(among)] if among is not None else []


def _stored_overall(campaign: Campaign, among) -> dict[int, tuple[int, int, int]]:
    """{period id: (sum of the participants' overall figures in tenths, how many, units
    (of `among`) whose report for the period holds a result line)}: one query."""
    participant = CampaignParticipant.unit_id.is_not(None)
    return {pid: (total or 0, n or 0, rows) for pid, total, n, rows in db.session.execute(
        select(UnitProgress.period_id,
               func.sum(case((participant, UnitProgress.overall_tenths))),
               func.count(case((participant, UnitProgress.overall_tenths))),
               func.count())
        .outerjoin(CampaignParticipant, (CampaignParticipant.campaign_id == campaign.id)
                   & (CampaignParticipant.unit_id == UnitProgress.unit_id))
        .where(UnitProgress.campaign_id == campaign.id, *_among(UnitProgress.unit_id, among))
        .group_by(UnitProgress.period_id))}


def _stored_movements(campaign: Campaign, period_id: int, among) -> list[tuple]:
    """[(movement, mean %, units reporting it)] of the period, from the stored figures."""
    figures = {mid: (total or 0, n) for mid, total, n in db.session.execute(
        select(MovementProgress.movement_id, func.sum(MovementProgress.value_tenths),
               func.count(MovementProgress.value_tenths))
        .where(MovementProgress.campaign_id == campaign.id,
               MovementProgress.period_id == period_id,
               *_among(MovementProgress.unit_id, among))
        .group_by(MovementProgress.movement_id))}
    return [(m, mean_of(*figures.get(m.id, (0, 0))), figures.get(m.id, (0, 0))[1])
            for m in campaign.movements]


def _stored_units(campaign: Campaign, period_id: int, among, shown: int):
    """([((unit id, name, code, path), %)] of the `shown` participants of lowest progress
    (no figure last), how many participants have an approved pledge with items) for the
    period, in one query (a window count)."""
    rows = db.session.execute(
        select(Unit.id, Unit.name, Unit.code, Unit.path, UnitProgress.overall_tenths,
               func.count().over())
        .join(CampaignParticipant, (CampaignParticipant.unit_id == Unit.id)
              & (CampaignParticipant.campaign_id == campaign.id))
        .join(Pledge, (Pledge.unit_id == Unit.id) & (Pledge.campaign_id == campaign.id))
        .outerjoin(UnitProgress, (UnitProgress.unit_id == Unit.id)
                   & (UnitProgress.period_id == period_id))
        .where(Pledge.state == PledgeState.APPROVED, *_among(Unit.id, among),
               exists().where(PledgeItem.pledge_id == Pledge.id))
        .order_by(UnitProgress.overall_tenths.is_(None), UnitProgress.overall_tenths, Unit.path)
        .limit(shown)).all()
    return [(UnitRow(*row[:4]), from_tenths(row[4])) for row in rows], (
        rows[0][5] if rows else 0)


def chase(actor, follow: Follow, version, today: date) -> tuple[int, int]:
    """Nhắc nhở: remind the officers of every unit behind schedule in what the actor follows
    of the campaign (the whole campaign, or their branch) — a pledge not submitted after the
    registration deadline, a report missing after its period's deadline. A unit is reminded
    at most once a day. `version`: the campaign's, as the page showed it (StaleRecord
    otherwise). Returns (units reminded now, units behind). Audited."""
    campaign = follow.campaign
    check_version(campaign, version)  # the page the organiser saw
    if campaign.state != "published":
        raise InvalidState(_("Reminders are sent only while the campaign is published."))
    among = follow.unit_ids()
    periods = [PeriodStatus(p, overdue=p.deadline < today) for p in campaign.periods]
    query = _behind_query(campaign, today, among)
    behind = _with_reasons(campaign, periods, today,
                           db.session.execute(query).all() if query is not None else [],
                           among, every=True)
    overdue = [signals.Overdue(b.unit[0], b.unit[1], b.unit[3], b.pledge,
                               [p.label for p in b.periods]) for b in behind]
    sent = sum(result for _receiver, result in signals.units_reminded.send(
        campaign, units=overdue, today=today, actor=actor) if isinstance(result, int))
    audit.record(db.session, actor=actor, action="campaign.remind", obj=campaign,
                 summary=f"reminders to {sent} of {len(behind)} units behind",
                 after={"reminded": sent, "behind": len(behind),
                        "units": [b.unit[2] for b in behind][:200],
                        **({"branch": list(follow.paths)} if follow.paths else {})},
                 params={"campaign": campaign.number or campaign.title, "sent": sent,
                         "behind": len(behind)})
    db.session.commit()
    return sent, len(behind)


@dataclass
class UnitDashboard:
    """A unit's own view of a campaign: its pledge, its reports and deadlines, its progress
    by movement, its rank once the ranking is published."""

    pledge: Pledge | None
    rows: list[tuple]  # (period, report or None, overdue?)
    period: ReportPeriod | None
    overall: Decimal | None
    movements: list[tuple[Movement, Decimal | None]]
    history: list[tuple]  # (period, overall %, {movement number: %})


def unit_dashboard(campaign: Campaign, unit: Unit, today: date,
                   period_id: int | None = None) -> UnitDashboard:
    """The unit's dashboard; it opens on the latest of its periods holding results."""
    from emulation.pledges.reports import periods_of, reports_of
    from emulation.pledges.services import pledge_of

    pledge = pledge_of(campaign, unit)
    periods = periods_of(campaign, unit)
    reports = {r.period_id: r for r in reports_of(campaign, unit)}
    rows = [(p, reports.get(p.id), p.deadline < today and (
        p.id not in reports or reports[p.id].state != ReportState.SUBMITTED)) for p in periods]
    history = unit_progress(campaign, unit, periods)
    numbers = {m.number: m for m in campaign.movements}
    with_data = [(p, overall, by_movement) for p, overall, by_movement in history
                 if any(v is not None for v in by_movement.values())]
    chosen = None
    if period_id is not None:
        chosen = next((row for row in history if row[0].id == period_id), None)
    elif with_data:
        chosen = with_data[-1]
    else:
        upcoming = [row for row in history if row[0].deadline >= today]
        chosen = upcoming[0] if upcoming else (history[-1] if history else None)
    period, overall, by_movement = chosen if chosen else (None, None, {})
    movements = [(m, by_movement.get(n)) for n, m in sorted(numbers.items())]
    return UnitDashboard(pledge, rows, period, overall, movements, history)


def unit_progress(campaign: Campaign, unit: Unit,
                  periods: list[ReportPeriod] | None = None) -> list[tuple]:
    """Unit dashboard: (period, overall %, {movement number: %}) for each report period (of
    `periods`, when given), read from the stored roll-up (two queries); a movement of the
    unit's approved pledge without a figure is None."""
    numbers = {m.id: m.number for m in campaign.movements}
    approved = db.session.scalars(
        select(PledgeItem.movement_id).distinct().join(Pledge, Pledge.id == PledgeItem.pledge_id)
        .where(Pledge.campaign_id == campaign.id, Pledge.unit_id == unit.id,
               Pledge.state == PledgeState.APPROVED)).all()
    overall = dict(db.session.execute(
        select(UnitProgress.period_id, UnitProgress.overall_tenths)
        .where(UnitProgress.campaign_id == campaign.id, UnitProgress.unit_id == unit.id)).all())
    values: dict[int, dict[int, Decimal | None]] = {}
    for period_id, movement_id, value in db.session.execute(
            select(MovementProgress.period_id, MovementProgress.movement_id,
                   MovementProgress.value_tenths)
            .where(MovementProgress.campaign_id == campaign.id,
                   MovementProgress.unit_id == unit.id)):
        values.setdefault(period_id, {})[numbers[movement_id]] = from_tenths(value)
    rows = []
    for period in campaign.periods if periods is None else periods:
        by_movement = {numbers[m]: None for m in approved} | values.get(period.id, {})
        rows.append((period, from_tenths(overall.get(period.id)), by_movement))
    return rows


def recomputed_unit_progress(campaign: Campaign, unit: Unit,
                             periods: list[ReportPeriod] | None = None) -> list[tuple]:
    """`unit_progress` rolled up again from the unit's pledge items (the reference)."""
    numbers = {m.id: m.number for m in campaign.movements}
    rows = []
    for period in campaign.periods if periods is None else periods:
        items = [progress.ItemData(movement_id, target, achieved, pct) for
                 _u, movement_id, target, achieved, pct in unit_items(campaign.id, period.id,
                                                                      unit.id)]
        overall, movements = progress.rollup(items)
        rows.append((period, overall, {numbers[m]: v for m, v in movements.items()}))
    return rows


def _participants(campaign: Campaign, among=None) -> list[tuple]:
    stmt = (select(Unit.id, Unit.name, Unit.code, Unit.path)
            .join(CampaignParticipant, CampaignParticipant.unit_id == Unit.id)
            .where(CampaignParticipant.campaign_id == campaign.id).order_by(Unit.path))
    if among is not None:
        stmt = stmt.where(Unit.id.in_(among))
    return db.session.execute(stmt).all()


def _period_statuses(campaign, participants: int, today: date,
                     among) -> list[PeriodStatus]:
    """Each period's reports counted by state (one GROUP BY query) and the participants it
    is asked of (`participants`, or those of its chosen units: one GROUP BY query)."""
    only = [Report.unit_id.in_(among)] if among is not None else []
    late = func.sum(case((Report.late_days > 0, 1), else_=0))
    has_results = exists().where(ReportItem.report_id == Report.id, or_(
        ReportItem.achieved_value.is_not(None), ReportItem.progress_pct.is_not(None)))
    with_data = func.sum(case((has_results, 1), else_=0))
    counts: dict[tuple[int, str], tuple[int, int, int]] = {
        (pid, state): (n, n_late or 0, n_data or 0)
        for pid, state, n, n_late, n_data in db.session.execute(
            select(Report.period_id, Report.state, func.count(Report.id), late, with_data)
            .where(Report.campaign_id == campaign.id, *only)
            .group_by(Report.period_id, Report.state))}
    asked = _asked_participants(campaign, among)
    statuses = []
    for p in campaign.periods:
        submitted, n_late, data_submitted = counts.get((p.id, ReportState.SUBMITTED), (0, 0, 0))
        draft, _late, data_draft = counts.get((p.id, ReportState.DRAFT), (0, 0, 0))
        expected = participants if not p.asked else asked.get(p.id, 0)
        statuses.append(PeriodStatus(p, submitted, draft, n_late,
                                     max(0, expected - submitted - draft), p.deadline < today,
                                     expected, data_submitted + data_draft))
    return statuses


def _asked_participants(campaign, among) -> dict[int, int]:
    """{period id: participants (of `among`) among the units it is asked of} of the periods
    asked of chosen units only: one query."""
    return dict(db.session.execute(
        select(ReportPeriodUnit.period_id, func.count())
        .join(ReportPeriod, ReportPeriod.id == ReportPeriodUnit.period_id)
        .join(CampaignParticipant, (CampaignParticipant.campaign_id == campaign.id)
              & (CampaignParticipant.unit_id == ReportPeriodUnit.unit_id))
        .where(ReportPeriod.campaign_id == campaign.id,
               *_among(ReportPeriodUnit.unit_id, among))
        .group_by(ReportPeriodUnit.period_id)).all())


def _progress(campaign, rows, participants):
    """(overall, per movement, per unit) of one period's item rows (`_items_by_period`).
    A period without any result has no row: its progress is None, not 0."""
    by_unit: dict[int, list[progress.ItemData]] = {}
    for unit_id, movement_id, target, achieved, pct in rows:
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


def _chosen_period(periods: list[PeriodStatus], period_id, today: date):
    """The period asked for; else the latest holding results; else the one due next (or
    the last)."""
    if period_id is not None:
        return next((s.period for s in periods if s.period.id == period_id), None)
    with_data = [s.period for s in periods if s.with_data]
    if with_data:
        return with_data[-1]
    upcoming = [s.period for s in periods if s.period.deadline >= today]
    return upcoming[0] if upcoming else (periods[-1].period if periods else None)


def _behind_query(campaign, today: date, among=None):
    """Rows (unit id, name, code, path, pledge state or None) of the participants (of
    `among`) late with their pledge — not submitted once the registration deadline passed —
    or with the report of a period whose deadline passed (a period asked of chosen units
    only counts for them), in tree order; None when no deadline has passed (nobody can be
    behind). The late units are found set-based (participants × overdue periods without a
    submitted report), so the database hashes the campaign's rows once instead of probing
    them unit by unit."""
    pledge_due = bool(campaign.registration_deadline and campaign.registration_deadline < today)
    overdue = any(p.deadline < today for p in campaign.periods)  # (the periods are loaded)
    if not (pledge_due or overdue):
        return None
    participant = CampaignParticipant.unit_id
    ours = [CampaignParticipant.campaign_id == campaign.id, *_among(participant, among)]
    late = []
    if pledge_due:
        late.append(select(participant)
                    .outerjoin(Pledge, (Pledge.campaign_id == campaign.id)
                               & (Pledge.unit_id == participant))
                    # not coalesce(): the planner estimates the column by its statistics
                    .where(*ours, or_(Pledge.state.is_(None), Pledge.state.not_in(
                        (PledgeState.SUBMITTED, PledgeState.APPROVED)))))
    if overdue:
        late.append(_reports_missing(campaign, [p for p in campaign.periods
                                                if p.deadline < today], ours))
    behind = late[0] if len(late) == 1 else union(*late)
    return (select(Unit.id, Unit.name, Unit.code, Unit.path, Pledge.state)
            .outerjoin(Pledge, (Pledge.unit_id == Unit.id) & (Pledge.campaign_id == campaign.id))
            .where(Unit.id.in_(behind))
            .order_by(Unit.path, Unit.id))


def _reports_missing(campaign, overdue: list[ReportPeriod], ours: list):
    """A select of the participants (the conditions `ours`) owing the report of one of the
    `overdue` periods — of every participant, or of those a period is asked of — and not
    having submitted it: the (period, unit) pairs owed, less the reports submitted."""
    participant = CampaignParticipant.unit_id
    everyone = [p.id for p in overdue if not p.asked]
    chosen = [p.id for p in overdue if p.asked]
    owed = []
    if everyone:
        owed.append(select(ReportPeriod.id.label("period_id"), participant.label("unit_id"))
                    .join(ReportPeriod, ReportPeriod.id.in_(everyone)).where(*ours))
    if chosen:
        owed.append(select(ReportPeriodUnit.period_id.label("period_id"),
                           ReportPeriodUnit.unit_id.label("unit_id"))
                    .join(CampaignParticipant, participant == ReportPeriodUnit.unit_id)
                    .where(ReportPeriodUnit.period_id.in_(chosen), *ours))
    pairs = (owed[0] if len(owed) == 1 else union_all(*owed)).subquery()
    return select(pairs.c.unit_id).where(~exists().where(
        Report.period_id == pairs.c.period_id, Report.unit_id == pairs.c.unit_id,
        Report.state == ReportState.SUBMITTED))


def _with_reasons(campaign, periods: list[PeriodStatus], today: date, rows,
                  among=None, every: bool = False) -> list[Behind]:
    """`Behind` of each row of `_behind_query`, with its reasons: the pledge, and the
    overdue periods concerning the unit without a submitted report (one query: the submitted
    reports of these units; with `every` — the rows are all the units behind — of `among`)."""
    if not rows:
        return []
    pledge_due = bool(campaign.registration_deadline and campaign.registration_deadline < today)
    overdue = [s.period for s in periods if s.overdue]
    only = (_among(Report.unit_id, among) if every
            else [Report.unit_id.in_([row[0] for row in rows])])
    submitted = set(db.session.execute(select(Report.unit_id, Report.period_id).where(
        Report.campaign_id == campaign.id, Report.state == ReportState.SUBMITTED,
        *only)).all()) if overdue else set()
    out = []
    for row in rows:
        unit = UnitRow(*row[:4])
        pledge_late = pledge_due and row[4] not in (PledgeState.SUBMITTED, PledgeState.APPROVED)
        missing = [p for p in overdue if p.concerns(unit.id)
                   and (unit.id, p.id) not in submitted]
        out.append(Behind(unit, pledge_late, missing))
    return out


class BehindPagination(Pagination):
    """A page of the units behind (`Behind`), in tree order, with their exact count, read
    with the page (a window count): two queries, the page and its submitted reports (a
    third, the count, only for a page past the last); none when no deadline has passed."""

    more = False  # the count is exact (the pager's "more than" never shows)

    def __init__(self, campaign, periods, today, among, page: int, per_page: int):
        self._context = (campaign, periods, today)
        self._counted: int | None = None
        super().__init__(select=_behind_query(campaign, today, among), session=db.session,
                         page=page, per_page=per_page, max_per_page=per_page, error_out=False)

    def _query_items(self) -> list:
        stmt = self._query_args["select"]
        if stmt is None:
            self._counted = 0
            return []
        stmt = stmt.add_columns(func.count().over()).limit(self.per_page).offset(
            self._query_offset)
        rows = self._query_args["session"].execute(stmt).all()
        self._counted = rows[0][-1] if rows else (0 if self.page == 1 else None)
        return _with_reasons(*self._context, rows)

    def _query_count(self) -> int:
        if self._counted is not None:
            return self._counted
        stmt = self._query_args["select"]
        return self._query_args["session"].scalar(
            select(func.count()).select_from(stmt.order_by(None).subquery())) or 0

    @property
    def shown(self) -> int:
        return self.total


def behind_pagination(campaign, periods, today: date, among=None, page: int = 1,
                      per_page: int = 100) -> BehindPagination:
    """Page `page` of the units behind (`per_page` a page) with their count."""
    return BehindPagination(campaign, periods, today, among, page, per_page)
