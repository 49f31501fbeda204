"""CSV out, for the largest lists: the same rows and columns as their spreadsheet, as one
UTF-8 text file with a byte-order mark (so Excel reads the Vietnamese letters right), written
row by row to a temporary file and streamed, like the spreadsheet.

`CsvBook` has the shape of `core.xlsx.Workbook` (`sheet(name)` → `header`, `append`,
`footer`; `rows`; `close()`), so an export writes either with the same code. A CSV file holds
one list: the export's first sheet. Its later sheets (the scores' per-cluster rankings) are
not CSV: `sheet()` hands back a writer that counts their rows and writes nothing, and
`skipped_rows` says how many there were — documented, not a silent loss.

- Separator and decimal mark follow the reader's language (`dialect_for`): Vietnamese
  writes `;` between fields and `,` before decimals (Excel under a Vietnamese Windows uses
  `;` as its list separator, because `,` is its decimal mark: a comma-separated file opens as
  one column there); English writes `,` and `.`.
- Numbers have no thousands separator (money as whole đồng: `1500000`); dates `dd/mm/yyyy`,
  times `dd/mm/yyyy hh:mm` in Vietnam's time zone, as in the spreadsheet.
- Text a spreadsheet could take for a formula or a link (`core.xlsx.is_risky`) starts with
  an apostrophe (`'=1+1`), the guard CSV has in place of the spreadsheet's quote prefix.
- No length limit: a cell longer than Excel's 32,767 characters is written whole.
"""
from __future__ import annotations

import csv
import io
import math
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from emulation.core.xlsx import LOCAL_TZ, STREAM_ROWS, is_risky

MIMETYPE = "text/csv"  # the response adds "; charset=utf-8" (werkzeug, for text/*)


@dataclass(frozen=True)
class Dialect:
    """Field separator and decimal mark of one language's Excel."""

    delimiter: str
    decimal: str


def dialect_for(locale: str | None) -> Dialect:
    """`;` and `,` where the language's decimal mark is a comma (Vietnamese), else `,` and
    `.` (Babel's number symbols decide)."""
    from babel import UnknownLocaleError
    from babel.numbers import get_decimal_symbol

    try:
        mark = get_decimal_symbol(str(locale or "vi"))
    except (UnknownLocaleError, ValueError):  # an unknown locale: Vietnamese, the default
        mark = ","
    return Dialect(";", ",") if mark == "," else Dialect(",", ".")


class CsvSheet:
    """The one list of a CsvBook: `header(titles)`, `append(row)`, `footer(row)`."""

    def __init__(self, book: CsvBook):
        self.book = book
        self.money: frozenset[int] = frozenset()

    def header(self, titles: Iterable, widths=None, money: Iterable[int] = ()) -> None:
        """The column titles (widths are a spreadsheet's: ignored)."""
        self.money = frozenset(money)
        self.book.writer.writerow([self.book.cell(str(t)) for t in titles])

    def append(self, values) -> None:
        """One data row, values in column order (None or "" → an empty field)."""
        self.book.writer.writerow([self.book.cell(v) for v in values])
        self.book.row_written()

    def footer(self, values) -> None:
        """The totals row, last, as in the spreadsheet."""
        self.book.writer.writerow([self.book.cell(v) for v in values])


class _OtherSheet:
    """A later sheet of the export: a CSV file holds one list; its rows are counted."""

    def __init__(self, book: CsvBook):
        self.book = book

    def header(self, titles, widths=None, money=()) -> None:
        return None

    def append(self, values) -> None:
        self.book.skipped_rows += 1
        self.book.row_written()

    def footer(self, values) -> None:
        return None


class CsvBook:
    """`book = CsvBook(progress, locale=...)`; `book.sheet(name).append(...)`; then
    `book.close()` → (the open file at its start, its size in bytes). `progress(rows)` as in
    `core.xlsx.Workbook`."""

    suffix = "csv"
    mimetype = MIMETYPE

    def __init__(self, progress: Callable[[int], None] | None = None,
                 every: int = STREAM_ROWS, locale: str | None = None):
        self.buffer = tempfile.TemporaryFile()
        self.text = io.TextIOWrapper(self.buffer, encoding="utf-8-sig", newline="")
        self.dialect = dialect_for(locale if locale is not None else _current_locale())
        self.writer = csv.writer(self.text, delimiter=self.dialect.delimiter,
                                 lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        self.sheets: list = []
        self.rows = 0
        self.skipped_rows = 0  # rows of later sheets, not in a CSV file
        self.progress, self.every = progress, every

    def sheet(self, name: str):
        """The file's list (first call), or a counting stand-in for a later sheet."""
        writer = CsvSheet(self) if not self.sheets else _OtherSheet(self)
        self.sheets.append(writer)
        return writer

    def cell(self, value) -> str:
        """One value as its field's text (see the module's rules)."""
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, (float, Decimal)):
            if isinstance(value, float) and not math.isfinite(value):
                return ""
            if isinstance(value, Decimal) and not value.is_finite():
                return ""
            text = format(value, "f") if isinstance(value, Decimal) else repr(value)
            if "e" in text or "E" in text:
                text = format(Decimal(text), "f")
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return text.replace(".", self.dialect.decimal)
        if isinstance(value, datetime):
            if value.tzinfo is not None:
                value = value.astimezone(LOCAL_TZ)
            return value.strftime("%d/%m/%Y %H:%M")
        if isinstance(value, date):
            return value.strftime("%d/%m/%Y")
        text = str(value)
        return "'" + text if is_risky(text) else text

    def row_written(self) -> None:
        self.rows += 1
        if self.progress is not None and self.rows % self.every == 0:
            self.progress(self.rows)

    def close(self):
        """Finish the file; the open file, at its start, and its size in bytes."""
        self.text.flush()
        self.text.detach()
        size = self.buffer.seek(0, 2)
        self.buffer.seek(0)
        return self.buffer, size


def _current_locale() -> str | None:
    """The reader's language (the request's, or the one a job forces), None outside an
    app."""
    from flask import has_app_context
    from flask_babel import get_locale

    locale = get_locale() if has_app_context() else None
    return str(locale) if locale is not None else None
