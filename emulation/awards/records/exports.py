"""Spreadsheets of the records: import templates, the honour roll and its statistics.
Rows are streamed (`STREAM_ROWS` at a time), so memory stays flat at a year's 170,000 awards."""
from __future__ import annotations

from flask_babel import gettext as _

from emulation.awards.catalogue.services import names
from emulation.awards.records import services
from emulation.awards.records.enums import CommendationKind
from emulation.awards.records.importers import COLUMNS
from emulation.core.xlsx import STREAM_ROWS, Workbook
from emulation.extensions import db


def import_template(kind: str) -> Workbook:
    """The empty import file of `kind` (appraisals, initiatives, disciplines, awards): the
    headers the importer reads."""
    wb = Workbook()
    sheet = wb.sheet(kind)
    sheet.header([c.header for c in COLUMNS[kind]], [16] * len(COLUMNS[kind]))
    return wb


def honours(year: int | None, code: str = "", on_progress=None) -> Workbook:
    """The roll (year, award code and name, recipient, decision, issuer, cash in VND, kind
    of commendation — the import's "Loại khen thưởng", in words); `on_progress(rows)` as in
    `core.xlsx.Workbook`."""
    award_names = names()
    kinds = {k: str(label) for k, label in CommendationKind.labels().items()}
    wb = Workbook(on_progress)
    sheet = wb.sheet("Bang vang")
    sheet.header([_("Year"), _("Award code"), _("Award"), _("Name or collective"),
                  _("Decision number"), _("Issued by"), _("Cash award (VND)"),
                  _("Kind of commendation")],
                 [6, 12, 40, 32, 16, 36, 16, 18], autofilter=True)
    for year_, award_code, subject, number, issuer, cash, kind in db.session.execute(
            services.honours_rows(year, code).execution_options(yield_per=STREAM_ROWS)):
        sheet.append([year_, award_code, award_names.get(award_code, ""), subject, number,
                      issuer, cash, kinds.get(kind, kind)])
    return wb


def count_honours(year: int | None, code: str = "") -> int:
    """How many rows `honours` will write (the job's progress total)."""
    return services.honours_count(year, code)


def statistics(year: int | None) -> Workbook:
    """Individual and collective awards and their cash (VND) per unit and year."""
    wb = Workbook()
    sheet = wb.sheet("Thong ke")
    sheet.header([_("Year"), _("Unit code"), _("Unit name"), _("Individuals"),
                  _("Collectives"), _("Cash award (VND)")], [6, 14, 44, 10, 10, 18],
                 autofilter=True)
    for row in services.unit_stats(year):
        sheet.append(list(row))
    return wb
