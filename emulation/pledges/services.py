"""Pledges (đăng ký thi đua) and title registrations: every move checked, recorded and
audited. Each public operation commits once, at its end; the helpers it calls never commit,
so a refusal half-way leaves nothing for the caller's rollback to miss. Reports and their
evidence are in reports.py."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from emulation.campaigns.models import Campaign, CampaignParticipant
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
from emulation.core.formatting import fmt_date
from emulation.core.models import utcnow
from emulation.core.numbers import parse_number
from emulation.core.text import clean, clean_block, fold
from emulation.extensions import db
from emulation.org.models import Person, Unit
from emulation.org.services import only_one
from emulation.pledges.enums import ExtensionKind, PledgeState
from emulation.pledges.models import (
    PERSON_TITLES,
    UNIT_TITLES,
    DeadlineExtension,
    Pledge,
    PledgeItem,
    PledgeStep,
    TitleRegistration,
)

OFFICER = ("unit_officer",)
EDITABLE = (PledgeState.DRAFT, PledgeState.RETURNED)
ITEM_FIELDS = ("commitment", "indicator", "unit_of_measure", "target_value")  # per movement
PEOPLE_SHOWN = 2000  # people offered for title registration on one page


# --- access --------------------------------------------------------------------------------

def can_edit_for_unit(user, unit: Unit) -> bool:
    return perms.covers(user, unit, OFFICER)


def can_read(user, campaign: Campaign, unit: Unit) -> bool:
    """The unit's officers, the campaign's organisers, and the organisers of a branch the
    unit lies in (they follow their units in the campaign, read-only)."""
    return (can_edit_for_unit(user, unit) or can_manage(user, campaign)
            or perms.covers(user, unit, ("organiser",)))


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


def pledge_for(user, pledge_id: int) -> Pledge:
    """A pledge the user may read (its unit's officers, the campaign's organisers)."""
    pledge = db.session.get(Pledge, pledge_id)
    if pledge is None:
        raise NotFound(_("No such pledge."))
    campaign_unit_for(user, pledge.campaign_id, pledge.unit_id)
    return pledge


def people_for_titles(unit: Unit) -> list[Person]:
    """Active people of the unit and the units below it, for title registration."""
    return list(db.session.scalars(select(Person).where(
        Person.active.is_(True), Person.unit_id.in_(select(Unit.id).where(
            Unit.path.startswith(unit.path, autoescape=True))))
        .order_by(Person.sort_key).limit(PEOPLE_SHOWN)))


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
                locale: str = "vi", titles: tuple[list[str], dict] | None = None) -> Pledge:
    """Save the draft: `entries` maps movement id → dict(commitment, indicator,
    unit_of_measure, target_value as text); a movement left out of `entries` is left as it
    is. Numbers are checked before anything is written. `titles`, when given, is
    (unit title codes, {person title code: [person ids]}) and replaces the title
    registrations in the same transaction (as `set_titles`), so that the page's one form
    saves all that is typed on it or nothing."""
    require_officer(actor, unit)
    require_participant(campaign, unit)
    if campaign.state != "published":
        raise InvalidState(_("Pledges can be made only while the campaign is published."))
    pledge = pledge_of(campaign, unit)
    if pledge is None:
        if version not in (None, "", "0", 0):
            raise StaleRecord(stale_message())
        pledge = Pledge(campaign=campaign, unit=unit, state=PledgeState.DRAFT)
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
        except ValueError:  # NumberError: not a number, or more than two decimal places
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
                 params={"unit": unit.name, "campaign": campaign.number or campaign.title},
                 before=old, after=new)
    if titles is not None:
        _replace_titles(actor, pledge, *titles)
    db.session.commit()
    return pledge


def set_titles(actor, pledge: Pledge, version, unit_titles: list[str],
               person_titles: dict[str, list[int]]) -> None:
    """Replace the title registrations: for the unit, and for people of the unit."""
    require_officer(actor, pledge.unit)
    _check_title_people(pledge, person_titles)
    check_version(pledge, version)
    if pledge.state not in EDITABLE:
        raise InvalidState(_("A submitted or approved pledge cannot be changed."))
    _replace_titles(actor, pledge, unit_titles, person_titles)
    db.session.commit()


def _check_title_people(pledge: Pledge, person_titles: dict[str, list[int]]) -> None:
    """The people ids first: a foreign one is answered as one that does not exist."""
    wanted_people = {pid for ids in person_titles.values() for pid in ids}
    if wanted_people:
        allowed = set(db.session.scalars(select(Person.id).where(
            Person.id.in_(wanted_people), Person.active.is_(True),
            Person.unit_id.in_(select(Unit.id).where(
                Unit.path.startswith(pledge.unit.path, autoescape=True))))))
        if wanted_people - allowed:
            raise NotFound(_("Titles can be registered only for active people of this "
                             "unit."))


def _replace_titles(actor, pledge: Pledge, unit_titles: list[str],
                    person_titles: dict[str, list[int]]) -> None:
    """Replace the registrations of an editable pledge (the caller checked the actor, the
    version and the state); audited, not committed."""
    _check_title_people(pledge, person_titles)
    if set(unit_titles) - set(UNIT_TITLES) or set(person_titles) - set(PERSON_TITLES):
        raise ServiceError(_("Unknown title."))
    wanted = {(code, None) for code in unit_titles}
    wanted |= {(code, pid) for code, ids in person_titles.items() for pid in ids}
    current = {(t.award_code, t.person_id): t for t in pledge.titles}
    if wanted == set(current):
        return
    for key in set(current) - wanted:
        pledge.titles.remove(current[key])
    for code, pid in sorted(wanted - set(current), key=lambda k: (k[0], k[1] or 0)):
        pledge.titles.append(TitleRegistration(award_code=code, person_id=pid))
    pledge.updated_at = utcnow()
    audit.record(db.session, actor=actor, action="pledge.titles", obj=pledge,
                 summary=f"titles of {pledge.unit.code}: +{len(wanted - set(current))} "
                         f"-{len(set(current) - wanted)}",
                 before={"titles": sorted(f"{c}:{p or ''}" for c, p in current)},
                 after={"titles": sorted(f"{c}:{p or ''}" for c, p in wanted)},
                 params={"unit": pledge.unit.name, "added": len(wanted - set(current)),
                         "removed": len(set(current) - wanted)})


def submit(actor, pledge: Pledge, version, today: date) -> None:
    require_officer(actor, pledge.unit)
    check_version(pledge, version)
    if pledge.state not in EDITABLE:
        raise InvalidState(_("Only a draft or returned pledge can be submitted."))
    campaign = pledge.campaign
    if campaign.state != "published":
        raise InvalidState(_("Pledges can be made only while the campaign is published."))
    if not any(i.commitment for i in pledge.items):
        raise InvalidState(_("Write a commitment for at least one movement before "
                             "submitting."))
    if not deadline_open(campaign, pledge.unit, ExtensionKind.REGISTRATION, today):
        raise InvalidState(_("The registration deadline (%(date)s) has passed. Ask the "
                             "organiser for an extension.",
                             date=day_text(campaign.registration_deadline)))
    pledge.submitted_at = utcnow()
    _step(actor, pledge, PledgeState.SUBMITTED)
    signals.pledge_submitted.send(pledge, actor=actor)
    db.session.commit()


def approve(actor, pledge: Pledge, version) -> None:
    check_version(pledge, version)
    _approve(actor, pledge)
    db.session.commit()


def return_pledge(actor, pledge: Pledge, version, reason: str) -> None:
    require_organiser(actor, pledge)
    check_version(pledge, version)
    reason = clean_block(reason, 20000)
    if not reason:
        raise ServiceError(_("Give the reason for returning the pledge."))
    if pledge.state not in (PledgeState.SUBMITTED, PledgeState.APPROVED):
        raise InvalidState(_("Only a submitted or approved pledge can be returned."))
    pledge.decided_at = utcnow()
    _step(actor, pledge, PledgeState.RETURNED, reason[:5000])
    db.session.commit()


def bulk_approve(actor, campaign: Campaign, pledge_ids: list[int]) -> list[Pledge]:
    """Approve the chosen pledges of the campaign that are submitted — exactly those the
    preview listed (`bulk_candidates`); the others chosen are left as they are. All or
    nothing: each is checked as a single approval is, and if any is refused the error is
    raised before the one commit, so the caller's rollback leaves every pledge unchanged."""
    require_manage(actor, campaign)
    pledges = bulk_candidates(campaign, pledge_ids)
    for pledge in pledges:
        _approve(actor, pledge)
    db.session.commit()
    return pledges


def bulk_candidates(campaign: Campaign, pledge_ids: list[int]) -> list[Pledge]:
    """Exactly the pledges a bulk approval would touch: chosen, of this campaign, submitted.
    An id that is not a pledge of this campaign refuses the whole choice (NotFound, as for an
    id that does not exist); one that is no longer submitted is left out."""
    if not pledge_ids:
        return []
    chosen = list(db.session.scalars(select(Pledge).join(Unit).where(
        Pledge.campaign_id == campaign.id, Pledge.id.in_(pledge_ids)).order_by(Unit.path)))
    foreign = sorted(set(pledge_ids) - {p.id for p in chosen})
    if foreign:
        raise NotFound(_("No pledge of this campaign has the number %(list)s.",
                         list=", ".join(f"#{i}" for i in foreign[:20])))
    return [p for p in chosen if p.state == PledgeState.SUBMITTED]


def grant_extension(actor, campaign: Campaign, unit: Unit, until: date,
                    kind: str = ExtensionKind.REGISTRATION) -> None:
    """Gia hạn: let one unit submit its pledge (`registration`) or its nominations
    (`nomination`) for the campaign until `until` (inclusive), past the campaign's deadline.
    A pledge extension is for a participant; a nomination extension for the issuing unit or
    any unit below it (units nominate for their people and sub-units). Granted again, the
    date is replaced."""
    require_manage(actor, campaign)
    if kind not in ExtensionKind.values():
        raise ServiceError(_("Unknown kind of extension."))
    if kind == ExtensionKind.REGISTRATION:
        require_participant(campaign, unit)
    elif not unit.path.startswith(campaign.issuing_unit.path):
        raise NotFound(_("No such unit, or you may not see it."))
    extension = db.session.scalar(select(DeadlineExtension).where(
        DeadlineExtension.campaign_id == campaign.id, DeadlineExtension.unit_id == unit.id,
        DeadlineExtension.kind == kind))
    before = {"until": extension.until} if extension else None
    if extension is None:
        extension = DeadlineExtension(campaign_id=campaign.id, unit_id=unit.id, kind=kind,
                                      until=until)
        db.session.add(extension)
    extension.until, extension.granted_by = until, actor.username
    audit.record(db.session, actor=actor, action="pledge.extension", obj=campaign,
                 summary=f"{kind} extension for {unit.code} until {until}", before=before,
                 after={"unit": unit.code, "kind": kind, "until": until},
                 params={"unit": unit.name, "kind": kind, "until": until})
    db.session.commit()


def extension_unit(campaign: Campaign, kind: str, code: str | None) -> Unit:
    """The unit an extension form names by code: a participant for a registration
    extension, the issuing unit or one below it for a nomination extension (NotFound
    otherwise, the same answer for a code that does not exist)."""
    from emulation.campaigns.services import participant_by_code

    if kind != ExtensionKind.NOMINATION:
        return participant_by_code(campaign, code)
    code = clean(code)
    below = select(Unit).where(Unit.path.startswith(campaign.issuing_unit.path,
                                                     autoescape=True))
    unit = db.session.scalar(below.where(Unit.code == code)) if code else None
    if unit is None and " " in code:  # the full name of one unit there, accents optional
        unit = only_one(below.where(Unit.name_folded == fold(code)[:255]))
    if unit is None:
        raise NotFound(_("Neither %(issuer)s nor a unit below it has the code or name "
                         "%(code)s.", issuer=campaign.issuing_unit.name, code=code))
    return unit


def unit_names_at(paths) -> list[str]:
    """The names of the units at the given paths (the roots of an organiser's branches)."""
    return list(db.session.scalars(select(Unit.name).where(Unit.path.in_(list(paths)))
                                   .order_by(Unit.path)))


def extensions_of(campaign: Campaign, among=None) -> list[DeadlineExtension]:
    """The campaign's extensions (of the units the unit-id query `among` selects, when
    given), by kind and unit."""
    stmt = (select(DeadlineExtension).join(Unit, Unit.id == DeadlineExtension.unit_id)
            .where(DeadlineExtension.campaign_id == campaign.id)
            .order_by(DeadlineExtension.kind, Unit.path))
    if among is not None:
        stmt = stmt.where(DeadlineExtension.unit_id.in_(among))
    return list(db.session.scalars(stmt))


def deadline_open(campaign: Campaign, unit: Unit, kind: str, today: date) -> bool:
    """May the unit still act on the campaign's deadline of `kind` (registration: its
    pledge; nomination: its nominations) today? Yes when there is no deadline, it has not
    passed, or the unit holds an extension of that kind that has not run out."""
    deadline = (campaign.registration_deadline if kind == ExtensionKind.REGISTRATION
                else campaign.nomination_deadline)
    if deadline is None or today <= deadline:
        return True
    until = db.session.scalar(select(DeadlineExtension.until).where(
        DeadlineExtension.campaign_id == campaign.id, DeadlineExtension.unit_id == unit.id,
        DeadlineExtension.kind == kind))
    return until is not None and today <= until


def require_nomination_open(campaign_id: int | None, unit: Unit, today: date | None = None):
    """Refuse a nomination (creation or submission) by `unit` on a campaign whose nomination
    deadline has passed, unless the organiser extended it for the unit (InvalidState, the
    date named as dd/mm/yyyy). Nothing to check without a campaign. `today` defaults to the
    day in Vietnam."""
    if campaign_id is None:
        return
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        return
    if today is None:
        from emulation.core.web import local_today

        today = local_today()
    if not deadline_open(campaign, unit, ExtensionKind.NOMINATION, today):
        raise InvalidState(_("The nomination deadline of the campaign “%(title)s” (%(date)s) "
                             "has passed. Ask its organiser for an extension.",
                             title=campaign.title, date=day_text(campaign.nomination_deadline)))


def day_text(value: date) -> str:
    """A deadline in a message: dd/mm/yyyy, as Vietnamese forms write it, in every locale."""
    return fmt_date(value)


def overview(campaign: Campaign, state: str | None = None, among=None):
    """The statement of (unit, pledge state or 'none', pledge) per participant (of those the
    unit-id query `among` selects, when given: a branch)."""
    state_col = func.coalesce(Pledge.state, "none")
    stmt = (select(Unit, state_col, Pledge)
            .join(CampaignParticipant, CampaignParticipant.unit_id == Unit.id)
            .outerjoin(Pledge, and_(Pledge.campaign_id == campaign.id,
                                    Pledge.unit_id == Unit.id))
            .where(CampaignParticipant.campaign_id == campaign.id)
            .order_by(Unit.path))
    if state:
        stmt = stmt.where(state_col == state)
    if among is not None:
        stmt = stmt.where(CampaignParticipant.unit_id.in_(among))
    return stmt


def state_counts(campaign: Campaign, among=None) -> dict[str, int]:
    """Pledge state ('none' when not started) → participants (of `among`, when given)."""
    state_col = func.coalesce(Pledge.state, "none")
    stmt = (select(state_col, func.count(CampaignParticipant.id))
            .select_from(CampaignParticipant)
            .outerjoin(Pledge, and_(Pledge.campaign_id == CampaignParticipant.campaign_id,
                                    Pledge.unit_id == CampaignParticipant.unit_id))
            .where(CampaignParticipant.campaign_id == campaign.id).group_by(state_col))
    if among is not None:
        stmt = stmt.where(CampaignParticipant.unit_id.in_(among))
    return dict(db.session.execute(stmt).all())


def _step(actor, pledge: Pledge, to_state: str, reason: str = "") -> None:
    from_state = pledge.state
    pledge.state = to_state
    pledge.steps.append(PledgeStep(actor_id=getattr(actor, "id", None),
                                   actor_name=audit.actor_display(actor),
                                   from_state=from_state, to_state=to_state, reason=reason))
    audit.record(db.session, actor=actor, action=f"pledge.{to_state}", obj=pledge,
                 summary=f"pledge of {pledge.unit.code}: {from_state} → {to_state}",
                 params={"_m": "pledge:state", "unit": pledge.unit.name, "from": from_state,
                         "to": to_state},
                 before={"state": from_state},
                 after={"state": to_state, **({"reason": reason} if reason else {})})
    if to_state == PledgeState.APPROVED:
        signals.pledge_approved.send(pledge, actor=actor)
    elif to_state == PledgeState.RETURNED:
        signals.pledge_returned.send(pledge, reason=reason, actor=actor)


def _approve(actor, pledge: Pledge) -> None:
    require_organiser(actor, pledge)
    if pledge.state != PledgeState.SUBMITTED:
        raise InvalidState(_("Only a submitted pledge can be approved."))
    pledge.decided_at = utcnow()
    _step(actor, pledge, PledgeState.APPROVED)


def _item_dict(item: PledgeItem) -> dict:
    return {"commitment": item.commitment, "indicator": item.indicator,
            "unit_of_measure": item.unit_of_measure, "target_value": item.target_value}


def require_officer(actor, unit: Unit) -> None:
    if not can_edit_for_unit(actor, unit):
        raise PermissionDenied(_("Only an officer of %(name)s may do this.", name=unit.name))


def require_organiser(actor, pledge: Pledge) -> None:
    """Only an organiser of the campaign decides on a pledge (PermissionDenied otherwise)."""
    require_manage(actor, pledge.campaign)
