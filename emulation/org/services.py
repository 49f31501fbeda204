"""Operations on the unit tree and on people. Each checks permission, changes, audits."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select, update

from emulation.auth.models import RoleGrant
from emulation.core import audit, search
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
from emulation.core.models import utcnow
from emulation.core.text import clean, fold
from emulation.core.web import local_today
from emulation.extensions import db
from emulation.org.models import GENDERS, UNIT_KINDS, Person, Unit

UNIT_FIELDS = ("code", "name", "kind", "address", "active", "parent_id")
PERSON_FIELDS = ("code", "full_name", "gender", "birth_date", "birth_year", "position", "email",
                 "active", "unit_id")


# --- queries -------------------------------------------------------------------------------

def units_query(user, q: str = "", include_inactive: bool = False, parent_id: int | None = None):
    """Units the user may see, matching `q` on code or folded name (core.search), in tree
    order."""
    stmt = select(Unit).where(perms.unit_condition(user, perms.VIEW_UNITS))
    if not include_inactive:
        stmt = stmt.where(Unit.active.is_(True))
    if q:
        stmt = stmt.where(search.matches(Unit, q))
    if parent_id is not None:
        stmt = stmt.where(Unit.parent_id == parent_id)
    return stmt.order_by(Unit.path)


SMALL_SCOPE = 10_000
"""A search within at most this many people (active or not) reads them by unit and tests
each name (`core.search.matches(scan=True)`); a larger one goes by the trigram index."""


def people_query(user, q: str = "", unit: Unit | None = None, include_inactive: bool = False):
    """People of the units the user may see, matching `q` on code or folded name
    (core.search). A search within part of the tree (`unit`, or a user covering only some
    branches) first counts that part's people up to SMALL_SCOPE + 1 (one query, an index-only
    read): a small part is read by unit and each name tested, since PostgreSQL would
    otherwise intersect, unit by unit, the trigram index's matches over the whole table."""
    stmt = select(Person)
    units = []
    if not perms.covers_every_unit(user, perms.VIEW_PEOPLE):
        units.append(Person.unit_id.in_(perms.covered_unit_ids(user, perms.VIEW_PEOPLE)))
    if unit is not None:
        units.append(Person.unit_id.in_(
            select(Unit.id).where(Unit.path.startswith(unit.path, autoescape=True))))
    stmt = stmt.where(*units)
    if not include_inactive:
        stmt = stmt.where(Person.active.is_(True))
    if q:
        scan = bool(units) and _at_most(select(Person.id).where(*units), SMALL_SCOPE)
        stmt = stmt.where(search.matches(Person, q, scan=scan))
    return stmt.order_by(search.order_key(Person.sort_key, q), Person.id)


def _at_most(stmt, cap: int) -> bool:
    """Does `stmt` select at most `cap` rows? Reads at most cap + 1 of them."""
    return db.session.scalar(select(func.count()).select_from(
        stmt.limit(cap + 1).subquery())) <= cap


def get_unit_for(user, unit_id: int, roles=perms.VIEW_UNITS) -> Unit:
    """The unit if the user may see it; otherwise NotFound (never the data)."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or not perms.covers(user, unit, roles):
        raise NotFound(_("No such unit, or you may not see it."))
    return unit


def get_person_for(user, person_id: int, roles=perms.VIEW_PEOPLE) -> Person:
    person = db.session.get(Person, person_id)
    if person is None or not perms.covers(user, person.unit, roles):
        raise NotFound(_("No such person, or you may not see them."))
    return person


def visible_unit(user, unit_id: int | None, roles=perms.VIEW_UNITS) -> Unit | None:
    """The unit if there is one and the user covers it with `roles`, else None (a form's
    suggested value, never an error)."""
    unit = db.session.get(Unit, unit_id) if unit_id is not None else None
    return unit if unit is not None and perms.covers(user, unit, roles) else None


def parent_by_code(user, code: str | None) -> Unit | None:
    """The parent unit a form names by code, if the user may manage units under it; None
    when the field is empty. An unknown code and a unit out of the user's reach get the same
    answer, so a code typed here reveals nothing."""
    code = clean(code)
    if not code:
        return None
    return managed_unit_by_code(user, code, perms.MANAGE_UNITS)


def managed_unit_by_code(user, code: str, roles=perms.MANAGE_PEOPLE) -> Unit:
    """The unit a form names by code, if the user manages it with `roles`; an unknown code
    and a unit the user does not manage are refused with the same words (ServiceError)."""
    unit = unit_by_code(code)
    if unit is None or not perms.covers(user, unit, roles):
        raise ServiceError(_("No unit you manage has the code or name %(code)s.",
                             code=clean(code)))
    return unit


def children_of(unit: Unit) -> list[Unit]:
    """Direct sub-units, active first, by code."""
    return db.session.scalars(select(Unit).where(Unit.parent_id == unit.id)
                              .order_by(Unit.active.desc(), Unit.code)).all()


def ancestors_of(unit: Unit) -> list[Unit]:
    """The units above, from the root down."""
    return db.session.scalars(select(Unit).where(Unit.id.in_(unit.ancestor_ids))
                              .order_by(Unit.depth)).all()


def active_people_in(unit: Unit) -> int:
    """Active people directly in the unit (not its sub-units)."""
    return db.session.scalar(select(func.count(Person.id)).where(
        Person.unit_id == unit.id, Person.active.is_(True))) or 0


def active_unit_count(user) -> int:
    """Active units the user may see."""
    return db.session.scalar(select(func.count(Unit.id)).where(
        perms.unit_condition(user, perms.VIEW_UNITS), Unit.active.is_(True))) or 0


def active_people_count(user) -> int:
    """Active people of the units the user may see people of."""
    return db.session.scalar(select(func.count(Person.id)).where(
        Person.active.is_(True),
        Person.unit_id.in_(perms.covered_unit_ids(user, perms.VIEW_PEOPLE)))) or 0


def unit_choices(user, roles=perms.MANAGE_PEOPLE, limit: int = 500) -> list[Unit]:
    """Active units the user covers with `roles`, in tree order, at most `limit`."""
    return db.session.scalars(select(Unit).where(perms.unit_condition(user, roles),
                                                 Unit.active.is_(True))
                              .order_by(Unit.path).limit(limit)).all()


def unit_by_code(code: str) -> Unit | None:
    """The unit a form names: by its code, or — when the text is no unit's code but the full
    name of exactly one unit, accents optional (a picker typed into without its script) — by
    that name. None otherwise: a name several units share names none. Callers check the
    user's reach after, with the same words for a unit out of reach as for none."""
    text = clean(code)
    if not text:
        return None
    unit = db.session.scalar(select(Unit).where(Unit.code == text))
    if unit is None and " " in text:
        unit = only_one(select(Unit).where(Unit.name_folded == fold(text)[:255]))
    return unit


def person_by_code(user, code: str) -> Person | None:
    """The person a form names among those `user` may see: by code, or by the full name when
    exactly one person the user may see bears it (accents optional); else None."""
    text = clean(code)
    if not text:
        return None
    person = db.session.scalar(select(Person).where(Person.code == text))
    if person is None and " " in text:
        person = only_one(people_query(user, include_inactive=False)
                       .where(Person.name_folded == fold(text)[:150]))
    return person


def only_one(stmt):
    """The one row `stmt` finds, or None when it finds none or several."""
    found = db.session.scalars(stmt.limit(2)).all()
    return found[0] if len(found) == 1 else None


def unit_snapshot(unit: Unit) -> dict:
    return {f: getattr(unit, f) for f in UNIT_FIELDS}


def person_snapshot(person: Person) -> dict:
    return {f: getattr(person, f) for f in PERSON_FIELDS}


# --- units ---------------------------------------------------------------------------------

def create_unit(actor, *, code: str, name: str, parent: Unit | None, kind: str = "other",
                address: str = "") -> Unit:
    code, name = clean(code), clean(name)
    if parent is None:
        if not actor.is_admin:
            raise PermissionDenied(_("Only an administrator may create a top-level unit."))
    elif not perms.covers(actor, parent, perms.MANAGE_UNITS):
        raise PermissionDenied(_("You may not add units under %(name)s.", name=parent.name))
    _validate_unit_fields(code, name, kind)
    used = _("The unit code %(code)s is already used.", code=code)
    if unit_by_code(code) is not None:
        raise Conflict(used)
    if parent is not None and not parent.active:
        raise InvalidState(_("The parent unit is inactive."))
    unit = Unit(code=code, kind=kind, address=clean(address)[:255], parent=parent)
    unit.set_name(name)
    db.session.add(unit)
    with conflict_on_duplicate(used):  # the same code created at the same instant
        db.session.flush()
    unit.path = (parent.path if parent else "/") + f"{unit.id}/"
    unit.depth = parent.depth + 1 if parent else 0
    audit.record(db.session, actor=actor, action="unit.create", obj=unit,
                 summary=f"created unit {code}", after=unit_snapshot(unit),
                 params={"unit": unit.name})
    db.session.commit()
    return unit


def update_unit(actor, unit: Unit, *, version, name: str, kind: str, address: str) -> Unit:
    _require_manage_unit(actor, unit)
    check_version(unit, version)
    name = clean(name)
    _validate_unit_fields(unit.code, name, kind)
    before = unit_snapshot(unit)
    unit.set_name(name)
    unit.kind, unit.address = kind, clean(address)[:255]
    old, new = audit.diff(before, unit_snapshot(unit))
    if new:
        audit.record(db.session, actor=actor, action="unit.update", obj=unit,
                     summary=f"updated unit {unit.code}", before=old, after=new,
                     params={"unit": unit.name})
    db.session.commit()
    return unit


def move_unit(actor, unit: Unit, *, version, new_parent: Unit) -> Unit:
    """Move a unit (with its whole subtree) under another parent."""
    check_version(unit, version)
    if unit.parent is None or not perms.covers(actor, unit.parent, perms.MANAGE_UNITS):
        raise PermissionDenied(_("You may not move %(name)s.", name=unit.name))
    if not perms.covers(actor, new_parent, perms.MANAGE_UNITS):
        raise PermissionDenied(_("You may not move units under %(name)s.", name=new_parent.name))
    if new_parent.id == unit.id or new_parent.path.startswith(unit.path):
        raise InvalidState(_("A unit cannot be moved under itself or one of its sub-units."))
    if not new_parent.active:
        raise InvalidState(_("The parent unit is inactive."))
    if new_parent.id == unit.parent_id:
        return unit
    before = {"parent": unit.parent.code}
    unit.parent = new_parent
    db.session.flush()
    rebuild_paths()
    audit.record(db.session, actor=actor, action="unit.move", obj=unit,
                 summary=f"moved unit {unit.code} under {new_parent.code}",
                 before=before, after={"parent": new_parent.code},
                 params={"unit": unit.name, "parent": new_parent.name})
    db.session.commit()
    return unit


def set_unit_active(actor, unit: Unit, *, version, active: bool) -> Unit:
    _require_manage_unit(actor, unit)
    check_version(unit, version)
    if unit.active == active:
        return unit
    if not active:
        has_active_children = db.session.scalar(
            select(func.count(Unit.id)).where(Unit.parent_id == unit.id, Unit.active.is_(True)))
        if has_active_children:
            raise InvalidState(_("Deactivate the sub-units of %(name)s first.", name=unit.name))
    elif unit.parent is not None and not unit.parent.active:
        raise InvalidState(_("Activate the parent unit first."))
    unit.active = active
    audit.record(db.session, actor=actor, action="unit.activate" if active else "unit.deactivate",
                 obj=unit, summary=f"{'activated' if active else 'deactivated'} unit {unit.code}",
                 params={"unit": unit.name},
                 before={"active": not active}, after={"active": active})
    db.session.commit()
    return unit


def delete_unit(actor, unit: Unit) -> None:
    """Hard delete, only for a unit created by mistake: no sub-units, people or grants."""
    _require_manage_unit(actor, unit)
    if unit_has_history(unit):
        raise InvalidState(_("%(name)s has sub-units, people or role grants: it cannot be "
                             "deleted. Deactivate it instead.", name=unit.name))
    audit.record(db.session, actor=actor, action="unit.delete", obj=unit,
                 summary=f"deleted unit {unit.code}", before=unit_snapshot(unit),
                 params={"unit": unit.name})
    db.session.delete(unit)
    db.session.commit()


def unit_has_history(unit: Unit) -> bool:
    checks = (select(Unit.id).where(Unit.parent_id == unit.id),
              select(Person.id).where(Person.unit_id == unit.id),
              select(RoleGrant.id).where(RoleGrant.unit_id == unit.id))
    return any(db.session.scalar(c.limit(1)) is not None for c in checks)


def rebuild_paths() -> None:
    """Recompute `path` and `depth` of every unit from `parent_id` (after moves or imports).

    One query reads (id, parent_id); only rows whose path changed are written.
    """
    rows = db.session.execute(select(Unit.id, Unit.parent_id, Unit.path, Unit.depth)).all()
    children: dict[int | None, list[int]] = {}
    current = {}
    for uid, parent_id, path, depth in rows:
        children.setdefault(parent_id, []).append(uid)
        current[uid] = (path, depth)
    changes = []
    stack = [(uid, "/", 0) for uid in children.get(None, [])]
    while stack:
        uid, prefix, depth = stack.pop()
        path = f"{prefix}{uid}/"
        if current[uid] != (path, depth):
            changes.append({"b_id": uid, "b_path": path, "b_depth": depth})
        stack.extend((child, path, depth + 1) for child in children.get(uid, []))
    if changes:
        table = Unit.__table__
        db.session.execute(update(table).where(table.c.id == bindparam("b_id"))
                           .values(path=bindparam("b_path"), depth=bindparam("b_depth")),
                           changes)
        for obj in list(db.session.identity_map.values()):
            if isinstance(obj, Unit):
                db.session.expire(obj, ["path", "depth"])


def _require_manage_unit(actor, unit: Unit) -> None:
    if not perms.covers(actor, unit, perms.MANAGE_UNITS):
        raise PermissionDenied(_("You may not change %(name)s.", name=unit.name))


def _validate_unit_fields(code: str, name: str, kind: str) -> None:
    if not code:
        raise ServiceError(_("A unit code is required."))
    if len(code) > 40:
        raise ServiceError(_("The unit code is longer than %(n)d characters.", n=40))
    if not name:
        raise ServiceError(_("A unit name is required."))
    if len(name) > 255:
        raise ServiceError(_("The unit name is longer than %(n)d characters.", n=255))
    if kind not in UNIT_KINDS:
        raise ServiceError(_("Unknown kind of unit."))


# --- people --------------------------------------------------------------------------------

def create_person(actor, *, code: str, full_name: str, unit: Unit, gender: str | None = None,
                  birth_date: date | None = None, position: str = "", email: str = "",
                  birth_year: int | None = None) -> Person:
    """A new person; `birth_year` alone when only the year of birth is known (with a
    `birth_date` it must be that date's year, and is taken from it when left out)."""
    _require_manage_people(actor, unit)
    code = clean(code)
    fields = _person_fields(full_name, gender, birth_date, position, email, birth_year)
    _validate_person_code(code)
    used = _("The person code %(code)s is already used.", code=code)
    if db.session.scalar(select(Person.id).where(Person.code == code)) is not None:
        raise Conflict(used)
    if not unit.active:
        raise InvalidState(_("The unit %(name)s is inactive.", name=unit.name))
    person = Person(code=code, unit=unit, **{k: v for k, v in fields.items() if k != "full_name"})
    person.set_name(fields["full_name"])
    db.session.add(person)
    with conflict_on_duplicate(used):  # the same code created at the same instant
        db.session.flush()
    audit.record(db.session, actor=actor, action="person.create", obj=person,
                 summary=f"created person {code}", after=person_snapshot(person),
                 params={"person": person.full_name})
    db.session.commit()
    return person


def update_person(actor, person: Person, *, version, full_name: str, unit: Unit,
                  gender: str | None, birth_date: date | None, position: str,
                  email: str, birth_year: int | None = None) -> Person:
    """Change a person (see create_person for `birth_year`)."""
    _require_manage_people(actor, person.unit)
    if unit.id != person.unit_id:
        _require_manage_people(actor, unit)
        if not unit.active:
            raise InvalidState(_("The unit %(name)s is inactive.", name=unit.name))
    check_version(person, version)
    fields = _person_fields(full_name, gender, birth_date, position, email, birth_year)
    before = person_snapshot(person)
    person.set_name(fields.pop("full_name"))
    for key, value in fields.items():
        setattr(person, key, value)
    if unit.id != person.unit_id:
        person.unit_changed_at = utcnow()
    person.unit = unit
    old, new = audit.diff(before, person_snapshot(person))
    if new:
        audit.record(db.session, actor=actor, action="person.update", obj=person,
                     summary=f"updated person {person.code}", before=old, after=new,
                     params={"person": person.full_name})
    db.session.commit()
    return person


def set_person_active(actor, person: Person, *, version, active: bool) -> Person:
    _require_manage_people(actor, person.unit)
    check_version(person, version)
    if person.active != active:
        person.active = active
        audit.record(db.session, actor=actor,
                     action="person.activate" if active else "person.deactivate", obj=person,
                     summary=f"{'activated' if active else 'deactivated'} person {person.code}",
                     params={"person": person.full_name},
                     before={"active": not active}, after={"active": active})
        db.session.commit()
    return person


def _require_manage_people(actor, unit: Unit) -> None:
    if not perms.covers(actor, unit, perms.MANAGE_PEOPLE):
        raise PermissionDenied(_("You may not manage the people of %(name)s.", name=unit.name))


def _validate_person_code(code: str) -> None:
    if not code:
        raise ServiceError(_("A person code is required."))
    if len(code) > 40:
        raise ServiceError(_("The person code is longer than %(n)d characters.", n=40))


def _person_fields(full_name, gender, birth_date, position, email, birth_year=None) -> dict:
    full_name = clean(full_name)
    if not full_name:
        raise ServiceError(_("A full name is required."))
    if len(full_name) > 150:
        raise ServiceError(_("The full name is longer than %(n)d characters.", n=150))
    if gender not in (None, "", *GENDERS):
        raise ServiceError(_("Unknown gender."))
    if birth_date is not None and not (date(1900, 1, 1) <= birth_date <= local_today()):
        raise ServiceError(_("The date of birth is not plausible."))
    if birth_date is not None:
        if birth_year is not None and birth_year != birth_date.year:
            raise ServiceError(_("The year of birth is not the year of the date of birth."))
        birth_year = birth_date.year
    elif birth_year is not None and not 1900 <= birth_year <= local_today().year:
        raise ServiceError(_("The year of birth is not plausible."))
    return {"full_name": full_name, "gender": gender or None, "birth_date": birth_date,
            "birth_year": birth_year,
            "position": clean(position)[:150], "email": clean(email)[:254]}

