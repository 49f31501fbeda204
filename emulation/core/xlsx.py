"""The one spreadsheet writer: safe against formula/link injection, dates and numbers as cells.

Rows are written in order with `constant_memory`, so memory stays flat at any size.
"""
from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter

from emulation.core.text import xml_safe

STREAM_ROWS = 1000  # rows an export reads from the database at a time
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class SheetWriter:
    def __init__(self, workbook, worksheet, formats, on_row=None):
        self.workbook, self.sheet, self.formats = workbook, worksheet, formats
        self.row = 0
        self.filter_columns = 0
        self.on_row = on_row  # called after each data row (the workbook counts them)

    def header(self, titles: list[str], widths: list[int] | None = None,
               autofilter: bool = False) -> None:
        for col, title in enumerate(titles):
            if widths:
                self.sheet.set_column(col, col, widths[col])
            self.sheet.write_string(self.row, col, xml_safe(title), self.formats["header"])
        self.sheet.freeze_panes(1, 0)
        self.filter_columns = len(titles) if autofilter else 0
        self.row += 1

    def finish(self) -> None:
        # Written after the rows: the filter range lives outside the streamed sheet data.
        if self.filter_columns:
            self.sheet.autofilter(0, 0, max(self.row - 1, 1), self.filter_columns - 1)

    def append(self, values) -> None:
        for col, value in enumerate(values):
            self._write(col, value)
        self.row += 1
        if self.on_row is not None:
            self.on_row()

    def _write(self, col: int, value) -> None:
        sheet, row = self.sheet, self.row
        if value is None or value == "":
            sheet.write_blank(row, col, None)
        elif isinstance(value, bool):
            sheet.write_boolean(row, col, value)
        elif isinstance(value, (int, float, Decimal)):
            sheet.write_number(row, col, float(value))
        elif isinstance(value, datetime):
            sheet.write_datetime(row, col, value.replace(tzinfo=None), self.formats["datetime"])
        elif isinstance(value, date):
            sheet.write_datetime(row, col, datetime(value.year, value.month, value.day),
                                 self.formats["date"])
        else:
            text = xml_safe(value)  # what XML cannot hold would make the file unreadable
            if is_risky(text):
                # Stored as text with Excel's quote prefix: shown as typed, never evaluated,
                # and still text when someone edits the cell later.
                sheet.write_string(row, col, text, self.formats["quoted"])
            else:
                sheet.write_string(row, col, text)


def is_risky(text: str) -> bool:
    """Text a spreadsheet could take for a formula or a link once the cell is edited."""
    lowered = text.lstrip().lower()
    return text.startswith(_FORMULA_START) or lowered.startswith(("http:", "https:", "ftp:",
                                                                   "file:", "mailto:"))


class Workbook:
    """`wb = Workbook(); ws = wb.sheet("Name"); ws.append(...)`; then hand `wb` to
    `core.web.xlsx_response`, which streams its file: the workbook is written to a temporary
    file, never held in memory whole.

    `progress(rows)`, when given, is called with the number of data rows written so far (all
    sheets, headers not counted) every `every` rows: a background job records it."""

    def __init__(self, progress: Callable[[int], None] | None = None,
                 every: int = STREAM_ROWS):
        self.buffer = tempfile.TemporaryFile()
        self.sheets: list[SheetWriter] = []
        self.rows = 0
        self.progress, self.every = progress, every
        self.book = xlsxwriter.Workbook(self.buffer, {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False, "in_memory": False})
        self.formats = {
            "header": self.book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
            "date": self.book.add_format({"num_format": "dd/mm/yyyy"}),
            "datetime": self.book.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
            "quoted": self.book.add_format({"quote_prefix": True}),
        }

    def sheet(self, name: str) -> SheetWriter:
        writer = SheetWriter(self.book, self.book.add_worksheet(name[:31]), self.formats,
                             self._row_written)
        self.sheets.append(writer)
        return writer

    def _row_written(self) -> None:
        self.rows += 1
        if self.progress is not None and self.rows % self.every == 0:
            self.progress(self.rows)

    def close(self):
        """Finish the workbook; the open file, at its start, and its size in bytes."""
        for writer in self.sheets:
            writer.finish()
        self.book.close()
        size = self.buffer.seek(0, 2)
        self.buffer.seek(0)
        return self.buffer, size
