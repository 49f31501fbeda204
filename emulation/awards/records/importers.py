"""Imports of the records rules look at: appraisals, initiatives, disciplines, award history.
All-or-nothing with row-by-row errors, matched on natural keys so a re-import adds nothing."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from emulation.awards.catalogue.models import AwardType
from emulation.awards.records.enums import CommendationKind
from emulation.awards.records.models import (
    APPRAISAL_LEVELS,
    DISCIPLINE_LEVELS,
    INITIATIVE_SCOPES,
    Appraisal,
    AwardRecord,
    Discipline,
    Initiative,
)
from emulation.core import audit
from emulation.core import permissions as perms
from emulation.core.tabular import Column, ImportResult, Row, RowError, date_value, text_value
from emulation.core.text import fold
from emulation.extensions import db
from emulation.org.importers import _load_by_code
from emulation.org.models import Person, Unit

PERSON = Column("person_code", "Mã cá nhân", required=False, aliases=("person code",))
UNIT = Column("unit_code", "Mã đơn vị", required=False, aliases=("unit code",))
YEAR = Column("year", "Năm", aliases=("year",))
COLUMNS = {
    "appraisals": [PERSON, UNIT, YEAR, Column("level", "Xếp loại", aliases=("level",))],
    "initiatives": [PERSON, YEAR, Column("scope", "Phạm vi", aliases=("scope",)),
                    Column("research", "Đề tài khoa học", required=False,
                           aliases=("research",)),
                    Column("title", "Tên sáng kiến", aliases=("title",)),
                    Column("recognised_by", "Cơ quan công nhận", required=False)],
    "disciplines": [PERSON, Column("level", "Hình thức kỷ luật", aliases=("level",)),
                    Column("starts_on", "Từ ngày", aliases=("from",)),
                    Column("ends_on", "Đến ngày", aliases=("to",)),
                    Column("reason", "Lý do", required=False)],
    "awards": [PERSON, UNIT, Column("award", "Mã khen thưởng", aliases=("award",)), YEAR,
               Column("decision_number", "Số quyết định", required=False),
               Column("issuer", "Cơ quan ban hành", required=False),
               Column("kind", "Loại khen thưởng", required=False, aliases=("kind",))],
}
LEVEL_WORDS = {"hoan thanh xuat sac nhiem vu": "excellent", "xuat sac": "excellent",
               "hoan thanh tot nhiem vu": "good", "tot": "good",
               "hoan thanh nhiem vu": "complete", "hoan thanh": "complete",
               "khong hoan thanh nhiem vu": "incomplete", "khong hoan thanh": "incomplete",
               **{lv: lv for lv in APPRAISAL_LEVELS}}
SCOPE_WORDS = {"co so": "grassroots", "cap co so": "grassroots", "bo": "ministry",
               "cap bo": "ministry", "bo, nganh, tinh": "ministry", "cap bo, nganh, tinh":
               "ministry", "toan quoc": "national", **{s: s for s in INITIATIVE_SCOPES}}
DISCIPLINE_WORDS = {"khien trach": "khien_trach", "canh cao": "canh_cao",
                    "ha bac luong": "ha_bac_luong", "giang chuc": "giang_chuc",
                    "cach chuc": "cach_chuc", "buoc thoi viec": "buoc_thoi_viec",
                    **{lv: lv for lv in DISCIPLINE_LEVELS}}
# the kinds' words, their labels in both languages (as the honour roll's export writes them)
# and their codes
KIND_WORDS = {"thuong xuyen": "regular", "thuong xuyen (hang nam)": "regular",
              "khen thuong thuong xuyen": "regular", "chuyen de": "thematic",
              "theo chuyen de": "thematic", "khen thuong theo chuyen de": "thematic",
              "dot xuat": "one_off", "khen thuong dot xuat": "one_off",
              "qua trinh cong hien": "career", "nien han": "long_service",
              "doi ngoai": "foreign", "regular (yearly)": "regular", "one-off": "one_off",
              "for a career": "career", "long service": "long_service",
              **{k: k for k in CommendationKind.values()}}
YES = {"co", "x", "yes", "1", "true", "de tai"}


def run_import(kind: str, actor, rows: list[Row]) -> ImportResult:
    result = ImportResult()
    people = _load_by_code(Person, {text_value(r.values.get("person_code")) for r in rows})
    units = _load_by_code(Unit, {text_value(r.values.get("unit_code")) for r in rows})
    award_codes = set(db.session.scalars(select(AwardType.code)))
    items = []
    for row in rows:
        item = _parse(kind, row, people, units, award_codes, actor, result)
        if item is not None:
            items.append(item)
    if result.errors:
        result.errors.sort(key=lambda e: e.row)
        return result
    for item in items:
        _apply(kind, item, result)
    audit.record(db.session, actor=actor, action=f"import.{kind}", object_type=kind,
                 summary=f"import of {kind}: {result.created} created, {result.updated} updated, "
                         f"{result.unchanged} unchanged")
    db.session.commit()
    return result


def _parse(kind, row: Row, people, units, award_codes, actor, result):
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
        item["level"] = LEVEL_WORDS.get(fold(text_value(v.get("level"))))
        if item["level"] is None:
            problems.append(_("the appraisal %(value)s is unknown",
                              value=text_value(v.get("level"))))
    elif kind == "initiatives":
        item["scope"] = SCOPE_WORDS.get(fold(text_value(v.get("scope"))))
        if item["scope"] is None:
            problems.append(_("the scope %(value)s is unknown", value=text_value(v.get("scope"))))
        item["research"] = fold(text_value(v.get("research"))) in YES
        item["title"] = text_value(v.get("title"))[:500]
        if not item["title"]:
            problems.append(_("the title is missing"))
        item["recognised_by"] = text_value(v.get("recognised_by"))[:255]
    elif kind == "disciplines":
        item["level"] = DISCIPLINE_WORDS.get(fold(text_value(v.get("level"))))
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
        item["award"] = text_value(v.get("award")).upper()
        if item["award"] not in award_codes:
            problems.append(_("the award code %(code)s is unknown", code=item["award"] or "—"))
        item["decision_number"] = text_value(v.get("decision_number"))[:60]
        item["issuer"] = text_value(v.get("issuer"))[:255]
        kind = text_value(v.get("kind"))
        item["kind"] = KIND_WORDS.get(fold(kind), "") if kind else "regular"
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
                  values={"issuer": item["issuer"], "source": "import", "kind": item["kind"]})
    db.session.flush()


def _add_once(model, result, values: dict, **key):
    conditions = [getattr(model, k).is_(None) if v is None else getattr(model, k) == v
                  for k, v in key.items()]
    existing = db.session.scalar(select(model).where(*conditions))
    if existing is None:
        db.session.add(model(**key, **values))
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
    try:
        year = int(float(text_value(value)))
    except ValueError:
        return None
    return year if 1950 <= year <= 2100 else None
