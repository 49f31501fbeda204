"""Deadlines that hold (issue 16): the nomination deadline refuses late dossiers unless the
organiser extended it for the unit (the pledge's extension mechanism, by kind); a late
report is accepted and marked with its days late; an ad-hoc report is asked of chosen units;
the dashboards open on the latest period holding results; a unit has its own dashboard."""
import io
import re
from datetime import date, datetime, timezone
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from emulation.awards.catalogue.data import seed
from emulation.awards.catalogue.services import award_by_code
from emulation.awards.nominations import services as nominations
from emulation.campaigns import services as cs
from emulation.campaigns.models import Campaign, ReportPeriod
from emulation.core.audit import AuditEvent
from emulation.core.errors import InvalidState, NotFound, ServiceError
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org.models import Person, Unit
from emulation.pledges import reports as pledge_reports
from emulation.pledges import services as ps
from emulation.pledges.models import DeadlineExtension, Report

LATE = date(2100, 1, 1)  # an extension that has not run out


def _nominate(world, campaign_id, unit=None):
    unit = unit or db.session.get(Unit, world.unit1.id)
    return nominations.create(SYSTEM, award=award_by_code("LDTT"), year=2026,
                              proposing_unit=unit,
                              person=db.session.get(Person, world.person1.id),
                              campaign_id=campaign_id, texts={"summary": "Thành tích"})


def _nomination_deadline(campaign_id, day):
    campaign = db.session.get(Campaign, campaign_id)
    campaign.nomination_deadline = day
    db.session.commit()
    return campaign


# --- nomination deadline -------------------------------------------------------------------

def test_nomination_past_the_campaigns_deadline_is_refused_until_extended(world, cworld, ctx):
    seed(db.session)
    campaign = _nomination_deadline(cworld.campaign, date(2020, 12, 20))
    with pytest.raises(InvalidState, match="20/12/2020"):
        _nominate(world, campaign.id)
    db.session.rollback()
    # a registration extension is not a nomination extension
    ps.grant_extension(SYSTEM, campaign, db.session.get(Unit, world.unit1.id), LATE)
    with pytest.raises(InvalidState):
        _nominate(world, campaign.id)
    db.session.rollback()
    ps.grant_extension(SYSTEM, campaign, db.session.get(Unit, world.unit1.id), LATE,
                       "nomination")
    n = _nominate(world, campaign.id)
    assert n.id and n.campaign_id == campaign.id
    # without a campaign, no deadline applies
    assert nominations.create(SYSTEM, award=award_by_code("CSTDCS"), year=2026,
                              proposing_unit=db.session.get(Unit, world.unit1.id),
                              person=db.session.get(Person, world.person1.id)).id


def test_submission_after_the_deadline_is_refused_too(world, cworld, ctx):
    seed(db.session)
    n = _nominate(world, cworld.campaign)  # the campaign has no nomination deadline yet
    campaign = _nomination_deadline(cworld.campaign, date(2020, 12, 20))
    with pytest.raises(InvalidState, match="20/12/2020"):
        nominations.submit(SYSTEM, n, n.version)
    db.session.rollback()
    assert n.state == "draft"
    ps.grant_extension(SYSTEM, campaign, db.session.get(Unit, world.unit1.id), date(2021, 1, 5),
                       "nomination")  # run out already
    with pytest.raises(InvalidState):
        nominations.submit(SYSTEM, n, n.version)
    db.session.rollback()
    ps.grant_extension(SYSTEM, campaign, db.session.get(Unit, world.unit1.id), LATE,
                       "nomination")
    nominations.submit(SYSTEM, n, n.version)
    assert n.state == "submitted"


def test_the_refusal_reaches_the_page_in_vietnamese(world, cworld, login, in_app):
    with in_app():
        seed(db.session)
        db.session.commit()
        _nomination_deadline(cworld.campaign, date(2020, 12, 20))
        award = award_by_code("LDTT").id
    page = login("donvi1").post("/nominations/new", data={
        "award": str(award), "year": "2026", "proposing_unit_code": "CS-1",
        "person_code": "P1", "campaign_id": str(cworld.campaign), "summary": "Thành tích"})
    assert page.status_code == 409
    assert "Đã quá hạn đề nghị khen thưởng" in page.get_data(as_text=True)
    assert "20/12/2020" in page.get_data(as_text=True)


def test_organiser_extends_the_nomination_deadline_for_a_unit_below(world, cworld, login,
                                                                    in_app):
    c = login("tochuc")
    url = f"/campaigns/{cworld.campaign}/extensions"
    # CD-A takes no part in the campaign: no pledge to extend, but it nominates its units
    assert c.post(url, data={"kind": "registration", "unit_code": "CD-A",
                             "until": "2100-01-01"}).status_code == 404
    assert c.post(url, data={"kind": "nomination", "unit_code": "NOPE",
                             "until": "2100-01-01"}).status_code == 404
    assert c.post(url, data={"kind": "bogus", "unit_code": "CD-A",
                             "until": "2100-01-01"}).status_code == 400
    assert c.post(url, data={"kind": "nomination", "unit_code": "CD-A",
                             "until": "2100-01-01"}).status_code == 302
    with in_app() as session:
        extension = session.scalar(select(DeadlineExtension))
        assert (extension.kind, extension.unit.code, extension.until) == (
            "nomination", "CD-A", date(2100, 1, 1))
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "pledge.extension"))
        assert event.after_data["kind"] == "nomination"
    overview = c.get(f"/campaigns/{cworld.campaign}/pledges").get_data(as_text=True)
    assert "Gia hạn thời hạn" in overview and "CD-A" in overview


def test_pledge_deadline_still_uses_its_own_extension(world, cworld, ctx):
    campaign = db.session.get(Campaign, cworld.campaign)
    campaign.registration_deadline = date(2026, 1, 31)
    unit2 = db.session.get(Unit, world.unit2.id)
    pledge = ps.save_pledge(SYSTEM, campaign, unit2, 0, {cworld.movements[0]: {
        "commitment": "A"}})
    ps.grant_extension(SYSTEM, campaign, unit2, LATE, "nomination")
    with pytest.raises(InvalidState, match="31/01/2026"):
        ps.submit(SYSTEM, pledge, pledge.version, date(2026, 2, 2))
    db.session.rollback()
    ps.grant_extension(SYSTEM, campaign, unit2, LATE)
    ps.submit(SYSTEM, pledge, pledge.version, date(2026, 2, 2))
    assert pledge.state == "submitted"
    assert len(ps.extensions_of(campaign)) == 2


# --- late reports --------------------------------------------------------------------------

def test_a_late_report_is_accepted_and_marked(world, cworld, login, in_app):
    with in_app():
        report = db.session.get(Report, cworld.report)  # mid-year, due 30/06/2026
        pledge_reports.submit_report(SYSTEM, report, report.version, date(2026, 7, 5))
        assert report.state == "submitted" and report.late_days == 5
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "report.submitted"))
        assert event.after_data["late_days"] == 5
        # reopened and submitted again later: the mark of its first submission stays
        pledge_reports.reopen_report(SYSTEM, report, report.version, "Bổ sung minh chứng")
        pledge_reports.submit_report(SYSTEM, report, report.version, date(2026, 9, 1))
        assert report.late_days == 5
    organiser = login("tochuc")
    base = f"/campaigns/{cworld.campaign}"
    page = organiser.get(f"{base}/units/{world.unit1.id}/reports/{cworld.period}")
    assert "Nộp muộn 5 ngày" in page.get_data(as_text=True)
    assert "nộp muộn 5 ngày" in organiser.get(
        f"{base}/units/{world.unit1.id}/pledge").get_data(as_text=True)
    assert "nộp muộn 5 ngày" in organiser.get(
        f"{base}/units/{world.unit1.id}/dashboard").get_data(as_text=True)
    dashboard = organiser.get(f"{base}/dashboard").get_data(as_text=True)
    assert re.search(r'class="period-late">1<', dashboard)
    results = organiser.get(f"{base}/export/results.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(results.data)).worksheets[0]
    header = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert header[-1] == "Số ngày nộp muộn" and {r[-1] for r in rows} == {5}


def test_a_report_on_time_has_no_mark(world, cworld, login, in_app):
    with in_app():
        report = db.session.get(Report, cworld.report)
        pledge_reports.submit_report(SYSTEM, report, report.version, date(2026, 6, 30))
        assert report.late_days == 0
    page = login("donvi1").get(f"/campaigns/{cworld.campaign}/units/{world.unit1.id}/reports/"
                               f"{cworld.period}").get_data(as_text=True)
    assert "Nộp muộn" not in page


# --- ad-hoc reports asked of chosen units --------------------------------------------------

def _adhoc(login, cworld, codes, deadline="2026-07-15"):
    return login("tochuc").post(f"/campaigns/{cworld.campaign}/periods", data={
        "kind": "adhoc", "label": "Báo cáo đột xuất về an toàn lao động", "year": "2026",
        "deadline": deadline, "unit_codes": codes})


def test_an_adhoc_report_is_asked_of_chosen_units_only(world, cworld, login, in_app):
    assert _adhoc(login, cworld, "CS-1").status_code == 302
    with in_app() as session:
        period = session.scalar(select(ReportPeriod).where(ReportPeriod.kind == "adhoc"))
        assert period.asked_unit_ids == {world.unit1.id}
        period_id = period.id
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "campaign.period_add")).all()[-1]
        assert event.after_data["units"] == ["CS-1"]
        # CS-2 is not asked: no report of it can be made
        campaign = session.get(Campaign, cworld.campaign)
        unit2 = session.get(Unit, world.unit2.id)
        pledge = ps.save_pledge(SYSTEM, campaign, unit2, 0, {cworld.movements[0]: {
            "commitment": "A"}})
        ps.submit(SYSTEM, pledge, pledge.version, date(2026, 1, 10))
        ps.approve(SYSTEM, pledge, pledge.version)
        with pytest.raises(NotFound):
            pledge_reports.save_report(SYSTEM, campaign, unit2, session.get(
                ReportPeriod, period_id), 0, {}, {})
    base = f"/campaigns/{cworld.campaign}"
    assert login("donvi2").get(f"{base}/units/{world.unit2.id}/reports/{period_id}"
                               ).status_code == 404
    assert "an toàn lao động" not in login("donvi2").get(
        f"{base}/units/{world.unit2.id}/pledge").get_data(as_text=True)
    assert "an toàn lao động" in login("donvi1").get(
        f"{base}/units/{world.unit1.id}/pledge").get_data(as_text=True)
    assert login("donvi1").get(f"{base}/units/{world.unit1.id}/reports/{period_id}"
                               ).status_code == 200
    dashboard = login("tochuc").get(f"{base}/dashboard").get_data(as_text=True)
    behind = dashboard.split("units-behind")[1]
    # overdue since 15/07/2026: CS-1 is behind on it, CS-2 is not asked
    assert "an toàn lao động" in behind.split("Thuốc lá Sài Gòn")[0]
    assert "an toàn lao động" not in behind.split("Thuốc lá Sài Gòn")[1].split("</li>")[0]
    assert "Chỉ yêu cầu 1 đơn vị báo cáo" in login("tochuc").get(base).get_data(as_text=True)


def test_adhoc_units_must_take_part(world, cworld, login, in_app):
    refused = _adhoc(login, cworld, "CS-3")  # in the tree, not a participant
    assert refused.status_code == 400
    assert "Chỉ có thể yêu cầu báo cáo" in refused.get_data(as_text=True)
    assert _adhoc(login, cworld, "KHONG-CO").status_code == 400
    with in_app() as session:
        assert session.scalar(select(ReportPeriod).where(ReportPeriod.kind == "adhoc")) is None


def test_the_deadline_reminder_skips_units_not_asked(world, cworld, in_app):
    from emulation.notify.models import Notification
    from emulation.notify.services import remind

    with in_app():
        campaign = db.session.get(Campaign, cworld.campaign)
        cs.add_period(SYSTEM, campaign, kind="adhoc", label="Đột xuất", year=2026,
                      deadline=date(2026, 10, 10), unit_ids=[world.unit2.id])
        remind(date(2026, 10, 5), 7)
        kinds = {(n.kind, n.user_id) for n in db.session.scalars(select(Notification))}
        from emulation.auth.models import User

        users = {u.username: u.id for u in db.session.scalars(select(User))}
        assert ("reminder", users["donvi2"]) in kinds
        assert ("reminder", users["donvi1"]) not in kinds


def test_removing_a_participant_drops_it_from_the_adhoc_periods(world, cworld, ctx):
    campaign = db.session.get(Campaign, cworld.campaign)
    period = cs.add_period(SYSTEM, campaign, kind="adhoc", label="Đột xuất", year=2026,
                           deadline=date(2026, 10, 10),
                           unit_ids=[world.unit1.id, world.unit2.id])
    cs.set_participants(SYSTEM, campaign, "list", [world.unit1.id])
    db.session.expire_all()
    assert db.session.get(ReportPeriod, period.id).asked_unit_ids == {world.unit1.id}
    with pytest.raises(ServiceError):
        cs.add_period(SYSTEM, campaign, kind="adhoc", label="X", year=2026,
                      deadline=date(2026, 10, 10), unit_ids=[world.unit2.id])


# --- dashboards ----------------------------------------------------------------------------

def _period(campaign, label, deadline):
    return cs.add_period(SYSTEM, campaign, kind="quarterly", label=label, year=2026,
                         deadline=deadline)


def test_the_dashboard_opens_on_the_latest_period_holding_results(world, cworld, login,
                                                                  in_app):
    with in_app():
        campaign = db.session.get(Campaign, cworld.campaign)
        q3 = _period(campaign, "Quý 3/2026", date(2026, 9, 30))
        _period(campaign, "Quý 4/2026", date(2026, 12, 31))
        q3_id = q3.id
    url = f"/campaigns/{cworld.campaign}/dashboard"
    # only the mid-year period holds results (CS-1's draft): it opens there
    assert "Tiến độ kỳ 6 tháng 2026" in login("tochuc").get(url).get_data(as_text=True)
    with in_app():
        campaign = db.session.get(Campaign, cworld.campaign)
        unit1 = db.session.get(Unit, world.unit1.id)
        pledge = ps.pledge_of(campaign, unit1)
        # an empty draft of the last quarter holds no result: it does not count
        pledge_reports.save_report(SYSTEM, campaign, unit1, campaign.periods[-1], 0,
                                   {"integration": "Chưa có số liệu"}, {})
        pledge_reports.save_report(SYSTEM, campaign, unit1, db.session.get(ReportPeriod, q3_id),
                                   0, {}, {pledge.items[0].id: {"achieved_value": "8"}})
    html = login("tochuc").get(url).get_data(as_text=True)
    assert "Tiến độ kỳ Quý 3/2026" in html and re.search(r">80%<", html)
    # the branch that holds those results opens there too; CD-B's, with none, on the next due
    assert "Tiến độ kỳ Quý 3/2026" in login("tochuc_a").get(url).get_data(as_text=True)


def test_a_unit_has_its_own_dashboard(world, cworld, login, in_app):
    url = f"/campaigns/{cworld.campaign}/units/{world.unit1.id}/dashboard"
    page = login("donvi1").get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Bảng theo dõi của Công đoàn Công ty DAP" in html
    assert "6 tháng 2026" in html and any(day in html for day in ("30 thg 6, 2026",
                                                                  "30/06/2026"))
    assert re.search(r">50%<", html)  # movement 1: 5 achieved of 10
    assert "Thứ hạng được hiển thị khi" in html  # not published yet
    assert login("donvi2").get(url).status_code == 404
    assert login("donvi1").get(f"/campaigns/{cworld.campaign}").get_data(
        as_text=True).count(f"/units/{world.unit1.id}/dashboard") >= 1
    # the published ranking gives the unit its rank
    with in_app():
        from emulation.scoring.models import RankingEntry
        from emulation.scoring.services import settings_for

        campaign = db.session.get(Campaign, cworld.campaign)
        settings = settings_for(campaign)
        settings.frozen_at, settings.publish_to_units = datetime.now(timezone.utc), True
        db.session.add_all([
            RankingEntry(campaign_id=campaign.id, cluster_id=cworld.cluster,
                         unit_id=world.unit1.id, rank=2, final=Decimal("81.5")),
            RankingEntry(campaign_id=campaign.id, cluster_id=cworld.cluster,
                         unit_id=world.unit2.id, rank=1, final=Decimal("90"), leader=True)])
        db.session.commit()
    html = login("donvi1").get(url).get_data(as_text=True)
    assert "Hạng 2/2" in html and "81,5" in html


def test_the_unit_dashboard_keeps_the_rank_until_it_is_published(world, cworld, login,
                                                                 in_app):
    with in_app():
        from emulation.scoring.models import RankingEntry
        from emulation.scoring.services import settings_for

        campaign = db.session.get(Campaign, cworld.campaign)
        settings = settings_for(campaign)
        settings.frozen_at, settings.publish_to_units = datetime.now(timezone.utc), False
        db.session.add(RankingEntry(campaign_id=campaign.id, cluster_id=cworld.cluster,
                                    unit_id=world.unit1.id, rank=1, final=Decimal("70")))
        db.session.commit()
    url = f"/campaigns/{cworld.campaign}/units/{world.unit1.id}/dashboard"
    assert "Hạng 1/1" not in login("donvi1").get(url).get_data(as_text=True)
    assert "Hạng 1/1" in login("tochuc").get(url).get_data(as_text=True)  # the organiser


def test_dashboard_queries_stay_bounded_for_a_branch(world, cworld, login, in_app, queries):
    c = login("tochuc_a")
    with queries() as small:
        assert c.get(f"/campaigns/{cworld.campaign}/dashboard").status_code == 200
    with in_app():
        from tests.factories import gen_unit

        campaign = db.session.get(Campaign, cworld.campaign)
        parent = db.session.get(Unit, world.branch_a.id)
        new_units = [gen_unit(f"NB-{i}", f"Đơn vị nhánh {i}", parent) for i in range(8)]
        cs.set_participants(SYSTEM, campaign, "list",
                            [world.unit1.id, world.unit2.id, *[u.id for u in new_units]])
        cs.add_period(SYSTEM, campaign, kind="adhoc", label="Đột xuất", year=2026,
                      deadline=date(2026, 8, 1), unit_ids=[u.id for u in new_units[:3]])
        for unit in new_units[:4]:
            pledge = ps.save_pledge(SYSTEM, campaign, unit, 0, {cworld.movements[0]: {
                "commitment": "A", "target_value": "4"}})
            ps.submit(SYSTEM, pledge, pledge.version, date(2026, 1, 10))
            ps.approve(SYSTEM, pledge, pledge.version)
    with queries() as large:
        page = c.get(f"/campaigns/{cworld.campaign}/dashboard")
    assert page.status_code == 200 and "Đơn vị nhánh 7" in page.get_data(as_text=True)
    assert len(large) == len(small)
