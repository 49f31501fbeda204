"""The campaign dashboard's period statuses and units behind are SQL aggregates and a page of
units (issue 18, national scale): the same figures as the computation they replace (kept here
as the reference: it read every participant), a paged list of the units behind, a fixed
number of queries, and the branch of a mid-level organiser only."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from emulation.campaigns import dashboard
from emulation.campaigns import services as cs
from emulation.campaigns.models import Campaign, CampaignParticipant, ReportPeriodUnit
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org.models import Unit
from emulation.pledges import reports as pledge_reports
from emulation.pledges import services as ps
from emulation.pledges.enums import PledgeState, ReportState
from emulation.pledges.models import Pledge, Report
from tests.factories import gen_unit

# --- the computation before (reference) ------------------------------------------------------


def _old_participants(campaign, among=None):
    stmt = (select(Unit.id, Unit.name, Unit.code, Unit.path)
            .join(CampaignParticipant, CampaignParticipant.unit_id == Unit.id)
            .where(CampaignParticipant.campaign_id == campaign.id).order_by(Unit.path))
    if among is not None:
        stmt = stmt.where(Unit.id.in_(among))
    return db.session.execute(stmt).all()


def _old_statuses(campaign, participants, today, among):
    """Expected, submitted, draft, missing of each period, as the dashboard counted them
    (every participant's id in Python)."""
    only = [Report.unit_id.in_(among)] if among is not None else []
    counts = {}
    for pid, state in db.session.execute(select(Report.period_id, Report.state).where(
            Report.campaign_id == campaign.id, *only)):
        counts[(pid, state)] = counts.get((pid, state), 0) + 1
    ids = [u.id for u in participants]
    out = []
    for p in campaign.periods:
        submitted = counts.get((p.id, ReportState.SUBMITTED), 0)
        draft = counts.get((p.id, ReportState.DRAFT), 0)
        expected = len(ids) if not p.asked else len(p.asked_unit_ids.intersection(ids))
        out.append((p.id, expected, submitted, draft, max(0, expected - submitted - draft),
                    p.deadline < today))
    return out


def _old_behind(campaign, participants, today, among):
    only_pledges = [Pledge.unit_id.in_(among)] if among is not None else []
    only_reports = [Report.unit_id.in_(among)] if among is not None else []
    pledge_states = dict(db.session.execute(select(Pledge.unit_id, Pledge.state).where(
        Pledge.campaign_id == campaign.id, *only_pledges)).all())
    submitted = set(db.session.execute(select(Report.unit_id, Report.period_id).where(
        Report.campaign_id == campaign.id, Report.state == ReportState.SUBMITTED,
        *only_reports)).all())
    pledge_due = bool(campaign.registration_deadline and campaign.registration_deadline < today)
    rows = []
    for unit in participants:
        pledge_late = pledge_due and pledge_states.get(unit.id) not in (
            PledgeState.SUBMITTED, PledgeState.APPROVED)
        missing = [p.id for p in campaign.periods if p.deadline < today and p.concerns(unit.id)
                   and (unit.id, p.id) not in submitted]
        if pledge_late or missing:
            rows.append((unit.id, pledge_late, missing))
    return rows


# --- a campaign of many states ---------------------------------------------------------------


@pytest.fixture
def crowd(world, cworld, in_app):
    """14 more participants in both branches: pledges in every state, reports submitted,
    draft or missing for the mid-year period, an ad-hoc period asked of four units (one of
    them not a participant), a year-end period."""
    with in_app():
        campaign = db.session.get(Campaign, cworld.campaign)
        branches = [db.session.get(Unit, world.branch_a.id),
                    db.session.get(Unit, world.branch_b.id)]
        units = [gen_unit(f"AG-{i:02d}", f"Đơn vị tổng hợp {i:02d}", branches[i % 2])
                 for i in range(14)]
        outsider = gen_unit("AG-X", "Đơn vị ngoài", branches[0])
        cs.set_participants(SYSTEM, campaign, "list",
                            [world.unit1.id, world.unit2.id, *[u.id for u in units]])
        adhoc = cs.add_period(SYSTEM, campaign, kind="adhoc", label="Đột xuất", year=2026,
                              deadline=date(2026, 8, 1),
                              unit_ids=[units[0].id, units[1].id, units[5].id])
        adhoc.asked.append(ReportPeriodUnit(unit_id=outsider.id))  # left from before
        cs.add_period(SYSTEM, campaign, kind="yearend", label="Cả năm", year=2026,
                      deadline=date(2026, 12, 15))
        midyear = campaign.periods[0]
        for i, unit in enumerate(units):
            if i % 4 == 3:
                continue  # no pledge
            pledge = ps.save_pledge(SYSTEM, campaign, unit, 0, {cworld.movements[0]: {
                "commitment": "A", "target_value": "4"}})
            if i % 4 == 2:
                continue  # a draft pledge
            ps.submit(SYSTEM, pledge, pledge.version, date(2026, 1, 10))
            if i % 4 == 1:
                continue  # submitted
            ps.approve(SYSTEM, pledge, pledge.version)
            for period in (midyear, adhoc):
                if period is adhoc and not period.concerns(unit.id):
                    continue
                report = pledge_reports.save_report(SYSTEM, campaign, unit, period, 0, {},
                                                    {pledge.items[0].id: {"achieved_value": "2"}})
                if i % 8 == 0:
                    pledge_reports.submit_report(SYSTEM, report, report.version,
                                                 date(2026, 7, 5))
        db.session.commit()


TODAYS = (date(2026, 2, 1), date(2026, 7, 15), date(2026, 9, 1), date(2027, 1, 1),
          date(2100, 1, 1))  # the last past the registration deadline (2099)


@pytest.mark.parametrize("branch", [False, True])
def test_the_figures_equal_the_computation_they_replace(world, cworld, crowd, in_app, branch):
    """Participants, each period's counts and the units behind (every page of 3) equal the
    old per-participant computation, for the whole campaign and for one branch."""
    with in_app():
        campaign = db.session.get(Campaign, cworld.campaign)
        among = (select(Unit.id).where(Unit.path.startswith(
            db.session.get(Unit, world.branch_a.id).path)) if branch else None)
        seen_behind = 0
        for today in TODAYS:
            participants = _old_participants(campaign, among)
            data = dashboard.campaign_dashboard(campaign, today, among=among,
                                                behind_per_page=3)
            assert data.participants == len(participants)
            assert [(s.period.id, s.expected, s.submitted, s.draft, s.missing, s.overdue)
                    for s in data.periods] == _old_statuses(campaign, participants, today,
                                                            among)
            old = _old_behind(campaign, participants, today, among)
            pages = data.behind_pages
            assert pages.total == len(old)
            got = []
            for page in range(1, pages.pages + 1):
                part = dashboard.behind_pagination(campaign, data.periods, today, among, page, 3)
                assert len(part.items) <= 3 and part.total == len(old)
                got.extend((b.unit.id, b.pledge, [p.id for p in b.periods]) for b in part.items)
            assert got == old
            seen_behind = max(seen_behind, len(old))
        assert seen_behind > 3  # the pages were exercised


def test_the_units_behind_are_paged_with_links_and_the_count(world, cworld, crowd, login,
                                                              in_app, queries):
    """The dashboard lists the first 100 units behind, counts them all and pages the rest
    (keeping the period chosen); a page past the last is empty, not an error."""
    from emulation.pledges import views

    c = login("tochuc")
    url = f"/campaigns/{cworld.campaign}/dashboard"
    with queries() as few:
        html = c.get(url).get_data(as_text=True)
    behind = re.search(r'<ul class="mt-2 units-behind">(.*?)</ul>', html, re.S).group(1)
    total = behind.count("<li>")
    assert total > 3 and f'border">{total}</span>' in html
    assert 'class="pagination' not in html  # one page at 100 a page
    old = views.BEHIND_SHOWN
    views.BEHIND_SHOWN = 3
    try:
        with queries() as paged:
            first = c.get(url).get_data(as_text=True)
        second = c.get(f"{url}?page=2&period=1").get_data(as_text=True)
        beyond = c.get(f"{url}?page=999")
    finally:
        views.BEHIND_SHOWN = old
    assert len(paged) == len(few)
    names = re.findall(r"units-behind\">(.*?)</ul>", first, re.S)[0]
    assert names.count("<li>") == 3 and f'border">{total}</span>' in first
    assert f'href="/campaigns/{cworld.campaign}/dashboard?page=2"' in first
    assert "?page=3&amp;period=1" in second or "?period=1&amp;page=3" in second
    assert re.findall(r"units-behind\">(.*?)</ul>", second, re.S)[0].count("<li>") == 3
    assert beyond.status_code == 200
    assert "Không có đơn vị nào ở trang này." in beyond.get_data(as_text=True)


def test_a_branch_organiser_sees_the_units_behind_of_the_branch_only(world, cworld, crowd,
                                                                      login):
    page = login("tochuc_a").get(f"/campaigns/{cworld.campaign}/dashboard").get_data(
        as_text=True)
    behind = re.search(r'<ul class="mt-2 units-behind">(.*?)</ul>', page, re.S).group(1)
    numbers = [int(n) for n in re.findall(r"Đơn vị tổng hợp (\d\d)", behind)]
    assert numbers and all(n % 2 == 0 for n in numbers)  # branch A's units only


def test_dashboard_queries_do_not_grow_with_the_units_behind(world, cworld, login, in_app,
                                                             queries):
    """The same number of queries with 2 participants and with 40 (most of them behind, an
    ad-hoc period asked of some)."""
    c = login("tochuc")
    url = f"/campaigns/{cworld.campaign}/dashboard"
    with in_app():  # a period overdue from the start, so the small page has one too
        campaign = db.session.get(Campaign, cworld.campaign)
        cs.add_period(SYSTEM, campaign, kind="adhoc", label="Đột xuất", year=2026,
                      deadline=date(2026, 1, 2), unit_ids=[world.unit2.id])
        db.session.commit()
    with queries() as small:
        assert c.get(url).status_code == 200
    with in_app():
        campaign = db.session.get(Campaign, cworld.campaign)
        parent = db.session.get(Unit, world.branch_b.id)
        units = [gen_unit(f"QB-{i}", f"Đơn vị chậm {i}", parent) for i in range(38)]
        cs.set_participants(SYSTEM, campaign, "list",
                            [world.unit1.id, world.unit2.id, *[u.id for u in units]])
        db.session.commit()
    with queries() as large:
        html = c.get(url).get_data(as_text=True)
    assert "Đơn vị chậm 9" in html
    assert len(large) == len(small)


def test_the_campaign_page_pages_its_clusters_in_a_fixed_number_of_queries(world, cworld,
                                                                           login, in_app,
                                                                           queries):
    """Clusters a page at a time (CLUSTERS_PER_PAGE) with their member counts of one
    aggregate query, their total in the heading, links to the other pages."""
    from emulation.campaigns.queries import CLUSTERS_PER_PAGE

    c = login("tochuc")
    url = f"/campaigns/{cworld.campaign}"
    with queries() as few:
        assert c.get(url).status_code == 200
    with in_app():
        campaign = db.session.get(Campaign, cworld.campaign)
        parent = db.session.get(Unit, world.branch_b.id)
        n = CLUSTERS_PER_PAGE + 3
        units = [gen_unit(f"CL-{i:02d}", f"Đơn vị cụm {i:02d}", parent) for i in range(n)]
        cs.set_participants(SYSTEM, campaign, "list",
                            [world.unit1.id, world.unit2.id, *[u.id for u in units]])
        for i, unit in enumerate(units):  # clusters 2.. of one member each
            cs.save_cluster(SYSTEM, campaign, cluster=None, name=f"Cụm số {i + 2:02d}",
                            kind="cum", member_ids=[unit.id], leader_id=unit.id,
                            deputy_id=None)
        db.session.commit()
    with queries() as many:
        first = c.get(url).get_data(as_text=True)
    assert len(many) == len(few)
    assert 'id="clusters"' in first
    assert f'border">{n + 1}</span>' in first
    assert first.count('class="cluster-members-link"') == CLUSTERS_PER_PAGE
    assert "2 đơn vị thành viên" in first and "1 đơn vị thành viên" in first  # Cụm 1, the rest
    assert f'href="/campaigns/{cworld.campaign}?page=2"' in first
    assert f"Cụm số {CLUSTERS_PER_PAGE + 1:02d}" not in first
    second = c.get(f"{url}?page=2").get_data(as_text=True)
    assert second.count('class="cluster-members-link"') == 4
    assert f"Cụm số {n + 1:02d}" in second and "Cụm số 02<" not in second
    assert "Cụm 1<" not in second
    beyond = c.get(f"{url}?page=99")
    assert beyond.status_code == 200
    assert "Không có cụm/khối nào ở trang này." in beyond.get_data(as_text=True)
