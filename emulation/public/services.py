"""Public pages: their switches (site settings), the public honour roll (bảng vàng công khai)
and the eligibility self-check (tự kiểm tra tiêu chuẩn), which judges a record typed by a
visitor with the eligibility engine and stores nothing."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import aliased

from emulation.awards.catalogue.models import AwardType
from emulation.awards.decisions.models import Decision, DecisionItem
from emulation.awards.eligibility import engine
from emulation.awards.eligibility import services as eligibility
from emulation.awards.records.enums import AppraisalLevel, DisciplineLevel, InitiativeScope
from emulation.awards.records.models import AwardRecord
from emulation.core import search, settings
from emulation.core.errors import StaleRecord
from emulation.extensions import db
from emulation.org.models import Person, Unit

HONOUR_ROLL = "public.honour_roll"
SELF_CHECK = "public.self_check"
DEFAULTS = {HONOUR_ROLL: False, SELF_CHECK: False}  # off until an administrator turns them on
ROLL_PER_PAGE = 50
CHECK_YEARS = 10  # the self-check's record covers the year checked and the 9 before it
MAX_INITIATIVES = 20  # per year and scope: more is a typing error


def switches() -> dict[str, bool]:
    return {key: bool(value) for key, value in settings.get_many(DEFAULTS).items()}


def enabled(key: str) -> bool:
    return bool(settings.get(key, DEFAULTS[key]))


def shown(found: dict[str, bool]) -> str:
    """The switches as one token ("10"), in the order of DEFAULTS: what a page showed."""
    return "".join("1" if found[key] else "0" for key in DEFAULTS)


def set_switches(actor, values: dict[str, bool], as_shown: str | None = None) -> dict:
    """Turn the public pages on or off (administrators; audited as `settings.change`).
    `as_shown`: the switches as the administrator's page showed them (`shown`); StaleRecord
    when they changed since."""
    if as_shown is not None and as_shown != shown(switches()):
        raise StaleRecord(_("Another administrator changed the public pages after this page "
                            "was loaded. Here they are as they are now; choose again."))
    return settings.put(actor, {k: bool(v) for k, v in values.items() if k in DEFAULTS},
                        DEFAULTS)


# --- the public honour roll ---------------------------------------------------------------

@dataclass(frozen=True)
class RollRow:
    """What the public roll shows of an award, and nothing more personal."""

    year: int
    award: str
    name: str
    unit: str
    decision_number: str
    decision_date: date | None


def roll_query(q: str = "", year: int | None = None):
    """Awards in force (not revoked): year, award name, the person's or collective's name, the
    unit the award counts for, the decision's number and date (when the decision was issued
    here). `q` matches the folded name of the person or collective (no accents needed)."""
    counted = aliased(Unit)
    subject_unit = aliased(Unit)
    issued = (select(DecisionItem.award_record_id, func.max(Decision.signed_on).label("signed_on"))
              .join(Decision, Decision.id == DecisionItem.decision_id)
              .where(Decision.state == "issued", DecisionItem.award_record_id.is_not(None))
              .group_by(DecisionItem.award_record_id).subquery())
    stmt = (select(AwardRecord.year, func.coalesce(AwardType.name, AwardRecord.award_code),
                   func.coalesce(Person.full_name, subject_unit.name),
                   func.coalesce(counted.name, ""), AwardRecord.decision_number,
                   issued.c.signed_on)
            .outerjoin(AwardType, AwardType.code == AwardRecord.award_code)
            .outerjoin(Person, Person.id == AwardRecord.person_id)
            .outerjoin(subject_unit, subject_unit.id == AwardRecord.unit_id)
            .outerjoin(counted, counted.id == AwardRecord.counted_unit_id)
            .outerjoin(issued, issued.c.award_record_id == AwardRecord.id)
            .where(AwardRecord.revoked.is_(False)))
    if year:
        stmt = stmt.where(AwardRecord.year == year)
    if q:
        stmt = stmt.where(or_(and_(AwardRecord.person_id.is_not(None),
                                   search.matches(Person, q, codes=False)),
                              and_(AwardRecord.unit_id.is_not(None),
                                   search.matches(subject_unit, q, codes=False))))
    return stmt.order_by(AwardRecord.year.desc(), AwardRecord.award_code, AwardRecord.id)


def roll_rows(items) -> list[RollRow]:
    """A page of `roll_query`'s rows (read by key, `core.web.keyset`) as RollRows."""
    return [RollRow(*row) for row in items]


# --- the eligibility self-check -----------------------------------------------------------

def checkable_awards() -> list[AwardType]:
    """Individual awards with rules a visitor can check (active, taking individuals)."""
    awards = db.session.scalars(select(AwardType).where(
        AwardType.active.is_(True), AwardType.subject.in_(("individual", "both")))
        .order_by(AwardType.id)).all()
    return [a for a in awards if a.rules]


def check_years(year: int) -> list[int]:
    return list(range(year - CHECK_YEARS + 1, year + 1))


def parse_record(form, year: int, award_codes: set[str]) -> tuple[engine.Records, list[str]]:
    """An individual's record from the self-check form (`form`: a mapping of lists, such as
    request.form): per year `appraisal-Y`, `award-Y` (codes, repeated), `grassroots-Y`,
    `ministry-Y`, `national-Y` (numbers of recognised initiatives), `discipline-Y`. Returns
    the engine's Records and the errors, in words; nothing is stored."""
    errors: list[str] = []
    appraisals: dict[int, str] = {}
    awards: list[tuple] = []
    initiatives: list[tuple] = []
    disciplines: list[tuple] = []
    levels = {m.value for m in AppraisalLevel}
    discipline_levels = {m.value for m in DisciplineLevel}
    for y in check_years(year):
        level = (form.get(f"appraisal-{y}") or "").strip()
        if level:
            if level not in levels:
                errors.append(_("%(year)s: unknown appraisal.", year=y))
            else:
                appraisals[y] = level
        for code in form.getlist(f"award-{y}"):
            if code not in award_codes:
                errors.append(_("%(year)s: unknown award.", year=y))
            elif (code, y) not in awards:
                awards.append((code, y))
        for scope in InitiativeScope:
            raw = (form.get(f"{scope.value}-{y}") or "").strip()
            if not raw:
                continue
            if not raw.isdigit() or int(raw) > MAX_INITIATIVES:
                errors.append(_("%(year)s: the number of initiatives must be a whole number "
                                "from 0 to %(max)s.", year=y, max=MAX_INITIATIVES))
                continue
            initiatives += [(y, scope.value, False)] * int(raw)
        discipline = (form.get(f"discipline-{y}") or "").strip()
        if discipline:
            if discipline not in discipline_levels:
                errors.append(_("%(year)s: unknown discipline.", year=y))
            else:
                disciplines.append((discipline, date(y, 1, 1), date(y, 12, 31)))
    return engine.Records("individual", appraisals=appraisals, awards=tuple(awards),
                          initiatives=tuple(initiatives), disciplines=tuple(disciplines)), errors


def self_check(award: AwardType, records: engine.Records, year: int) -> engine.Verdict:
    """The verdict of the catalogue's rules in force for the year on a typed record: the same
    engine the nominations use, with nothing read of any person and nothing written."""
    return eligibility.judge(award, records, year)


def all_awards() -> list[AwardType]:
    """Every individual award type (what a typed record may name)."""
    return list(db.session.scalars(select(AwardType).where(
        AwardType.subject.in_(("individual", "both"))).order_by(AwardType.id)))


def held_awards(awards: list[AwardType] | None = None) -> list[AwardType]:
    """The individual awards some rule of the catalogue looks for (an earlier title or
    commendation): the only ones worth asking a visitor about."""
    awards = all_awards() if awards is None else awards
    wanted = " ".join(json.dumps(rule.params_data) for award in checkable_awards()
                      for rule in award.rules)
    return [a for a in awards if f'"{a.code}"' in wanted]


def public_links() -> dict[str, bool]:
    """Which public pages to link (only those turned on): read only where a link is shown.
    The error pages show it too: with the database down, no link (never a second error)."""
    try:
        found = switches()
    except SQLAlchemyError:
        return {"honours": False, "self_check": False}
    return {"honours": found[HONOUR_ROLL], "self_check": found[SELF_CHECK]}
