"""Import of units and people from .xlsx/.csv: all-or-nothing, row-by-row errors, by code.

The import format is also the template and the export format (same headers).
"""
from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import bindparam, insert, select, update

from emulation.core import audit
from emulation.core import permissions as perms
from emulation.core.audit import AuditEvent
from emulation.core.errors import StaleRecord
from emulation.core.formatting import fmt_date
from emulation.core.models import utcnow
from emulation.core.tabular import (
    PREVIEW_ROWS,
    Column,
    Conversion,
    ImportResult,
    Row,
    RowError,
    text_value,
)
from emulation.core.text import EMAIL_PATTERN
from emulation.core.vocabulary import HEADERS, SEX, UNIT_KIND, lookup, parse_date, strip_name_prefix
from emulation.extensions import db
from emulation.org.models import GENDER_WORDS_VI, KIND_WORDS_VI, Person, Unit
from emulation.org.services import person_snapshot, rebuild_paths, unit_snapshot


def _column(key: str, concept: str, required: bool = True, split=None) -> Column:
    """A column whose header and office synonyms are `vocabulary.HEADERS[concept]`."""
    header, *aliases = HEADERS[concept]
    return Column(key, header, required=required, aliases=tuple(aliases), split=split)


UNIT_COLUMNS = [
    _column("code", "unit_code"),
    _column("name", "unit_name"),
    _column("parent_code", "parent_code"),
    _column("kind", "unit_kind", required=False),
    _column("address", "address", required=False),
]
PEOPLE_COLUMNS = [
    _column("code", "person_code"),
    _column("full_name", "full_name"),
    _column("gender", "gender"),
    # "Ngày sinh" over "Nam | Nữ": the date under the person's sex (a common office form)
    _column("birth_date", "birth", split=("gender", ("Nam", "Nữ"))),
    _column("position", "position"),
    _column("unit_code", "unit_code"),
    _column("email", "email", required=False),
]
_EMAIL = re.compile(EMAIL_PATTERN)
_CHUNK = 900


def import_units(actor, rows: list[Row], on_progress=None, dry_run: bool = False
                 ) -> ImportResult:
    """All-or-nothing. With `dry_run` nothing is written: the result holds every row error
    and the preview (the first rows as they would be stored)."""
    result = ImportResult()
    parsed = _parse_unique(rows, _parse_unit_row, result, lambda code, first: _(
        "the unit code %(code)s appears more than once in the file (first at row %(first)d)",
        code=code, first=first))

    codes = set(parsed) | {i["parent_code"] for i in parsed.values() if i["parent_code"]}
    existing = _load_by_code(Unit, codes)
    tree = _TreeView(existing)
    for code, item in parsed.items():
        tree.set_parent(code, item["parent_code"])
    grant_codes = _grant_unit_codes(actor)

    for code, item in parsed.items():
        parent_code = item["parent_code"]
        if parent_code and parent_code not in parsed and parent_code not in existing:
            result.errors.append(RowError(item["row"], _(
                "the parent unit code %(code)s is unknown", code=parent_code)))
            continue
        if tree.has_cycle(code):
            result.errors.append(RowError(item["row"], _(
                "the parent of %(code)s would make a cycle in the unit tree", code=code)))
            continue
        if not actor.is_admin:
            if parent_code == "":
                result.errors.append(RowError(item["row"], _(
                    "only an administrator may create or move a top-level unit")))
            elif not _covered(code, tree, grant_codes) or (
                    code in existing and not _covered(code, tree, grant_codes, current=True)):
                result.errors.append(RowError(item["row"], _(
                    "you may not manage the unit %(code)s or its parent", code=code)))
    result.preview = [_unit_preview(item) for item in list(parsed.values())[:PREVIEW_ROWS]]
    if result.errors or dry_run:
        result.errors.sort(key=lambda e: e.row)
        return result

    new_units: list[Unit] = []
    moved = False
    for code in tree.top_down(list(parsed)):
        item = parsed[code]
        parent = existing.get(item["parent_code"]) if item["parent_code"] else None
        unit = existing.get(code)
        if unit is None:
            unit = Unit(code=code, kind=item["kind"] or "other", address=item["address"],
                        parent=parent, path="", depth=0)
            unit.set_name(item["name"])
            db.session.add(unit)
            existing[code] = unit
            new_units.append(unit)
            moved = True
            continue
        before = unit_snapshot(unit)
        unit.set_name(item["name"])
        if item["kind"]:
            unit.kind = item["kind"]
        if item["address_given"]:
            unit.address = item["address"]
        if unit.parent_id != (parent.id if parent else None):
            unit.parent = parent
            moved = True
        db.session.flush()
        old, new = audit.diff(before, unit_snapshot(unit))
        if new:
            result.updated += 1
            audit.record(db.session, actor=actor, action="unit.update", obj=unit,
                         summary=f"import updated unit {code}", before=old, after=new,
                         params={"unit": unit.name})
        else:
            result.unchanged += 1
    db.session.flush()
    if moved:
        rebuild_paths()
    for unit in new_units:
        audit.record(db.session, actor=actor, action="unit.create", obj=unit,
                     summary=f"import created unit {unit.code}", after=unit_snapshot(unit),
                     params={"unit": unit.name})
    result.created = len(new_units)
    audit.record(db.session, actor=actor, action="import.units", object_type="unit",
                 summary=f"import of units: {result.created} created, {result.updated} updated, "
                         f"{result.unchanged} unchanged",
                 params={"created": result.created, "updated": result.updated,
                         "unchanged": result.unchanged})
    db.session.commit()
    return result


def import_people(actor, rows: list[Row], on_progress=None, dry_run: bool = False
                  ) -> ImportResult:
    """All-or-nothing; `on_progress(rows)` is told every 1,000 rows compared (a job's bar).
    With `dry_run` nothing is written: the result holds every row error and the preview."""
    result = ImportResult()
    parsed = _parse_unique(rows, _parse_person_row, result, lambda code, first: _(
        "the person code %(code)s appears more than once in the file (first at row %(first)d)",
        code=code, first=first))

    units = _load_by_code(Unit, {i["unit_code"] for i in parsed.values()})
    people = _load_by_code(Person, set(parsed))
    for code, item in parsed.items():
        unit = units.get(item["unit_code"])
        if unit is None:
            result.errors.append(RowError(item["row"], _(
                "the unit code %(code)s is unknown", code=item["unit_code"])))
        elif not perms.covers(actor, unit, perms.MANAGE_PEOPLE):
            result.errors.append(RowError(item["row"], _(
                "you may not manage the people of the unit %(code)s", code=unit.code)))
        elif not unit.active:
            result.errors.append(RowError(item["row"], _(
                "the unit %(code)s is inactive", code=unit.code)))
        elif code in people and not perms.covers(actor, people[code].unit, perms.MANAGE_PEOPLE):
            result.errors.append(RowError(item["row"], _(
                "the person code %(code)s belongs to a person you may not manage", code=code)))
    result.preview = [_person_preview(item) for item in list(parsed.values())[:PREVIEW_ROWS]]
    if result.errors or dry_run:
        result.errors.sort(key=lambda e: e.row)
        return result

    now = utcnow()
    new_rows, changes, audit_rows = [], [], []
    for done, (code, item) in enumerate(parsed.items(), 1):
        if on_progress is not None and done % 1000 == 0:
            on_progress(done)
        unit = units[item["unit_code"]]
        person = people.get(code)
        birth_date, birth_year = item["birth_date"], item["birth_year"]
        if (birth_date is None and person is not None and person.birth_date is not None
                and person.birth_date.year == birth_year):
            birth_date = person.birth_date  # the year alone never erases a known date
        fields = {**Person.name_columns(item["full_name"]),
                  "gender": item["gender"], "birth_date": birth_date,
                  "birth_year": birth_year, "position": item["position"],
                  "unit_id": unit.id}
        if person is None:
            new_rows.append({"code": code, "active": True, "version": 1, "created_at": now,
                             "updated_at": now, **fields,
                             "email": item["email"] if item["email_given"] else ""})
            continue
        fields["email"] = item["email"] if item["email_given"] else person.email
        if all(getattr(person, key) == value for key, value in fields.items()):
            result.unchanged += 1
            continue
        before = person_snapshot(person)
        old, new = audit.diff(before, {**before, **{k: v for k, v in fields.items()
                                                    if k in before}})
        changes.append({"b_id": person.id, "b_version": person.version,
                        "version": person.version + 1, "updated_at": now, **fields,
                        "unit_changed_at": now if unit.id != person.unit_id
                        else person.unit_changed_at})
        result.updated += 1
        audit_rows.append(_audit_row(actor, "person.update", person.id,
                                     f"import updated person {code}", old, new, now,
                                     params={"person": person.full_name}))
    _update_versioned(Person, changes)
    for start in range(0, len(new_rows), _CHUNK):
        chunk = new_rows[start:start + _CHUNK]
        ids = db.session.execute(insert(Person).returning(Person.id, Person.code), chunk).all()
        by_code = {r["code"]: r for r in chunk}
        for pid, code in ids:
            row = by_code[code]
            audit_rows.append(_audit_row(actor, "person.create", pid, f"import created person "
                                         f"{code}", None, {k: row.get(k) for k in
                                                           ("code", "full_name", "gender",
                                                            "birth_date", "birth_year",
                                                            "position", "email", "unit_id")},
                                         now, params={"person": row.get("full_name") or code}))
    result.created = len(new_rows)
    audit_rows.append(_audit_row(actor, "import.people", None,
                                 f"import of people: {result.created} created, {result.updated} "
                                 f"updated, {result.unchanged} unchanged", None, None, now,
                                 object_type="person",
                                 params={"created": result.created, "updated": result.updated,
                                         "unchanged": result.unchanged}))
    for start in range(0, len(audit_rows), _CHUNK):
        db.session.execute(insert(AuditEvent), audit_rows[start:start + _CHUNK])
    db.session.commit()
    return result


def _update_versioned(model, changes: list[dict]) -> None:
    """UPDATE many rows in batches (one statement per batch, not one per row), each only if
    its version is still the one read (`b_version`); if any was changed meanwhile, the
    transaction is rolled back — nothing of the import is kept — and StaleRecord raised."""
    if not changes:
        return
    table = model.__table__
    columns = [k for k in changes[0] if not k.startswith("b_")]
    stmt = (update(table).where(table.c.id == bindparam("b_id"),
                                table.c.version == bindparam("b_version"))
            .values({c: bindparam(c) for c in columns}))
    for start in range(0, len(changes), _CHUNK):
        chunk = changes[start:start + _CHUNK]
        if db.session.execute(stmt, chunk).rowcount != len(chunk):
            db.session.rollback()
            raise StaleRecord(_("Someone changed some of these records while the file was "
                                "being imported; nothing was saved. Import the file again."))


def _parse_unique(rows: list[Row], parse, result: ImportResult, duplicate_message) -> dict:
    """Parsed rows by code; a bad row or a code seen before becomes a row error."""
    parsed: dict[str, dict] = {}
    for row in rows:
        item = parse(row, result)
        if item is None:
            continue
        first = parsed.get(item["code"])
        if first is not None:
            result.errors.append(RowError(row.number, duplicate_message(item["code"],
                                                                        first["row"])))
            continue
        parsed[item["code"]] = item
    return parsed


def _audit_row(actor, action, object_id, summary, before, after, now, object_type="person",
               params=None):
    return audit.event_values(actor=actor, action=action, object_type=object_type,
                              object_id=object_id, summary=summary, before=before, after=after,
                              created_at=now, params=params)


def _parse_unit_row(row: Row, result: ImportResult) -> dict | None:
    v = row.values
    code, name = text_value(v.get("code")), text_value(v.get("name"))
    parent_code = text_value(v.get("parent_code"))
    kind_text = text_value(v.get("kind"))
    problems = []
    if not code:
        problems.append(_("the unit code is missing"))
    elif len(code) > 40:
        problems.append(_("the unit code is longer than %(n)d characters", n=40))
    if not name:
        problems.append(_("the unit name is missing"))
    elif len(name) > 255:
        problems.append(_("the unit name is longer than %(n)d characters", n=255))
    if code and parent_code == code:
        problems.append(_("a unit cannot be its own parent"))
    kind = ""
    if kind_text:
        kind = lookup(UNIT_KIND, kind_text) or ""
        if not kind:
            problems.append(_("the kind of unit %(kind)s is unknown", kind=kind_text))
    if problems:
        result.errors.append(RowError(row.number, "; ".join(problems)))
        return None
    return {"row": row.number, "code": code, "name": name, "parent_code": parent_code,
            "kind": kind, "address": text_value(v.get("address"))[:255],
            "address_given": "address" in v}


def _parse_person_row(row: Row, result: ImportResult) -> dict | None:
    v = row.values
    code, full_name = text_value(v.get("code")), text_value(v.get("full_name"))
    unit_code = text_value(v.get("unit_code"))
    gender_text = text_value(v.get("gender"))
    email = text_value(v.get("email"))
    problems = []
    if not code:
        problems.append(_("the person code is missing"))
    elif len(code) > 40:
        problems.append(_("the person code is longer than %(n)d characters", n=40))
    named_sex = None
    if full_name:
        stripped, named_sex, removed = strip_name_prefix(full_name)
        if removed:
            result.conversions.append(Conversion(row.number, "Họ và tên", full_name, stripped,
                                                 "prefix"))
            full_name = stripped
    if not full_name:
        problems.append(_("the full name is missing"))
    elif len(full_name) > 150:
        problems.append(_("the full name is longer than %(n)d characters", n=150))
    if not unit_code:
        problems.append(_("the unit code is missing"))
    gender = named_sex
    if gender_text:
        gender = lookup(SEX, gender_text)
        if gender is None:
            problems.append(_("the gender %(value)s is unknown (write Nam or Nữ)",
                              value=gender_text))
    birth_date, birth_year = None, None
    try:
        birth = parse_date(v.get("birth_date"), allow_year=True)
    except ValueError:
        problems.append(_("the date of birth %(value)s is not a date (write dd/mm/yyyy or the "
                          "year)", value=text_value(v.get("birth_date"))))
    else:
        if isinstance(birth, int):
            birth_year = birth
        elif birth is not None:
            birth_date, birth_year = birth, birth.year
    today = utcnow().date()
    if birth_date is not None and not (1900 <= birth_date.year and birth_date <= today):
        problems.append(_("the date of birth %(value)s is not plausible",
                          value=fmt_date(birth_date)))
    elif birth_date is None and birth_year is not None and not 1900 <= birth_year <= today.year:
        problems.append(_("the year of birth %(value)s is not plausible", value=birth_year))
    if email and not _EMAIL.match(email):
        problems.append(_("the email address %(value)s is not valid", value=email))
    if problems:
        result.errors.append(RowError(row.number, "; ".join(problems)))
        return None
    return {"row": row.number, "code": code, "full_name": full_name, "unit_code": unit_code,
            "gender": gender, "birth_date": birth_date, "birth_year": birth_year,
            "position": text_value(v.get("position"))[:150], "email": email[:254],
            "email_given": "email" in v}


def _person_preview(item: dict) -> dict:
    """A parsed person as the preview shows it (what will be stored)."""
    birth = fmt_date(item["birth_date"], "dd/MM/yyyy") if item["birth_date"] else (
        str(item["birth_year"]) if item["birth_year"] else "")
    return {"row": item["row"], "code": item["code"], "full_name": item["full_name"],
            "gender": GENDER_WORDS_VI.get(item["gender"], ""), "birth_date": birth,
            "position": item["position"], "unit_code": item["unit_code"],
            "email": item["email"]}


def _unit_preview(item: dict) -> dict:
    return {"row": item["row"], "code": item["code"], "name": item["name"],
            "parent_code": item["parent_code"], "kind": KIND_WORDS_VI.get(item["kind"], ""),
            "address": item["address"]}


def _load_by_code(model, codes: set[str]) -> dict:
    found = {}
    codes = sorted(c for c in codes if c)
    for start in range(0, len(codes), _CHUNK):
        chunk = codes[start:start + _CHUNK]
        for obj in db.session.scalars(select(model).where(model.code.in_(chunk))):
            found[obj.code] = obj
    return found


def _grant_unit_codes(actor) -> set[str]:
    return {g.unit.code for g in actor.grants if g.role in perms.MANAGE_UNITS and g.unit}


def _covered(code: str, tree: _TreeView, grant_codes: set[str], current: bool = False) -> bool:
    chain = tree.current_chain(code) if current else tree.chain(code)
    return any(c in grant_codes for c in chain)


class _TreeView:
    """The tree as it would be after the import: the database's parents, overlaid by the file's."""

    def __init__(self, existing: dict[str, Unit]):
        self.parent: dict[str, str] = {}
        self.db_parent: dict[str, str] = {}
        ids = {i for u in existing.values() for i in u.ancestor_ids}
        known = {u.id: u.code for u in existing.values()}
        missing = ids - set(known)
        for start in range(0, len(missing), _CHUNK):
            chunk = sorted(missing)[start:start + _CHUNK]
            for uid, code in db.session.execute(select(Unit.id, Unit.code).where(
                    Unit.id.in_(chunk))):
                known[uid] = code
        for unit in existing.values():
            chain = [known[i] for i in unit.ancestor_ids] + [unit.code]
            for child, parent in zip(chain[1:], chain[:-1], strict=True):
                self.db_parent[child] = parent
        self.parent.update(self.db_parent)

    def set_parent(self, code: str, parent_code: str) -> None:
        if parent_code:
            self.parent[code] = parent_code
        else:
            self.parent.pop(code, None)

    def chain(self, code: str) -> list[str]:
        """`code` and its ancestors in the new tree (stops at a cycle)."""
        seen: list[str] = []
        while code and code not in seen:
            seen.append(code)
            code = self.parent.get(code, "")
        return seen

    def current_chain(self, code: str) -> list[str]:
        seen: list[str] = []
        while code and code not in seen:
            seen.append(code)
            code = self.db_parent.get(code, "")
        return seen

    def has_cycle(self, code: str) -> bool:
        """Is `code` itself on a loop of parents? (Rows below a loop are not blamed for it.)"""
        seen: set[str] = set()
        current = self.parent.get(code, "")
        while current and current not in seen:
            if current == code:
                return True
            seen.add(current)
            current = self.parent.get(current, "")
        return False

    def top_down(self, codes: list[str]) -> list[str]:
        return sorted(codes, key=lambda c: len(self.chain(c)))
