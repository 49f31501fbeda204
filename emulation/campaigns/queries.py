"""What the campaign pages read: the list and the hub's participants and clusters, each in a
bounded number of queries."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from emulation.campaigns.models import Campaign, CampaignParticipant, Cluster, ClusterMember
from emulation.campaigns.services import campaigns_query
from emulation.core import permissions as perms
from emulation.core.errors import ServiceError
from emulation.core.text import clean
from emulation.extensions import db
from emulation.org.models import Unit

PARTICIPANTS_SHOWN = 200  # a union-wide campaign has thousands: the rest are in the overview
PER_PAGE = 50


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
    clusters: list[Cluster]
    member_names: dict[int, list[str]] = field(default_factory=dict)


def hub(user, campaign: Campaign) -> Hub:
    taking_part = (select(Unit).join(CampaignParticipant, CampaignParticipant.unit_id == Unit.id)
                   .where(CampaignParticipant.campaign_id == campaign.id).order_by(Unit.path))
    participants = db.session.scalars(taking_part.limit(PARTICIPANTS_SHOWN)).all()
    participant_count = db.session.scalar(select(func.count()).select_from(
        CampaignParticipant).where(CampaignParticipant.campaign_id == campaign.id))
    my_units = db.session.scalars(taking_part.where(Unit.id.in_(
        perms.covered_unit_ids(user, ("unit_officer",)))).limit(5)).all()
    clusters = db.session.scalars(select(Cluster).where(Cluster.campaign_id == campaign.id)
                                  .options(joinedload(Cluster.leader),
                                           joinedload(Cluster.deputy))
                                  .order_by(Cluster.id)).unique().all()
    member_names: dict[int, list[str]] = {}
    for cluster_id, name in db.session.execute(  # names only: no ORM object per member
            select(ClusterMember.cluster_id, Unit.name)
            .join(Unit, Unit.id == ClusterMember.unit_id)
            .where(ClusterMember.campaign_id == campaign.id).order_by(Unit.path)):
        member_names.setdefault(cluster_id, []).append(name)
    return Hub(list(participants), participant_count, list(my_units), list(clusters),
               member_names)


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
