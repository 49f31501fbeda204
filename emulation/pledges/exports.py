"""Pledge register and results workbooks (one shared writer: safe text, typed cells)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from emulation.awards.catalogue.models import AwardType
from emulation.campaigns.models import Campaign, CampaignParticipant, Movement
from emulation.core.xlsx import Workbook
from emulation.extensions import db
from emulation.org.models import Person, Unit
from emulation.pledges import progress
from emulation.pledges.enums import NOT_STARTED, PLEDGE_STATE_LABELS, REPORT_STATE_LABELS
from emulation.pledges.models import Pledge, PledgeItem, Report, ReportItem, TitleRegistration

PLEDGE_HEADERS = [_l("Unit code"), _l("Unit name"), _l("Registration state"),
                  _l("Movement no."), _l("Movement"), _l("Commitment"), _l("Indicator"),
                  _l("Unit of measure"), _l("Target value")]
TITLE_HEADERS = [_l("Unit code"), _l("Unit name"), _l("Title registered"),
                 _l("Registered for"), _l("Person code"), _l("Full name")]
BATCH = 900  # rows read at a time (and ids in one IN list)
RESULT_HEADERS = [_l("Unit code"), _l("Unit name"), _l("Report period"), _l("Report state"),
                  _l("Movement no."), _l("Indicator"), _l("Unit of measure"),
                  _l("Target value"), _l("Achieved"), _l("Self-assessed progress (%)"),
                  _l("Progress (%)"), _l("Result"), _l("Days late")]


def pledges_workbook(campaign: Campaign, on_progress=None, among=None) -> Workbook:
    """Unit × movement register and the title registrations; `on_progress` as in Workbook;
    only the units the unit-id query `among` selects, when given (a branch)."""
    wb = Workbook(on_progress)
    sheet = wb.sheet(_("Pledges"))
    sheet.header(PLEDGE_HEADERS, [14, 40, 16, 10, 50, 60, 30, 14, 16])
    movements = list(campaign.movements)
    units = (select(Unit.code, Unit.name, Pledge.id, Pledge.state)
             .select_from(CampaignParticipant)
             .join(Unit, Unit.id == CampaignParticipant.unit_id)
             .outerjoin(Pledge, and_(Pledge.campaign_id == campaign.id,
                                     Pledge.unit_id == Unit.id))
             .where(CampaignParticipant.campaign_id == campaign.id, *_among(Unit.id, among))
             .order_by(Unit.path))
    # a batch of units at a time, with their items (one per movement, with their texts):
    # memory stays flat in the campaign's size
    per_batch = max(1, BATCH // max(1, len(movements)))
    for batch in db.session.execute(units.execution_options(yield_per=per_batch)).partitions():
        items = {(pledge_id, movement_id): rest for pledge_id, movement_id, *rest in
                 db.session.execute(
                     select(PledgeItem.pledge_id, PledgeItem.movement_id,
                            PledgeItem.commitment, PledgeItem.indicator,
                            PledgeItem.unit_of_measure, PledgeItem.target_value)
                     .where(PledgeItem.pledge_id.in_([r[2] for r in batch if r[2]])))}
        for code, name, pledge_id, state in batch:
            label = str(PLEDGE_STATE_LABELS[state or NOT_STARTED])
            for movement in movements:
                commitment, indicator, uom, target = items.get((pledge_id, movement.id),
                                                               ("", "", "", None))
                sheet.append([code, name, label, movement.number, movement.title,
                              commitment, indicator, uom, target])
    titles = wb.sheet(_("Title registrations"))
    titles.header(TITLE_HEADERS, [14, 40, 12, 12, 14, 30])
    person = aliased(Person)
    stmt = (select(Unit.code, Unit.name,
                   func.coalesce(AwardType.name, TitleRegistration.award_code), person.code,
                   person.full_name)
            .select_from(TitleRegistration)
            .join(Pledge, Pledge.id == TitleRegistration.pledge_id)
            .join(Unit, Unit.id == Pledge.unit_id)
            .outerjoin(person, person.id == TitleRegistration.person_id)
            .outerjoin(AwardType, AwardType.code == TitleRegistration.award_code)
            .where(Pledge.campaign_id == campaign.id, *_among(Unit.id, among))
            .order_by(Unit.path, TitleRegistration.award_code, person.sort_key))
    for code, name, award, person_code, person_name in db.session.execute(stmt):
        titles.append([code, name, award, _("Individual") if person_code else _("Collective"),
                       person_code or "", person_name or ""])
    return wb


def results_workbook(campaign: Campaign, on_progress=None, among=None) -> Workbook:
    """Targets vs achieved per unit × item and period, with the days a report came late;
    `on_progress` as in Workbook; only the units `among` selects, when given (a branch).
    A period asked of chosen units lists only those."""
    wb = Workbook(on_progress)
    sheet = wb.sheet(_("Results"))
    sheet.header(RESULT_HEADERS, [14, 40, 20, 16, 10, 30, 14, 16, 16, 16, 12, 60, 10])
    items = (select(PledgeItem.id, Unit.code, Unit.name, Unit.id, Movement.number,
                    PledgeItem.indicator, PledgeItem.unit_of_measure, PledgeItem.target_value)
             .join(Pledge, Pledge.id == PledgeItem.pledge_id)
             .join(Unit, Unit.id == Pledge.unit_id)
             .join(Movement, Movement.id == PledgeItem.movement_id)
             .where(Pledge.campaign_id == campaign.id, Pledge.state == "approved",
                    *_among(Unit.id, among))
             .order_by(Unit.path, Movement.number, PledgeItem.id)
             .execution_options(yield_per=BATCH))
    for period in campaign.periods:
        states = {unit_id: (state, late) for unit_id, state, late in db.session.execute(
            select(Report.unit_id, Report.state, Report.late_days).where(
                Report.campaign_id == campaign.id, Report.period_id == period.id))}
        # a batch of items at a time, with their results: memory stays flat
        for batch in db.session.execute(items).partitions():
            results = {row[0]: row[1:] for row in db.session.execute(
                select(ReportItem.pledge_item_id, ReportItem.achieved_value,
                       ReportItem.progress_pct, ReportItem.narrative)
                .join(Report, Report.id == ReportItem.report_id)
                .where(Report.period_id == period.id,
                       ReportItem.pledge_item_id.in_([r[0] for r in batch])))}
            for item_id, code, name, unit_id, number, indicator, uom, target in batch:
                if not period.concerns(unit_id):
                    continue
                state, late = states.get(unit_id, (NOT_STARTED, None))
                achieved, pct, narrative = results.get(item_id, (None, None, ""))
                value = progress.item_progress(progress.ItemData(number, target, achieved,
                                                                 pct))
                sheet.append([code, name, period.label, str(REPORT_STATE_LABELS[state]), number,
                              indicator or "", uom or "", target, achieved, pct,
                              round(value, 1) if value is not None else None,
                              narrative or "", late or None])
    return wb


def count_pledges(campaign: Campaign, among=None) -> int:
    """Rows of the pledge register: one per participant and movement, plus the titles."""
    units = db.session.scalar(select(func.count()).select_from(CampaignParticipant).where(
        CampaignParticipant.campaign_id == campaign.id,
        *_among(CampaignParticipant.unit_id, among))) or 0
    titles = db.session.scalar(select(func.count(TitleRegistration.id)).join(
        Pledge, Pledge.id == TitleRegistration.pledge_id).where(
        Pledge.campaign_id == campaign.id, *_among(Pledge.unit_id, among))) or 0
    return units * len(campaign.movements) + titles


def count_results(campaign: Campaign, among=None) -> int:
    """Rows of the results workbook (at most): approved pledge items × report periods."""
    items = db.session.scalar(select(func.count(PledgeItem.id)).join(
        Pledge, Pledge.id == PledgeItem.pledge_id).where(
        Pledge.campaign_id == campaign.id, Pledge.state == "approved",
        *_among(Pledge.unit_id, among))) or 0
    return items * len(campaign.periods)


def _among(column, among) -> list:
    """The condition keeping the rows of the units `among` selects (none: every unit)."""
    return [] if among is None else [column.in_(among)]
