"""Token operations: create (the secret is returned once), revoke, and authenticate a request."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import contains_eager, selectinload

from emulation.api.models import ApiToken
from emulation.auth.models import User
from emulation.awards.catalogue.models import AwardRule, AwardType
from emulation.awards.eligibility import engine
from emulation.campaigns.models import ReportPeriod
from emulation.core import audit
from emulation.core.errors import InvalidState, NotFound, PermissionDenied, ServiceError
from emulation.core.keyset import COUNT_CAP, BadCursor, keyset_page
from emulation.core.models import utcnow
from emulation.core.text import clean
from emulation.extensions import db
from emulation.pledges.reports import report_of
from emulation.pledges.services import pledge_of

PREFIX = "td_"


def create_token(actor, user, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`, valid `days` days (API_TOKEN_DAYS by default, at most
    API_TOKEN_MAX_DAYS); returns (record, secret). The secret is never stored. The token
    ends with the account's next security event (its session version)."""
    if getattr(actor, "id", None) != user.id and not actor.is_admin:
        raise PermissionDenied(_("Only an administrator may do this."))
    name = clean(name)
    if not name:
        raise ServiceError(_("Give the token a name."))
    if len(name) > 100:
        raise ServiceError(_("The name is longer than %(n)d characters.", n=100))
    longest = current_app.config["API_TOKEN_MAX_DAYS"]
    days = min(current_app.config["API_TOKEN_DAYS"], longest) if days is None else days
    if not 1 <= days <= longest:
        raise ServiceError(_("A token is valid for 1 to %(n)s days.", n=format_decimal(longest)))
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, prefix=secret[:10], token_hash=_hash(secret),
                     expires_at=utcnow() + timedelta(days=days),
                     session_version=user.session_version)
    db.session.add(token)
    db.session.flush()
    audit.record(db.session, actor=actor, action="token.create", obj=token,
                 summary=f"API token {name} for {user.username}, {days} days",
                 after={"prefix": token.prefix, "expires_at": token.expires_at},
                 params={"name": name, "user": user.display_name, "days": days})
    db.session.commit()
    return token, secret


def revoke_token(actor, token: ApiToken) -> None:
    if actor.id != token.user_id and not actor.is_admin:
        raise PermissionDenied(_("Only an administrator may do this."))
    if token.revoked_at is not None:
        raise InvalidState(_("This token is already revoked."))
    token.revoked_at = utcnow()
    audit.record(db.session, actor=actor, action="token.revoke", obj=token,
                 summary=f"API token {token.name} of {token.user.username} revoked",
                 params={"name": token.name, "user": token.user.display_name})
    db.session.commit()


def tokens_of(user) -> list[ApiToken]:
    """A user's tokens, newest first (revoked ones included, marked so)."""
    return db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                              .order_by(ApiToken.id.desc())).all()


def token_for(user, token_id: int) -> ApiToken:
    """A token its owner (or an administrator) may act on."""
    token = db.session.get(ApiToken, token_id)
    if token is None or (token.user_id != user.id and not user.is_admin):
        raise NotFound(_("No such token."))
    return token


def user_for(secret: str):
    """The active user a bearer secret belongs to, or None: the token is not revoked, not
    expired, and was made under the account's current session version."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    now = utcnow()
    token = db.session.scalar(select(ApiToken).join(ApiToken.user).where(
        ApiToken.token_hash == _hash(secret), ApiToken.revoked_at.is_(None),
        ApiToken.expires_at > now, ApiToken.session_version == User.session_version,
        User.active.is_(True)).options(contains_eager(ApiToken.user)))
    if token is None:
        return None
    db.session.execute(update(ApiToken).where(ApiToken.id == token.id)
                       .values(last_used_at=now))
    db.session.commit()
    return token.user


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def records_from_subject(subject: dict) -> engine.Records:
    """The engine's input from the eligibility request's `subject` (already validated)."""
    members = None
    if subject["members"] is not None:
        m = subject["members"]
        members = engine.MemberStats(m["total"], m["completed_tasks"],
                                     {"LDTT": m["ldtt"], "CSTDCS": m["cstdcs"]},
                                     {"canh_cao": m["disciplined"]})
    return engine.Records(
        subject["kind"], {int(y): v for y, v in subject["appraisals"].items()},
        tuple((a["code"], a["year"], a["kind"]) for a in subject["awards"]),
        tuple((i["year"], i["scope"], i["research"], i["used_for"], i["used_for_year"])
              if i["used_for"] else (i["year"], i["scope"], i["research"])
              for i in subject["initiatives"]),
        tuple((d["level"], d["start"], d["end"]) for d in subject["disciplines"]),
        members, subject["rank"])


def _by_number(numbers, known: dict, message) -> list:
    unknown = sorted({n for n in numbers if n not in known})
    if unknown:
        raise ServiceError(message(", ".join(map(str, unknown))))
    return [known[n] for n in numbers]


def pledge_entries(campaign, items: list[dict]) -> dict:
    """The pledge service's entries (movement id → texts) from the API's items, which name
    movements by their number in the directive."""
    movements = _by_number([i["movement_number"] for i in items],
                           {m.number: m for m in campaign.movements},
                           lambda n: _("The campaign has no movement numbered %(n)s.", n=n))
    return {m.id: {k: item[k] for k in ("commitment", "indicator", "unit_of_measure",
                                                 "target_value")}
            for m, item in zip(movements, items, strict=True)}


def report_entries(pledge, items: list[dict]) -> dict:
    """The report service's entries (pledge item id → texts) from the API's items, which name
    the pledged movements by number."""
    pledged = {i.movement.number: i for i in (pledge.items if pledge else [])}
    rows = _by_number([i["movement_number"] for i in items], pledged,
                      lambda n: _("The pledge has no commitment for movement %(n)s.", n=n))
    return {row.id: {k: item[k] for k in ("achieved_value", "progress_pct",
                                                   "narrative")}
            for row, item in zip(rows, items, strict=True)}


# --- reads of the API's handlers ----------------------------------------------------------------

def page_of(stmt, args: dict) -> dict:
    """One page of a statement's rows as the API's list envelope (`schemas.page_of`): read by
    key after `args["cursor"]`, else by number (`args["page"]`); counted up to COUNT_CAP
    (`total` null beyond). `next` / `previous` are the addresses of this request with the
    other page's cursor (every other argument kept). A cursor not made for this list: 400
    with a translated detail."""
    try:
        result = keyset_page(db.session, stmt, args["per_page"], cursor=args.get("cursor"),
                             page=1 if args.get("cursor") else args["page"],
                             count_cap=COUNT_CAP)
    except BadCursor:
        raise ServiceError(_("This cursor is not valid for this list (it may have been cut "
                             "short): start again without it.")) from None
    return {"items": result.items, "total": None if result.total_capped else result.total,
            "page": result.page, "per_page": args["per_page"],
            "next": _link(result.next_cursor), "previous": _link(result.prev_cursor),
            "next_cursor": result.next_cursor, "previous_cursor": result.prev_cursor}


def _link(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    args = {k: v for k, v in request.args.to_dict(flat=False).items()
            if k not in ("cursor", "page")}
    return url_for(request.endpoint, _external=True, **(request.view_args or {}), **args,
                   cursor=cursor)


def link_header(envelope: dict) -> dict:
    """The `Link` header (RFC 8288) of a list envelope's next / previous pages ({} at none)."""
    links = [f'<{envelope[rel]}>; rel="{rel if rel == "next" else "prev"}"'
             for rel in ("next", "previous") if envelope[rel]]
    return {"Link": ", ".join(links)} if links else {}


def pledge_for(campaign, unit):
    """The unit's pledge for the campaign; NotFound before its first save."""
    pledge = pledge_of(campaign, unit)
    if pledge is None:
        raise NotFound(_("This unit has not started its pledge yet."))
    return pledge


def period_of(campaign, period_id: int, unit=None):
    """One of the campaign's report periods (asked of `unit`, when given)."""
    period = db.session.get(ReportPeriod, period_id)
    if period is None or period.campaign_id != campaign.id or (
            unit is not None and not period.concerns(unit.id)):
        raise NotFound(_("No such report period."))
    return period


def report_for(unit, period):
    """The unit's report for the period; NotFound before its first save."""
    report = report_of(unit, period)
    if report is None:
        raise NotFound(_("No report for this period yet."))
    return report


def active_award_types() -> list:
    """The award catalogue's active types, by id."""
    return db.session.scalars(select(AwardType).where(AwardType.active.is_(True))
                              .order_by(AwardType.id)
                              .options(selectinload(AwardType.rules)
                                       .joinedload(AwardRule.rule_set),
                                       selectinload(AwardType.quotas))).all()
