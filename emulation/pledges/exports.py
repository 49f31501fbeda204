"""Pledge register and results workbooks (one shared writer: safe text, typed cells)."""
from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from emulation.campaigns.models import Campaign, CampaignParticipant, Movement
from emulation.core.formatting import PLEDGE_STATE_LABELS, REPORT_STATE_LABELS
from emulation.core.xlsx import Workbook
from emulation.extensions import db
from emulation.org.models import Person, Unit
from emulation.pledges import progress
from emulation.pledges.models import Pledge, PledgeItem, Report, ReportItem, TitleRegistration

PLEDGE_HEADERS = ["Mã đơn vị", "Tên đơn vị", "Trạng thái đăng ký", "Nội dung số",
                  "Nội dung thi đua", "Cam kết", "Chỉ tiêu", "Đơn vị tính", "Giá trị chỉ tiêu"]
TITLE_HEADERS = ["Mã đơn vị", "Tên đơn vị", "Danh hiệu", "Đăng ký cho", "Mã cá nhân",
                 "Họ và tên"]
RESULT_HEADERS = ["Mã đơn vị", "Tên đơn vị", "Kỳ báo cáo", "Trạng thái báo cáo",
                  "Nội dung số", "Chỉ tiêu", "Đơn vị tính", "Giá trị chỉ tiêu", "Đạt được",
                  "Tiến độ tự đánh giá (%)", "Tiến độ (%)", "Kết quả"]


def pledges_workbook(campaign: Campaign) -> bytes:
    wb = Workbook()
    sheet = wb.sheet("Dang ky thi dua")
    sheet.header(PLEDGE_HEADERS, [14, 40, 16, 10, 50, 60, 30, 14, 16], autofilter=True)
    stmt = (select(Unit.code, Unit.name, Pledge.state, Movement.number, Movement.title,
                   PledgeItem.commitment, PledgeItem.indicator, PledgeItem.unit_of_measure,
                   PledgeItem.target_value)
            .select_from(CampaignParticipant)
            .join(Unit, Unit.id == CampaignParticipant.unit_id)
            .join(Movement, Movement.campaign_id == CampaignParticipant.campaign_id)
            .outerjoin(Pledge, and_(Pledge.campaign_id == campaign.id,
                                    Pledge.unit_id == Unit.id))
            .outerjoin(PledgeItem, and_(PledgeItem.pledge_id == Pledge.id,
                                        PledgeItem.movement_id == Movement.id))
            .where(CampaignParticipant.campaign_id == campaign.id)
            .order_by(Unit.path, Movement.number))
    for code, name, state, number, title, commitment, indicator, uom, target in \
            db.session.execute(stmt.execution_options(yield_per=2000)):
        sheet.append([code, name, str(PLEDGE_STATE_LABELS[state or "none"]), number, title,
                      commitment or "", indicator or "", uom or "", target])
    titles = wb.sheet("Dang ky danh hieu")
    titles.header(TITLE_HEADERS, [14, 40, 12, 12, 14, 30], autofilter=True)
    person = aliased(Person)
    stmt = (select(Unit.code, Unit.name, TitleRegistration.award_code, person.code,
                   person.full_name)
            .join(Pledge, Pledge.id == TitleRegistration.pledge_id)
            .join(Unit, Unit.id == Pledge.unit_id)
            .outerjoin(person, person.id == TitleRegistration.person_id)
            .where(Pledge.campaign_id == campaign.id)
            .order_by(Unit.path, TitleRegistration.award_code, person.sort_key))
    for code, name, award, person_code, person_name in db.session.execute(stmt):
        titles.append([code, name, award, "Cá nhân" if person_code else "Tập thể",
                       person_code or "", person_name or ""])
    return wb.getvalue()


def results_workbook(campaign: Campaign) -> bytes:
    wb = Workbook()
    sheet = wb.sheet("Ket qua")
    sheet.header(RESULT_HEADERS, [14, 40, 20, 16, 10, 30, 14, 16, 16, 16, 12, 60],
                 autofilter=True)
    for period in campaign.periods:
        stmt = (select(Unit.code, Unit.name, Report.state, Movement.number,
                       PledgeItem.indicator, PledgeItem.unit_of_measure,
                       PledgeItem.target_value, ReportItem.achieved_value,
                       ReportItem.progress_pct, ReportItem.narrative)
                .select_from(Pledge)
                .join(Unit, Unit.id == Pledge.unit_id)
                .join(PledgeItem, PledgeItem.pledge_id == Pledge.id)
                .join(Movement, Movement.id == PledgeItem.movement_id)
                .outerjoin(Report, and_(Report.unit_id == Pledge.unit_id,
                                        Report.period_id == period.id))
                .outerjoin(ReportItem, and_(ReportItem.report_id == Report.id,
                                            ReportItem.pledge_item_id == PledgeItem.id))
                .where(Pledge.campaign_id == campaign.id, Pledge.state == "approved")
                .order_by(Unit.path, Movement.number, PledgeItem.id))
        for code, name, state, number, indicator, uom, target, achieved, pct, narrative in \
                db.session.execute(stmt.execution_options(yield_per=2000)):
            value = progress.item_progress(progress.ItemData(number, target, achieved, pct))
            sheet.append([code, name, period.label, str(REPORT_STATE_LABELS[state or "none"]),
                          number, indicator or "", uom or "", target, achieved, pct,
                          round(value, 1) if value is not None else None, narrative or ""])
    return wb.getvalue()
