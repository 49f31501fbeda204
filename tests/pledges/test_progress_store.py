"""The stored progress roll-up equals the one rolled up again from every pledge item (the
reference), to the last rounding, whatever the pledges and reports; it follows every change
(a report saved, submitted, reopened or deleted, a pledge approved or returned) in the
transaction that makes it; `flask progress rebuild` writes the same rows."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from emulation.campaigns import dashboard
from emulation.campaigns import services as cs
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org.models import Unit
from emulation.pledges import progress_store
from emulation.pledges.enums import PledgeState, ReportState
from emulation.pledges.models import (
    MovementProgress,
    Pledge,
    PledgeItem,
    Report,
    ReportItem,
    UnitProgress,
)
from tests.factories import gen_campaign

MANY = 1000  # larger than any list here: the dashboard lists every unit

# st.one_of picks a branch uniformly: a strategy given twice is picked twice as often
target = st.decimals(min_value=0, max_value=500, places=2)
targets = st.one_of(target, target, st.none())
value = st.decimals(min_value=0, max_value=900, places=2)
achieved = st.one_of(value, value, st.none())
percent = st.decimals(min_value=0, max_value=100, places=1)
percents = st.one_of(percent, st.none())
# mostly approved pledges holding items and reports holding results (the figures compared),
# the other states and the empty cases too
unit_spec = st.fixed_dictionaries({
    "participant": st.sampled_from([True, True, True, False]),
    "pledge": st.one_of(st.just(PledgeState.APPROVED.value), st.just(PledgeState.APPROVED.value),
                        st.none(), st.sampled_from(PledgeState.values())),
    # (movement index, target) — several items may share a movement
    "items": st.lists(st.tuples(st.integers(0, 2), targets), min_size=1, max_size=4),
    # per period: None (no report) or (state, [(achieved, self-assessed) per item or None])
    "reports": st.lists(st.one_of(*[st.tuples(
        st.sampled_from(ReportState.values()),
        st.lists(st.one_of(*[st.tuples(achieved, percents)] * 3, st.none()), min_size=1,
                 max_size=4))] * 3, st.none()),
        min_size=2, max_size=2),
})
campaign_spec = st.fixed_dictionaries({
    "movements": st.integers(1, 3), "periods": st.integers(1, 2),
    "units": st.lists(unit_spec, min_size=2, max_size=5),
    "change": st.integers(0, 4), "victim": st.integers(0, 4)})


def _stored_rows(campaign_id: int):
    return (sorted(db.session.execute(select(
                UnitProgress.period_id, UnitProgress.unit_id, UnitProgress.counted,
                UnitProgress.overall_tenths).where(UnitProgress.campaign_id == campaign_id))),
            sorted(db.session.execute(select(
                MovementProgress.period_id, MovementProgress.unit_id,
                MovementProgress.movement_id, MovementProgress.value_tenths)
                .where(MovementProgress.campaign_id == campaign_id))))


def _build(spec, top: Unit, units: list[Unit], n: int):
    campaign = gen_campaign(top, title=f"Hypothesis {n}",
                            movements=spec["movements"], publish=False,
                            participants=[u for u, s in zip(units, spec["units"], strict=False)
                                          if s["participant"]])
    if spec["periods"] > 1:
        cs.add_period(SYSTEM, campaign, kind="yearend", label="Năm 2026", year=2026,
                      deadline=date(2026, 12, 15))
    movements, periods = campaign.movements, campaign.periods
    for unit, s in zip(units, spec["units"], strict=False):
        if s["pledge"] is None:
            continue
        pledge = Pledge(campaign_id=campaign.id, unit_id=unit.id, state=s["pledge"])
        pledge.items = [PledgeItem(movement_id=movements[m % len(movements)].id,
                                   target_value=t) for m, t in s["items"]]
        db.session.add(pledge)
        db.session.flush()
        for period, report_spec in zip(periods, s["reports"], strict=False):
            if report_spec is None:
                continue
            state, lines = report_spec
            report = Report(campaign_id=campaign.id, unit_id=unit.id, period_id=period.id,
                            state=state)
            report.items = [ReportItem(pledge_item_id=item.id, achieved_value=a,
                                       progress_pct=p)
                            for item, line in zip(pledge.items, lines, strict=False)
                            if line is not None for a, p in [line]]
            db.session.add(report)
    db.session.commit()
    return campaign


def _change(campaign, spec, units: list[Unit]) -> None:
    """One of the moves the services make, applied to one unit: a result changed (save), a
    report submitted / reopened, a report deleted, a pledge approved / returned."""
    unit = units[spec["victim"] % len(units)]
    report = db.session.scalar(select(Report).where(Report.campaign_id == campaign.id,
                                                    Report.unit_id == unit.id).limit(1))
    pledge = db.session.scalar(select(Pledge).where(Pledge.campaign_id == campaign.id,
                                                    Pledge.unit_id == unit.id))
    change = spec["change"]
    if change == 0 and report is not None and report.items:
        report.items[0].achieved_value = Decimal("3.33")
        report.items[-1].progress_pct = Decimal("66.6")
    elif change == 1 and report is not None:
        report.state = (ReportState.DRAFT if report.state == ReportState.SUBMITTED
                        else ReportState.SUBMITTED)
    elif change == 2 and report is not None:
        db.session.delete(report)
    elif change == 3 and pledge is not None:
        pledge.state = (PledgeState.RETURNED if pledge.state == PledgeState.APPROVED
                        else PledgeState.APPROVED)
    elif change == 4 and pledge is not None and pledge.items and report is not None:
        report.items.clear()  # the lines replaced by one (deleted before the insert)
        db.session.flush()
        report.items.append(ReportItem(pledge_item_id=pledge.items[-1].id,
                                       progress_pct=Decimal("12.3")))
    db.session.commit()


def _assert_same(campaign, units: list[Unit], among, seen: list) -> None:
    """The stored figures equal the reference's; `seen` counts the periods whose overall
    averaged two units or more (the test checks some did: it compared real figures)."""
    participants = dashboard._participants(campaign, among)
    for period in campaign.periods:
        stored = dashboard.campaign_dashboard(campaign, date(2026, 7, 1), period.id, among,
                                              shown=MANY)
        overall, movements, unit_rows = dashboard.recomputed_progress(campaign, period.id,
                                                                      among)
        assert stored.overall == overall
        assert [(m.id, v, n) for m, v, n in stored.movements] == [
            (m.id, v, n) for m, v, n in movements]
        assert {u[0]: v for u, v in stored.unit_progress} == {u[0]: v for u, v in unit_rows}
        assert stored.units_total == len(unit_rows)
        if sum(v is not None for _u, v in unit_rows) >= 2:
            seen.append(overall)
        # lowest first, no figure last, as the reference sorts them
        values = [v for _u, v in stored.unit_progress]
        assert values == sorted(values, key=lambda v: (v is None, v or 0))
        assert str(stored.overall) == str(overall)  # same digits: 100.0, not 1E+2
        trend = dict((p.id, v) for p, v in stored.trend)
        assert trend[period.id] == overall
    assert len(participants) == stored.participants
    for unit in units:
        assert dashboard.unit_progress(campaign, unit) == \
            dashboard.recomputed_unit_progress(campaign, unit)


def test_stored_progress_equals_the_recomputed_one(world, in_app):
    with in_app():
        top = db.session.get(Unit, world.top.id)
        units = [db.session.get(Unit, r.id) for r in
                 (world.unit1, world.unit2, world.unit3, world.branch_a, world.branch_b)]
        branch = select(Unit.id).where(Unit.path.like(db.session.get(
            Unit, world.branch_a.id).path + "%"))
        counter = iter(range(10_000))
        seen: list = []

        @settings(max_examples=40, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(campaign_spec)
        def check(spec):
            campaign = _build(spec, top, units, next(counter))
            _assert_same(campaign, units, None, seen)
            _assert_same(campaign, units, branch, seen)
            _change(campaign, spec, units)
            _assert_same(campaign, units, None, seen)
            _assert_same(campaign, units, branch, seen)
            incremental = _stored_rows(campaign.id)
            progress_store.rebuild(campaign.id)
            db.session.commit()
            assert _stored_rows(campaign.id) == incremental

        check()
        assert len(seen) >= 10  # real averages were compared, not only empty periods


def test_services_keep_the_stored_progress_in_their_transaction(world, cworld, in_app):
    """save_report writes the roll-up with the report: a rollback loses both."""
    from emulation.campaigns.models import Campaign
    from emulation.pledges import reports as pledge_reports

    with in_app():
        campaign = db.session.get(Campaign, cworld.campaign)
        unit = db.session.get(Unit, world.unit1.id)
        report = db.session.get(Report, cworld.report)
        item_id = report.items[0].pledge_item_id
        before = db.session.scalar(select(UnitProgress.overall_tenths).where(
            UnitProgress.unit_id == unit.id, UnitProgress.period_id == cworld.period))
        assert before == 500  # 5 of 10 on movement 1, movement 2 without a figure
        pledge_reports.save_report(SYSTEM, campaign, unit, report.period, report.version, {},
                                   {item_id: {"achieved_value": "7,5"}})
        assert db.session.scalar(select(UnitProgress.overall_tenths).where(
            UnitProgress.unit_id == unit.id, UnitProgress.period_id == cworld.period)) == 750
        report.items[0].achieved_value = Decimal(1)
        db.session.flush()  # the flush writes the roll-up; the rollback takes it back
        assert db.session.scalar(select(UnitProgress.overall_tenths).where(
            UnitProgress.unit_id == unit.id)) == 100
        db.session.rollback()
        assert db.session.scalar(select(UnitProgress.overall_tenths).where(
            UnitProgress.unit_id == unit.id)) == 750


def test_the_rebuild_command_restores_and_audits(app, world, cworld, in_app):
    from sqlalchemy import delete

    from emulation.core.audit import AuditEvent

    with in_app():
        expected = _stored_rows(cworld.campaign)
        assert expected[0]
        db.session.execute(delete(MovementProgress))
        db.session.execute(delete(UnitProgress))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["progress", "rebuild", "--campaign",
                                                str(cworld.campaign)])
    assert result.exit_code == 0 and "1 unit reports" in result.output
    with in_app():
        assert _stored_rows(cworld.campaign) == expected
        assert db.session.scalar(select(AuditEvent.action).where(
            AuditEvent.action == "campaign.progress_rebuild")) == "campaign.progress_rebuild"
    missing = app.test_cli_runner().invoke(args=["progress", "rebuild", "--campaign", "999999"])
    assert missing.exit_code == 2
