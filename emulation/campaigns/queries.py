"""What the campaign pages read: the list and the hub's participants and clusters, each in a
bounded number of queries."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from emulation.campaigns.models import Campaign, CampaignParticipant, Cluster, ClusterMember
from emulation.campaigns.services import campaigns_query, can_follow, can_manage
from emulation.core import counting
from emulation.core import permissions as perms
from emulation.core.counting import CappedPagination
from emulation.core.errors import ServiceError
from emulation.core.text import clean
from emulation.extensions import db
from emulation.org.models import Unit

PARTICIPANTS_SHOWN = 200  # a union-wide campaign has thousands: the rest are in the overview
PER_PAGE = 50
CLUSTERS_PER_PAGE = 20  # a union-wide campaign has hundreds of clusters: a page at a time


def campaign_list(user, state: str | None, year: int | None, page: int):
    """One page of the campaigns the user may see."""
    return db.paginate(campaigns_query(user, state, year), page=page, per_page=PER_PAGE,
                       error_out=False)


@dataclass
class Hub:
    """What the campaign page shows beyond the campaign itself."""

    participants: list[Unit]
    participant_count: int
    my_units: list[Unit]
    clusters: list[Cluster]  # the page's (`cluster_pages`)
    cluster_pages: CappedPagination | None = None
    # cluster id → (members, members that signed the compact) of the page's clusters: one
    # aggregate query
    member_counts: dict[int, tuple[int, int]] = field(default_factory=dict)
    # cluster id → (unit id, unit name, signed by, signed at) of the user's own units among
    # its members (they sign its compact here; every member is on the cluster's page)
    members: dict[int, list[tuple]] = field(default_factory=dict)
    answers: list[Campaign] = field(default_factory=list)  # campaigns answering this one
    follows_branch: bool = False  # an organiser of a branch (not of the issuing unit)


def hub(user, campaign: Campaign, cluster_page: int = 1) -> Hub:
    """What the campaign page shows for `user`: the first participants, the user's own
    units among them, page `cluster_page` of the clusters (CLUSTERS_PER_PAGE, in the order
    they were made) with their member counts, the campaigns answering it — a fixed number of
    queries, whatever the number of participants and clusters."""
    taking_part = (select(Unit).join(CampaignParticipant, CampaignParticipant.unit_id == Unit.id)
                   .where(CampaignParticipant.campaign_id == campaign.id).order_by(Unit.path))
    participants = db.session.scalars(taking_part.limit(PARTICIPANTS_SHOWN)).all()
    participant_count = db.session.scalar(select(func.count()).select_from(
        CampaignParticipant).where(CampaignParticipant.campaign_id == campaign.id))
    my_units = db.session.scalars(taking_part.where(Unit.id.in_(
        perms.covered_unit_ids(user, ("unit_officer",)))).limit(5)).all()
    cluster_pages = counting.paginate(
        select(Cluster).where(Cluster.campaign_id == campaign.id)
        .options(joinedload(Cluster.leader), joinedload(Cluster.deputy)).order_by(Cluster.id),
        cluster_page, CLUSTERS_PER_PAGE)
    clusters = cluster_pages.items
    member_counts = {cluster_id: (n, signed or 0) for cluster_id, n, signed in
                     db.session.execute(
                         select(ClusterMember.cluster_id, func.count(),
                                func.count(ClusterMember.compact_signed_at))
                         .where(ClusterMember.campaign_id == campaign.id,
                                ClusterMember.cluster_id.in_([c.id for c in clusters]))
                         .group_by(ClusterMember.cluster_id))}
    members: dict[int, list[tuple]] = {}
    if my_units:
        for cluster_id, unit_id, name, signed_by, signed_at in db.session.execute(
                select(ClusterMember.cluster_id, Unit.id, Unit.name,
                       ClusterMember.compact_signed_by, ClusterMember.compact_signed_at)
                .join(Unit, Unit.id == ClusterMember.unit_id)
                .where(ClusterMember.campaign_id == campaign.id,
                       ClusterMember.unit_id.in_([u.id for u in my_units]))
                .order_by(Unit.path)):
            members.setdefault(cluster_id, []).append((unit_id, name, signed_by, signed_at))
    return Hub(list(participants), participant_count, list(my_units), list(clusters),
               cluster_pages, member_counts, members, answering(user, campaign),
               not can_manage(user, campaign) and can_follow(user, campaign))


def cluster_members(cluster: Cluster, per_page: int = PER_PAGE):
    """One page (`?page=`) of the cluster's members: rows (unit id, name, code, signed by,
    signed at), in tree order."""
    from emulation.core.web import paginate_rows

    return paginate_rows(
        select(Unit.id, Unit.name, Unit.code, ClusterMember.compact_signed_by,
               ClusterMember.compact_signed_at)
        .join(ClusterMember, ClusterMember.unit_id == Unit.id)
        .where(ClusterMember.cluster_id == cluster.id).order_by(Unit.path), per_page)


def answering(user, campaign: Campaign, among=None, limit: int = 500) -> list[Campaign]:
    """Published or closed campaigns that answer (hưởng ứng) this one and that the user may
    see — of the units the unit-id query `among` selects, when given (a branch)."""
    stmt = campaigns_query(user).where(Campaign.parent_campaign_id == campaign.id,
                                       Campaign.state != "draft")
    if among is not None:
        stmt = stmt.where(Campaign.issuing_unit_id.in_(among))
    return list(db.session.scalars(stmt.limit(limit)))


def unit_ids(text: str | None, within: Unit) -> list[int]:
    """The ids of units inside `within`'s tree given by their codes (one per line or
    separated by commas), in the order given; an unknown code refuses the whole list, and so
    does a code of a unit outside the tree, with the same words (its existence unsaid)."""
    codes = [c for c in re.split(r"[\s,;]+", clean(text or "")) if c]
    if not codes:
        return []
    found = dict(db.session.execute(select(Unit.code, Unit.id).where(
        Unit.code.in_(codes), Unit.path.startswith(within.path, autoescape=True))).all())
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ServiceError(_("Unknown unit codes: %(codes)s.", codes=", ".join(unknown[:20])))
    return [found[c] for c in codes]


def one_unit_id(code: str | None, within: Unit) -> int | None:
    """`unit_ids` of one code; None when the field is empty."""
    ids = unit_ids(code, within)
    return ids[0] if ids else None
