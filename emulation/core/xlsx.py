"""The one spreadsheet writer: safe against formula/link injection, typed cells, every sheet
with a frozen header and an autofilter, readable sheet names, nothing silently dropped.

Rows are written in order with `constant_memory`, so memory stays flat at any size.

- Numbers are number cells; money columns (`header(..., money=[...])`) carry the format
  `#,##0` (VND, whole đồng, thousands separated as the reader's Excel shows them); dates and
  times are date cells (`dd/mm/yyyy`, times in Vietnam's time zone).
- Text is always a text cell; text a spreadsheet could take for a formula or a link
  (`=…`, `+…`, `-…`, `@…`, tab, CR, LF, their full-width forms `＝＋－＠`, also after
  leading spaces, `http:…`) is written with Excel's quote prefix.
- Sheet names keep their Vietnamese letters (NFC); a name longer than Excel's 31 characters
  keeps its first word and its end (`Cụm…Tổng công ty Thép Việt Nam`), where names of one
  kind differ; names are made unique (`… (2)`).
- A sheet that reaches Excel's 1,048,576 rows continues on a new sheet with the same header
  (`Điểm chi tiết (2)`, `Điểm chi tiết (3)`…, each name within 31 characters); a row wider
  than Excel's 16,384 columns, or any cell xlsxwriter refuses (-1: outside Excel's limits),
  raises `ExcelLimitError` instead of leaving a hole in the file.
- Text longer than Excel's 32,767 characters per cell is cut visibly: it ends with
  `…[+N]`, N the characters left out (`cut_text`); the CSV export of the same list
  (core.csvbook) keeps it whole.
"""
from __future__ import annotations

import math
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import xlsxwriter

from emulation.core.text import xml_safe

STREAM_ROWS = 1000  # rows an export reads from the database at a time
MAX_ROWS = 1_048_576  # Excel's rows per sheet, the header included
MAX_TEXT = 32_767  # Excel's characters per cell
MAX_COLS = 16_384  # Excel's columns per sheet
SHEET_NAME_LIMIT = 31  # Excel's characters (UTF-16 units) per sheet name
MONEY_FORMAT = "#,##0"
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# OWASP's signs, line feed, and the full-width signs some spreadsheets (and Japanese/Chinese
# input methods) read as the ASCII ones
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d",
                  "\uff20")
_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
_RESERVED_NAMES = {"history"}  # Excel keeps it for its change tracking
_HEAD_WORD = 10  # a longer first word is not kept in front of a shortened name


class ExcelLimitError(RuntimeError):
    """A cell xlsxwriter would not write (past Excel's columns): never dropped silently."""


def cut_text(text: str, limit: int = MAX_TEXT) -> str:
    """`text` as a cell holds it: whole when it fits, else its start and `…[+N]` (N: the
    characters left out), `limit` characters in all — a reader sees that it was cut."""
    if len(text) <= limit:
        return text
    keep = limit - 4 - len(str(len(text)))  # room for "…[+N]" with N's digits
    while len(str(len(text) - keep - 1)) + keep + 5 <= limit:  # N has fewer digits: more kept
        keep += 1
    return f"{text[:keep]}…[+{len(text) - keep}]"


class SheetWriter:
    """One named list: `header(...)`, then `append(row)` per row, then `footer(row)` for
    totals (kept below the filter range, so sorting or filtering never moves them).

    Past MAX_ROWS rows the list continues on a new sheet (same header, freeze and filter);
    `sheets` are the worksheets it used."""

    def __init__(self, workbook: Workbook, name: str, on_row=None):
        self.workbook, self.name = workbook, name
        self.formats = workbook.formats
        self.on_row = on_row  # called after each data row (the workbook counts them)
        self.titles: list[str] = []
        self.widths: list[int] | None = None
        self.money: frozenset[int] = frozenset()
        self.sheets: list = []
        self._data_end: list[int] = []  # the last data row of each sheet
        self.sheet = self._new_sheet(name)
        self.row = 0
        self._in_footer = False

    def header(self, titles: Iterable, widths: list[int] | None = None,
               money: Iterable[int] = ()) -> None:
        """The column titles (frozen, with the autofilter), their widths, and the columns
        (0-based) that hold money in VND (written with MONEY_FORMAT)."""
        self.titles = [xml_safe(title) for title in titles]
        self.widths, self.money = widths, frozenset(money)
        self._write_header()

    def append(self, values) -> None:
        """One data row (values in column order; None or "" leaves the cell empty)."""
        if self._in_footer:
            raise RuntimeError("rows after the footer would fall outside the filter")
        self._room()
        self._write_row(values)
        self._data_end[-1] = self.row
        self.row += 1
        if self.on_row is not None:
            self.on_row()

    def footer(self, values) -> None:
        """A totals row below the data, outside the autofilter's range."""
        self._in_footer = True
        self._room()
        self._write_row(values, bold=True)
        self.row += 1

    def finish(self) -> None:
        # Written after the rows: the filter range lives outside the streamed sheet data.
        if not self.titles:
            return
        for sheet, last in zip(self.sheets, self._data_end, strict=True):
            sheet.autofilter(0, 0, last, len(self.titles) - 1)

    # --- helpers -----------------------------------------------------------------------------

    def _new_sheet(self, name: str):
        sheet = self.workbook.book.add_worksheet(self.workbook.unique_name(name))
        self.sheets.append(sheet)
        self._data_end.append(0)
        return sheet

    def _write_header(self) -> None:
        if len(self.titles) > MAX_COLS:
            raise ExcelLimitError(f"sheet {self.sheet.name!r}: {len(self.titles)} columns, "
                                  f"Excel holds {MAX_COLS}")
        for col, title in enumerate(self.titles):
            if self.widths and col < len(self.widths):
                self.sheet.set_column(col, col, self.widths[col])
            self._check(self.sheet.write_string(self.row, col, title, self.formats["header"]))
        self.sheet.freeze_panes(1, 0)
        self.row += 1

    def _room(self) -> None:
        """Continue on a new sheet when this one is full (Excel's row limit)."""
        if self.row < MAX_ROWS:
            return
        self.sheet = self._new_sheet(self.name)
        self.row = 0
        if self.titles:
            self._write_header()

    def _write_row(self, values, bold: bool = False) -> None:
        values = list(values)
        if len(values) > MAX_COLS:
            raise ExcelLimitError(f"sheet {self.sheet.name!r}: {len(values)} columns, Excel "
                                  f"holds {MAX_COLS}")
        for col, value in enumerate(values):
            self._check(self._write(col, value, bold))

    def _write(self, col: int, value, bold: bool = False) -> int:
        sheet, row, formats = self.sheet, self.row, self.formats
        if value is None or value == "":
            return sheet.write_blank(row, col, None)
        if isinstance(value, bool):
            return sheet.write_boolean(row, col, value, formats["bold"] if bold else None)
        if isinstance(value, (int, float, Decimal)):
            number = float(value)
            if not math.isfinite(number):
                return sheet.write_blank(row, col, None)
            if col in self.money:
                return sheet.write_number(row, col, number,
                                          formats["money_bold" if bold else "money"])
            return sheet.write_number(row, col, number, formats["bold"] if bold else None)
        if isinstance(value, datetime):
            if value.tzinfo is not None:  # stored in UTC: shown as the pages show it
                value = value.astimezone(LOCAL_TZ)
            return sheet.write_datetime(row, col, value.replace(tzinfo=None),
                                        formats["datetime"])
        if isinstance(value, date):
            return sheet.write_datetime(row, col, datetime(value.year, value.month, value.day),
                                        formats["date"])
        text = xml_safe(value)  # what XML cannot hold would make the file unreadable
        text = cut_text(text)  # Excel's limit: cut visibly, never by xlsxwriter
        if is_risky(text):
            # Stored as text with Excel's quote prefix: shown as typed, never evaluated,
            # and still text when someone edits the cell later.
            return sheet.write_string(row, col, text, formats["quoted"])
        return sheet.write_string(row, col, text, formats["bold"] if bold else None)

    def _check(self, code: int) -> None:
        if code is not None and code < 0:
            raise ExcelLimitError(f"sheet {self.sheet.name!r}: xlsxwriter refused a cell at "
                                  f"row {self.row} (code {code})")


def is_risky(text: str) -> bool:
    """Text a spreadsheet could take for a formula or a link once the cell is edited: it
    starts with a sign of `_FORMULA_START` or a link's scheme, also after white space (spaces,
    no-break spaces: some spreadsheets trim them before reading a formula)."""
    lowered = text.lstrip().lower()
    return text.startswith(_FORMULA_START) or lowered.startswith(_FORMULA_START) or \
        lowered.startswith(("http:", "https:", "ftp:", "file:", "mailto:"))


def clean_sheet_name(name) -> str:
    """A sheet name as Excel takes it: NFC, without []:*?/\\ or control characters, single
    spaces, no apostrophe at either end. Vietnamese letters are kept."""
    text = unicodedata.normalize("NFC", "" if name is None else str(name))
    text = " ".join(_NAME_FORBIDDEN.sub(" ", text).split())
    return text.strip("' ").strip()


def short_sheet_name(name, limit: int = SHEET_NAME_LIMIT) -> str:
    """`clean_sheet_name`, at most `limit` characters: a longer name keeps its first word
    (what kind of list: Cụm, Khối) and as much of its end as fits, where sibling names differ
    (their number, the unit's own name): `Cụm…Tổng công ty Thép Việt Nam`."""
    text = clean_sheet_name(name) or "Sheet"
    if _width(text) <= limit:
        return text
    words = text.split(" ")
    head = words[0] if len(words) > 1 and _width(words[0]) <= _HEAD_WORD else ""
    budget = limit - _width(head) - 1  # the ellipsis
    tail = ""
    for word in reversed(words[1:] if head else words):
        candidate = f"{word} {tail}" if tail else word
        if _width(candidate) > budget:
            break
        tail = candidate
    tail = tail.lstrip(" -–—,.;&")
    if not tail:  # the last word alone is longer than the room: its last letters
        tail = text[-budget:]
        while _width(tail) > budget:
            tail = tail[1:]
    return clean_sheet_name(f"{head}…{tail}")


def _width(text: str) -> int:
    """Length as Excel counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


class Workbook:
    """`wb = Workbook(); ws = wb.sheet("Tên"); ws.header([...]); ws.append(...)`; then hand
    `wb` to `core.web.xlsx_response`, which streams its file: the workbook is written to a
    temporary file, never held in memory whole.

    `progress(rows)`, when given, is called with the number of data rows written so far (all
    sheets, headers not counted) every `every` rows: a background job records it."""

    suffix = "xlsx"
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def __init__(self, progress: Callable[[int], None] | None = None,
                 every: int = STREAM_ROWS):
        self.buffer = tempfile.TemporaryFile()
        self.sheets: list[SheetWriter] = []
        self.rows = 0
        self.progress, self.every = progress, every
        self._used: set[str] = set()
        self.book = xlsxwriter.Workbook(self.buffer, {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False, "in_memory": False})
        add = self.book.add_format
        self.formats = {
            "header": add({"bold": True, "bg_color": "#DDEBF7", "border": 1}),
            "date": add({"num_format": "dd/mm/yyyy"}),
            "datetime": add({"num_format": "dd/mm/yyyy hh:mm"}),
            "quoted": add({"quote_prefix": True}),
            "money": add({"num_format": MONEY_FORMAT}),
            "money_bold": add({"num_format": MONEY_FORMAT, "bold": True}),
            "bold": add({"bold": True}),
        }

    def sheet(self, name: str) -> SheetWriter:
        """A new list named `name` (cleaned, shortened and made unique as Excel needs)."""
        writer = SheetWriter(self, clean_sheet_name(name) or "Sheet", self._row_written)
        self.sheets.append(writer)
        return writer

    def unique_name(self, name: str) -> str:
        """`short_sheet_name(name)`, or with ` (2)`, ` (3)`… when taken (Excel compares
        sheet names without case)."""
        candidate, n = short_sheet_name(name), 2
        while candidate.lower() in self._used or candidate.lower() in _RESERVED_NAMES:
            suffix = f" ({n})"
            candidate = short_sheet_name(name, SHEET_NAME_LIMIT - len(suffix)) + suffix
            n += 1
        self._used.add(candidate.lower())
        return candidate

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
