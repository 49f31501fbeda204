"""Spreadsheets of units and people in the import format (the template is the same file, empty)."""
from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from emulation.core import permissions as perms
from emulation.core.xlsx import STREAM_ROWS, Workbook
from emulation.extensions import db
from emulation.org.importers import PEOPLE_COLUMNS, UNIT_COLUMNS
from emulation.org.models import GENDER_WORDS_VI, KIND_WORDS_VI, Person, Unit

_UNIT_WIDTHS = [16, 50, 20, 22, 40]
_PEOPLE_WIDTHS = [16, 30, 10, 14, 30, 16, 30]
# the import format is Vietnamese whatever the reader's language (its headers are fixed)
UNITS_SHEET, PEOPLE_SHEET = "Đơn vị", "Cá nhân"

def units_template() -> Workbook:
    wb = Workbook()
    sheet = wb.sheet(UNITS_SHEET)
    sheet.header([c.header for c in UNIT_COLUMNS], _UNIT_WIDTHS)
    sheet.append(["CDCS-VD", "Công đoàn cơ sở Ví dụ", "CDCT", "Công đoàn cơ sở",
                  "Số 1 Phố Ví Dụ, Hà Nội"])
    return wb


def people_template() -> Workbook:
    wb = Workbook()
    sheet = wb.sheet(PEOPLE_SHEET)
    sheet.header([c.header for c in PEOPLE_COLUMNS], _PEOPLE_WIDTHS)
    sheet.append(["CN-0001", "Nguyễn Thị Ví Dụ", "Nữ", "15/03/1985", "Chuyên viên", "CDCS-VD",
                  "vidu@example.vn"])
    return wb


def export_units(user) -> Workbook:
    parent = aliased(Unit)
    stmt = (select(Unit.code, Unit.name, parent.code, Unit.kind, Unit.address)
            .outerjoin(parent, Unit.parent_id == parent.id)
            .where(perms.unit_condition(user, perms.VIEW_UNITS), Unit.active.is_(True))
            .order_by(Unit.path))
    wb = Workbook()
    sheet = wb.sheet(UNITS_SHEET)
    sheet.header([c.header for c in UNIT_COLUMNS], _UNIT_WIDTHS)
    for code, name, parent_code, kind, address in db.session.execute(
            stmt.execution_options(yield_per=STREAM_ROWS)):
        sheet.append(_in_columns(UNIT_COLUMNS, {
            "code": code, "name": name, "parent_code": parent_code or "",
            "kind": KIND_WORDS_VI.get(kind, ""), "address": address}))
    return wb


def export_people(user, on_progress=None, book=Workbook) -> Workbook:
    """The active people the user may see, in the import format; `on_progress` as in Workbook;
    `book`: Workbook, or core.csvbook.CsvBook for CSV."""
    stmt = (select(Person.code, Person.full_name, Person.gender,
                   Person.birth_date, Person.birth_year,
                   Person.position, Unit.code, Person.email)
            .join(Unit, Person.unit_id == Unit.id)
            .where(_people_condition(user))
            .order_by(Unit.path, Person.sort_key))
    wb = book(on_progress)
    sheet = wb.sheet(PEOPLE_SHEET)
    sheet.header([c.header for c in PEOPLE_COLUMNS], _PEOPLE_WIDTHS)
    for code, name, gender, birth, year, position, unit_code, email in db.session.execute(
            stmt.execution_options(yield_per=STREAM_ROWS)):
        # a year of birth alone is written as the year (the import reads it back so)
        sheet.append(_in_columns(PEOPLE_COLUMNS, {
            "code": code, "full_name": name, "gender": GENDER_WORDS_VI.get(gender, ""),
            "birth_date": birth or year, "position": position, "unit_code": unit_code,
            "email": email}))
    return wb


def _in_columns(columns, values: dict) -> list:
    """`values` (keyed as the importer's columns) in the importer's column order: the
    export is the import format whatever columns the importer reads."""
    return [values.get(c.key) for c in columns]


def count_people(user) -> int:
    """Rows of `export_people` for this user."""
    return db.session.scalar(select(func.count(Person.id)).where(_people_condition(user))) or 0


def _people_condition(user):
    return and_(Person.unit_id.in_(perms.covered_unit_ids(user, perms.VIEW_PEOPLE)),
                Person.active.is_(True))
