"""Operations on campaigns: create, edit, movements, criteria, participants, clusters,
publish, close, clone. Each checks permission and state, changes, and audits."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, or_, select, true

from emulation.campaigns.models import (
    CAMPAIGN_KINDS,
    CLUSTER_KINDS,
    CRITERION_KINDS,
    PARTICIPATION_MODES,
    PERIOD_KINDS,
    Campaign,
    CampaignParticipant,
    Cluster,
    ClusterMember,
    Criterion,
    Movement,
    ReportPeriod,
    ReportPeriodUnit,
)
from emulation.core import audit, signals, uploads
from emulation.core import permissions as perms
from emulation.core.errors import (
    Conflict,
    InvalidState,
    NotFound,
    PermissionDenied,
    ServiceError,
    check_version,
)
from emulation.core.formatting import fmt_datetime
from emulation.core.models import utcnow
from emulation.core.text import clean, fold
from emulation.extensions import db
from emulation.org import services as org
from emulation.org.models import Unit

CAMPAIGN_FIELDS = ("number", "title", "kind", "year_start", "year_end", "issuing_bodies",
                   "signers", "summary", "launch_date", "registration_deadline",
                   "scoring_opens", "scoring_closes", "nomination_deadline")
ORGANISER = ("organiser",)
OFFICER = ("unit_officer",)
PARENT_CHOICES = 200  # campaigns offered as the parent a new campaign answers


# --- reading -------------------------------------------------------------------------------

def campaigns_query(user, state: str | None = None, year: int | None = None,
                    unit_id: int | None = None):
    """Campaigns the user may see: those their organiser grants issue (any state), and the
    published or closed ones issued by or open to a unit they hold any role on."""
    stmt = select(Campaign)
    if not user.is_admin:
        organised = Campaign.issuing_unit_id.in_(perms.covered_unit_ids(user, ORGANISER))
        covered = perms.covered_unit_ids(user, perms.VIEW_UNITS)
        visible = (Campaign.state != "draft") & or_(
            Campaign.issuing_unit_id.in_(covered),
            Campaign.id.in_(select(CampaignParticipant.campaign_id).where(
                CampaignParticipant.unit_id.in_(covered))))
        stmt = stmt.where(or_(organised, visible))
    if state:
        stmt = stmt.where(Campaign.state == state)
    if year:
        stmt = stmt.where(Campaign.year_start <= year, Campaign.year_end >= year)
    if unit_id:  # issued by the unit or open to it
        stmt = stmt.where(or_(Campaign.issuing_unit_id == unit_id, Campaign.id.in_(
            select(CampaignParticipant.campaign_id).where(
                CampaignParticipant.unit_id == unit_id))))
    return stmt.order_by(Campaign.year_start.desc(), Campaign.id.desc())


def get_campaign_for(user, campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or db.session.scalar(
            campaigns_query(user).where(Campaign.id == campaign_id).with_only_columns(
                Campaign.id)) is None:
        raise NotFound(_("No such campaign, or you may not see it."))
    return campaign


def period_for(user, period_id: int) -> ReportPeriod:
    return _part_for(user, ReportPeriod, period_id)


def movement_for(user, movement_id: int) -> Movement:
    return _part_for(user, Movement, movement_id)


def criterion_for(user, criterion_id: int) -> Criterion:
    return _part_for(user, Criterion, criterion_id)


def cluster_for(user, cluster_id: int) -> Cluster:
    return _part_for(user, Cluster, cluster_id)


def movement_by_number(campaign: Campaign, number: int | None) -> Movement | None:
    if not number:
        return None
    movement = next((m for m in campaign.movements if m.number == number), None)
    if movement is None:
        raise ServiceError(_("There is no movement %(n)d.", n=number))
    return movement


def can_manage(user, campaign: Campaign) -> bool:
    return perms.covers(user, campaign.issuing_unit, ORGANISER)


@dataclass(frozen=True)
class Follow:
    """What an organiser follows of a campaign (theo dõi theo nhánh): the whole campaign, for
    an organiser of the issuing unit, or their branch — the subtrees (`Unit.path`) of the
    units below the issuing unit that they organise (a corporation's union in the
    confederation's campaign). Overview, dashboard, reminders and exports read only the
    participants `unit_condition` selects."""

    campaign: Campaign
    paths: tuple[str, ...] = ()  # empty: the whole campaign

    @property
    def whole(self) -> bool:
        return not self.paths

    def unit_condition(self):
        """SQL condition on `Unit` for the units followed."""
        return true() if self.whole else perms.path_condition(self.paths)

    def unit_ids(self):
        """A query of the followed unit ids (None for the whole campaign: no filter)."""
        return None if self.whole else select(Unit.id).where(self.unit_condition())


def follow_for(user, campaign: Campaign) -> Follow:
    """The part of a campaign (the user may see) that the user follows as an organiser:
    all of it, or their branch; PermissionDenied when they organise neither."""
    if can_manage(user, campaign):
        return Follow(campaign)
    paths = perms.paths_below(user, ORGANISER, campaign.issuing_unit.path)
    if not paths:
        raise PermissionDenied(_("Only an organiser of %(name)s or of one of its branches may "
                                 "follow this campaign.", name=campaign.issuing_unit.name))
    return Follow(campaign, tuple(paths))


def can_follow(user, campaign: Campaign) -> bool:
    """Does the user follow the campaign as an organiser (whole, or their branch)?"""
    return can_manage(user, campaign) or bool(
        perms.paths_below(user, ORGANISER, campaign.issuing_unit.path))


def followed_campaign(user, params: dict) -> Follow | None:
    """The part of the campaign `params["campaign_id"]` the user follows, if they may see
    it (a job's export checks this when asked, when it runs and at each download)."""
    campaign_id = params.get("campaign_id")
    if not isinstance(campaign_id, int):
        return None
    try:
        return follow_for(user, get_campaign_for(user, campaign_id))
    except (NotFound, PermissionDenied):
        return None


def managed_campaign(user, params: dict) -> Campaign | None:
    """The campaign `params["campaign_id"]` if the user organises it, else None (a job's
    export checks this when asked, when it runs and at each download)."""
    campaign_id = params.get("campaign_id")
    campaign = db.session.get(Campaign, campaign_id) if isinstance(campaign_id, int) else None
    return campaign if campaign is not None and can_manage(user, campaign) else None


def participant_unit_ids(campaign_id: int) -> set[int]:
    return set(db.session.scalars(select(CampaignParticipant.unit_id).where(
        CampaignParticipant.campaign_id == campaign_id)))


def participant_by_code(campaign: Campaign, code: str | None) -> Unit:
    """The unit taking part in the campaign that a form names by code. An unknown code and a
    unit that does not take part get the same answer (NotFound), so a code typed here
    reveals nothing about units elsewhere in the tree."""
    code = clean(code)
    taking_part = select(Unit).join(
        CampaignParticipant, CampaignParticipant.unit_id == Unit.id).where(
        CampaignParticipant.campaign_id == campaign.id)
    unit = db.session.scalar(taking_part.where(Unit.code == code)) if code else None
    if unit is None and " " in code:  # the full name of one participant, accents optional
        unit = org.only_one(taking_part.where(Unit.name_folded == fold(code)[:255]))
    if unit is None:
        raise NotFound(_("No unit taking part in the campaign has the code or name "
                         "%(code)s.", code=code))
    return unit


def _part_for(user, model, part_id: int):
    """A period, movement, criterion or cluster of a campaign the user may see."""
    part = db.session.get(model, part_id)
    if part is None:
        raise NotFound(_("No such record."))
    get_campaign_for(user, part.campaign_id)
    return part


# --- campaign ------------------------------------------------------------------------------

def cluster_member_count(campaign: Campaign) -> int:
    """How many units the campaign's clusters hold."""
    return db.session.scalar(select(func.count(ClusterMember.id)).where(
        ClusterMember.campaign_id == campaign.id)) or 0


def create_campaign(actor, issuing_unit: Unit, fields: dict) -> Campaign:
    if not perms.covers(actor, issuing_unit, ORGANISER):
        raise PermissionDenied(_("You may not issue campaigns for %(name)s.",
                                 name=issuing_unit.name))
    values = _campaign_values(fields)
    parent_id = _parent_id(actor, issuing_unit, fields.get("parent_campaign_id"))
    campaign = Campaign(issuing_unit=issuing_unit, state="draft", parent_campaign_id=parent_id,
                        **values)
    db.session.add(campaign)
    db.session.flush()
    audit.record(db.session, actor=actor, action="campaign.create", obj=campaign,
                 summary=f"created campaign {campaign.number or campaign.id}",
                 params={"campaign": campaign.number or campaign.title},
                 after=snapshot(campaign))
    db.session.commit()
    return campaign


def update_campaign(actor, campaign: Campaign, version, fields: dict) -> Campaign:
    require_manage(actor, campaign)
    check_version(campaign, version)
    if campaign.state == "closed":
        raise InvalidState(_("A closed campaign cannot be changed."))
    before = snapshot(campaign)
    for key, value in _campaign_values(fields).items():
        setattr(campaign, key, value)
    if "parent_campaign_id" in fields:
        campaign.parent_campaign_id = _parent_id(actor, campaign.issuing_unit,
                                                 fields["parent_campaign_id"], campaign)
    old, new = audit.diff(before, snapshot(campaign))
    if new:
        audit.record(db.session, actor=actor, action="campaign.update", obj=campaign,
                     summary=f"updated campaign {campaign.id}", before=old, after=new,
                     params={"campaign": campaign.number or campaign.title})
    db.session.commit()
    return campaign


def publication_problems(campaign: Campaign) -> list[str]:
    """Why the campaign cannot be published yet (empty when it can)."""
    problems = []
    if not campaign.movements:
        problems.append(_("The campaign has no movements."))
    if not campaign.participants:
        problems.append(_("The campaign has no participating units."))
    c = campaign
    ordered = [(c.launch_date, c.registration_deadline,
                _("The registration deadline is before the launch date.")),
               (c.scoring_opens, c.scoring_closes,
                _("The scoring window closes before it opens.")),
               (c.launch_date, c.scoring_opens, _("Scoring opens before the launch date.")),
               (c.scoring_closes, c.nomination_deadline,
                _("The nomination deadline is before scoring closes."))]
    for first, second, message in ordered:
        if first and second and second < first:
            problems.append(message)
    for period in c.periods:
        if not (c.year_start <= period.year <= c.year_end):
            problems.append(_("The report period %(label)s is outside the campaign's years.",
                              label=period.label))
        if c.launch_date and period.deadline < c.launch_date:
            problems.append(_("The deadline of %(label)s is before the launch date.",
                              label=period.label))
    return problems


def publish(actor, campaign: Campaign, version) -> None:
    require_manage(actor, campaign)
    check_version(campaign, version)
    if campaign.state != "draft":
        raise InvalidState(_("Only a draft campaign can be published."))
    problems = publication_problems(campaign)
    if problems:
        raise InvalidState(_("The campaign cannot be published: %(reasons)s",
                             reasons=" ".join(problems)))
    _move(actor, campaign, "published")
    signals.campaign_published.send(campaign, actor=actor)
    db.session.commit()


def close(actor, campaign: Campaign, version) -> None:
    require_manage(actor, campaign)
    check_version(campaign, version)
    if campaign.state != "published":
        raise InvalidState(_("Only a published campaign can be closed."))
    _move(actor, campaign, "closed")
    db.session.commit()


def clone(actor, source: Campaign, year_start: int, issuing_unit: Unit | None = None) -> Campaign:
    """A new draft from an earlier campaign, every date shifted by the difference in years."""
    issuing_unit = issuing_unit or source.issuing_unit
    if not perms.covers(actor, issuing_unit, ORGANISER):
        raise PermissionDenied(_("You may not issue campaigns for %(name)s.",
                                 name=issuing_unit.name))
    if not 1900 < year_start < 2200:
        raise ServiceError(_("The year is not plausible."))
    shift = year_start - source.year_start
    copy = Campaign(
        number="", title=source.title, kind=source.kind, year_start=source.year_start + shift,
        year_end=source.year_end + shift, issuing_unit=issuing_unit,
        issuing_bodies=source.issuing_bodies, signers=source.signers, summary=source.summary,
        participation_mode=source.participation_mode, cloned_from_id=source.id, state="draft",
        **{k: shift_date(getattr(source, k), shift) for k in (
            "launch_date", "registration_deadline", "scoring_opens", "scoring_closes",
            "nomination_deadline")})
    movements = {}
    for m in source.movements:
        movements[m.id] = Movement(number=m.number, title=m.title, description=m.description)
        copy.movements.append(movements[m.id])
    for c in source.criteria:
        copy.criteria.append(Criterion(
            position=c.position, code=c.code, title=c.title, max_points=c.max_points,
            weight=c.weight, kind=c.kind, guidance=c.guidance,
            movement=movements.get(c.movement_id)))
    for p in source.periods:
        copy.periods.append(ReportPeriod(kind=p.kind, label=_shift_label(p.label, p.year, shift),
                                         year=p.year + shift,
                                         deadline=shift_date(p.deadline, shift)))
    for p in source.participants:
        copy.participants.append(CampaignParticipant(unit_id=p.unit_id))
    db.session.add(copy)
    db.session.flush()
    for cluster in source.clusters:
        new = Cluster(name=cluster.name, kind=cluster.kind,
                      leader_unit_id=cluster.leader_unit_id,
                      deputy_unit_id=cluster.deputy_unit_id, compact_text=cluster.compact_text,
                      compact_signed_on=shift_date(cluster.compact_signed_on, shift))
        new.members = [ClusterMember(campaign_id=copy.id, unit_id=m.unit_id)
                       for m in cluster.members]
        copy.clusters.append(new)
    db.session.flush()
    audit.record(db.session, actor=actor, action="campaign.clone", obj=copy,
                 summary=f"cloned campaign {source.id} into {copy.id} (+{shift} years)",
                 after={"cloned_from": source.id, "year_start": copy.year_start},
                 params={"campaign": copy.number or copy.title,
                         "source": source.number or source.title, "shift": shift})
    db.session.commit()
    return copy


def attach(actor, campaign: Campaign, upload):
    """A file of the campaign (the directive, its plan): checked, stored and audited."""
    require_manage(actor, campaign)
    require_editable(campaign)
    attachment = uploads.attach(actor, "campaign", campaign.id, upload, record=campaign,
                                action="campaign.attach")
    db.session.commit()
    return attachment


def shift_date(value: date | None, years: int) -> date | None:
    if value is None:
        return None
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February into a common year
        return value.replace(year=value.year + years, day=28)


def _shift_label(label: str, year: int, shift: int) -> str:
    return label.replace(str(year), str(year + shift)) if shift else label


def _move(actor, campaign: Campaign, state: str) -> None:
    before = campaign.state
    campaign.state = state
    audit.record(db.session, actor=actor, action=f"campaign.{state}", obj=campaign,
                 summary=f"campaign {campaign.id}: {before} → {state}",
                 params={"_m": "campaign:state", "campaign": campaign.number or campaign.title,
                         "from": before, "to": state},
                 before={"state": before}, after={"state": state})


def snapshot(campaign: Campaign) -> dict:
    return {k: getattr(campaign, k) for k in (*CAMPAIGN_FIELDS, "state", "parent_campaign_id")}


def parent_choices(user, exclude: int | None = None) -> list[Campaign]:
    """Campaigns a campaign of the user's may answer (hưởng ứng): published or closed ones
    in which a unit the user organises (or one below it) takes part, newest first."""
    organised = perms.covered_unit_ids(user, ORGANISER)
    stmt = (select(Campaign).where(Campaign.state != "draft", Campaign.id.in_(
        select(CampaignParticipant.campaign_id).where(
            CampaignParticipant.unit_id.in_(organised))))
        .order_by(Campaign.year_start.desc(), Campaign.id.desc()).limit(PARENT_CHOICES))
    if exclude is not None:
        stmt = stmt.where(Campaign.id != exclude)
    return list(db.session.scalars(stmt))


def _parent_id(actor, issuing_unit: Unit, parent_id, campaign: Campaign | None = None):
    """The parent campaign chosen for a campaign of `issuing_unit`: one the actor may see,
    published or closed, in which the issuing unit takes part; none when empty."""
    if parent_id in (None, "", 0):
        return None
    parent = db.session.get(Campaign, parent_id) if isinstance(parent_id, int) else None
    if parent is None or db.session.scalar(campaigns_query(actor).where(
            Campaign.id == parent.id).with_only_columns(Campaign.id)) is None:
        raise NotFound(_("No such campaign, or you may not see it."))
    if campaign is not None and parent.id == campaign.id:
        raise ServiceError(_("A campaign cannot answer itself."))
    if parent.state == "draft" or db.session.scalar(select(CampaignParticipant.id).where(
            CampaignParticipant.campaign_id == parent.id,
            CampaignParticipant.unit_id == issuing_unit.id)) is None:
        raise ServiceError(_("%(unit)s does not take part in the campaign “%(title)s”, so its "
                             "campaign cannot answer it.", unit=issuing_unit.name,
                             title=parent.title))
    return parent.id


def require_manage(actor, campaign: Campaign) -> None:
    if not can_manage(actor, campaign):
        raise PermissionDenied(_("Only an organiser of %(name)s may change this campaign.",
                                 name=campaign.issuing_unit.name))


def require_editable(campaign: Campaign) -> None:
    if campaign.state == "closed":
        raise InvalidState(_("A closed campaign cannot be changed."))


def _campaign_values(fields: dict) -> dict:
    values = {k: fields.get(k) for k in CAMPAIGN_FIELDS if k in fields}
    for key in ("number", "title", "issuing_bodies", "signers"):
        if key in values:
            values[key] = clean(values[key])
    if "title" in values and not values["title"]:
        raise ServiceError(_("A title is required."))
    if values.get("kind", "regular") not in CAMPAIGN_KINDS:
        raise ServiceError(_("Unknown kind of campaign."))
    start, end = values.get("year_start"), values.get("year_end")
    if start is None:
        raise ServiceError(_("The first year is required."))
    values["year_end"] = end = end or start
    if not (1900 < start < 2200) or end < start:
        raise ServiceError(_("The years are not consistent."))
    return values


# --- report periods ------------------------------------------------------------------------

def add_period(actor, campaign: Campaign, *, kind: str, label: str, year: int,
               deadline: date, unit_ids: list[int] | None = None) -> ReportPeriod:
    """A report period, asked of every participant, or only of `unit_ids` (participants)
    when given: an ad-hoc report (báo cáo đột xuất) asked of a few units."""
    require_manage(actor, campaign)
    require_editable(campaign)
    if kind not in PERIOD_KINDS:
        raise ServiceError(_("Unknown kind of report period."))
    if not (campaign.year_start <= year <= campaign.year_end):
        raise ServiceError(_("The year of the period is outside the campaign's years."))
    asked = sorted(set(unit_ids or []))
    if set(asked) - participant_unit_ids(campaign.id):
        raise ServiceError(_("A report can be asked only of units taking part in the "
                             "campaign."))
    period = ReportPeriod(campaign=campaign, kind=kind, label=clean(label) or str(year),
                          year=year, deadline=deadline,
                          asked=[ReportPeriodUnit(unit_id=uid) for uid in asked])
    db.session.add(period)
    db.session.flush()
    codes = list(db.session.scalars(select(Unit.code).where(Unit.id.in_(asked))
                                    .order_by(Unit.path))) if asked else []
    audit.record(db.session, actor=actor, action="campaign.period_add", obj=campaign,
                 summary=f"period {period.label} due {deadline}"
                         + (f", asked of {len(asked)} units" if asked else ""),
                 after={"period": period.label, "kind": kind, "deadline": deadline,
                        **({"units": codes} if asked else {})},
                 params={"period": period.label, "campaign": campaign.number or campaign.title,
                         "deadline": deadline, "units": len(asked),
                         **({"_m": "campaign.period_add:units"} if asked else {})})
    signals.report_requested.send(period, actor=actor)
    db.session.commit()
    return period


def delete_period(actor, period: ReportPeriod) -> None:
    from emulation.pledges.models import Report

    campaign = period.campaign
    require_manage(actor, campaign)
    require_editable(campaign)
    if db.session.scalar(select(Report.id).where(Report.period_id == period.id).limit(1)):
        raise InvalidState(_("Units have reported for this period; it cannot be removed."))
    audit.record(db.session, actor=actor, action="campaign.period_delete", obj=campaign,
                 summary=f"period {period.label} removed", before={"period": period.label},
                 params={"period": period.label, "campaign": campaign.number or campaign.title})
    db.session.delete(period)
    db.session.commit()


# --- movements -----------------------------------------------------------------------------

def add_movement(actor, campaign: Campaign, title: str, description: str = "") -> Movement:
    require_manage(actor, campaign)
    require_editable(campaign)
    title = clean(title)
    if not title:
        raise ServiceError(_("A movement needs a title."))
    movement = Movement(title=title, description=(description or "").strip(),
                        number=len(campaign.movements) + 1)
    campaign.movements.append(movement)
    db.session.flush()
    audit.record(db.session, actor=actor, action="campaign.movement_add", obj=campaign,
                 summary=f"movement {movement.number} added",
                 after={"number": movement.number, "title": title},
                 params={"number": movement.number,
                         "campaign": campaign.number or campaign.title})
    db.session.commit()
    return movement


def update_movement(actor, movement: Movement, title: str, description: str) -> None:
    campaign = movement.campaign
    require_manage(actor, campaign)
    require_editable(campaign)
    title = clean(title)
    if not title:
        raise ServiceError(_("A movement needs a title."))
    before = {"title": movement.title, "description": movement.description}
    movement.title, movement.description = title, (description or "").strip()
    old, new = audit.diff(before, {"title": movement.title, "description": movement.description})
    if new:
        audit.record(db.session, actor=actor, action="campaign.movement_update", obj=campaign,
                     summary=f"movement {movement.number} changed", before=old, after=new,
                     params={"number": movement.number,
                             "campaign": campaign.number or campaign.title})
    db.session.commit()


def delete_movement(actor, movement: Movement) -> None:
    from emulation.pledges.models import PledgeItem

    campaign = movement.campaign
    require_manage(actor, campaign)
    require_editable(campaign)
    if db.session.scalar(select(PledgeItem.id).where(PledgeItem.movement_id == movement.id)
                         .limit(1)):
        raise InvalidState(_("Pledges refer to movement %(n)d; it cannot be deleted.",
                             n=movement.number))
    audit.record(db.session, actor=actor, action="campaign.movement_delete", obj=campaign,
                 summary=f"movement {movement.number} deleted",
                 before={"number": movement.number, "title": movement.title},
                 params={"number": movement.number,
                         "campaign": campaign.number or campaign.title})
    campaign.movements.remove(movement)
    _renumber(campaign)
    db.session.commit()


def move_movement(actor, movement: Movement, offset: int) -> None:
    """Move up (-1) or down (+1); numbers stay 1…n."""
    campaign = movement.campaign
    require_manage(actor, campaign)
    require_editable(campaign)
    ordered = list(campaign.movements)
    index = ordered.index(movement)
    target = index + offset
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for number, m in enumerate(ordered, start=1):
        m.number = number
    audit.record(db.session, actor=actor, action="campaign.movement_move", obj=campaign,
                 summary=f"movement '{movement.title[:60]}' moved to {movement.number}",
                 before={"number": index + 1}, after={"number": movement.number},
                 params={"title": movement.title[:60], "number": movement.number,
                         "campaign": campaign.number or campaign.title})
    db.session.commit()


def _renumber(campaign: Campaign) -> None:
    for number, m in enumerate(sorted(campaign.movements, key=lambda m: m.number), start=1):
        m.number = number


# --- criteria ------------------------------------------------------------------------------

def add_criterion(actor, campaign: Campaign, *, code: str, title: str, max_points: Decimal,
                  weight: Decimal = Decimal("1"), kind: str = "regular",
                  movement: Movement | None = None, guidance: str = "") -> Criterion:
    require_manage(actor, campaign)
    require_editable(campaign)
    code, title = clean(code), clean(title)
    if not code or not title:
        raise ServiceError(_("A criterion needs a code and a title."))
    if kind not in CRITERION_KINDS:
        raise ServiceError(_("Unknown kind of criterion."))
    if max_points is None or max_points <= 0 or weight is None or weight <= 0:
        raise ServiceError(_("Maximum points and weight must be greater than zero."))
    if any(c.code == code for c in campaign.criteria):
        raise Conflict(_("The criterion code %(code)s is already used.", code=code))
    if movement is not None and movement.campaign_id != campaign.id:
        raise ServiceError(_("That movement belongs to another campaign."))
    criterion = Criterion(code=code, title=title, max_points=max_points, weight=weight,
                          kind=kind, movement=movement, guidance=(guidance or "").strip(),
                          position=len(campaign.criteria) + 1)
    campaign.criteria.append(criterion)
    db.session.flush()
    audit.record(db.session, actor=actor, action="campaign.criterion_add", obj=campaign,
                 summary=f"criterion {code} added",
                 after={"code": code, "title": title, "max_points": max_points,
                        "weight": weight, "kind": kind},
                 params={"criterion": code, "campaign": campaign.number or campaign.title})
    db.session.commit()
    return criterion


def update_criterion(actor, criterion: Criterion, *, title: str, max_points: Decimal,
                     weight: Decimal, kind: str, movement: Movement | None,
                     guidance: str) -> None:
    """Change a criterion; while a campaign is published only its wording may change."""
    campaign = criterion.campaign
    require_manage(actor, campaign)
    require_editable(campaign)
    title = clean(title)
    if not title:
        raise ServiceError(_("A criterion needs a code and a title."))
    if kind not in CRITERION_KINDS:
        raise ServiceError(_("Unknown kind of criterion."))
    if max_points is None or max_points <= 0 or weight is None or weight <= 0:
        raise ServiceError(_("Maximum points and weight must be greater than zero."))
    before = _criterion_dict(criterion)
    scoring = {"max_points": max_points, "weight": weight, "kind": kind,
               "movement": movement.number if movement else None}
    if campaign.state != "draft" and any(before[k] != v for k, v in scoring.items()):
        raise InvalidState(_("Once a campaign is published only the wording of a criterion "
                             "may change."))
    criterion.title, criterion.guidance = title, (guidance or "").strip()
    criterion.max_points, criterion.weight, criterion.kind = max_points, weight, kind
    criterion.movement = movement
    old, new = audit.diff(before, _criterion_dict(criterion))
    if new:
        audit.record(db.session, actor=actor, action="campaign.criterion_update", obj=campaign,
                     summary=f"criterion {criterion.code} changed", before=old, after=new,
                     params={"criterion": criterion.code,
                             "campaign": campaign.number or campaign.title})
    db.session.commit()


def _criterion_dict(c: Criterion) -> dict:
    return {"title": c.title, "guidance": c.guidance, "max_points": Decimal(c.max_points),
            "weight": Decimal(c.weight), "kind": c.kind,
            "movement": c.movement.number if c.movement else None}


def delete_criterion(actor, criterion: Criterion) -> None:
    campaign = criterion.campaign
    require_manage(actor, campaign)
    require_editable(campaign)
    if campaign.state != "draft":
        raise InvalidState(_("Criteria of a published campaign cannot be deleted."))
    audit.record(db.session, actor=actor, action="campaign.criterion_delete", obj=campaign,
                 summary=f"criterion {criterion.code} deleted",
                 before={"code": criterion.code, "title": criterion.title},
                 params={"criterion": criterion.code,
                         "campaign": campaign.number or campaign.title})
    campaign.criteria.remove(criterion)
    db.session.commit()


# --- participants --------------------------------------------------------------------------

def set_participants(actor, campaign: Campaign, mode: str, unit_ids: list[int] | None = None):
    """Direct children of the issuing unit, its whole subtree, or a chosen list inside it."""
    require_manage(actor, campaign)
    require_editable(campaign)
    if mode not in PARTICIPATION_MODES:
        raise ServiceError(_("Unknown way of choosing participants."))
    issuer = campaign.issuing_unit
    below = select(Unit.id).where(Unit.active.is_(True), Unit.id != issuer.id,
                                  Unit.path.startswith(issuer.path, autoescape=True))
    if mode == "children":
        wanted = set(db.session.scalars(below.where(Unit.parent_id == issuer.id)))
    elif mode == "subtree":
        wanted = set(db.session.scalars(below))
    else:
        chosen = set(unit_ids or [])
        wanted = set(db.session.scalars(below.where(Unit.id.in_(chosen)))) if chosen else set()
        if chosen - wanted:
            raise ServiceError(_("Participants must be active units below %(name)s.",
                                 name=issuer.name))
    current = {p.unit_id: p for p in campaign.participants}
    removed = set(current) - wanted
    if removed:
        from emulation.pledges.models import Pledge

        if db.session.scalar(select(Pledge.id).where(Pledge.campaign_id == campaign.id,
                                                     Pledge.unit_id.in_(removed)).limit(1)):
            raise InvalidState(_("Units that have started a pledge cannot be removed from "
                                 "the campaign."))
        for uid in removed:
            campaign.participants.remove(current[uid])
        db.session.execute(ClusterMember.__table__.delete().where(
            ClusterMember.campaign_id == campaign.id, ClusterMember.unit_id.in_(removed)))
        db.session.execute(ReportPeriodUnit.__table__.delete().where(
            ReportPeriodUnit.unit_id.in_(removed), ReportPeriodUnit.period_id.in_(
                select(ReportPeriod.id).where(ReportPeriod.campaign_id == campaign.id))))
    for uid in sorted(wanted - set(current)):
        campaign.participants.append(CampaignParticipant(unit_id=uid))
    campaign.participation_mode = mode
    audit.record(db.session, actor=actor, action="campaign.participants", obj=campaign,
                 summary=f"participants ({mode}): +{len(wanted - set(current))} "
                         f"-{len(removed)}", after={"mode": mode, "count": len(wanted)},
                 params={"campaign": campaign.number or campaign.title, "mode": mode,
                         "added": len(wanted - set(current)), "removed": len(removed)})
    db.session.commit()


# --- clusters ------------------------------------------------------------------------------

def save_cluster(actor, campaign: Campaign, *, cluster: Cluster | None, name: str, kind: str,
                 member_ids: list[int], leader_id: int | None, deputy_id: int | None,
                 compact_text: str = "", compact_signed_on: date | None = None) -> Cluster:
    """Create or replace a cluster (cụm/khối) with its members, leader and deputy."""
    require_manage(actor, campaign)
    require_editable(campaign)
    name = clean(name)
    if not name:
        raise ServiceError(_("A cluster needs a name."))
    if kind not in CLUSTER_KINDS:
        raise ServiceError(_("Unknown kind of cluster."))
    members = set(member_ids)
    if not members:
        raise ServiceError(_("A cluster needs at least one member unit."))
    if members - participant_unit_ids(campaign.id):
        raise ServiceError(_("Every member of a cluster must take part in the campaign."))
    taken = db.session.execute(
        select(Unit.name).join(ClusterMember, ClusterMember.unit_id == Unit.id)
        .where(ClusterMember.campaign_id == campaign.id, ClusterMember.unit_id.in_(members),
               ClusterMember.cluster_id != (cluster.id if cluster else -1))).scalars().all()
    if taken:
        raise ServiceError(_("Already in another cluster of this campaign: %(names)s.",
                             names=", ".join(taken)))
    for role_id in (leader_id, deputy_id):
        if role_id is not None and role_id not in members:
            raise ServiceError(_("The leader and the deputy must be members of the cluster."))
    if leader_id is not None and leader_id == deputy_id:
        raise ServiceError(_("The leader and the deputy must be different units."))
    if cluster is not None and (compact_text or "").strip() != cluster.compact_text and any(
            m.compact_signed_at is not None for m in cluster.members):
        raise InvalidState(_("Member units have signed the compact; its text can no longer "
                             "change."))
    created = cluster is None
    if created:
        cluster = Cluster(campaign=campaign)
        db.session.add(cluster)
    cluster.name, cluster.kind = name, kind
    cluster.leader_unit_id, cluster.deputy_unit_id = leader_id, deputy_id
    cluster.compact_text, cluster.compact_signed_on = (compact_text or "").strip(), \
        compact_signed_on
    current = {m.unit_id: m for m in cluster.members}
    for uid in set(current) - members:
        cluster.members.remove(current[uid])
    db.session.flush()
    for uid in sorted(members - set(current)):
        cluster.members.append(ClusterMember(campaign_id=campaign.id, unit_id=uid))
    db.session.flush()
    audit.record(db.session, actor=actor, action="cluster.create" if created else
                 "cluster.update", obj=cluster, summary=f"cluster {name}",
                 after={"name": name, "kind": kind, "members": sorted(members),
                        "leader": leader_id, "deputy": deputy_id},
                 params={"cluster": name, "campaign": campaign.number or campaign.title})
    db.session.commit()
    return cluster


def sign_compact(actor, cluster: Cluster, unit: Unit) -> ClusterMember:
    """Ký giao ước: an officer of a member unit records that the unit signed the cluster's
    compact — once (a second signature is refused, naming who signed and when), while the
    campaign is published and the compact has a text. Audited."""
    if not perms.covers(actor, unit, OFFICER):
        raise PermissionDenied(_("Only an officer of %(name)s may do this.", name=unit.name))
    member = next((m for m in cluster.members if m.unit_id == unit.id), None)
    if member is None:
        raise NotFound(_("%(unit)s is not a member of this cluster.", unit=unit.name))
    if cluster.campaign.state != "published":
        raise InvalidState(_("The compact can be signed only while the campaign is "
                             "published."))
    if not cluster.compact_text.strip():
        raise InvalidState(_("This cluster has no compact text to sign yet."))
    name = getattr(actor, "full_name", "") or actor.username
    signed_at = utcnow()
    # one conditional write: two officers signing at once cannot both record it
    done = db.session.execute(ClusterMember.__table__.update().where(
        ClusterMember.id == member.id, ClusterMember.compact_signed_at.is_(None)).values(
        compact_signed_at=signed_at, compact_signed_by_id=getattr(actor, "id", None),
        compact_signed_by=name)).rowcount
    db.session.refresh(member)
    if not done:
        raise InvalidState(_("%(unit)s already signed the compact (%(name)s, %(when)s).",
                             unit=unit.name, name=member.compact_signed_by,
                             when=fmt_datetime(member.compact_signed_at)))
    audit.record(db.session, actor=actor, action="cluster.compact_signed", obj=cluster,
                 summary=f"{unit.code} signed the compact of {cluster.name}",
                 after={"unit": unit.code, "signed_by": name, "signed_at": signed_at},
                 params={"unit": unit.name, "cluster": cluster.name})
    db.session.commit()
    return member


def member_unit_for(user, cluster: Cluster, unit_id: int | None) -> Unit:
    """A member unit of the cluster that the user serves as unit officer; else NotFound."""
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None or not perms.covers(user, unit, OFFICER) or not any(
            m.unit_id == unit.id for m in cluster.members):
        raise NotFound(_("No such unit, or you may not see it."))
    return unit


def delete_cluster(actor, cluster: Cluster) -> None:
    campaign = cluster.campaign
    require_manage(actor, campaign)
    require_editable(campaign)
    audit.record(db.session, actor=actor, action="cluster.delete", obj=cluster,
                 summary=f"cluster {cluster.name} deleted", before={"name": cluster.name},
                 params={"cluster": cluster.name, "campaign": campaign.number or campaign.title})
    db.session.delete(cluster)
    db.session.commit()


def count_by_state(user) -> dict[str, int]:
    rows = db.session.execute(campaigns_query(user).with_only_columns(
        Campaign.state, func.count(Campaign.id)).group_by(Campaign.state).order_by(None))
    return dict(rows.all())
