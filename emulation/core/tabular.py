"""Reading `.xlsx` and `.csv` tables for imports: headers matched loosely, rows numbered.

Row numbers are the spreadsheet's own (the header is row 1), so a user can find the row.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _

from emulation.core.text import clean, fold


@dataclass
class Column:
    key: str
    header: str  # the exact header of the template (Vietnamese)
    required: bool = True
    aliases: tuple[str, ...] = ()


@dataclass
class Row:
    number: int
    values: dict


@dataclass
class RowError:
    row: int
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class TableError(Exception):
    """The file as a whole cannot be read (format, headers, size)."""


def read_table(stream, filename: str, columns: list[Column], max_rows: int) -> list[Row]:
    """Rows of the file as dicts keyed by column key; entirely empty rows are skipped.

    Any file that cannot be read raises TableError with a message, whatever the reader's
    own error: a damaged zip, broken XML inside the workbook, a truncated or odd CSV."""
    try:
        return _read_table(stream, filename, columns, max_rows)
    except TableError:
        raise
    except Exception as err:  # any reader error on a user's file means it is damaged
        raise TableError(_("The file is damaged or is not an Excel (.xlsx) or CSV file. Open "
                           "it in Excel, save it again and retry.")) from err


def _read_table(stream, filename: str, columns: list[Column], max_rows: int) -> list[Row]:
    name = (filename or "").lower()
    data = stream.read()
    if name.endswith(".xlsx"):
        raw_rows = _xlsx_rows(data)
    elif name.endswith(".csv"):
        raw_rows = _csv_rows(data)
    else:
        raise TableError(_("Only .xlsx and .csv files can be imported."))
    try:
        header = next(raw_rows)
    except StopIteration:
        raise TableError(_("The file is empty.")) from None
    mapping = _match_headers(header, columns)
    rows: list[Row] = []
    for number, raw in enumerate(raw_rows, start=2):
        if all(_is_blank(v) for v in raw):
            continue
        if len(rows) >= max_rows:
            raise TableError(_("The file has more than %(n)d rows.", n=max_rows))
        values = {}
        for index, key in mapping.items():
            values[key] = raw[index] if index < len(raw) else None
        rows.append(Row(number, values))
    return rows


def text_value(value) -> str:
    """A cell as clean NFC text; whole numbers from Excel lose their `.0`."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return clean(value)


def date_value(value) -> date | None:
    """A date cell, or text in Vietnamese order (15/03/1985, 15-03-1985, 15.03.1985) or ISO.

    Raises ValueError when the text is not a date.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean(value)
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _match_headers(header: list, columns: list[Column]) -> dict[int, str]:
    wanted = {}
    for col in columns:
        for name in (col.header, col.key, *col.aliases):
            wanted[_header_key(name)] = col.key
    mapping: dict[int, str] = {}
    seen: set[str] = set()
    for index, cell in enumerate(header):
        key = wanted.get(_header_key(cell))
        if key is None:
            continue
        if key in seen:
            raise TableError(_("The column %(name)s appears twice.", name=text_value(cell)))
        seen.add(key)
        mapping[index] = key
    missing = [c.header for c in columns if c.required and c.key not in seen]
    if missing:
        raise TableError(_("Missing columns: %(names)s. Download the template for the exact "
                           "headers.", names=", ".join(missing)))
    return mapping


def _header_key(value) -> str:
    return fold(text_value(value)).replace("_", " ")


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise TableError(_("The file is not a valid .xlsx workbook.")) from err
    if not workbook.worksheets:
        raise TableError(_("The file is not a valid .xlsx workbook."))
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows(values_only=True):
        yield list(row)
    workbook.close()


def _csv_rows(data: bytes):
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise TableError(_("The CSV file is not UTF-8 text. Save it as \"CSV UTF-8\" and "
                               "try again.")) from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text), dialect)
