"""Scoring operations: settings, assignments, sheets, adjustments, ranking, freeze.

Conflict of interest is enforced here: nobody scores a unit they belong to or sit above
(a grant as unit officer, scorer or organiser on the unit or one of its ancestors), except the
unit's own self-sheet.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import case, func, insert, select

from emulation.campaigns.models import (
    Campaign,
    CampaignParticipant,
    Cluster,
    ClusterMember,
    Criterion,
)
from emulation.campaigns.services import can_manage, get_campaign_for, require_manage
from emulation.core import audit, signals
from emulation.core import permissions as perms
from emulation.core.errors import (
    InvalidState,
    NotFound,
    PermissionDenied,
    ServiceError,
    check_version,
)
from emulation.core.formatting import fmt_date
from emulation.core.models import utcnow
from emulation.core.numbers import NumberError, number_text, parse_number
from emulation.core.text import clean, clean_block
from emulation.extensions import db
from emulation.org.models import Unit
from emulation.pledges import progress as progress_calc
from emulation.scoring import (
    ranking,
    sheet_counts,  # noqa: F401 — registers the stored counts' events
)
from emulation.scoring.models import (
    COMBINE_METHODS,
    MISSING_POLICIES,
    SHEET_KINDS,
    TIE_BREAKS,
    RankingEntry,
    Score,
    ScoreAdjustment,
    ScoreSheet,
    ScoringSettings,
)

BELONGING = ("unit_officer", "scorer", "organiser")
FILLERS = ("unit_officer", "scorer")


# --- settings ----------------------------------------------------------------------------------

def settings_for(campaign: Campaign) -> ScoringSettings:
    found = db.session.scalar(select(ScoringSettings).where(
        ScoringSettings.campaign_id == campaign.id))
    if found is None:
        found = ScoringSettings(campaign=campaign)
        db.session.add(found)
        db.session.flush()
    return found


def update_settings(actor, campaign: Campaign, version, fields: dict) -> ScoringSettings:
    require_manage(actor, campaign)
    settings = settings_for(campaign)
    check_version(settings, version)
    _require_not_frozen(settings)
    if fields.get("combine") not in COMBINE_METHODS or \
            fields.get("missing") not in MISSING_POLICIES:
        raise ServiceError(_("Unknown way of combining sheets."))
    ties = [t for t in fields.get("tie_breaks", []) if t]
    if len(set(ties)) != len(ties) or any(t not in TIE_BREAKS for t in ties):
        raise ServiceError(_("Each tie-break may be chosen once."))
    weights = [fields.get(f"weight_{k}") for k in SHEET_KINDS]
    if any(w is None or w < 0 for w in weights) or sum(weights) <= 0:
        raise ServiceError(_("Weights must not be negative and at least one must be above "
                             "zero."))
    for kind in SHEET_KINDS:
        opens, closes = fields.get(f"{kind}_opens"), fields.get(f"{kind}_closes")
        if opens and closes and closes < opens:
            raise ServiceError(_("A scoring window closes before it opens."))
    before = _settings_dict(settings)
    for key in ("combine", "missing", "flag_leaders", "decimals", "publish_to_units",
                *(f"weight_{k}" for k in SHEET_KINDS), *(f"{k}_opens" for k in SHEET_KINDS),
                *(f"{k}_closes" for k in SHEET_KINDS)):
        if key in fields:
            setattr(settings, key, fields[key])
    settings.tie_breaks = ",".join(ties)
    old, new = audit.diff(before, _settings_dict(settings))
    if new:
        audit.record(db.session, actor=actor, action="scoring.settings", obj=campaign,
                     summary=f"scoring settings of campaign {campaign.id}", before=old, after=new,
                     params={"campaign": campaign.number or campaign.title})
    db.session.commit()
    return settings


def _settings_dict(s: ScoringSettings) -> dict:
    return {k: getattr(s, k) for k in (
        "weight_self", "weight_peer", "weight_council", "combine", "missing", "tie_breaks",
        "flag_leaders", "decimals", "publish_to_units", "self_opens", "self_closes",
        "peer_opens", "peer_closes", "council_opens", "council_closes")}


def window_open(settings: ScoringSettings, kind: str, today: date) -> bool:
    opens, closes = settings.window(kind)
    return (opens is None or opens <= today) and (closes is None or today <= closes)


# --- conflicts and permissions -----------------------------------------------------------------

def conflict(user, unit: Unit) -> bool:
    """Does the user belong to the unit or sit above it?"""
    return any(g.role in BELONGING and g.unit is not None and unit.path.startswith(g.unit.path)
               for g in getattr(user, "grants", []))


def can_fill(user, sheet: ScoreSheet) -> bool:
    if sheet.scorer_kind == "self":
        return perms.covers(user, sheet.unit, ("unit_officer",))
    if conflict(user, sheet.unit) and not user.is_admin:
        return False
    if sheet.scorer_kind == "peer":
        return perms.covers(user, sheet.scorer_unit, FILLERS)
    return sheet.scorer_user_id == getattr(user, "id", None)


def can_read_sheet(user, sheet: ScoreSheet, campaign: Campaign) -> bool:
    return can_manage(user, campaign) or can_fill(user, sheet) or (
        sheet.scorer_kind == "self" and perms.covers(user, sheet.unit, ("unit_officer",)))


# --- loaders: what a page may open (NotFound hides what the user may not see) ---------------------

def scores_for_council(user, campaign: Campaign) -> bool:
    """Is the user named as a council scorer of this (published or closed) campaign? They see
    it even without a grant on its units."""
    return campaign.state != "draft" and db.session.scalar(
        select(ScoreSheet.id).where(ScoreSheet.campaign_id == campaign.id,
                                    ScoreSheet.scorer_user_id == getattr(user, "id", None))
        .limit(1)) is not None


def campaign_for(user, campaign_id: int) -> Campaign:
    """A campaign the user may open for scoring: one they see through their grants, or one
    they score as a council member."""
    try:
        return get_campaign_for(user, campaign_id)
    except NotFound:
        campaign = db.session.get(Campaign, campaign_id)
        if campaign is not None and scores_for_council(user, campaign):
            return campaign
        raise


def sheet_for(user, sheet_id: int) -> tuple[ScoreSheet, Campaign]:
    """A score sheet the user may read, with its campaign."""
    sheet = db.session.get(ScoreSheet, sheet_id)
    if sheet is None:
        raise NotFound(_("No such score sheet."))
    campaign = campaign_for(user, sheet.campaign_id)
    if not can_read_sheet(user, sheet, campaign):
        raise NotFound(_("No such score sheet."))
    return sheet, campaign


def officer_unit_for(user, unit_id: int) -> Unit:
    """A unit the user serves as unit officer."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or not perms.covers(user, unit, ("unit_officer",)):
        raise NotFound(_("No such unit, or you may not see it."))
    return unit


def scored_unit_for(user, campaign: Campaign, unit_id: int) -> Unit:
    """A unit whose score breakdown the user may read: its officers, the campaign's
    organisers and the organisers of a branch it lies in."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or not (perms.covers(user, unit, ("unit_officer", "organiser"))
                            or can_manage(user, campaign)):
        raise NotFound(_("No such unit, or you may not see it."))
    return unit


def open_settings(campaign: Campaign) -> ScoringSettings:
    """The campaign's settings, created (and saved) on the hub's first visit."""
    settings = settings_for(campaign)
    db.session.commit()
    return settings


# --- assignments ---------------------------------------------------------------------------------

def generate_peer_assignments(actor, campaign: Campaign, mode: str, k: int | None = None) -> int:
    """Chấm chéo: in each cluster every member scores every other member ("all"), or `k`
    others chosen round-robin so that each unit receives exactly `k` sheets."""
    require_manage(actor, campaign)
    settings = settings_for(campaign)
    _require_not_frozen(settings)
    if mode not in ("all", "k"):
        raise ServiceError(_("Unknown way of assigning peer scorers."))
    existing = set(db.session.execute(select(ScoreSheet.scorer_unit_id, ScoreSheet.unit_id)
                                      .where(ScoreSheet.campaign_id == campaign.id,
                                             ScoreSheet.scorer_kind == "peer")).all())
    created = 0
    for cluster in campaign.clusters:
        members = sorted((m.unit for m in cluster.members), key=lambda u: u.code)
        n = len(members)
        if n < 2:
            continue
        if mode == "k" and not (k and 1 <= k <= n - 1):
            raise ServiceError(_("In %(cluster)s each unit can be scored by 1 to %(n)d others.",
                                 cluster=cluster.name, n=n - 1))
        steps = range(1, n) if mode == "all" else range(1, k + 1)
        for i, scorer in enumerate(members):
            for step in steps:
                target = members[(i + step) % n]
                if (scorer.id, target.id) in existing or target.path.startswith(scorer.path) \
                        or scorer.path.startswith(target.path):
                    continue
                db.session.add(ScoreSheet(
                    campaign_id=campaign.id, unit_id=target.id, scorer_kind="peer",
                    scorer_unit_id=scorer.id, scorer_key=f"u{scorer.id}",
                    cluster_id=cluster.id, state="draft"))
                existing.add((scorer.id, target.id))
                created += 1
    by_scorer: dict[int, int] = {}
    for sheet in db.session.new:
        if isinstance(sheet, ScoreSheet) and sheet.scorer_unit_id:
            by_scorer[sheet.scorer_unit_id] = by_scorer.get(sheet.scorer_unit_id, 0) + 1
    signals.sheets_assigned.send(campaign, to_units=by_scorer, actor=actor)
    audit.record(db.session, actor=actor, action="scoring.peer_assign", obj=campaign,
                 summary=f"peer assignments ({mode}{'' if k is None else f', k={k}'}): "
                         f"{created} sheets", after={"mode": mode, "k": k, "sheets": created},
                 params={"campaign": campaign.number or campaign.title, "sheets": created})
    db.session.commit()
    return created


def name_council_scorer(actor, campaign: Campaign, user, cluster: Cluster | None = None):
    """Hội đồng chấm: the user scores every participant (or every member of one cluster).
    Refused outright if the user belongs to or sits above any of those units."""
    require_manage(actor, campaign)
    _require_not_frozen(settings_for(campaign))
    if not user.active:
        raise ServiceError(_("This account has been deactivated."))
    if cluster is not None and cluster.campaign_id != campaign.id:
        raise NotFound(_("No such cluster."))
    units = ([m.unit for m in cluster.members] if cluster is not None else
             [p.unit for p in campaign.participants])
    conflicted = [u.name for u in units if conflict(user, u)]
    if conflicted:
        raise PermissionDenied(_("%(user)s belongs to or sits above %(units)s and cannot score "
                                 "them.", user=user.username, units=", ".join(conflicted[:5])))
    existing = set(db.session.scalars(select(ScoreSheet.unit_id).where(
        ScoreSheet.campaign_id == campaign.id, ScoreSheet.scorer_kind == "council",
        ScoreSheet.scorer_user_id == user.id)))
    created = 0
    clusters = _cluster_of_units(campaign.id)
    for unit in units:
        if unit.id in existing:
            continue
        db.session.add(ScoreSheet(campaign_id=campaign.id, unit_id=unit.id,
                                  scorer_kind="council", scorer_user_id=user.id,
                                  scorer_key=f"p{user.id}", cluster_id=clusters.get(unit.id),
                                  state="draft"))
        created += 1
    signals.sheets_assigned.send(campaign, to_user=user, count=created, actor=actor)
    audit.record(db.session, actor=actor, action="scoring.council_assign", obj=campaign,
                 summary=f"{user.username} named council scorer for "
                         f"{cluster.name if cluster else 'the campaign'}: {created} sheets",
                 after={"scorer": user.username, "cluster": cluster.id if cluster else None,
                        "sheets": created},
                 params={"user": user.display_name, "sheets": created,
                         "cluster": cluster.name if cluster else
                         (campaign.number or campaign.title)})
    db.session.commit()
    return created


def open_self_sheet(actor, campaign: Campaign, unit: Unit, today: date) -> ScoreSheet:
    if not perms.covers(actor, unit, ("unit_officer",)):
        raise PermissionDenied(_("Only an officer of %(name)s may do this.", name=unit.name))
    if not db.session.scalar(select(CampaignParticipant.id).where(
            CampaignParticipant.campaign_id == campaign.id,
            CampaignParticipant.unit_id == unit.id)):
        raise NotFound(_("This unit does not take part in the campaign."))
    sheet = db.session.scalar(select(ScoreSheet).where(
        ScoreSheet.campaign_id == campaign.id, ScoreSheet.unit_id == unit.id,
        ScoreSheet.scorer_kind == "self"))
    if sheet is None:
        settings = settings_for(campaign)
        _require_not_frozen(settings)
        if campaign.state != "published" or not window_open(settings, "self", today):
            raise InvalidState(_("Self-scoring is not open now."))
        sheet = ScoreSheet(campaign_id=campaign.id, unit_id=unit.id, scorer_kind="self",
                           scorer_unit_id=unit.id, scorer_key=f"u{unit.id}",
                           cluster_id=cluster_of(campaign.id, unit.id))
        db.session.add(sheet)
        db.session.flush()
        audit.record(db.session, actor=actor, action="sheet.open", obj=sheet,
                     summary=f"self-sheet of {unit.code} opened", params={"unit": unit.name})
        db.session.commit()
    return sheet


# --- sheets ------------------------------------------------------------------------------

def save_sheet(actor, sheet: ScoreSheet, version, lines: dict, today: date,
               locale: str = "vi") -> ScoreSheet:
    """Save the draft: `lines` maps criterion id → (points as typed, comment)."""
    campaign = db.session.get(Campaign, sheet.campaign_id)
    settings = _require_writable(actor, sheet, campaign, today)
    check_version(sheet, version)
    criteria = {c.id: c for c in campaign.criteria}
    errors, values = [], {}
    for criterion_id, (raw, comment) in lines.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            raise ServiceError(_("That criterion belongs to another campaign."))
        try:  # the exact value typed: never rounded before the maximum is checked
            points = parse_number(raw, locale, places=settings.decimals)
        except NumberError as err:
            errors.append(_("%(code)s: at most %(n)d decimal places.", code=criterion.code,
                            n=settings.decimals) if err.places is not None
                          else _("%(code)s: %(value)s is not a number.", code=criterion.code,
                                 value=clean(raw)[:20]))
            continue
        if points is not None and points > criterion.max_points:
            errors.append(_("%(code)s: at most %(max)s points.", code=criterion.code,
                            max=format_decimal(criterion.max_points)))
            continue
        values[criterion_id] = (points, clean_block(comment, 5000))
    if errors:
        raise ServiceError(" ".join(errors))
    current = {s.criterion_id: s for s in sheet.scores}
    before = _lines(sheet)
    for criterion_id, (points, comment) in values.items():
        line = current.get(criterion_id)
        if points is None:
            if line is not None:
                sheet.scores.remove(line)
            continue
        if line is None:
            line = Score(criterion_id=criterion_id)
            sheet.scores.append(line)
        line.points, line.comment = points, comment
    sheet.updated_at = utcnow()
    db.session.flush()
    old, new = audit.diff(before, _lines(sheet))
    audit.record(db.session, actor=actor, action="sheet.save", obj=sheet,
                 summary=f"{sheet.scorer_kind} sheet for {sheet.unit.code} saved",
                 params={"kind": sheet.scorer_kind, "unit": sheet.unit.name},
                 before=old, after=new)
    db.session.commit()
    return sheet


def _lines(sheet: ScoreSheet) -> dict:
    """A sheet's lines for the audit trail: points and comment per criterion."""
    return {str(s.criterion_id): {"points": str(s.points), "comment": s.comment}
            for s in sheet.scores}


def running_total(campaign: Campaign, sheet: ScoreSheet, posted=None,
                  locale: str = "vi") -> Decimal:
    """The total of the points shown on a sheet's page, as `ranking.sheet_total` counts a
    submitted sheet (weighted regular criteria, plus bonus, minus penalty points): of the
    points typed when `posted` (a refused form; what is not a number counts as nothing),
    else of the saved lines. The page's script keeps it up to date while points are typed."""
    if posted is None:
        points = {s.criterion_id: Decimal(s.points) for s in sheet.scores}
    else:
        points = {}
        for c in campaign.criteria:
            try:
                value = parse_number(posted.get(f"c{c.id}-points"), locale, places=5)
            except NumberError:
                value = None
            if value is not None:
                points[c.id] = value
    return ranking.sheet_total(points, {c.id: c for c in _criteria_data(campaign)})


def submit_sheet(actor, sheet: ScoreSheet, version, today: date) -> None:
    campaign = db.session.get(Campaign, sheet.campaign_id)
    _require_writable(actor, sheet, campaign, today)
    check_version(sheet, version)
    scored = {s.criterion_id for s in sheet.scores}
    missing = [c.code for c in campaign.criteria if c.kind == "regular" and c.id not in scored]
    if missing:
        raise InvalidState(_("Give points for every criterion before submitting: %(codes)s.",
                             codes=", ".join(missing)))
    criteria = {c.id: c for c in _criteria_data(campaign)}
    points = {s.criterion_id: Decimal(s.points) for s in sheet.scores}
    sheet.total = ranking.sheet_total(points, criteria)
    sheet.at_max = ranking.sheet_at_max(points, criteria)
    sheet.state, sheet.submitted_at = "submitted", utcnow()
    audit.record(db.session, actor=actor, action="sheet.submitted", obj=sheet,
                 summary=f"{sheet.scorer_kind} sheet for {sheet.unit.code} submitted",
                 params={"kind": sheet.scorer_kind, "unit": sheet.unit.name},
                 before={"state": "draft"}, after={"state": "submitted"})
    db.session.commit()


def reopen_sheet(actor, sheet: ScoreSheet, version, reason: str) -> None:
    campaign = db.session.get(Campaign, sheet.campaign_id)
    require_manage(actor, campaign)
    _require_not_frozen(settings_for(campaign))
    check_version(sheet, version)
    reason = clean_block(reason, 20000)
    if not reason:
        raise ServiceError(_("Give the reason for reopening the sheet."))
    if sheet.state != "submitted":
        raise InvalidState(_("Only a submitted sheet can be reopened."))
    sheet.state, sheet.total, sheet.at_max = "draft", None, None
    audit.record(db.session, actor=actor, action="sheet.reopened", obj=sheet,
                 summary=f"{sheet.scorer_kind} sheet for {sheet.unit.code} reopened",
                 params={"kind": sheet.scorer_kind, "unit": sheet.unit.name},
                 before={"state": "submitted"}, after={"state": "draft", "reason": reason})
    db.session.commit()


def _require_writable(actor, sheet: ScoreSheet, campaign: Campaign, today: date):
    if not can_fill(actor, sheet):
        raise PermissionDenied(_("You may not fill this score sheet."))
    settings = settings_for(campaign)
    _require_not_frozen(settings)
    if sheet.state != "draft":
        raise InvalidState(_("A submitted sheet is read-only until the organiser reopens it."))
    if campaign.state != "published" or not window_open(settings, sheet.scorer_kind, today):
        raise InvalidState(_("This kind of sheet is not open for scoring now."))
    return settings


# --- adjustments -------------------------------------------------------------------------

def add_adjustment(actor, campaign: Campaign, unit: Unit, points: Decimal,
                   reason: str) -> ScoreAdjustment:
    require_manage(actor, campaign)
    _require_not_frozen(settings_for(campaign))
    reason = clean_block(reason, 20000)
    if not reason:
        raise ServiceError(_("Give the reason for the bonus or penalty."))
    if points is None or points == 0 or abs(points) > 1000:
        raise ServiceError(_("The points of a bonus or penalty must be non-zero."))
    if not db.session.scalar(select(CampaignParticipant.id).where(
            CampaignParticipant.campaign_id == campaign.id,
            CampaignParticipant.unit_id == unit.id)):
        raise NotFound(_("This unit does not take part in the campaign."))
    adjustment = ScoreAdjustment(campaign_id=campaign.id, unit=unit, points=points,
                                 reason=reason[:5000], created_by=audit.actor_display(actor))
    db.session.add(adjustment)
    db.session.flush()
    audit.record(db.session, actor=actor, action="scoring.adjustment", obj=adjustment,
                 summary=f"{'bonus' if points > 0 else 'penalty'} "
                         f"{number_text(points, 'en', signed=True)} for {unit.code}",
                 after={"unit": unit.code, "points": points, "reason": reason},
                 params={"_m": "scoring.adjustment:" + ("bonus" if points > 0 else "penalty"),
                         "points": abs(points), "unit": unit.name})
    db.session.commit()
    return adjustment


# --- ranking -----------------------------------------------------------------------------

RANK_CHUNK_UNITS = 500  # units whose sheets, adjustments and progress are read at a time


def compute(campaign: Campaign, cluster_id: int | None = None
            ) -> list[ranking.ClusterRanking]:
    """The live ranking (`rankings` gathered in a list); only the cluster `cluster_id` when
    given (a cluster is ranked on its own, so this is the same result)."""
    return list(rankings(campaign, cluster_id))


def rankings(campaign: Campaign, cluster_id: int | None = None,
             chunk_units: int = RANK_CHUNK_UNITS) -> Iterator[ranking.ClusterRanking]:
    """Each cluster's ranking in turn (by cluster id), read `chunk_units` units at a time:
    per chunk, one row a sheet (its kept total, or the total summed by the database from its
    score lines), the adjustments summed per unit and the units' progress — a fixed number of
    queries per chunk, whatever the number of score lines. Memory holds one chunk's sheets
    and one cluster's results (a `ranking.UnitResult` a member), never the whole campaign.
    The result equals `ranking.rank_clusters` over the whole campaign at once."""
    settings = _pure_settings(settings_for(campaign))
    criteria = {c.id: c for c in _criteria_data(campaign)}
    clusters: dict[int, list[int]] = {}
    for cid, unit_id in db.session.execute(
            select(ClusterMember.cluster_id, ClusterMember.unit_id)
            .where(ClusterMember.campaign_id == campaign.id,
                   *([ClusterMember.cluster_id == cluster_id] if cluster_id is not None
                     else []))
            .order_by(ClusterMember.cluster_id, ClusterMember.unit_id)):
        clusters.setdefault(cid, []).append(unit_id)
    pending: list[tuple[int, list[int]]] = []  # clusters whose members make up the chunk

    def ranked(group):
        members = sorted({u for _cid, units in group for u in units})
        results = {}
        for start in range(0, len(members), chunk_units):
            results.update(_unit_results(campaign, members[start:start + chunk_units],
                                         criteria, settings))
        for cid, units in group:
            yield ranking.ClusterRanking(cid, ranking._ranked(
                [results[u] for u in sorted(set(units))], settings))

    size = 0
    for cid in sorted(clusters):
        units = clusters.pop(cid)
        if pending and size + len(units) > chunk_units:
            yield from ranked(pending)
            pending, size = [], 0
        pending.append((cid, units))
        size += len(units)
    if pending:
        yield from ranked(pending)


def _unit_results(campaign: Campaign, unit_ids: list[int],
                  criteria: dict[int, ranking.CriterionData],
                  settings: ranking.Settings) -> dict[int, ranking.UnitResult]:
    """`ranking.unit_result` of each of these units (ids), read in a fixed number of
    queries: their sheets, adjustments and progress."""
    sheet_rows = db.session.execute(select(ScoreSheet.id, ScoreSheet.unit_id,
                                           ScoreSheet.scorer_kind, ScoreSheet.state,
                                           ScoreSheet.total, ScoreSheet.at_max)
                                    .where(ScoreSheet.campaign_id == campaign.id,
                                           ScoreSheet.unit_id.in_(unit_ids))).all()
    unsummed = [r.id for r in sheet_rows if r.state == "submitted" and r.total is None]
    totals = _sheet_totals(campaign.id, unsummed) if unsummed else {}
    by_unit: dict[int, list[ranking.SheetData]] = {}
    for sheet_id, unit_id, kind, state, total, at_max in sheet_rows:
        by_unit.setdefault(unit_id, []).append(ranking.SheetData(
            unit_id, kind, {}, state == "submitted",
            *((Decimal(total), at_max) if total is not None
              else totals.get(sheet_id, (Decimal(0), 0)))))
    adjustments = dict(db.session.execute(
        select(ScoreAdjustment.unit_id, func.sum(ScoreAdjustment.points))
        .where(ScoreAdjustment.campaign_id == campaign.id,
               ScoreAdjustment.unit_id.in_(unit_ids))
        .group_by(ScoreAdjustment.unit_id)).all())
    progress = _progress_by_unit(campaign, unit_ids)
    return {u: ranking.unit_result(u, by_unit.get(u, []), criteria, settings,
                                   Decimal(adjustments[u]) if u in adjustments
                                   else ranking.ZERO, progress.get(u))
            for u in unit_ids}


TOTAL_SCALE = 100_000  # points have 2 decimals and weights 3: a product has at most 5


def _sheet_totals(campaign_id: int, sheet_ids: list[int] | None = None
                  ) -> dict[int, tuple[Decimal, int]]:
    """Each submitted sheet's total and number of criteria at their maximum, summed by the
    database (one row a sheet instead of one a score line), for sheets submitted before
    totals were kept or written by other means. The weighted points are summed as integers
    of 10⁻⁵, so the total is exact on SQLite, whose numbers are binary floats, as on
    PostgreSQL; it equals `ranking.sheet_total` of the same lines."""
    weighted = case((Criterion.kind == "bonus", Score.points),
                    (Criterion.kind == "penalty", -Score.points),
                    else_=Score.points * Criterion.weight)
    rows = db.session.execute(
        select(Score.sheet_id, func.sum(func.round(weighted * TOTAL_SCALE)),
               func.sum(case((Score.points >= Criterion.max_points, 1), else_=0)))
        .join(ScoreSheet, ScoreSheet.id == Score.sheet_id)
        .join(Criterion, Criterion.id == Score.criterion_id)
        .where(ScoreSheet.campaign_id == campaign_id, ScoreSheet.state == "submitted",
               Criterion.campaign_id == campaign_id,
               *([Score.sheet_id.in_(sheet_ids)] if sheet_ids is not None else []))
        .group_by(Score.sheet_id))
    return {sheet_id: (Decimal(int(round(total))) / TOTAL_SCALE, int(at_max))
            for sheet_id, total, at_max in rows}


def ranking_view(campaign: Campaign, cluster_id: int | None = None) -> tuple[list, bool]:
    """(rows per cluster, frozen?): the frozen snapshot when there is one, else live; only
    the cluster `cluster_id` when given."""
    settings = settings_for(campaign)
    if settings.frozen_at is None:
        return compute(campaign, cluster_id), False
    entries = db.session.scalars(select(RankingEntry).where(
        RankingEntry.campaign_id == campaign.id,
        *([RankingEntry.cluster_id == cluster_id] if cluster_id is not None else []))
        .order_by(RankingEntry.cluster_id, RankingEntry.rank, RankingEntry.unit_id)).all()
    by_cluster: dict[int, list] = {}
    for entry in entries:
        by_cluster.setdefault(entry.cluster_id, []).append(_from_entry(entry))
    return [ranking.ClusterRanking(cid, rows) for cid, rows in sorted(by_cluster.items())], True


FREEZE_KIND = "ranking_freeze"  # the job that freezes a campaign's ranking (scoring.tasks)


def _check_freezable(actor, campaign: Campaign, settings: ScoringSettings, version,
                     today: date) -> None:
    """What a freeze needs: an organiser of the campaign, the settings as the form showed
    them, the ranking neither frozen nor being frozen, every scoring window closed.
    PermissionDenied (403), StaleRecord (409) or InvalidState (409) otherwise."""
    require_manage(actor, campaign)
    check_version(settings, version)
    _require_not_frozen(settings)
    closes = max((c for c in (settings.window(k)[1] for k in SHEET_KINDS) if c), default=None)
    if closes is not None and today <= closes:
        raise InvalidState(_("The ranking can be frozen once scoring has closed (%(date)s).",
                             date=fmt_date(closes)))


def freeze(actor, campaign: Campaign, version, today: date) -> None:
    """Freeze the ranking at once, in the caller's process (the command line, the demo and
    the tests; the web starts `start_freeze`, a job). Same checks and outcome as the job."""
    settings = settings_for(campaign)
    _check_freezable(actor, campaign, settings, version, today)
    _freeze_now(actor, campaign, settings)


def start_freeze(actor, campaign: Campaign, version, today: date):
    """Check that the ranking may be frozen, then queue the job that freezes it (the
    campaign is "being frozen" meanwhile: every change to its scoring is refused, and so
    is a second freeze). Returns the Job; its bar counts the units ranked. The job's end
    is on the hub: frozen, or its reason for failing with the ranking left open.
    PermissionDenied, StaleRecord, InvalidState as `freeze`; ServiceError (400) for an
    actor without an account (the command line freezes with `freeze`)."""
    from emulation.jobs import services as jobs

    settings = settings_for(campaign)
    _check_freezable(actor, campaign, settings, version, today)
    if getattr(actor, "id", None) is None:
        raise ServiceError(_("Only a signed-in organiser may freeze the ranking."))
    units = db.session.scalar(select(func.count(ClusterMember.id)).where(
        ClusterMember.campaign_id == campaign.id)) or 0

    def attach(job) -> None:
        # an ORM change: the settings' version is checked and bumped, so of two freezes
        # posted together from the same page only one is queued (the other: StaleRecord)
        settings.freeze_job_id = job.id
        db.session.flush()

    return jobs.start_task(actor, FREEZE_KIND, {"campaign_id": campaign.id,
                                                "name": campaign.title}, units,
                           prepare=attach)


def run_freeze(user, job, progress) -> dict:
    """The worker's part of `start_freeze`: freeze the ranking in one transaction (the
    ranking computed a chunk of units at a time with `progress(units)`, then written), with
    its audit event, then queue the scores workbook. Refused (the job fails, the ranking
    stays open) when the job is no longer the campaign's freeze, the user no longer manages
    it or it was frozen meanwhile. Returns {"campaign_id", "units"}."""
    campaign = db.session.get(Campaign, job.data.get("campaign_id"))
    if campaign is None:
        raise NotFound(_("No such campaign."))
    settings = settings_for(campaign)
    if settings.freeze_job_id != job.id:
        raise InvalidState(_("Another freeze of this ranking was started."))
    require_manage(user, campaign)
    if settings.frozen_at is not None:
        raise InvalidState(_("The ranking is frozen; reopen it first."))
    units = _freeze_now(user, campaign, settings, progress)
    return {"campaign_id": campaign.id, "units": units}


def _freeze_now(actor, campaign: Campaign, settings: ScoringSettings, progress=None) -> int:
    """Write the ranking, mark it frozen and audit it (committed), then queue the scores
    workbook and send `ranking_frozen`. Returns the units ranked."""
    rows = _write_ranking(campaign, progress)
    settings.frozen_at, settings.frozen_by = utcnow(), audit.actor_display(actor)
    audit.record(db.session, actor=actor, action="ranking.freeze", obj=campaign,
                 summary=f"ranking of campaign {campaign.id} frozen ({rows} units)",
                 after={"frozen": True, "units": rows},
                 params={"campaign": campaign.number or campaign.title, "units": rows})
    db.session.commit()
    from emulation.scoring.exports import build_frozen_scores

    build_frozen_scores(actor, campaign)  # the scores workbook, built once, kept while frozen
    # The ranking is now fixed: other work that needs it can receive this signal, sent after
    # the commit.
    signals.ranking_frozen.send(campaign, actor=actor, units=rows)
    return rows


def freeze_job(campaign: Campaign):
    """The campaign's last freeze job (a Job: queued or running — being frozen —, done, or
    failed with its `error`), or None."""
    from emulation.jobs.models import Job

    settings = settings_for(campaign)
    return db.session.get(Job, settings.freeze_job_id) if settings.freeze_job_id else None


def _write_ranking(campaign: Campaign, progress=None) -> int:
    """Write the campaign's ranking as `RankingEntry` rows without ORM objects; returns the
    rows. The whole ranking is computed first (`rankings`, a chunk of units at a time, with
    `progress(units)` after each cluster), then inserted 1,000 rows a statement: no write is
    open while it computes, so the progress may be saved on a connection of its own (SQLite
    has one writer at a time). Memory: one small dict a unit (≈ 10 MB for 10,000 units)."""
    entries: list[dict] = []
    for cluster in rankings(campaign):
        entries.extend(
            {"campaign_id": campaign.id, "cluster_id": cluster.cluster, "unit_id": r.unit,
             "rank": r.rank, "final": r.final, "tied": r.tied, "leader": r.leader,
             "details": json.dumps(_details(r))} for r in cluster.rows)
        if progress is not None:
            progress(len(entries))
    for start in range(0, len(entries), 1000):
        db.session.execute(insert(RankingEntry), entries[start:start + 1000])
    return len(entries)


def unfreeze(actor, campaign: Campaign, version, reason: str) -> None:
    require_manage(actor, campaign)
    settings = settings_for(campaign)
    check_version(settings, version)
    reason = clean_block(reason, 20000)
    if not reason:
        raise ServiceError(_("Give the reason for reopening the ranking."))
    if settings.frozen_at is None:
        raise InvalidState(_("The ranking is not frozen."))
    from emulation.scoring.exports import discard_frozen_scores

    db.session.execute(RankingEntry.__table__.delete().where(
        RankingEntry.campaign_id == campaign.id))
    discard_frozen_scores(campaign)
    settings.frozen_at, settings.frozen_by = None, ""
    audit.record(db.session, actor=actor, action="ranking.reopen", obj=campaign,
                 summary=f"ranking of campaign {campaign.id} reopened",
                 before={"frozen": True}, after={"frozen": False, "reason": reason},
                 params={"campaign": campaign.number or campaign.title})
    db.session.commit()


def can_see_ranking(user, campaign: Campaign) -> bool:
    if can_manage(user, campaign) or user.is_admin:
        return True
    if db.session.scalar(select(ScoreSheet.id).where(
            ScoreSheet.campaign_id == campaign.id, ScoreSheet.scorer_kind == "council",
            ScoreSheet.scorer_user_id == user.id).limit(1)):
        return True
    settings = settings_for(campaign)
    if settings.frozen_at is None or not settings.publish_to_units:
        return False
    return bool(db.session.scalar(select(CampaignParticipant.id).where(
        CampaignParticipant.campaign_id == campaign.id,
        CampaignParticipant.unit_id.in_(perms.covered_unit_ids(user, perms.VIEW_UNITS)))
        .limit(1)))


def published_rank(user, campaign: Campaign, unit: Unit):
    """(the unit's row of the frozen ranking, how many units its cluster ranks) once the
    ranking is frozen and published to the units — or frozen, for the campaign's
    organisers; None otherwise (not frozen, not published, the unit not ranked)."""
    settings = db.session.scalar(select(ScoringSettings).where(
        ScoringSettings.campaign_id == campaign.id))
    if settings is None or settings.frozen_at is None or not (
            settings.publish_to_units or can_manage(user, campaign)):
        return None
    entry = db.session.scalar(select(RankingEntry).where(
        RankingEntry.campaign_id == campaign.id, RankingEntry.unit_id == unit.id))
    if entry is None:
        return None
    ranked = db.session.scalar(select(func.count(RankingEntry.id)).where(
        RankingEntry.campaign_id == campaign.id, RankingEntry.cluster_id == entry.cluster_id))
    return entry, ranked


def _require_not_frozen(settings: ScoringSettings) -> None:
    """InvalidState (409) while the ranking is frozen or being frozen (its job unfinished)."""
    if settings.frozen_at is not None:
        raise InvalidState(_("The ranking is frozen; reopen it first."))
    if settings.freeze_job_id is not None:
        from emulation.jobs.models import Job
        from emulation.jobs.services import UNFINISHED

        state = db.session.scalar(select(Job.state).where(Job.id == settings.freeze_job_id))
        if state in UNFINISHED:
            raise InvalidState(_("The ranking is being frozen; wait until it is done."))


def _criteria_data(campaign: Campaign) -> list[ranking.CriterionData]:
    return [ranking.CriterionData(c.id, Decimal(c.max_points), Decimal(c.weight), c.kind)
            for c in campaign.criteria]


def _pure_settings(settings: ScoringSettings) -> ranking.Settings:
    return ranking.Settings(
        {k: Decimal(getattr(settings, f"weight_{k}")) for k in SHEET_KINDS},
        settings.combine, settings.missing, tuple(settings.tie_break_list),
        settings.flag_leaders)


def cluster_of(campaign_id: int, unit_id: int) -> int | None:
    """The cluster a unit is scored in (a unit is in at most one cluster of a campaign)."""
    return db.session.scalar(select(ClusterMember.cluster_id).where(
        ClusterMember.campaign_id == campaign_id, ClusterMember.unit_id == unit_id))


def _cluster_of_units(campaign_id: int) -> dict[int, int]:
    return dict(db.session.execute(select(ClusterMember.unit_id, ClusterMember.cluster_id)
                                   .where(ClusterMember.campaign_id == campaign_id)).all())


def _progress_by_unit(campaign: Campaign, among=None) -> dict[int, Decimal | None]:
    """The self-assessed progress of each unit (of the unit-id query `among` when given) in
    the campaign's latest report period."""
    from emulation.pledges.reports import unit_items

    if not campaign.periods:
        return {}
    period = campaign.periods[-1]
    by_unit: dict[int, list] = {}
    for unit_id, movement_id, target, achieved, pct in unit_items(campaign.id, period.id,
                                                                  among=among):
        by_unit.setdefault(unit_id, []).append(progress_calc.ItemData(movement_id, target,
                                                                      achieved, pct))
    return {u: progress_calc.rollup(items)[0] for u, items in by_unit.items()}


def _details(r: ranking.UnitResult) -> dict:
    def s(v):
        return None if v is None else format(v, "f")

    return {"components": {k: s(v) for k, v in r.components.items()},
            "spread": {k: [n, s(d)] for k, (n, d) in r.spread.items()},
            "adjustment": s(r.adjustment), "progress": s(r.progress), "at_max": s(r.at_max)}


def _from_entry(entry: RankingEntry) -> ranking.UnitResult:
    data = json.loads(entry.details or "{}")

    def d(v):
        return None if v is None else Decimal(v)

    return ranking.UnitResult(
        entry.unit_id, d(entry.final), {k: d(v) for k, v in data.get("components", {}).items()},
        {k: (n, d(dev)) for k, (n, dev) in data.get("spread", {}).items()},
        d(data.get("adjustment")) or Decimal(0), d(data.get("progress")),
        d(data.get("at_max")) or Decimal(0), entry.rank, entry.tied, entry.leader)
