"""What the scoring pages show: the hub's sheets and counts, a scorer's waiting sheets, a
unit's breakdown, the evidence beside a sheet. Reads only; the operations are in services.py."""
from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import and_, func, not_, or_, select, true
from sqlalchemy.orm import selectinload

from emulation.campaigns.models import Campaign
from emulation.core import permissions as perms
from emulation.core import uploads
from emulation.core.counting import Count, capped_count
from emulation.core.text import like_pattern
from emulation.extensions import db
from emulation.org.models import Unit
from emulation.pledges.models import Report
from emulation.scoring import services
from emulation.scoring import sheet_counts as stored_counts
from emulation.scoring.enums import SheetKind, SheetState
from emulation.scoring.models import SHEET_KINDS, ScoreAdjustment, ScoreSheet


def hub_sheets(campaign: Campaign, kind: str | None = None, state: str | None = None):
    """The statement of the hub's sheet list, filtered by kind and state (ignored when
    unknown)."""
    stmt = (select(ScoreSheet).where(ScoreSheet.campaign_id == campaign.id)
            .options(selectinload(ScoreSheet.scorer_unit), selectinload(ScoreSheet.scorer_user))
            .order_by(ScoreSheet.scorer_kind, ScoreSheet.unit_id, ScoreSheet.id))
    if kind in SheetKind.values():
        stmt = stmt.where(ScoreSheet.scorer_kind == kind)
    if state in SheetState.values():
        stmt = stmt.where(ScoreSheet.state == state)
    return stmt


def sheet_counts(campaign: Campaign) -> dict:
    """(kind, state) → how many of the campaign's sheets (the groups holding any): read from
    the stored counts (`scoring.sheet_counts`), one query whatever the number of sheets."""
    return stored_counts.counts_of(campaign.id)


def recent_adjustments(campaign: Campaign, shown: int) -> tuple[list, Count]:
    """(the campaign's `shown` newest bonuses and penalties, newest first, their units
    loaded; how many it has, counted up to core.counting.COUNT_CAP): the hub's bounded list —
    every unit's own page (`unit_scores`) lists all of that unit's. Two queries."""
    stmt = select(ScoreAdjustment).where(ScoreAdjustment.campaign_id == campaign.id)
    rows = db.session.scalars(stmt.order_by(ScoreAdjustment.id.desc()).limit(shown)).all()
    return rows, (capped_count(stmt) if len(rows) == shown else Count(len(rows), False))


def cluster_names(campaign: Campaign) -> list[tuple[int, str]]:
    """[(id, name)] of the campaign's clusters, by name (as `Campaign.clusters`), without
    loading the clusters themselves (their compacts): the hub's choice of a council's
    cluster. One query."""
    from emulation.campaigns.models import Cluster

    return [tuple(r) for r in db.session.execute(
        select(Cluster.id, Cluster.name).where(Cluster.campaign_id == campaign.id)
        .order_by(Cluster.name))]


def adjustments_of(campaign: Campaign, unit: Unit | None = None, newest_first: bool = True):
    stmt = select(ScoreAdjustment).where(ScoreAdjustment.campaign_id == campaign.id)
    if unit is not None:
        stmt = stmt.where(ScoreAdjustment.unit_id == unit.id)
    order = ScoreAdjustment.id.desc() if newest_first else ScoreAdjustment.id
    return db.session.scalars(stmt.order_by(order)).all()


def sheets_of_scorer(user, *columns):
    """The statement of the sheets (or of `columns`) in published campaigns that the user
    scores: council sheets named to them, peer and self sheets of the units they serve."""
    units = select(Unit.id).where(perms.unit_condition(user, services.FILLERS))
    return (select(*(columns or (ScoreSheet,)))
            .join(Campaign, Campaign.id == ScoreSheet.campaign_id)
            .where(Campaign.state == "published",
                   (ScoreSheet.scorer_user_id == user.id)
                   | ((ScoreSheet.scorer_kind != "council")
                      & ScoreSheet.scorer_unit_id.in_(units))))


def fillable_sheets(user, campaign_id: int | None = None, cluster_id: int | None = None,
                    state: str | None = None, q: str = ""):
    """The statement of the sheets waiting for the user in published campaigns — those they
    may fill (`services.can_fill`, in SQL): council sheets named to them and peer sheets of
    the units they serve, leaving out the units they belong to or sit above (conflict of
    interest), and the self-sheets of the units they are officer of — filtered by campaign,
    cluster, state (ignored when unknown) and the scored unit's name or code (`q`, accents
    ignored). Ordered by campaign, kind, id (one page at a time: `core.web.paginate`).

    The condition is the disjunction of three branches, one per kind of sheet, each
    simplified with `sheets_of_scorer`'s; a branch the user cannot meet (no unit officer or
    scorer grant on an active unit) is left out rather than written as `IN (… WHERE false)`,
    so that a user who fills only council sheets is served by the index on scorer_user_id
    instead of a full scan of score_sheet (measured on 205,760 sheets: 110–210 ms → 2–10 ms)."""
    officer_units = select(Unit.id).where(perms.unit_condition(user, ("unit_officer",)))
    filler_units = select(Unit.id).where(perms.unit_condition(user, services.FILLERS))
    own = [g.unit.path for g in user.grants if g.role in services.BELONGING and g.unit is not None]
    no_conflict = true() if user.is_admin else and_(
        true(), *[not_(Unit.path.startswith(p, autoescape=True)) for p in own])
    may = {roles: user.is_admin or bool(perms.grant_paths(user, roles))
           for roles in (("unit_officer",), services.FILLERS)}
    branches = [(ScoreSheet.scorer_kind != SheetKind.SELF)
                & (ScoreSheet.scorer_kind != SheetKind.PEER)
                & no_conflict & (ScoreSheet.scorer_user_id == user.id)]
    if may[services.FILLERS]:
        branches.insert(0, (ScoreSheet.scorer_kind == SheetKind.PEER) & no_conflict
                        & ScoreSheet.scorer_unit_id.in_(filler_units))
    if may[("unit_officer",)]:
        branches.insert(0, (ScoreSheet.scorer_kind == SheetKind.SELF)
                        & ScoreSheet.unit_id.in_(officer_units)
                        & ((ScoreSheet.scorer_user_id == user.id)
                           | ScoreSheet.scorer_unit_id.in_(filler_units)))
    stmt = (select(ScoreSheet).join(Campaign, Campaign.id == ScoreSheet.campaign_id)
            .join(Unit, Unit.id == ScoreSheet.unit_id)
            .where(Campaign.state == "published", or_(*branches)))
    if campaign_id is not None:
        stmt = stmt.where(ScoreSheet.campaign_id == campaign_id)
    if cluster_id is not None:
        stmt = stmt.where(ScoreSheet.cluster_id == cluster_id)
    if state in SheetState.values():
        stmt = stmt.where(ScoreSheet.state == state)
    if q:
        pattern = like_pattern(q)
        stmt = stmt.where(Unit.name_folded.like(pattern, escape="\\")
                          | func.lower(Unit.code).like(pattern, escape="\\"))
    return stmt


def waiting_page(user, per_page: int, campaign_id: int | None = None,
                 cluster_id: int | None = None, state: str | None = None, q: str = ""):
    """(a page of the sheets `fillable_sheets` selects — the `page` argument's —, [(id,
    title)] of the campaigns holding sheets for the user, [(id, name)] of the clusters of the
    chosen campaign): a fixed number of queries whatever the number of sheets."""
    from emulation.campaigns.models import Cluster
    from emulation.core.web import paginate

    campaigns = db.session.execute(
        select(Campaign.id, Campaign.title).where(Campaign.id.in_(
            fillable_sheets(user).with_only_columns(ScoreSheet.campaign_id).distinct()
            .scalar_subquery()))
        .order_by(Campaign.id)).all()
    if campaign_id not in {c.id for c in campaigns}:
        campaign_id = None
    clusters = db.session.execute(
        select(Cluster.id, Cluster.name).where(Cluster.campaign_id == campaign_id)
        .order_by(Cluster.name, Cluster.id)).all() if campaign_id is not None else []
    if cluster_id not in {c.id for c in clusters}:
        cluster_id = None
    page = paginate(fillable_sheets(user, campaign_id, cluster_id, state, q)
                    .options(selectinload(ScoreSheet.scorer_unit))
                    .order_by(ScoreSheet.campaign_id, ScoreSheet.scorer_kind, ScoreSheet.id),
                    per_page)
    return page, campaigns, clusters


def unit_breakdown(campaign: Campaign, unit: Unit) -> tuple[dict, dict]:
    """A unit's submitted sheets as averages per (criterion, kind), and how many of each kind."""
    sheets = db.session.scalars(select(ScoreSheet).where(
        ScoreSheet.campaign_id == campaign.id, ScoreSheet.unit_id == unit.id,
        ScoreSheet.state == "submitted").options(selectinload(ScoreSheet.scores))).all()
    averages = {}
    for criterion in campaign.criteria:
        for kind in SHEET_KINDS:
            values = [s.points for sh in sheets if sh.scorer_kind == kind for s in sh.scores
                      if s.criterion_id == criterion.id]
            if values:
                averages[(criterion.id, kind)] = sum(values) / len(values)
    counts = {k: sum(1 for s in sheets if s.scorer_kind == k) for k in SHEET_KINDS}
    return averages, counts


def sheet_evidence(campaign: Campaign, sheet: ScoreSheet) -> tuple[list, dict, dict]:
    """The scored unit's submitted reports, their lines by pledge item, and the files
    attached to those lines."""
    reports = db.session.scalars(select(Report).where(
        Report.campaign_id == campaign.id, Report.unit_id == sheet.unit_id,
        Report.state == "submitted")).all()
    rows: dict = {}
    for report in reports:
        for row in report.items:
            rows.setdefault(row.pledge_item_id, []).append((report.period, row))
    evidence = uploads.attachments_of("report_item", [r.id for rs in rows.values()
                                                      for _p, r in rs])
    return reports, rows, evidence


def units_of(rankings) -> dict[int, Unit]:
    """The units named in a ranking's rows, by id."""
    ids = {r.unit for cluster in rankings for r in cluster.rows}
    return {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}


class Unfillable(NamedTuple):
    """Sheets of one scorer that no account may fill (`unfillable`): `kind` (self, peer,
    council), `scorer` (the scoring unit, or the council scorer's account), `unit_id` (the
    scoring unit's id, None for a council scorer), `sheets` (how many not submitted) and
    `reason`, one of "no_account" (no active account serves the unit as FILLERS — unit
    officer or scorer — on it or above it), "conflict" (every such account belongs to or sits
    above the units it scores) or "inactive" (the council scorer's account is deactivated)."""

    kind: str
    scorer: str
    unit_id: int | None
    sheets: int
    reason: str


def unfillable(campaign: Campaign) -> list[Unfillable]:
    """The not-submitted sheets of the campaign that nobody can fill (`services.can_fill`
    for every active account, administrators left out), grouped by scorer, in the order of
    the scoring units' tree. Four queries whatever the number of sheets and accounts."""
    from emulation.auth.models import RoleGrant, User

    sheets = db.session.execute(
        select(ScoreSheet.scorer_kind, ScoreSheet.scorer_unit_id, ScoreSheet.unit_id,
               ScoreSheet.scorer_user_id)
        .where(ScoreSheet.campaign_id == campaign.id, ScoreSheet.state != "submitted")).all()
    if not sheets:
        return []
    unit_ids = {s.unit_id for s in sheets} | {s.scorer_unit_id for s in sheets
                                              if s.scorer_unit_id}
    units = {u.id: u for u in db.session.execute(
        select(Unit.id, Unit.path, Unit.name).where(Unit.id.in_(unit_ids)))}
    above = sorted({int(p) for u in units.values() for p in u.path.strip("/").split("/") if p})
    grants: dict[int, list[tuple[str, str]]] = {}  # user id → (role, unit path)
    for start in range(0, len(above), 500):
        for user_id, role, path in db.session.execute(
                select(RoleGrant.user_id, RoleGrant.role, Unit.path)
                .join(Unit, Unit.id == RoleGrant.unit_id)
                .join(User, User.id == RoleGrant.user_id)
                .where(RoleGrant.unit_id.in_(above[start:start + 500]),
                       RoleGrant.role.in_(services.BELONGING), User.active.is_(True))):
            grants.setdefault(user_id, []).append((role, path))
    council_users = {s.scorer_user_id for s in sheets if s.scorer_user_id}
    named = {u.id: (u.full_name or u.username, u.active) for u in db.session.execute(
        select(User.id, User.full_name, User.username, User.active)
        .where(User.id.in_(council_users)))} if council_users else {}

    def serving(path: str, roles) -> list[int]:
        return [uid for uid, held in grants.items()
                if any(r in roles and path.startswith(p) for r, p in held)]

    def free_of(uid: int, path: str) -> bool:  # neither belongs to nor sits above the unit
        return not any(path.startswith(p) for _r, p in grants[uid])

    found: dict[tuple, list] = {}  # (kind, scorer key) → [sheets, reason]
    cache: dict[tuple, list[int]] = {}
    for s in sheets:
        target = units[s.unit_id].path
        if s.scorer_kind == SheetKind.SELF:
            if serving(target, ("unit_officer",)):
                continue
            key, reason = (s.scorer_kind, s.unit_id), "no_account"
        elif s.scorer_kind == SheetKind.PEER:
            scorer = units[s.scorer_unit_id].path
            candidates = cache.setdefault((s.scorer_unit_id,), serving(
                scorer, services.FILLERS))
            if any(free_of(uid, target) for uid in candidates):
                continue
            key = (s.scorer_kind, s.scorer_unit_id)
            reason = "conflict" if candidates else "no_account"
        else:
            if named.get(s.scorer_user_id, ("", False))[1]:
                continue
            key, reason = (s.scorer_kind, -(s.scorer_user_id or 0)), "inactive"
        entry = found.setdefault(key, [0, reason])
        entry[0] += 1
        if reason == "no_account":
            entry[1] = "no_account"

    def scorer_of(key) -> tuple[str, int | None]:
        kind, ident = key
        if kind == SheetKind.COUNCIL:
            return named.get(-ident, ("—", False))[0], None
        return units[ident].name, ident

    rows = [Unfillable(key[0], *scorer_of(key), n, reason)
            for key, (n, reason) in found.items()]
    order = {k: i for i, k in enumerate((SheetKind.SELF, SheetKind.PEER, SheetKind.COUNCIL))}
    return sorted(rows, key=lambda r: (
        order.get(r.kind, 9), units[r.unit_id].path if r.unit_id else "", r.scorer))
