"""The campaigns list as a spreadsheet: what `/campaigns/` shows to the user (same scope and
filters), each campaign with its dates, and its movements and report periods on sheets of
their own."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from emulation.campaigns.enums import CampaignKind, CampaignState, ParticipationMode, PeriodKind
from emulation.campaigns.models import (
    Campaign,
    CampaignParticipant,
    Cluster,
    Movement,
    ReportPeriod,
)
from emulation.campaigns.services import campaigns_query
from emulation.core.xlsx import STREAM_ROWS, Workbook
from emulation.extensions import db
from emulation.org.models import Unit

CAMPAIGN_HEADERS = [_l("Directive number"), _l("Title"), _l("Kind"), _l("From year"),
                    _l("To year"), _l("Issuing unit code"), _l("Issuing unit"),
                    _l("Issuing bodies"), _l("Signers"), _l("Launch date"),
                    _l("Registration deadline"), _l("Scoring opens"), _l("Scoring closes"),
                    _l("Nomination deadline"), _l("Status"), _l("Participation"),
                    _l("Units taking part"), _l("Movements"), _l("Clusters")]
MOVEMENT_HEADERS = [_l("Directive number"), _l("Campaign"), _l("Movement no."),
                    _l("Movement"), _l("Description")]
PERIOD_HEADERS = [_l("Directive number"), _l("Campaign"), _l("Report period"), _l("Kind"),
                  _l("Year"), _l("Deadline")]


@dataclass(frozen=True)
class CampaignList:
    """What is exported: the campaigns `user` may see, with the list page's filters."""

    user: object
    state: str | None = None
    year: int | None = None

    def query(self):
        """`campaigns_query` for the user and filters (the list page's query)."""
        return campaigns_query(self.user, self.state, self.year)


def subject(user, params: dict) -> CampaignList | None:
    """The list for a signed-in `user` (the query keeps to what they may see), `params`
    {"state", "year"} read as the page reads them."""
    if not getattr(user, "is_authenticated", False):
        return None
    state = params.get("state") if params.get("state") in CampaignState.values() else None
    year = params.get("year")
    return CampaignList(user, state, year if isinstance(year, int) else None)


def count(campaigns: CampaignList) -> int:
    """Rows the export will write: campaigns, their movements and report periods."""
    ids = campaigns.query().with_only_columns(Campaign.id).order_by(None)
    return sum(db.session.scalar(stmt) or 0 for stmt in (
        select(func.count()).select_from(ids.subquery()),
        select(func.count(Movement.id)).where(Movement.campaign_id.in_(ids)),
        select(func.count(ReportPeriod.id)).where(ReportPeriod.campaign_id.in_(ids))))


def workbook(campaigns: CampaignList, on_progress=None) -> Workbook:
    """Three sheets: the campaigns (newest first, as listed), their movements and their
    report periods."""
    kinds, states = CampaignKind.labels(), CampaignState.labels()
    modes, period_kinds = ParticipationMode.labels(), PeriodKind.labels()
    ids = campaigns.query().with_only_columns(Campaign.id).order_by(None)
    wb = Workbook(on_progress)
    sheet = wb.sheet(_("Campaigns"))
    sheet.header(CAMPAIGN_HEADERS, [16, 50, 14, 8, 8, 14, 36, 30, 30, 12, 12, 12, 12, 12, 12,
                                    24, 10, 10, 10])
    participants = _count_per(CampaignParticipant.campaign_id, CampaignParticipant.id, ids)
    movements = _count_per(Movement.campaign_id, Movement.id, ids)
    clusters = _count_per(Cluster.campaign_id, Cluster.id, ids)
    stmt = (campaigns.query().with_only_columns(
        Campaign.number, Campaign.title, Campaign.kind, Campaign.year_start, Campaign.year_end,
        Unit.code, Unit.name, Campaign.issuing_bodies, Campaign.signers, Campaign.launch_date,
        Campaign.registration_deadline, Campaign.scoring_opens, Campaign.scoring_closes,
        Campaign.nomination_deadline, Campaign.state, Campaign.participation_mode,
        func.coalesce(participants.c.n, 0), func.coalesce(movements.c.n, 0),
        func.coalesce(clusters.c.n, 0), maintain_column_froms=False)
        .select_from(Campaign).join(Unit, Unit.id == Campaign.issuing_unit_id)
        .outerjoin(participants, participants.c.campaign_id == Campaign.id)
        .outerjoin(movements, movements.c.campaign_id == Campaign.id)
        .outerjoin(clusters, clusters.c.campaign_id == Campaign.id)
        .execution_options(yield_per=STREAM_ROWS))
    for row in db.session.execute(stmt):
        values = list(row)
        values[2] = str(kinds.get(values[2], values[2]))
        values[14] = str(states[values[14]])
        values[15] = str(modes.get(values[15], values[15]))
        sheet.append(values)
    order = (Campaign.year_start.desc(), Campaign.id.desc())
    sheet = wb.sheet(_("Movements"))
    sheet.header(MOVEMENT_HEADERS, [16, 50, 10, 60, 60])
    for row in db.session.execute(
            select(Campaign.number, Campaign.title, Movement.number, Movement.title,
                   Movement.description)
            .join(Campaign, Campaign.id == Movement.campaign_id)
            .where(Campaign.id.in_(ids)).order_by(*order, Movement.number)
            .execution_options(yield_per=STREAM_ROWS)):
        sheet.append(list(row))
    sheet = wb.sheet(_("Report periods"))
    sheet.header(PERIOD_HEADERS, [16, 50, 30, 24, 8, 12])
    for number, title, label, kind, year, deadline in db.session.execute(
            select(Campaign.number, Campaign.title, ReportPeriod.label, ReportPeriod.kind,
                   ReportPeriod.year, ReportPeriod.deadline)
            .join(Campaign, Campaign.id == ReportPeriod.campaign_id)
            .where(Campaign.id.in_(ids))
            .order_by(*order, ReportPeriod.deadline, ReportPeriod.id)
            .execution_options(yield_per=STREAM_ROWS)):
        sheet.append([number, title, label, str(period_kinds.get(kind, kind)), year,
                      deadline])
    return wb


def _count_per(campaign_column, id_column, ids):
    """(campaign_id, n) for the campaigns `ids`, as a subquery to join."""
    return (select(campaign_column.label("campaign_id"), func.count(id_column).label("n"))
            .where(campaign_column.in_(ids)).group_by(campaign_column).subquery())
