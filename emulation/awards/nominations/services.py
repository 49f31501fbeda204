"""Nominations (đề nghị khen thưởng) and their dossiers' journey between levels.

draft → submitted → received | returned (→ submitted again) → forwarded (to the next level up,
whose organisers receive it) → on_agenda; withdrawn at any point before the agenda. An award the
level cannot decide goes on, once the council passed it, to the superior (submitted_up →
granted_up | declined_up: `decisions.superior`).

Each nomination has its kind of commendation (loại khen thưởng, Law 06/2022 Art. 8): regular
unless said otherwise, thematic by default when it names a thematic campaign.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from emulation.awards.catalogue import services as catalogue
from emulation.awards.catalogue.models import AwardType
from emulation.awards.eligibility import engine
from emulation.awards.eligibility.services import check_batch, serialise
from emulation.awards.nominations.models import Nomination, NominationStep
from emulation.awards.records.enums import CommendationKind
from emulation.core import audit, counting, signals
from emulation.core import permissions as perms
from emulation.core.errors import (
    Conflict,
    InvalidState,
    NotFound,
    PermissionDenied,
    ServiceError,
    check_version,
)
from emulation.core.integrity import conflict_on_duplicate
from emulation.core.text import clean_block
from emulation.extensions import db
from emulation.org.models import Person, Unit
from emulation.pledges.services import require_nomination_open

OFFICER = ("unit_officer",)
ORGANISER = ("organiser",)
EDITABLE = ("draft", "returned")
# past these a dossier is the council's or the superior's: it is no longer withdrawn
NOT_WITHDRAWABLE = ("on_agenda", "withdrawn", "submitted_up", "granted_up", "declined_up")
TEXT_FIELDS = ("summary", "achievements", "initiatives_text")


def nominations_query(user, state: str | None = None, year: int | None = None,
                      unit_id: int | None = None):
    """Nominations the user proposes (their units) or handles (the level is in their tree)."""
    stmt = select(Nomination)
    # an organiser of the whole tree handles every level: no filter, read in index order
    if not (user.is_admin or perms.covers_every_unit(user, ORGANISER)):
        stmt = stmt.where(
            Nomination.proposing_unit_id.in_(perms.covered_unit_ids(user, OFFICER))
            | Nomination.level_unit_id.in_(perms.covered_unit_ids(user, ORGANISER))
            | Nomination.proposing_unit_id.in_(perms.covered_unit_ids(user, ORGANISER))
            | Nomination.id.in_(_agenda_ids(user)))
    if state:
        stmt = stmt.where(Nomination.state == state)
    if year:
        stmt = stmt.where(Nomination.year == year)
    if unit_id:
        stmt = stmt.where(Nomination.proposing_unit_id == unit_id)
    return stmt.order_by(Nomination.year.desc(), Nomination.id.desc())


def nominations_page(user, state: str | None, year: int | None, page: int,
                     per_page: int = 50):
    """One page of `nominations_query`, its count capped (core.counting)."""
    return counting.paginate(nominations_query(user, state, year), page, per_page)


def form_choices(user) -> tuple[list, list]:
    """(award choices, campaign choices) of the new-nomination form: active award types,
    and the user's 50 latest campaigns after a blank one."""
    from emulation.campaigns.services import campaigns_query

    awards = [(str(a.id), a.name) for a in db.session.scalars(
        select(AwardType).where(AwardType.active.is_(True)).order_by(AwardType.id))]
    campaign_list = [(0, "—")] + [(c.id, f"{c.number or c.id} — {c.title[:80]}")
                                  for c in db.session.scalars(campaigns_query(user).limit(50))]
    return awards, campaign_list


def create_from_codes(actor, *, award_id: int, year: int, proposing_unit_code: str,
                      person_code: str = "", unit_code: str = "", campaign_id=None,
                      texts: dict | None = None, kind: str | None = None) -> Nomination:
    """`create` from what a form holds: the award's id and the codes of the proposing unit
    and of the person (or unit) nominated, which the actor must serve as unit officer."""
    from emulation.org.services import person_by_code, unit_by_code

    award = db.session.get(AwardType, award_id) if award_id else None
    proposing = unit_by_code(proposing_unit_code or "")
    # a unit the actor does not serve is answered as an unknown one: its name stays unsaid
    if award is None or proposing is None or not perms.covers(actor, proposing, OFFICER):
        raise ServiceError(_("Choose an award and a proposing unit you serve."))
    person = unit = None
    if person_code:
        person = person_by_code(actor, person_code)
        if person is None or not perms.covers(actor, person.unit, OFFICER):
            raise ServiceError(_("No person you manage has the code or name %(code)s.",
                                 code=person_code))
    elif unit_code:
        unit = unit_by_code(unit_code)
        if unit is None or not perms.covers(actor, unit, OFFICER):
            raise ServiceError(_("No unit you manage has the code or name %(code)s.",
                                 code=unit_code))
    return create(actor, award=award, year=year, proposing_unit=proposing, person=person,
                  unit=unit, campaign_id=campaign_id, texts=texts, kind=kind)


def get_for(user, nomination_id: int) -> Nomination:
    """The nomination if the user proposes or handles it; otherwise NotFound."""
    n = db.session.get(Nomination, nomination_id)
    if n is None or not can_read(user, n):
        raise NotFound(_("No such nomination, or you may not see it."))
    return n


def can_read(user, n: Nomination) -> bool:
    """The proposing unit's officers, the organisers of the level that holds it and of the
    levels it came through (the proposing unit's branch: a dossier forwarded up stays in
    sight of the level that forwarded it), and the members and secretary of a council that
    has it on a meeting's agenda — all but the first two read-only."""
    return (perms.covers(user, n.proposing_unit, OFFICER)
            or perms.covers(user, n.level_unit, ORGANISER)
            or perms.covers(user, n.proposing_unit, ORGANISER)
            or n.id in on_agenda_of(user, [n.id]))


def on_agenda_of(user, nomination_ids) -> set[int]:
    """Of `nomination_ids`, those on the agenda of a meeting of a council the user sits on
    (as a member, its chair or its secretary): the dossiers they read before voting."""
    from emulation.awards.councils.models import AgendaItem

    if not nomination_ids:
        return set()
    return set(db.session.scalars(_agenda_ids(user).where(
        AgendaItem.nomination_id.in_(list(nomination_ids)))))


def _agenda_ids(user):
    """A query of the ids of the dossiers on the agendas of the user's councils."""
    from emulation.awards.councils.models import AgendaItem, CouncilMeeting, CouncilMember

    user_id = getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None
    return (select(AgendaItem.nomination_id)
            .join(CouncilMeeting, CouncilMeeting.id == AgendaItem.meeting_id)
            .join(CouncilMember, CouncilMember.council_id == CouncilMeeting.council_id)
            .where(CouncilMember.user_id == (user_id if isinstance(user_id, int) else -1)))


def readable_ids(user, nominations) -> set[int]:
    """The ids of `nominations` the user may open (`can_read`), in a bounded number of
    queries: for the links of a page."""
    nominations = list(nominations)
    council = on_agenda_of(user, [n.id for n in nominations])
    return {n.id for n in nominations if n.id in council
            or perms.covers(user, n.proposing_unit, OFFICER)
            or perms.covers(user, n.level_unit, ORGANISER)
            or perms.covers(user, n.proposing_unit, ORGANISER)}


def can_edit(user, n: Nomination) -> bool:
    return perms.covers(user, n.proposing_unit, OFFICER) and n.state in EDITABLE


def can_handle(user, n: Nomination) -> bool:
    return perms.covers(user, n.level_unit, ORGANISER)


def create(actor, *, award: AwardType, year: int, proposing_unit: Unit,
           person: Person | None = None, unit: Unit | None = None, campaign_id=None,
           texts: dict | None = None, commit: bool = True,
           kind: str | None = None, proposer_roles: tuple = OFFICER) -> Nomination:
    """A draft nomination of a person or a unit by a unit its officer serves. Every check
    runs before anything is written, so a refusal (ServiceError and its kinds) leaves the
    session as it was; `commit=False` lets a bulk operation commit once.

    `kind` is the kind of commendation (`CommendationKind`); None means thematic when the
    campaign named is thematic, regular otherwise. A thematic nomination that names a campaign
    names a thematic one (ServiceError otherwise). `proposer_roles` are the roles on the
    proposing unit that may make it (its officers; its organisers too for the ranking's
    flag nominations)."""
    if not perms.covers(actor, proposing_unit, proposer_roles):
        raise PermissionDenied(_("Only an officer of %(name)s may do this.",
                                 name=proposing_unit.name))
    if (person is None) == (unit is None):
        raise ServiceError(_("Nominate either a person or a unit."))
    subject_kind = "individual" if person else "collective"
    if award.subject not in (subject_kind, "both") or not award.active:
        raise ServiceError(_("%(award)s is not awarded to this kind of subject.",
                             award=award.name))
    subject_unit = person.unit if person else unit
    if not subject_unit.path.startswith(proposing_unit.path):
        raise PermissionDenied(_("A unit nominates only its own people and units."))
    if not 1950 <= year <= 2100:
        raise ServiceError(_("The year is not plausible."))
    campaign = _require_visible_campaign(actor, campaign_id) if campaign_id is not None \
        else None
    if campaign is not None:
        require_nomination_open(campaign_id, proposing_unit)
    kind = check_kind(kind, campaign)
    duplicate_message = _("This subject is already nominated for %(award)s in %(year)d.",
                          award=award.name, year=year)
    if active_nomination(award, year, person, unit, kind) is not None:
        raise Conflict(duplicate_message)
    n = Nomination(award_type=award, year=year, campaign_id=campaign_id, person=person,
                   unit=unit, proposing_unit=proposing_unit, level_unit=proposing_unit,
                   state="draft", kind=kind,
                   **{k: clean_block((texts or {}).get(k), 50000) for k in TEXT_FIELDS})
    db.session.add(n)
    if commit:
        # a submission racing this one passed the check above too: the database's partial
        # unique index (one active nomination per subject, award and year) refuses it
        with conflict_on_duplicate(duplicate_message):
            db.session.flush()
    else:
        db.session.flush()  # a bulk caller turns a duplicate into one Conflict for all
    audit.record(db.session, actor=actor, action="nomination.create", obj=n,
                 summary=f"{award.code} {year} for {n.subject_name}",
                 after={"award": award.code, "year": year, "subject": n.subject_name,
                        "kind": kind},
                 params={"award": award.code, "year": year, "subject": n.subject_name})
    if commit:
        db.session.commit()
    return n


def active_nomination(award: AwardType, year: int, person: Person | None,
                      unit: Unit | None, kind: str = "regular") -> int | None:
    """The id of the subject's active (not withdrawn) nomination for the award, year and
    kind of commendation."""
    return db.session.scalar(select(Nomination.id).where(
        Nomination.award_type_id == award.id, Nomination.year == year,
        Nomination.state != "withdrawn", Nomination.kind == kind,
        (Nomination.person_id == person.id) if person else (Nomination.unit_id == unit.id)))


def check_kind(kind: str | None, campaign) -> str:
    """The kind of commendation a nomination takes: `kind` if known (ServiceError if not),
    else thematic for a thematic campaign and regular otherwise. A thematic commendation
    rewards a thematic drive: with a campaign named, that campaign is a thematic one."""
    if not kind:
        return "thematic" if campaign is not None and campaign.kind == "thematic" \
            else "regular"
    if kind not in CommendationKind.values():
        raise ServiceError(_("Unknown kind of commendation."))
    if kind == "thematic" and campaign is not None and campaign.kind != "thematic":
        raise ServiceError(_("A thematic commendation rewards a thematic campaign; "
                             "%(campaign)s is a regular one.", campaign=campaign.title))
    return kind


def _require_visible_campaign(actor, campaign_id: int):
    """The campaign a nomination names, if the actor may see it; any other id is answered
    as one that does not exist."""
    from emulation.campaigns.models import Campaign
    from emulation.campaigns.services import campaigns_query

    campaign = db.session.scalar(campaigns_query(actor).where(Campaign.id == campaign_id)
                                 .order_by(None)) if isinstance(campaign_id, int) else None
    if campaign is None:
        raise NotFound(_("No such campaign, or you may not see it."))
    return campaign


def update(actor, n: Nomination, version, texts: dict, kind: str | None = None) -> None:
    """Change a draft's (or returned dossier's) texts and, when given, its kind of
    commendation (checked as in `create`; a kind already nominated is a Conflict)."""
    if not can_edit(actor, n):
        raise PermissionDenied(_("This nomination cannot be changed now."))
    check_version(n, version)
    fields = (*TEXT_FIELDS, "kind")
    before = {k: getattr(n, k) for k in fields}
    if kind and kind != n.kind:
        kind = check_kind(kind, _campaign_of(n))
        if active_nomination(n.award_type, n.year, n.person, n.unit, kind) is not None:
            raise Conflict(_("This subject is already nominated for %(award)s in %(year)d.",
                             award=n.award_type.name, year=n.year))
        n.kind = kind
    for key in TEXT_FIELDS:
        setattr(n, key, clean_block(texts.get(key), 50000))
    old, new = audit.diff(before, {k: getattr(n, k) for k in fields})
    if new:
        audit.record(db.session, actor=actor, action="nomination.update", obj=n,
                     summary=f"nomination {n.id} changed", before=old, after=new,
                     params={"id": n.id, "subject": n.subject_name})
    db.session.commit()


def _campaign_of(n: Nomination):
    from emulation.campaigns.models import Campaign

    return db.session.get(Campaign, n.campaign_id) if n.campaign_id else None


def attach(actor, n: Nomination, upload):
    """A file of the dossier (hồ sơ): checked by content like every upload."""
    from emulation.core import uploads

    if not can_edit(actor, n):
        raise PermissionDenied(_("This nomination cannot be changed now."))
    attachment = uploads.attach(actor, "nomination", n.id, upload, record=n)
    db.session.commit()
    return attachment


def submit(actor, n: Nomination, version, explanation: str = "") -> engine.Verdict:
    """Check eligibility and store it; an ineligible nomination needs an explanation and is
    flagged for the council."""
    if not can_edit(actor, n):
        raise PermissionDenied(_("This nomination cannot be changed now."))
    check_version(n, version)
    if not n.summary.strip():
        raise InvalidState(_("Write the achievement report (summary) before submitting."))
    require_nomination_open(n.campaign_id, n.proposing_unit)
    verdict = check_batch([n])[n.id]
    explanation = clean_block(explanation, 10000)
    if verdict.eligible is False and not explanation:
        raise InvalidState(_("The nomination does not meet the conditions; explain why it "
                             "should still go to the council."))
    n.eligible = verdict.eligible
    n.eligibility = json.dumps(serialise(verdict), ensure_ascii=False)
    n.explanation = explanation
    n.flagged = verdict.eligible is False
    _step(actor, n, "submitted", commit=False)
    signals.dossier_submitted.send(n, actor=actor)
    db.session.commit()  # one flush of the dossier: its version moves once
    return verdict


def receive(actor, n: Nomination, version) -> None:
    _handle(actor, n, version, ("submitted", "forwarded"), "received")


def return_(actor, n: Nomination, version, reason: str) -> None:
    reason = clean_block(reason, 20000)
    if not reason:
        raise ServiceError(_("Give the reason for returning the dossier."))
    _handle(actor, n, version, ("submitted", "received", "forwarded"), "returned", reason,
            commit=False)
    n.level_unit_id = n.proposing_unit_id
    signals.dossier_returned.send(n, reason=reason, actor=actor)
    db.session.commit()


def forward(actor, n: Nomination, version) -> None:
    """Send the dossier to the organisers of the next level up."""
    parent = n.level_unit.parent
    if parent is None:
        raise InvalidState(_("This is the top level; put the dossier on the council's agenda "
                             "instead."))
    _handle(actor, n, version, ("received",), "forwarded", commit=False)
    below = n.level_unit
    n.level_unit = parent
    n.steps[-1].level_unit_id = parent.id
    signals.dossier_forwarded.send(n, from_unit=below, actor=actor)
    db.session.commit()


def has_council(unit) -> bool:
    """Has the unit a council (Hội đồng TĐKT) of its own? A dossier goes on the agenda only
    at a level that has one; elsewhere it is forwarded up, or the council is created first."""
    from emulation.awards.councils.models import Council

    return db.session.scalar(select(Council.id).where(Council.unit_id == unit.id)
                             .limit(1)) is not None


def put_on_agenda(actor, n: Nomination, version) -> None:
    """Ready for a council's agenda (a council at the dossier's level or above takes it, see
    `councils.add_to_agenda`). The dossier's page offers it only where the level has a
    council of its own (`has_council`) and otherwise says to forward it or create one."""
    _handle(actor, n, version, ("received",), "on_agenda")


def withdraw(actor, n: Nomination, version, reason: str) -> None:
    if not (perms.covers(actor, n.proposing_unit, OFFICER) or can_handle(actor, n)):
        raise PermissionDenied(_("This nomination cannot be changed now."))
    check_version(n, version)
    if n.state in NOT_WITHDRAWABLE:
        raise InvalidState(_("This nomination cannot be withdrawn now."))
    _step(actor, n, "withdrawn", clean_block(reason, 20000))


def _handle(actor, n, version, allowed_from, to_state, reason="", commit=True) -> None:
    if not can_handle(actor, n):
        raise PermissionDenied(_("Only an organiser of %(name)s may do this.",
                                 name=n.level_unit.name))
    check_version(n, version)
    if n.state not in allowed_from:
        raise InvalidState(_("The dossier cannot move from this state."))
    _step(actor, n, to_state, reason, commit=commit)


def _step(actor, n: Nomination, to_state: str, reason: str = "", commit=True) -> None:
    move(actor, n, to_state, reason, commit=commit)


def move(actor, n: Nomination, to_state: str, reason: str = "", *,
         details: dict | None = None, commit: bool = True) -> None:
    """One move of the dossier: its new state, a step of its processing history and an
    audit event (with `details`, e.g. the superior's decision). The caller has checked
    scope, version and state."""
    from_state = n.state
    n.state = to_state
    n.steps.append(NominationStep(actor_name=audit.actor_display(actor),
                                  from_state=from_state, to_state=to_state,
                                  level_unit_id=n.level_unit_id, reason=reason[:5000]))
    audit.record(db.session, actor=actor, action=f"nomination.{to_state}", obj=n,
                 summary=f"nomination {n.id}: {from_state} → {to_state}",
                 params={"_m": "nomination:state", "id": n.id, "subject": n.subject_name,
                         "from": from_state, "to": to_state},
                 before={"state": from_state},
                 after={"state": to_state, **({"reason": reason} if reason else {}),
                        **(details or {})})
    if commit:
        db.session.commit()


# --- bulk creation ---------------------------------------------------------------------------

@dataclass
class Skipped:
    """A registration or leader the bulk operation did not nominate, and why (in words)."""

    subject: str
    award: str
    reason: str


@dataclass
class BulkResult:
    """What a bulk creation made and what it skipped."""

    made: list[Nomination] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.made)


def bulk_sources(user, limit: int = 20) -> dict:
    """Where the user can make drafts in bulk: the approved pledges with title registrations
    of the units they serve as officer (`registrations`: pledges), and the frozen rankings of
    the campaigns they organise (`rankings`: campaigns), the latest first."""
    from emulation.campaigns.models import Campaign
    from emulation.pledges.models import Pledge, TitleRegistration
    from emulation.scoring.models import ScoringSettings

    registrations = []
    if perms.can_any(user, OFFICER):
        registrations = db.session.scalars(
            select(Pledge).join(Unit, Unit.id == Pledge.unit_id)
            .where(Pledge.state == "approved", perms.unit_condition(user, OFFICER),
                   Pledge.id.in_(select(TitleRegistration.pledge_id)))
            .order_by(Pledge.id.desc()).limit(limit)).all()
    rankings = []
    if perms.can_any(user, ORGANISER):
        rankings = db.session.scalars(
            select(Campaign).join(ScoringSettings, ScoringSettings.campaign_id == Campaign.id)
            .where(ScoringSettings.frozen_at.is_not(None),
                   Campaign.issuing_unit_id.in_(perms.covered_unit_ids(user, ORGANISER)))
            .order_by(Campaign.year_end.desc(), Campaign.id.desc()).limit(limit)).all()
    return {"registrations": registrations, "rankings": rankings}


def from_title_registrations(actor, campaign, unit: Unit, year: int) -> BulkResult:
    """One draft per approved title registration of the unit's pledge; a registration that
    cannot be nominated (already nominated, wrong kind of subject) is skipped with its
    reason. All drafts are committed together or none is."""
    from emulation.pledges.services import pledge_of

    if not perms.covers(actor, unit, OFFICER):
        raise NotFound(_("No unit you manage has the code %(code)s.", code=unit.code))
    pledge = pledge_of(campaign, unit)
    if pledge is None or pledge.state != "approved":
        raise InvalidState(_("The unit has no approved pledge in this campaign."))
    codes = {a.code: a for a in db.session.scalars(select(AwardType))}
    drafts, skipped = [], []
    for r in pledge.titles:
        subject = r.person.full_name if r.person else unit.name
        if r.award_code not in codes:
            skipped.append(Skipped(subject, r.award_code,
                                   _("This award is not in the catalogue.")))
            continue
        # emulation titles registered for the year are regular awards, whatever the campaign
        drafts.append({"award": codes[r.award_code], "year": year, "proposing_unit": unit,
                       "campaign_id": campaign.id, "person": r.person,
                       "unit": None if r.person else unit, "kind": "regular"})
    result = _create_all(actor, drafts)
    result.skipped[:0] = skipped
    return result


def from_ranking(actor, campaign, year: int, award_code: str = "CO_BO") -> BulkResult:
    """Drafts for the leaders of the frozen ranking, each proposed by its parent unit; a
    leader that cannot be nominated is skipped with its reason. The campaign's organisers
    make them for the parent units (whose officers complete and submit them). All drafts are
    committed together or none is."""
    from emulation.campaigns.services import require_manage
    from emulation.scoring.models import RankingEntry
    from emulation.scoring.services import settings_for

    require_manage(actor, campaign)
    if settings_for(campaign).frozen_at is None:
        raise InvalidState(_("The ranking is not frozen."))
    award = catalogue.award_by_code(award_code)
    leaders = db.session.scalars(select(RankingEntry).where(
        RankingEntry.campaign_id == campaign.id, RankingEntry.leader.is_(True))).all()
    return _create_all(actor, [
        {"award": award, "year": year, "proposing_unit": e.unit.parent or e.unit,
         "campaign_id": campaign.id, "unit": e.unit, "proposer_roles": (*OFFICER, *ORGANISER)}
        for e in leaders])


def _create_all(actor, drafts: list[dict]) -> BulkResult:
    """Create each draft (one that is refused is skipped with the refusal's reason, nothing
    of it written) and commit them together. A duplicate that a concurrent request made
    meanwhile refuses them all (Conflict), so the batch is never half-made."""
    result = BulkResult()
    with conflict_on_duplicate(_("Someone nominated some of these subjects at the same "
                                 "time; nothing was made. Try again.")):
        for fields in drafts:
            try:
                result.made.append(create(actor, commit=False, **fields))
            except ServiceError as refusal:  # refused before writing anything
                subject = fields["person"].full_name if fields.get("person") \
                    else fields["unit"].name
                result.skipped.append(Skipped(subject, fields["award"].name,
                                              str(refusal.message)))
        db.session.commit()
    return result
