"""Spreadsheets of the records: import templates, the records in the import format (an
export re-imports as is), the honour roll and its statistics. Rows are streamed
(`STREAM_ROWS` at a time), so memory stays flat at a year's 170,000 awards."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from emulation.awards.catalogue.services import names
from emulation.awards.records import services
from emulation.awards.records.enums import CommendationKind
from emulation.awards.records.importers import COLUMNS
from emulation.awards.records.models import Appraisal, AwardRecord, Discipline, Initiative
from emulation.core import permissions as perms
from emulation.core.xlsx import STREAM_ROWS, Workbook
from emulation.extensions import db
from emulation.org.models import Person, Unit

# The import format is Vietnamese whatever the reader's language: its headers are the
# importer's (`importers.COLUMNS`), its words those the importer reads back.
SHEETS = {"appraisals": "Xếp loại", "initiatives": "Sáng kiến", "disciplines": "Kỷ luật",
          "awards": "Khen thưởng"}
LEVEL_WORDS_VI = {"excellent": "Hoàn thành xuất sắc nhiệm vụ",
                  "good": "Hoàn thành tốt nhiệm vụ", "complete": "Hoàn thành nhiệm vụ",
                  "incomplete": "Không hoàn thành nhiệm vụ"}
SCOPE_WORDS_VI = {"grassroots": "Cơ sở", "ministry": "Bộ, ngành, tỉnh", "national": "Toàn quốc"}
DISCIPLINE_WORDS_VI = {"khien_trach": "Khiển trách", "canh_cao": "Cảnh cáo",
                       "ha_bac_luong": "Hạ bậc lương", "giang_chuc": "Giáng chức",
                       "cach_chuc": "Cách chức", "buoc_thoi_viec": "Buộc thôi việc"}
KIND_WORDS_VI = {"regular": "Thường xuyên", "thematic": "Theo chuyên đề",
                 "one_off": "Đột xuất", "career": "Quá trình cống hiến",
                 "long_service": "Niên hạn", "foreign": "Đối ngoại"}
YES_VI = "Có"


def import_template(kind: str) -> Workbook:
    """The empty import file of `kind` (appraisals, initiatives, disciplines, awards): the
    headers the importer reads."""
    wb = Workbook()
    sheet = wb.sheet(SHEETS[kind])
    sheet.header([c.header for c in COLUMNS[kind]], [16] * len(COLUMNS[kind]))
    return wb


# --- the records in the import format --------------------------------------------------------

@dataclass(frozen=True)
class RecordsExport:
    """The records of one kind that `user` may import: those of the people of the units
    they manage people of, and (appraisals, award history) of the units they manage."""

    user: object
    kind: str


def records_subject(user, params: dict) -> RecordsExport | None:
    """`params["kind"]` for a user who may import records (anyone else, or another kind:
    None, answered as 404)."""
    kind = params.get("kind")
    if kind not in COLUMNS or not getattr(user, "is_authenticated", False) or \
            not perms.can_any(user, perms.MANAGE_PEOPLE):
        return None
    return RecordsExport(user, kind)


def count_records(export: RecordsExport) -> int:
    """Rows `records` will write."""
    return sum(db.session.scalar(select(func.count()).select_from(
        stmt.order_by(None).subquery())) or 0 for stmt in _record_queries(export))


def records(export: RecordsExport, on_progress=None, book=Workbook) -> Workbook:
    """The records of `export.kind` in the import format: the importer's columns in its
    order, its Vietnamese words, dates as date cells; award history without revoked awards.
    People's records first (by unit and name), then units' own. `book`: Workbook, or
    core.csvbook.CsvBook for CSV."""
    columns = COLUMNS[export.kind]
    wb = book(on_progress)
    sheet = wb.sheet(SHEETS[export.kind])
    sheet.header([c.header for c in columns], [16] * len(columns))
    for stmt in _record_queries(export):
        for row in db.session.execute(stmt.execution_options(yield_per=STREAM_ROWS)):
            values = _import_values(export.kind, row._mapping)
            sheet.append([values.get(c.key) for c in columns])
    return wb


def _record_queries(export: RecordsExport) -> list:
    """The statements of the people's rows and of the units' rows (labelled by import key)."""
    people = Person.unit_id.in_(perms.covered_unit_ids(export.user, perms.MANAGE_PEOPLE))
    units = Unit.id.in_(perms.covered_unit_ids(export.user, perms.MANAGE_UNITS))
    person_order = (Unit.path, Person.sort_key, Person.code)
    person_code = Person.code.label("person_code")
    unit_code = Unit.code.label("unit_code")
    if export.kind == "appraisals":
        columns = (Appraisal.year.label("year"), Appraisal.level.label("level"))
        return [select(person_code, *columns).join(Person, Person.id == Appraisal.person_id)
                .join(Unit, Unit.id == Person.unit_id).where(people)
                .order_by(*person_order, Appraisal.year),
                select(unit_code, *columns).join(Unit, Unit.id == Appraisal.unit_id)
                .where(units).order_by(Unit.path, Appraisal.year)]
    if export.kind == "initiatives":
        return [select(person_code, Initiative.year.label("year"),
                       Initiative.scope.label("scope"), Initiative.is_research.label("research"),
                       Initiative.title.label("title"),
                       Initiative.recognised_by.label("recognised_by"))
                .join(Person, Person.id == Initiative.person_id)
                .join(Unit, Unit.id == Person.unit_id).where(people)
                .order_by(*person_order, Initiative.year, Initiative.id)]
    if export.kind == "disciplines":
        return [select(person_code, Discipline.level.label("level"),
                       Discipline.starts_on.label("starts_on"),
                       Discipline.ends_on.label("ends_on"), Discipline.reason.label("reason"))
                .join(Person, Person.id == Discipline.person_id)
                .join(Unit, Unit.id == Person.unit_id).where(people)
                .order_by(*person_order, Discipline.starts_on, Discipline.id)]
    columns = (AwardRecord.award_code.label("award"), AwardRecord.year.label("year"),
               AwardRecord.decision_number.label("decision_number"),
               AwardRecord.issuer.label("issuer"), AwardRecord.kind.label("kind"))
    held = AwardRecord.revoked.is_(False)
    return [select(person_code, *columns).join(Person, Person.id == AwardRecord.person_id)
            .join(Unit, Unit.id == Person.unit_id).where(people, held)
            .order_by(*person_order, AwardRecord.year, AwardRecord.id),
            select(unit_code, *columns).join(Unit, Unit.id == AwardRecord.unit_id)
            .where(units, held).order_by(Unit.path, AwardRecord.year, AwardRecord.id)]


def _import_values(kind: str, row) -> dict:
    """A row's values keyed as the importer's columns, in the words it reads back."""
    values = dict(row)
    if kind == "appraisals":
        values["level"] = LEVEL_WORDS_VI[values["level"]]
    elif kind == "initiatives":
        values["scope"] = SCOPE_WORDS_VI[values["scope"]]
        values["research"] = YES_VI if values["research"] else ""
    elif kind == "disciplines":
        values["level"] = DISCIPLINE_WORDS_VI[values["level"]]
    elif kind == "awards":
        values["kind"] = KIND_WORDS_VI.get(values["kind"] or "regular", "")
    return values


def honours(year: int | None, code: str = "", q: str = "", on_progress=None,
            book=Workbook) -> Workbook:
    """The roll (year, award code and name, recipient, decision, issuer, cash in VND, kind
    of commendation — the import's "Loại khen thưởng", in words); `on_progress(rows)` as in
    `core.xlsx.Workbook`; `book`: Workbook, or core.csvbook.CsvBook for CSV."""
    award_names = names()
    kinds = {k: str(label) for k, label in CommendationKind.labels().items()}
    wb = book(on_progress)
    sheet = wb.sheet(_("Honour roll"))
    sheet.header([_("Year"), _("Award code"), _("Award"), _("Name or collective"),
                  _("Decision number"), _("Issued by"), _("Cash award (VND)"),
                  _("Kind of commendation")],
                 [6, 12, 40, 32, 16, 36, 16, 18], money=[6])
    for year_, award_code, subject, number, issuer, cash, kind in db.session.execute(
            services.honours_rows(year, code, q).execution_options(yield_per=STREAM_ROWS)):
        sheet.append([year_, award_code, award_names.get(award_code, ""), subject, number,
                      issuer, cash, kinds.get(kind, kind)])
    return wb


def count_honours(year: int | None, code: str = "", q: str = "") -> int:
    """How many rows `honours` will write (the job's progress total)."""
    return services.honours_count(year, code, q)


def statistics(year: int | None) -> Workbook:
    """Individual and collective awards and their cash (VND) per unit and year."""
    wb = Workbook()
    sheet = wb.sheet(_("Statistics"))
    sheet.header([_("Year"), _("Unit code"), _("Unit name"), _("Individuals"),
                  _("Collectives"), _("Cash award (VND)")], [6, 14, 44, 10, 10, 18],
                 money=[5])
    for row in services.unit_stats(year):
        sheet.append(list(row))
    return wb


def yearly_report(year: int) -> Workbook:
    """Báo cáo thống kê thi đua, khen thưởng of a year for the level above: the awards
    granted (not revoked) by award, by deciding level and by kind of commendation, each
    with individuals, collectives, their total and the cash in VND, and a totals row. Summed
    in the database (`services.yearly_stats`)."""
    from emulation.awards.catalogue.enums import AwardCategory, DecidingLevel

    categories = {k: str(v) for k, v in AwardCategory.labels().items()}
    levels = {k: str(v) for k, v in DecidingLevel.labels().items()}
    kinds = {k: str(v) for k, v in CommendationKind.labels().items()}
    counts = [_("Individuals"), _("Collectives"), _("Total"), _("Cash award (VND)")]
    wb = Workbook()
    sheets = (
        (_("By award"), "award", [_("Award code"), _("Award"), _("Category"),
                                  _("Deciding level")], [12, 40, 18, 36],
         lambda key: [key[0], key[1], categories.get(key[2], key[2]),
                      levels.get(key[3], key[3])]),
        (_("By level"), "level", [_("Deciding level")], [50],
         lambda key: [levels.get(key[0], key[0]) or _("Not in the catalogue")]),
        (_("By kind of commendation"), "kind", [_("Kind of commendation")], [30],
         lambda key: [kinds.get(key[0], key[0])]),
    )
    for title, group, head, widths, words in sheets:
        sheet = wb.sheet(title)
        sheet.header([_("Year"), *head, *counts], [6, *widths, 12, 12, 10, 18],
                     money=[len(head) + 4])
        totals = [0, 0, 0]
        for row in services.yearly_stats(year, group):
            *key, people, collectives, cash = row
            sheet.append([year, *words(key), people, collectives, people + collectives,
                          int(cash)])
            totals = [totals[0] + people, totals[1] + collectives, totals[2] + int(cash)]
        sheet.footer([_("Total"), *[""] * len(head), totals[0], totals[1],
                      totals[0] + totals[1], totals[2]])
    return wb
