"""Pledges, title registrations and reports: every move checked, recorded and audited."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import and_, func, select
from sqlalchemy.orm import selectinload

from emulation.campaigns.models import Campaign, CampaignParticipant, ReportPeriod
from emulation.campaigns.services import can_manage, get_campaign_for, require_manage
from emulation.core import audit, signals
from emulation.core import permissions as perms
from emulation.core.errors import (
    InvalidState,
    NotFound,
    PermissionDenied,
    ServiceError,
    StaleRecord,
    check_version,
    stale_message,
)
from emulation.core.models import utcnow
from emulation.core.numbers import parse_number
from emulation.core.text import clean, clean_block
from emulation.extensions import db
from emulation.org.models import Person, Unit
from emulation.pledges.models import (
    PERSON_TITLES,
    UNIT_TITLES,
    DeadlineExtension,
    Pledge,
    PledgeItem,
    PledgeStep,
    Report,
    ReportItem,
    TitleRegistration,
)

OFFICER = ("unit_officer",)
EDITABLE = ("draft", "returned")


# --- access --------------------------------------------------------------------------------

def can_edit_for_unit(user, unit: Unit) -> bool:
    return perms.covers(user, unit, OFFICER)


def can_read(user, campaign: Campaign, unit: Unit) -> bool:
    return can_edit_for_unit(user, unit) or can_manage(user, campaign)


def require_participant(campaign: Campaign, unit: Unit) -> None:
    if not db.session.scalar(select(CampaignParticipant.id).where(
            CampaignParticipant.campaign_id == campaign.id,
            CampaignParticipant.unit_id == unit.id)):
        raise NotFound(_("This unit does not take part in the campaign."))


def campaign_unit_for(user, campaign_id: int, unit_id: int) -> tuple[Campaign, Unit]:
    """A campaign and a participating unit whose pledge and reports the user may read (the
    unit's officers and the campaign's organisers); otherwise NotFound, revealing nothing."""
    campaign = get_campaign_for(user, campaign_id)
    unit = db.session.get(Unit, unit_id)
    if unit is None or not can_read(user, campaign, unit):
        raise NotFound(_("No such unit, or you may not see it."))
    require_participant(campaign, unit)
    return campaign, unit


def unit_campaigns(user):
    """(campaign, unit, pledge) for published/closed campaigns of the units the user serves."""
    stmt = (select(Campaign, Unit, Pledge)
            .join(CampaignParticipant, CampaignParticipant.campaign_id == Campaign.id)
            .join(Unit, Unit.id == CampaignParticipant.unit_id)
            .outerjoin(Pledge, and_(Pledge.campaign_id == Campaign.id,
                                    Pledge.unit_id == Unit.id))
            .where(Campaign.state != "draft",
                   Unit.id.in_(perms.covered_unit_ids(user, OFFICER)))
            .order_by(Campaign.year_start.desc(), Campaign.id.desc(), Unit.path))
    return db.session.execute(stmt).all()


def pledge_of(campaign: Campaign, unit: Unit) -> Pledge | None:
    return db.session.scalar(select(Pledge).where(Pledge.campaign_id == campaign.id,
                                                  Pledge.unit_id == unit.id))


# --- pledge ----------------------------------------------------------------------------------

def save_pledge(actor, campaign: Campaign, unit: Unit, version, entries: dict,
                locale: str = "vi") -> Pledge:
    """Save the draft: `entries` maps movement id → dict(commitment, indicator,
    unit_of_measure, target_value as text). Numbers are checked before anything is written."""
    _require_officer(actor, unit)
    require_participant(campaign, unit)
    if campaign.state != "published":
        raise InvalidState(_("Pledges can be made only while the campaign is published."))
    pledge = pledge_of(campaign, unit)
    if pledge is None:
        if version not in (None, "", "0", 0):
            raise StaleRecord(stale_message())
        pledge = Pledge(campaign=campaign, unit=unit, state="draft")
        db.session.add(pledge)
    else:
        check_version(pledge, version)
        if pledge.state not in EDITABLE:
            raise InvalidState(_("A submitted or approved pledge cannot be changed."))
    movements = {m.id: m for m in campaign.movements}
    cleaned = {}
    errors = []
    for movement_id, entry in entries.items():
        movement = movements.get(movement_id)
        if movement is None:
            raise ServiceError(_("That movement belongs to another campaign."))
        try:
            target = parse_number(entry.get("target_value"), locale)
        except ValueError:
            errors.append(_("Movement %(n)d: the target %(value)s is not a number.",
                            n=movement.number, value=clean(entry.get("target_value"))[:30]))
            continue
        cleaned[movement_id] = {
            "commitment": clean_block(entry.get("commitment"), 20000),
            "indicator": clean(entry.get("indicator"))[:255],
            "unit_of_measure": clean(entry.get("unit_of_measure"))[:60],
            "target_value": target}
    if errors:
        raise ServiceError(" ".join(errors))
    current = {i.movement_id: i for i in pledge.items}
    before = {m: _item_dict(i) for m, i in current.items()}
    for movement_id, values in cleaned.items():
        item = current.get(movement_id)
        if item is None:
            if not any(values.values()):
                continue
            item = PledgeItem(movement_id=movement_id)
            pledge.items.append(item)
        for key, value in values.items():
            setattr(item, key, value)
    pledge.updated_at = utcnow()  # bumps the version even when only items changed
    db.session.flush()
    after = {i.movement_id: _item_dict(i) for i in pledge.items}
    old, new = audit.diff({str(k): v for k, v in before.items()},
                          {str(k): v for k, v in after.items()})
    audit.record(db.session, actor=actor, action="pledge.save", obj=pledge,
                 summary=f"pledge of {unit.code} for campaign {campaign.id} saved",
                 before=old, after=new)
    db.session.commit()
    return pledge


def set_titles(actor, pledge: Pledge, version, unit_titles: list[str],
               person_titles: dict[str, list[int]]) -> None:
    """Replace the title registrations: for the unit, and for people of the unit."""
    _require_officer(actor, pledge.unit)
    check_version(pledge, version)
    if pledge.state not in EDITABLE:
        raise InvalidState(_("A submitted or approved pledge cannot be changed."))
    if set(unit_titles) - set(UNIT_TITLES) or set(person_titles) - set(PERSON_TITLES):
        raise ServiceError(_("Unknown title."))
    wanted_people = {pid for ids in person_titles.values() for pid in ids}
    if wanted_people:
        allowed = set(db.session.scalars(select(Person.id).where(
            Person.id.in_(wanted_people), Person.active.is_(True),
            Person.unit_id.in_(select(Unit.id).where(
                Unit.path.startswith(pledge.unit.path, autoescape=True))))))
        if wanted_people - allowed:
            raise PermissionDenied(_("Titles can be registered only for active people of "
                                     "this unit."))
    wanted = {(code, None) for code in unit_titles}
    wanted |= {(code, pid) for code, ids in person_titles.items() for pid in ids}
    current = {(t.award_code, t.person_id): t for t in pledge.titles}
    for key in set(current) - wanted:
        pledge.titles.remove(current[key])
    for code, pid in sorted(wanted - set(current), key=lambda k: (k[0], k[1] or 0)):
        pledge.titles.append(TitleRegistration(award_code=code, person_id=pid))
    pledge.updated_at = utcnow()
    audit.record(db.session, actor=actor, action="pledge.titles", obj=pledge,
                 summary=f"titles of {pledge.unit.code}: +{len(wanted - set(current))} "
                         f"-{len(set(current) - wanted)}",
                 before={"titles": sorted(f"{c}:{p or ''}" for c, p in current)},
                 after={"titles": sorted(f"{c}:{p or ''}" for c, p in wanted)})
    db.session.commit()


def submit(actor, pledge: Pledge, version, today: date) -> None:
    _require_officer(actor, pledge.unit)
    check_version(pledge, version)
    if pledge.state not in EDITABLE:
        raise InvalidState(_("Only a draft or returned pledge can be submitted."))
    campaign = pledge.campaign
    if campaign.state != "published":
        raise InvalidState(_("Pledges can be made only while the campaign is published."))
    if not any(i.commitment for i in pledge.items):
        raise InvalidState(_("Write a commitment for at least one movement before "
                             "submitting."))
    deadline = campaign.registration_deadline
    if deadline and today > deadline:
        extension = db.session.scalar(select(DeadlineExtension.until).where(
            DeadlineExtension.campaign_id == campaign.id,
            DeadlineExtension.unit_id == pledge.unit_id))
        if extension is None or today > extension:
            raise InvalidState(_("The registration deadline (%(date)s) has passed. Ask the "
                                 "organiser for an extension.", date=deadline.strftime(
                                     "%d/%m/%Y")))
    pledge.submitted_at = utcnow()
    _step(actor, pledge, "submitted")


def approve(actor, pledge: Pledge, version) -> None:
    _require_organiser(actor, pledge)
    check_version(pledge, version)
    if pledge.state != "submitted":
        raise InvalidState(_("Only a submitted pledge can be approved."))
    pledge.decided_at = utcnow()
    _step(actor, pledge, "approved")


def return_pledge(actor, pledge: Pledge, version, reason: str) -> None:
    _require_organiser(actor, pledge)
    check_version(pledge, version)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for returning the pledge."))
    if pledge.state not in ("submitted", "approved"):
        raise InvalidState(_("Only a submitted or approved pledge can be returned."))
    pledge.decided_at = utcnow()
    _step(actor, pledge, "returned", reason[:5000])


def bulk_approve(actor, campaign: Campaign, pledge_ids: list[int]) -> list[Pledge]:
    """Approve the chosen submitted pledges of the campaign; returns those approved."""
    require_manage(actor, campaign)
    pledges = bulk_candidates(campaign, pledge_ids)
    for pledge in pledges:
        pledge.decided_at = utcnow()
        _step(actor, pledge, "approved", commit=False)
    db.session.commit()
    return pledges


def bulk_candidates(campaign: Campaign, pledge_ids: list[int]) -> list[Pledge]:
    """Exactly the pledges a bulk approval would touch: chosen, of this campaign, submitted."""
    if not pledge_ids:
        return []
    return list(db.session.scalars(select(Pledge).join(Unit).where(
        Pledge.campaign_id == campaign.id, Pledge.id.in_(pledge_ids),
        Pledge.state == "submitted").order_by(Unit.path)))


def grant_extension(actor, campaign: Campaign, unit: Unit, until: date) -> None:
    require_manage(actor, campaign)
    require_participant(campaign, unit)
    extension = db.session.scalar(select(DeadlineExtension).where(
        DeadlineExtension.campaign_id == campaign.id, DeadlineExtension.unit_id == unit.id))
    before = {"until": extension.until} if extension else None
    if extension is None:
        extension = DeadlineExtension(campaign_id=campaign.id, unit_id=unit.id, until=until)
        db.session.add(extension)
    extension.until, extension.granted_by = until, actor.username
    audit.record(db.session, actor=actor, action="pledge.extension", obj=campaign,
                 summary=f"extension for {unit.code} until {until}", before=before,
                 after={"unit": unit.code, "until": until})
    db.session.commit()


def overview(campaign: Campaign, state: str | None = None):
    """The statement of (unit, pledge state or 'none', pledge) per participant."""
    state_col = func.coalesce(Pledge.state, "none")
    stmt = (select(Unit, state_col, Pledge)
            .join(CampaignParticipant, CampaignParticipant.unit_id == Unit.id)
            .outerjoin(Pledge, and_(Pledge.campaign_id == campaign.id,
                                    Pledge.unit_id == Unit.id))
            .where(CampaignParticipant.campaign_id == campaign.id)
            .order_by(Unit.path))
    if state:
        stmt = stmt.where(state_col == state)
    return stmt


def state_counts(campaign: Campaign) -> dict[str, int]:
    state_col = func.coalesce(Pledge.state, "none")
    rows = db.session.execute(
        select(state_col, func.count(CampaignParticipant.id))
        .select_from(CampaignParticipant)
        .outerjoin(Pledge, and_(Pledge.campaign_id == CampaignParticipant.campaign_id,
                                Pledge.unit_id == CampaignParticipant.unit_id))
        .where(CampaignParticipant.campaign_id == campaign.id).group_by(state_col))
    return dict(rows.all())


def _step(actor, pledge: Pledge, to_state: str, reason: str = "", commit: bool = True) -> None:
    from_state = pledge.state
    pledge.state = to_state
    pledge.steps.append(PledgeStep(actor_id=getattr(actor, "id", None),
                                   actor_name=getattr(actor, "username", ""),
                                   from_state=from_state, to_state=to_state, reason=reason))
    audit.record(db.session, actor=actor, action=f"pledge.{to_state}", obj=pledge,
                 summary=f"pledge of {pledge.unit.code}: {from_state} → {to_state}",
                 before={"state": from_state},
                 after={"state": to_state, **({"reason": reason} if reason else {})})
    if to_state == "approved":
        signals.pledge_approved.send(pledge)
    elif to_state == "returned":
        signals.pledge_returned.send(pledge, reason=reason)
    if commit:
        db.session.commit()


def _item_dict(item: PledgeItem) -> dict:
    return {"commitment": item.commitment, "indicator": item.indicator,
            "unit_of_measure": item.unit_of_measure, "target_value": item.target_value}


def _require_officer(actor, unit: Unit) -> None:
    if not can_edit_for_unit(actor, unit):
        raise PermissionDenied(_("Only an officer of %(name)s may do this.", name=unit.name))


def _require_organiser(actor, pledge: Pledge) -> None:
    require_manage(actor, pledge.campaign)


# --- reports ---------------------------------------------------------------------------------

def report_of(unit: Unit, period: ReportPeriod) -> Report | None:
    return db.session.scalar(select(Report).where(Report.unit_id == unit.id,
                                                  Report.period_id == period.id))


def reports_of(campaign: Campaign, unit: Unit) -> list[Report]:
    return list(db.session.scalars(
        select(Report).join(ReportPeriod, ReportPeriod.id == Report.period_id)
        .where(Report.campaign_id == campaign.id, Report.unit_id == unit.id)
        .options(selectinload(Report.items))
        .order_by(ReportPeriod.deadline, ReportPeriod.id)))


def save_report(actor, campaign: Campaign, unit: Unit, period: ReportPeriod, version,
                sections: dict, entries: dict, locale: str = "vi") -> Report:
    """Save a report draft: the four evaluation texts and, per pledge item, achieved value,
    narrative and self-assessed progress (entries: pledge item id → dict of texts)."""
    _require_officer(actor, unit)
    require_participant(campaign, unit)
    if period.campaign_id != campaign.id:
        raise NotFound(_("No such report period."))
    pledge = pledge_of(campaign, unit)
    if pledge is None or pledge.state != "approved":
        raise InvalidState(_("Results can be reported once the pledge is approved."))
    if campaign.state != "published":
        raise InvalidState(_("Results can be reported only while the campaign is published."))
    report = report_of(unit, period)
    if report is None:
        if version not in (None, "", "0", 0):
            raise StaleRecord(stale_message())
        report = Report(campaign_id=campaign.id, unit=unit, period=period, state="draft")
        db.session.add(report)
    else:
        check_version(report, version)
        if report.state != "draft":
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
            progress = parse_number(entry.get("progress_pct"), locale)
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
                 after=new)
    db.session.commit()
    return report


def submit_report(actor, report: Report, version) -> None:
    _require_officer(actor, report.unit)
    check_version(report, version)
    if report.state != "draft":
        raise InvalidState(_("This report has already been submitted."))
    report.state, report.submitted_at = "submitted", utcnow()
    audit.record(db.session, actor=actor, action="report.submitted", obj=report,
                 summary=f"report of {report.unit.code} for {report.period.label} submitted",
                 before={"state": "draft"}, after={"state": "submitted"})
    db.session.commit()


def reopen_report(actor, report: Report, version, reason: str) -> None:
    campaign = db.session.get(Campaign, report.campaign_id)
    require_manage(actor, campaign)
    check_version(report, version)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for reopening the report."))
    if report.state != "submitted":
        raise InvalidState(_("Only a submitted report can be reopened."))
    report.state = "draft"
    audit.record(db.session, actor=actor, action="report.reopened", obj=report,
                 summary=f"report of {report.unit.code} reopened", before={"state": "submitted"},
                 after={"state": "draft", "reason": reason[:2000]})
    db.session.commit()


def add_evidence(actor, report: Report, item: ReportItem, upload):
    from emulation.core import uploads

    _require_officer(actor, report.unit)
    if item.report_id != report.id:
        raise NotFound(_("No such report item."))
    if report.state != "draft":
        raise InvalidState(_("A submitted report cannot be changed."))
    attachment = uploads.store(upload, owner_type="report_item", owner_id=item.id, actor=actor)
    audit.record(db.session, actor=actor, action="report.evidence", obj=report,
                 summary=f"evidence {attachment.original_name} for item {item.id}",
                 after={"file": attachment.original_name, "sha256": attachment.sha256})
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
