"""What a picker finds: people, units and accounts matching a typed text, without diacritics,
limited to what the user may see and to `LIMIT` results. The people and unit searches are the
ones of the people list and the unit tree (org.services), so both search alike."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from emulation.auth.models import RoleGrant, User
from emulation.campaigns import services as campaigns
from emulation.campaigns.models import CampaignParticipant
from emulation.core import permissions as perms
from emulation.core.text import clean, fold, has_unstorable
from emulation.extensions import db
from emulation.org import services as org
from emulation.org.models import Person, Unit

LIMIT = 20
QUERY_MAX = 100
# accounts read to filter by folded name: an organiser's branch holds far fewer
USER_SCAN = 5000


@dataclass(frozen=True)
class Choice:
    """One match: the id, the code a form takes, and what the user reads."""

    id: int
    code: str
    label: str
    detail: str

    def as_json(self) -> dict:
        return {"id": self.id, "code": self.code, "label": self.label, "detail": self.detail}


def people(user, q: str, unit: Unit | None = None) -> list[Choice]:
    """People the user may see (in `unit`'s subtree when given), matching `q` on folded
    name or code: full name, then unit."""
    stmt = org.people_query(user, clean(q)[:QUERY_MAX], unit=unit).limit(LIMIT)
    return [Choice(p.id, p.code, p.full_name, f"{p.unit.name} · {p.code}")
            for p in db.session.scalars(stmt)]


def units(user, q: str, campaign=None) -> list[Choice]:
    """Units the user may see matching `q` on folded name or code; with a campaign the user
    organises, its participating units instead (the units its forms take)."""
    q = clean(q)[:QUERY_MAX]
    if campaign is None:
        stmt = org.units_query(user, q)
    else:
        stmt = org.units_query(perms.SYSTEM, q, include_inactive=True).where(
            Unit.id.in_(select(CampaignParticipant.unit_id).where(
                CampaignParticipant.campaign_id == campaign.id)))
    return [Choice(u.id, u.code, u.name, u.code) for u in db.session.scalars(stmt.limit(LIMIT))]


def managed_campaign(user, campaign_id: int):
    """The campaign if the user organises it, else None."""
    return campaigns.managed_campaign(user, {"campaign_id": campaign_id})


def users(user, q: str, role: str | None = None) -> list[Choice]:
    """Active accounts an organiser may name (scorers, council members): for an admin every
    account, for an organiser those holding a grant (of `role`, when given) in their branch.
    Matched on folded full name or user name."""
    stmt = _users_in_reach(user, role).where(User.active.is_(True))
    needle = fold(q[:QUERY_MAX])
    found = []
    for account in db.session.scalars(stmt.order_by(User.full_name, User.username)
                                      .limit(USER_SCAN)):
        if needle in fold(account.full_name) or needle in fold(account.username):
            found.append(Choice(account.id, account.username, account.display_name,
                                account.username))
            if len(found) == LIMIT:
                break
    return found


def split_codes(text) -> list[str]:
    """Codes as a list field holds them: one per line or separated by commas (the way
    campaigns.queries.unit_ids reads them)."""
    return [c for c in re.split(r"[\s,;]+", clean(text or "")) if c]


def labels(user, kind: str, codes: list[str]) -> dict[str, str]:
    """code → name of the records named by `codes` that the user may see (a form sent back
    shows names, never a name the user could not find by searching). A code holding a
    character no field keeps (a refused form sent back with a NUL byte) names nothing and is
    never sent to the database, which would refuse it (PostgreSQL: no NUL in text)."""
    codes = [c for c in codes if c and not has_unstorable(c)][:500]
    if not codes:
        return {}
    if kind == "people":
        stmt = org.people_query(user, include_inactive=True).where(Person.code.in_(codes))
        return {p.code: p.full_name for p in db.session.scalars(stmt)}
    if kind == "units":
        stmt = org.units_query(user, include_inactive=True).where(Unit.code.in_(codes))
        return {u.code: u.name for u in db.session.scalars(stmt)}
    lowered = [c.lower() for c in codes]
    return {u.username: u.display_name
            for u in db.session.scalars(_users_in_reach(user).where(User.username.in_(lowered)))}


def user_in_reach(user, username: str):
    """The active account named `username` that `user` may name (an admin: any; an
    organiser: those holding a grant in their branch), or None — the same answer whether the
    account does not exist or lies outside the reach, so a form cannot be used to learn which
    user names exist."""
    name = clean(username or "").lower()
    if not name or has_unstorable(name):
        return None
    return db.session.scalar(_users_in_reach(user).where(User.username == name,
                                                         User.active.is_(True)))


def _users_in_reach(user, role: str | None = None):
    """Accounts an admin (all) or an organiser (grants in their branch) may name."""
    stmt = select(User)
    if not user.is_admin or role:
        grants = select(RoleGrant.user_id).join(Unit, Unit.id == RoleGrant.unit_id)
        if not user.is_admin:
            grants = grants.where(perms.unit_condition(user, perms.MANAGE_UNITS))
        if role:
            grants = grants.where(RoleGrant.role == role)
        stmt = stmt.where(User.id.in_(grants))
    return stmt
