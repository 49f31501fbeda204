"""Imports of the records rules look at: appraisals, initiatives, disciplines, award history.
All-or-nothing with row-by-row errors, matched on natural keys so a re-import adds nothing."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from emulation.awards.catalogue.models import AwardType
from emulation.awards.records.enums import TEMPLATE_LABELS
from emulation.awards.records.models import Appraisal, AwardRecord, Discipline, Initiative
from emulation.core import audit
from emulation.core import permissions as perms
from emulation.core.formatting import fmt_date
from emulation.core.tabular import (
    PREVIEW_ROWS,
    ImportResult,
    Row,
    RowError,
    date_value,
    text_value,
)
from emulation.core.vocabulary import (
    APPRAISAL,
    COMMENDATION_KIND,
    DISCIPLINE,
    INITIATIVE_SCOPE,
    YES,
    award_lookup,
    find_award,
    lookup,
    year_value,
)
from emulation.extensions import db
from emulation.org.importers import _column, _load_by_code
from emulation.org.models import Person, Unit

PERSON = _column("person_code", "person_code", required=False)
UNIT = _column("unit_code", "unit_code", required=False)
YEAR = _column("year", "year")
COLUMNS = {
    "appraisals": [PERSON, UNIT, YEAR, _column("level", "appraisal")],
    "initiatives": [PERSON, YEAR, _column("scope", "scope"),
                    _column("research", "research", required=False),
                    _column("title", "title"),
                    _column("recognised_by", "recognised_by", required=False)],
    "disciplines": [PERSON, _column("level", "discipline"),
                    _column("starts_on", "from"), _column("ends_on", "to"),
                    _column("reason", "reason", required=False)],
    "awards": [PERSON, UNIT, _column("award", "award"), YEAR,
               _column("decision_number", "decision_number", required=False),
               _column("issuer", "issuer", required=False),
               _column("kind", "commendation_kind", required=False)],
}


def run_import(kind: str, actor, rows: list[Row], on_progress=None,
               dry_run: bool = False) -> ImportResult:
    """All-or-nothing import of `kind` (a key of COLUMNS); `on_progress(rows)` every 1,000
    rows written. With `dry_run` nothing is written: the result holds every row error and
    the preview (the first rows as they would be stored)."""
    result = ImportResult()
    people = _load_by_code(Person, {text_value(r.values.get("person_code")) for r in rows})
    units = _load_by_code(Unit, {text_value(r.values.get("unit_code")) for r in rows})
    awards = award_lookup(db.session.execute(select(AwardType.code, AwardType.name)).all())
    items = []
    for row in rows:
        item = _parse(kind, row, people, units, awards, actor, result)
        if item is not None:
            items.append(item)
    result.preview = [_preview(kind, item) for item in items[:PREVIEW_ROWS]]
    if result.errors or dry_run:
        result.errors.sort(key=lambda e: e.row)
        return result
    for done, item in enumerate(items, 1):
        if on_progress is not None and done % 1000 == 0:
            on_progress(done)
        _apply(kind, item, result)
    audit.record(db.session, actor=actor, action=f"import.{kind}", object_type=kind,
                 summary=f"import of {kind}: {result.created} created, {result.updated} updated, "
                         f"{result.unchanged} unchanged",
                 params={"created": result.created, "updated": result.updated,
                         "unchanged": result.unchanged})
    db.session.commit()
    return result


def _preview(kind: str, item: dict) -> dict:
    """A parsed row as the preview shows it (what will be stored), by column key."""
    person, unit = item.get("person"), item.get("unit")
    shown = {"row": item["row"], "person_code": person.code if person else "",
             "unit_code": unit.code if unit else "", "year": item.get("year") or ""}
    if person is not None:
        shown["person_code"] = f"{person.code} — {person.full_name}"
    if kind == "appraisals":
        shown["level"] = str(TEMPLATE_LABELS["APPRAISAL_LABELS"].get(item["level"], ""))
    elif kind == "initiatives":
        shown.update(scope=str(TEMPLATE_LABELS["SCOPE_LABELS"].get(item["scope"], "")),
                     research="✓" if item["research"] else "", title=item["title"],
                     recognised_by=item["recognised_by"])
    elif kind == "disciplines":
        shown.update(level=str(TEMPLATE_LABELS["DISCIPLINE_LABELS"].get(item["level"], "")),
                     starts_on=fmt_date(item["starts_on"], "dd/MM/yyyy"),
                     ends_on=fmt_date(item["ends_on"], "dd/MM/yyyy"), reason=item["reason"])
    else:
        shown.update(award=item["award"], decision_number=item["decision_number"],
                     issuer=item["issuer"],
                     kind=str(TEMPLATE_LABELS["COMMENDATION_KIND_LABELS"].get(item["kind"], "")))
    return shown


def _parse(kind, row: Row, people, units, awards, actor, result):
    v, problems = row.values, []
    person = people.get(text_value(v.get("person_code")))
    unit = units.get(text_value(v.get("unit_code")))
    # Appraisals and award history may belong to a unit; everything else to a person.
    subject_person = kind in ("initiatives", "disciplines") or bool(
        text_value(v.get("person_code")))
    if subject_person:
        if person is None:
            problems.append(_("the person code %(code)s is unknown",
                              code=text_value(v.get("person_code")) or "—"))
        elif not perms.covers(actor, person.unit, perms.MANAGE_PEOPLE):
            problems.append(_("you may not manage the people of the unit %(code)s",
                              code=person.unit.code))
    else:
        if unit is None:
            problems.append(_("give a person code or a known unit code"))
        elif not perms.covers(actor, unit, perms.MANAGE_UNITS):
            problems.append(_("you may not manage the unit %(code)s or its parent",
                              code=unit.code))
    item = {"row": row.number, "person": person if subject_person else None,
            "unit": None if subject_person else unit}
    if "year" in v:
        year = _year(v.get("year"))
        if year is None:
            problems.append(_("the year %(value)s is not valid", value=text_value(v.get("year"))))
        item["year"] = year
    if kind == "appraisals":
        item["level"] = lookup(APPRAISAL, text_value(v.get("level")))
        if item["level"] is None:
            problems.append(_("the appraisal %(value)s is unknown",
                              value=text_value(v.get("level"))))
    elif kind == "initiatives":
        item["scope"] = lookup(INITIATIVE_SCOPE, text_value(v.get("scope")))
        if item["scope"] is None:
            problems.append(_("the scope %(value)s is unknown", value=text_value(v.get("scope"))))
        item["research"] = lookup(YES, text_value(v.get("research"))) is True
        item["title"] = text_value(v.get("title"))[:500]
        if not item["title"]:
            problems.append(_("the title is missing"))
        item["recognised_by"] = text_value(v.get("recognised_by"))[:255]
    elif kind == "disciplines":
        item["level"] = lookup(DISCIPLINE, text_value(v.get("level")))
        if item["level"] is None:
            problems.append(_("the discipline %(value)s is unknown",
                              value=text_value(v.get("level"))))
        try:
            item["starts_on"], item["ends_on"] = date_value(v.get("starts_on")), \
                date_value(v.get("ends_on"))
        except ValueError:
            item["starts_on"] = item["ends_on"] = None
        if not item["starts_on"] or not item["ends_on"] or item["ends_on"] < item["starts_on"]:
            problems.append(_("the period of the discipline is not valid (dd/mm/yyyy)"))
        item["reason"] = text_value(v.get("reason"))
    elif kind == "awards":
        written = text_value(v.get("award"))
        item["award"] = find_award(awards, written) if written else None
        if item["award"] is None:
            problems.append(_("the award %(code)s is unknown (write its code, name or "
                              "abbreviation, e.g. LĐTT)", code=written or "—"))
        item["decision_number"] = text_value(v.get("decision_number"))[:60]
        item["issuer"] = text_value(v.get("issuer"))[:255]
        kind = text_value(v.get("kind"))
        item["kind"] = lookup(COMMENDATION_KIND, kind) or "" if kind else "regular"
        if not item["kind"]:
            problems.append(_("the kind of commendation %(value)s is unknown", value=kind))
    if problems:
        result.errors.append(RowError(row.number, "; ".join(problems)))
        return None
    return item


def _apply(kind, item, result) -> None:
    person, unit = item["person"], item["unit"]
    if kind == "appraisals":
        subject = Appraisal.person_id == person.id if person else Appraisal.unit_id == unit.id
        existing = db.session.scalar(select(Appraisal).where(subject,
                                                             Appraisal.year == item["year"]))
        if existing is None:
            db.session.add(Appraisal(person_id=person.id if person else None,
                                     unit_id=unit.id if unit else None, year=item["year"],
                                     level=item["level"]))
            result.created += 1
        elif existing.level != item["level"]:
            existing.level = item["level"]
            result.updated += 1
        else:
            result.unchanged += 1
    elif kind == "initiatives":
        _add_once(Initiative, result, person_id=person.id, year=item["year"], title=item["title"],
                  values={"scope": item["scope"], "is_research": item["research"],
                          "recognised_by": item["recognised_by"]})
    elif kind == "disciplines":
        _add_once(Discipline, result, person_id=person.id, level=item["level"],
                  starts_on=item["starts_on"],
                  values={"ends_on": item["ends_on"], "reason": item["reason"]})
    else:
        _add_once(AwardRecord, result, award_code=item["award"],
                  person_id=person.id if person else None, unit_id=unit.id if unit else None,
                  year=item["year"], decision_number=item["decision_number"],
                  values={"issuer": item["issuer"], "kind": item["kind"]},
                  on_create={"source": "import"})  # a decision's record stays the decision's
    db.session.flush()


def _add_once(model, result, values: dict, on_create: dict | None = None, **key):
    """Create the row `key` names with `values` (and `on_create`), or bring the row that
    exists to `values`; counts it created, updated or unchanged in `result`."""
    conditions = [getattr(model, k).is_(None) if v is None else getattr(model, k) == v
                  for k, v in key.items()]
    existing = db.session.scalar(select(model).where(*conditions))
    if existing is None:
        db.session.add(model(**key, **values, **(on_create or {})))
        result.created += 1
        return
    changed = {k: v for k, v in values.items() if getattr(existing, k) != v}
    for k, v in changed.items():
        setattr(existing, k, v)
    if changed:
        result.updated += 1
    else:
        result.unchanged += 1


def _year(value) -> int | None:
    year = year_value(value)
    return year if year is not None and 1950 <= year <= 2100 else None
