"""Reading `.xlsx` and `.csv` tables for imports, as offices keep them: the one reader of every
import (units, people, appraisals, initiatives, disciplines, award history).

- Every row the sheet has is read, whatever size the file declares (`<dimension>` is not
  trusted), and the report says how many data rows were seen.
- The header is the row that matches the import's columns best within the first
  `HEADER_SCAN_ROWS` rows of each sheet: title blocks, the national motto and merged rows
  above it are skipped, an `STT` column and unknown columns ignored, a numbering row
  `(1) (2) …` under it and a signature footer (`NGƯỜI LẬP BIỂU`, `CHỦ TỊCH`, `…, ngày …
  tháng … năm …`) left out. The caller may name the sheet, the header row and the column
  mapping instead (the preview's choices).
- Text typed with TCVN3 or VNI fonts is converted to Unicode per cell (`core.vnlegacy`),
  full-width forms to ASCII; a CSV is UTF-8, UTF-16 or Windows-1258 (what Vietnamese Windows
  saves as "CSV"), normalised to NFC. Every conversion is listed for the preview.

Row numbers are the spreadsheet's own, so a user can find the row.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _

from emulation.core import vnlegacy, vocabulary
from emulation.core.text import clean, fold

HEADER_SCAN_ROWS = 20  # the header is looked for in this many first rows of each sheet
PREVIEW_ROWS = 20


@dataclass
class Column:
    key: str
    header: str  # the exact header of the template (Vietnamese)
    required: bool = True
    aliases: tuple[str, ...] = ()
    # A column offices split in sub-columns headed by the values of another column, in a
    # header of two rows: `("gender", ("Nam", "Nữ"))` on the birth date reads "Ngày sinh"
    # over "Nam | Nữ" — the date is written under the person's sex.
    split: tuple[str, tuple[str, ...]] | None = None


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
class Conversion:
    """A cell the reader changed: `kind` is "TCVN3", "VNI" or "full-width" (the importers add
    "prefix" for a name's `Ông`/`Bà` removed)."""

    row: int
    column: str
    before: str
    after: str
    kind: str


@dataclass
class Candidate:
    """A row of a sheet that looks like the header: `matched` columns found, `missing` the
    required ones it lacks."""

    sheet: str
    row: int
    matched: int
    missing: list[str]
    depth: int = 1  # rows the header takes: 2 when sub-headers sit under merged headings
    cells: list | None = None  # the header's texts (two rows: the two combined)
    splits: dict = field(default_factory=dict)  # column index → (key, other key, value)

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass
class Table:
    """What the reader found: the rows, and everything the preview and report show."""

    rows: list[Row] = field(default_factory=list)
    format: str = ""  # "xlsx" or "csv"
    encoding: str = ""  # a CSV's: "UTF-8", "UTF-16", "Windows-1258"
    sheets: list[str] = field(default_factory=list)
    sheet: str = ""
    header_row: int = 0
    header_depth: int = 1  # 2 when the header is two rows (sub-headers under merged cells)
    headers: list[str] = field(default_factory=list)  # the header row's texts, by column
    # column index → (key, other key, value) of a split column (`Column.split`)
    splits: dict[int, tuple[str, str, str]] = field(default_factory=dict)
    mapping: dict[int, str] = field(default_factory=dict)  # column index → column key
    candidates: list[Candidate] = field(default_factory=list)
    conversions: list[Conversion] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, why)
    last_row: int = 0  # the last row of the sheet that holds anything
    declared: dict = field(default_factory=dict)  # sheet → rows its <dimension> declares
    # why the rows cannot be imported as the columns stand (a required column missing, one
    # given twice): the preview shows it beside the columns to choose
    problem: str = ""

    @property
    def declared_rows(self) -> int | None:
        """The rows the chosen sheet of an .xlsx declared (fewer than it holds: stale)."""
        return self.declared.get(self.sheet)

    def require(self) -> None:
        """Raise TableError when the header or the columns need the user's choice."""
        if self.problem:
            raise TableError(self.problem)

    @property
    def data_rows(self) -> int:
        return len(self.rows)

    @property
    def ambiguous(self) -> bool:
        """More than one sheet or row would do as the header: the user should choose."""
        return sum(1 for c in self.candidates if c.complete) > 1


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # the parsed rows as they will be stored (the preview's first rows), by column key
    preview: list[dict] = field(default_factory=list)
    conversions: list[Conversion] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class TableError(Exception):
    """The file as a whole cannot be read (format, headers, size)."""


@dataclass
class Choices:
    """What the user chose in the preview: a sheet by name, a header row (1-based), and the
    column mapping (column index → column key, "" to ignore the column)."""

    sheet: str | None = None
    header_row: int | None = None
    mapping: dict[int, str] | None = None
    # changes to the columns found (the CLI's --column): index → key, "" to ignore
    overrides: dict[int, str] | None = None


def read_table(stream, filename: str, columns: list[Column], max_rows: int,
               choices: Choices | None = None) -> Table:
    """The table of an uploaded file (see the module's docstring). Any file that cannot be
    read raises TableError with a translated message, whatever the reader's own error: a
    damaged zip, broken XML inside the workbook, a truncated or odd CSV, no header row. A
    header row whose columns need the user's choice (one missing, one twice) is read with
    `problem` set: call `require()` before importing."""
    try:
        return _read_table(stream, filename, columns, max_rows, choices or Choices())
    except TableError:
        raise
    except Exception as err:  # any reader error on a user's file means it is damaged
        raise TableError(_("The file is damaged or is not an Excel (.xlsx) or CSV file. Open "
                           "it in Excel, save it again and retry.")) from err


def _read_table(stream, filename, columns, max_rows, choices: Choices) -> Table:
    name = (filename or "").lower()
    data = stream.read()
    table = Table()
    if name.endswith(".xlsx"):
        table.format = "xlsx"
        sheets = _xlsx_sheets(data, table)
    elif name.endswith(".csv"):
        table.format = "csv"
        sheets = {"CSV": _csv_rows(data, table)}
    else:
        raise TableError(_("Only .xlsx and .csv files can be imported."))
    table.sheets = list(sheets)
    if not any(_scan(rows) for rows in sheets.values()):
        raise TableError(_("The file is empty."))
    _choose_header(table, sheets, columns, choices)
    _read_rows(table, sheets[table.sheet], columns, max_rows)
    return table


# --- header -----------------------------------------------------------------------------------

def _header_key(value) -> str:
    """A header as it is compared: folded, without notes in brackets, `*`, `:`, numbering."""
    text = fold(_text(value)).replace("_", " ")
    text = re.sub(r"\([^)]*\)|\[[^]]*\]", " ", text)
    text = re.sub(r"[*:]+", " ", text)
    return " ".join(text.split())


def _wanted(columns: list[Column]) -> dict[str, str]:
    wanted: dict[str, str] = {}
    for col in columns:
        for name in (col.header, col.key, *col.aliases):
            wanted.setdefault(_header_key(name), col.key)
    return wanted


def _match(cells: list, columns: list[Column]) -> dict[int, str]:
    """Column index → key for the header cells that name one of `columns` (first wins)."""
    wanted = _wanted(columns)
    mapping: dict[int, str] = {}
    for index, cell in enumerate(cells):
        col_key = wanted.get(_header_key(cell))
        if col_key is not None and col_key not in mapping.values():
            mapping[index] = col_key
    return mapping


def _two_row_header(top: list, sub: list, columns: list[Column]):
    """A header of two rows, as offices draw it: headings merged over sub-headers (`Ngày
    sinh` over `Nam | Nữ`, `Số điện thoại` over `Cơ quan | Di động`), the other headings
    merged down both rows. Returns (the header's texts by column, splits) — a sub-header
    reads as "heading sub-header" or alone, whichever names a column; sub-headers that are
    the values of a split column (`Column.split`) are splits — or None when the second row
    holds nothing under a heading."""
    wanted = _wanted(columns)
    by_key = {c.key: c for c in columns}
    combined: list = []
    splits: dict[int, tuple[str, str, str]] = {}
    parent, under = "", False
    for index in range(max(len(top), len(sub))):
        head = top[index] if index < len(top) else None
        child = sub[index] if index < len(sub) else None
        if not _is_blank(head):
            parent = _text(head)
        elif _is_blank(child):
            parent = ""  # blank in both rows: a merged heading ends before
        if _is_blank(child):
            combined.append(head)
            continue
        if _is_blank(head) and not parent:
            combined.append(child)
            continue
        under = True
        child_text = _text(child)
        joined = f"{parent} {child_text}"
        if _header_key(joined) in wanted:
            combined.append(joined)
            continue
        column = by_key.get(wanted.get(_header_key(parent), ""))
        if column is not None and column.split is not None and _header_key(child_text) in {
                _header_key(v) for v in column.split[1]}:
            splits[index] = (column.key, column.split[0], child_text)
            combined.append(joined)
            continue
        combined.append(child_text)
    return (combined, splits) if under else None


def _choose_header(table: Table, sheets: dict, columns: list[Column], choices: Choices):
    required = [c for c in columns if c.required]
    candidates: list[Candidate] = []
    best: dict[str, Candidate] = {}
    for sheet_name, rows in sheets.items():
        scanned = _scan(rows)[:HEADER_SCAN_ROWS]
        for position, (number, cells) in enumerate(scanned):
            options = [(cells, 1, {})]
            if position + 1 < len(scanned) and scanned[position + 1][0] == number + 1:
                two = _two_row_header(cells, scanned[position + 1][1], columns)
                if two is not None:
                    options.append((*two[:1], 2, two[1]))
            for header_cells, depth, splits in options:
                keys = set(_match(header_cells, columns).values())
                keys |= {k for key, other, _value in splits.values() for k in (key, other)}
                if len(keys) < 2:
                    continue
                candidate = Candidate(sheet_name, number, len(keys),
                                      [c.header for c in required if c.key not in keys],
                                      depth, header_cells, splits)
                candidates.append(candidate)
                current = best.get(sheet_name)
                # a second header row only when it names more: a one-row header followed by
                # its first data row stays one row
                if current is None or (candidate.complete, candidate.matched, -depth) > (
                        current.complete, current.matched, -current.depth):
                    best[sheet_name] = candidate
    table.candidates = sorted(best.values(), key=lambda c: (not c.complete, -c.matched))
    sheet = choices.sheet
    if sheet is not None and sheet not in sheets:
        raise TableError(_("The file has no sheet named %(name)s.", name=sheet))
    if choices.header_row is not None:
        sheet = sheet or (table.candidates[0].sheet if table.candidates else table.sheets[0])
        found = sorted((c for c in candidates
                        if c.sheet == sheet and c.row == choices.header_row),
                       key=lambda c: (not c.complete, -c.matched, c.depth))
        chosen = found[0] if found else Candidate(sheet, choices.header_row, 0, [])
    else:
        pool = [c for c in table.candidates if sheet is None or c.sheet == sheet]
        chosen = pool[0] if pool else None
    if chosen is None:
        raise TableError(_("Could not find the header row: no row among the first %(n)d of "
                           "%(where)s names the columns. Expected columns like: %(names)s.",
                           n=HEADER_SCAN_ROWS,
                           where=_("the sheet %(name)s", name=sheet) if sheet
                           else _("any sheet"),
                           names=", ".join(c.header for c in columns)))
    table.sheet, table.header_row = chosen.sheet, chosen.row
    table.header_depth, table.splits = chosen.depth, dict(chosen.splits)
    cells = chosen.cells
    if cells is None:
        cells = dict(_scan(sheets[chosen.sheet])).get(chosen.row)
    if cells is None:
        cells = _row_at(sheets[chosen.sheet], chosen.row)
    table.headers = [_text(c) for c in cells]
    keys = {c.key: c.header for c in columns}
    if choices.mapping is not None:
        mapping = {i: k for i, k in choices.mapping.items()
                   if k and 0 <= i < len(cells) + 50}
        if any(k not in keys for k in mapping.values()):
            raise TableError(_("The column mapping is not valid."))
        seen = list(mapping.values())
        twice = [keys[k] for k in keys if seen.count(k) > 1]
        if twice:
            table.problem = _("The column %(name)s appears twice.", name=", ".join(twice))
            mapping = {i: k for i, k in mapping.items() if keys[k] not in twice}
    else:
        mapping = _match(cells, columns)
        wanted = _wanted(columns)
        for index, cell in enumerate(cells):
            col_key = wanted.get(_header_key(cell))
            if col_key is not None and mapping.get(index) != col_key and not table.problem:
                table.problem = _("The column %(name)s appears twice.", name=_text(cell))
        for index, col_key in (choices.overrides or {}).items():
            if col_key and col_key not in keys:
                raise TableError(_("The column mapping is not valid."))
            mapping = {i: k for i, k in mapping.items() if i != index and k != col_key}
            if col_key:
                mapping[index] = col_key
    table.mapping = dict(sorted(mapping.items()))
    if choices.mapping is not None:  # a column the user mapped themselves is no split
        table.splits = {i: v for i, v in table.splits.items() if i not in choices.mapping}
    split_keys = {k for key, other, _value in table.splits.values() for k in (key, other)}
    missing = [c.header for c in required
               if c.key not in mapping.values() and c.key not in split_keys]
    if missing and not table.problem:
        table.problem = _("Missing columns: %(names)s. Download the template for the exact "
                          "headers, or choose the header row and the columns in the "
                          "preview.", names=", ".join(missing))


# --- rows -------------------------------------------------------------------------------------

_NUMBERING = re.compile(r"^\(?\s*(\d{1,2}|[a-z])\s*\)?$", re.IGNORECASE)
_SIGNATURE = ("nguoi lap", "thu truong", "chu tich", "pho chu tich", "tm ", "tm.", "t/m",
              "kt ", "kt.", "k/t", "tl.", "giam doc", "pho giam doc", "truong phong",
              "ke toan truong", "xac nhan", "(ky", "ky ten", "ky, ghi ro", "noi nhan",
              "ban chap hanh cong doan")
_TOTALS = ("tong cong", "tong so", "cong:", "cong ")
_PLACE_DATE = re.compile(r"ngay\W*[\d.…]*\W*thang\W*[\d.…]*\W*nam\W*[\d.…]*$")


def _is_numbering(cells: list, mapping: dict[int, str]) -> bool:
    """`(1) (2) (3) …` or `1 2 3 …` under the header: every filled cell a small number or a
    letter, in order, in at least half of the mapped columns."""
    texts = [(i, _text(c)) for i, c in enumerate(cells) if _text(c)]
    if len(texts) < max(2, len(mapping) // 2):
        return False
    if not all(_NUMBERING.match(t) for _i, t in texts):
        return False
    numbers = [re.sub(r"\D", "", t) for _i, t in texts]
    if all(numbers):
        values = [int(n) for n in numbers]
        return values == sorted(values) and len(set(values)) == len(values)
    return True


def _is_footer(cells: list) -> bool:
    """A signature block, a place-and-date line or a totals row: no data follows it."""
    first = next((c for c in cells if not _is_blank(c)), None)
    if not isinstance(first, str):  # a data row starts with its number or its code
        return False
    if " " not in first.strip() and first.strip().lower().rstrip(":") not in ("cộng",
                                                                            "tổng"):
        return False  # a code: every footer's first text has several words
    head = fold(_text(first))
    if not (head.startswith(_SIGNATURE + _TOTALS) or head in ("cong", "tong")
            or _PLACE_DATE.search(head)):
        return False
    texts = [fold(_text(c)) for c in cells if _text(c)]
    if texts[0].startswith(_TOTALS) or texts[0] in ("cong", "tong"):
        return all(t.startswith(_TOTALS) or t in ("cong", "tong") or _is_number(t)
                   for t in texts)
    return all(t.startswith(_SIGNATURE) or _PLACE_DATE.search(t) for t in texts)


def _is_repeated_header(cells: list, table: Table) -> bool:
    """The header again (a list printed page by page repeats it): most of its mapped cells
    say what the header's say."""
    index = next(iter(table.mapping), None)
    if index is None or index >= len(cells) or not isinstance(cells[index], str):
        return False
    if cells[index].strip().lower() != table.headers[index].lower():
        return False  # the cheap test first: a data row's first mapped cell is not a header
    same = sum(1 for i in table.mapping if i < len(cells) and i < len(table.headers)
               and table.headers[i] and _header_key(cells[i]) == _header_key(table.headers[i]))
    return same * 2 > len(table.mapping)


_GROUP = re.compile(r"^([IVXLC]+|[A-Z]|\d+)[.)]\s+\S")


def _is_group_heading(cells: list) -> bool:
    """A heading inside the list (`I. Khối văn phòng`, `PHÒNG KẾ TOÁN`): one cell of several
    words, or one numbered like `I.`/`A.`/`1.` — no record has only one filled cell."""
    filled = [c for c in cells if not _is_blank(c)]
    if len(filled) != 1 or not isinstance(filled[0], str):
        return False
    text = filled[0].strip()
    return " " in text or _GROUP.match(text) is not None


def _is_number(text: str) -> bool:
    return re.fullmatch(r"[\d.,\s]+", text) is not None


def _read_rows(table: Table, rows, columns: list[Column], max_rows: int) -> None:
    mapping = table.mapping
    names = {c.key: c.header for c in columns}
    after_header = 0
    footer_at = None
    for number, raw in rows():
        table.last_row = max(table.last_row, number) if not _blank_row(raw) else table.last_row
        if number < table.header_row + table.header_depth:
            continue
        if footer_at is not None:
            continue
        if _blank_row(raw):
            continue
        after_header += 1
        if after_header <= 2 and _is_numbering(raw, mapping):
            table.skipped.append((number, "numbering"))
            continue
        if _is_footer(raw):
            footer_at = number
            table.skipped.append((number, "footer"))
            continue
        if _is_repeated_header(raw, table):
            table.skipped.append((number, "header"))
            continue
        if _is_group_heading(raw):
            table.skipped.append((number, "group"))
            continue
        if len(table.rows) >= max_rows:
            raise TableError(_("The file has more than %(n)d rows.", n=max_rows))
        values = {}
        for index, col_key in mapping.items():
            value = raw[index] if index < len(raw) else None
            if isinstance(value, str):
                value = _convert(table, number, names[col_key], value)
            values[col_key] = value
        for index, (col_key, other, label) in table.splits.items():
            values.setdefault(col_key, None)
            value = raw[index] if index < len(raw) else None
            if isinstance(value, str):
                value = _convert(table, number, names[col_key], value)
            if not _is_blank(value) and _is_blank(values[col_key]):
                values[col_key] = value
                if _is_blank(values.get(other)):
                    values[other] = label  # the sub-header it stands under: Nam, Nữ
        table.rows.append(Row(number, values))


def _convert(table: Table, number: int, column: str, value: str) -> str:
    """The cell's text with legacy fonts and full-width forms converted (listed)."""
    after = value
    found = vnlegacy.convert(after)
    if found is not None:
        table.conversions.append(Conversion(number, column, value, found[0], found[1]))
        after = found[0]
    if vocabulary.has_full_width(after):
        ascii_text = vocabulary.ascii_forms(after)
        table.conversions.append(Conversion(number, column, after, ascii_text, "full-width"))
        after = ascii_text
    return after


def _blank_row(raw) -> bool:
    return all(_is_blank(v) for v in raw)


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    """A header or scanned cell as text, legacy fonts converted (a TCVN3 header matches)."""
    if isinstance(value, str):
        found = vnlegacy.convert(value)
        if found is not None:
            value = found[0]
        return clean(vocabulary.ascii_forms(value))
    return text_value(value)


def _scan(rows) -> list[tuple[int, list]]:
    """The first non-blank rows of a sheet, (number, cells), for the header search."""
    found = []
    for number, raw in rows():
        if not _blank_row(raw):
            found.append((number, raw))
        if len(found) >= HEADER_SCAN_ROWS or number > 200:
            break
    return found


def _row_at(rows, wanted: int) -> list:
    for number, raw in rows():
        if number == wanted:
            return raw
        if number > wanted:
            break
    return []


# --- cells ------------------------------------------------------------------------------------

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
    """A date cell, an Excel day number, or text in Vietnamese order (15/03/1985, 15-3-1985,
    15.03.1985) or ISO (see `vocabulary.parse_date`). Raises ValueError when it is not a
    date."""
    found = vocabulary.parse_date(value)
    return found if isinstance(found, date) or found is None else None


# --- readers ----------------------------------------------------------------------------------

def _xlsx_sheets(data: bytes, table: Table) -> dict:
    """Sheet name → a function yielding (row number, cells) of every row the sheet holds."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise TableError(_("The file is not a valid .xlsx workbook.")) from err
    sheets = [ws for ws in workbook.worksheets if hasattr(ws, "iter_rows")]
    if not sheets:
        raise TableError(_("The file is not a valid .xlsx workbook."))
    declared = {}
    for ws in sheets:
        declared[ws.title] = ws.max_row if ws.max_row and ws.max_row > 1 else None
        # openpyxl's read-only mode reads only the rows the file *declares* (<dimension>);
        # writers that leave a stale one would have rows silently dropped
        ws.reset_dimensions()
    table.declared = declared

    def reader(ws):
        def rows():
            for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
                yield number, list(row)
        return rows
    return {ws.title: reader(ws) for ws in sheets}


def _csv_rows(data: bytes, table: Table):
    cells_from = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, table.encoding = data.decode("utf-16"), "UTF-16"
    else:
        try:
            text, table.encoding = data.decode("utf-8-sig"), "UTF-8"
        except UnicodeDecodeError:
            # Windows-1258 (Vietnamese Windows' "CSV"); each cell is first looked at as the
            # bytes it was (a TCVN3 or VNI cell), else decoded, combining marks composed.
            text, table.encoding = data.decode("latin-1"), "Windows-1258"
            cells_from = _cp1258_cell
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    parsed = list(csv.reader(io.StringIO(text), dialect))
    if cells_from is not None:
        parsed = [[cells_from(cell) for cell in row] for row in parsed]
    parsed = [[_unguarded(cell) for cell in row] for row in parsed]

    def rows():
        yield from enumerate(parsed, start=1)
    return rows


def _unguarded(cell: str) -> str:
    """A CSV cell without the apostrophe our CSV exports put before text a spreadsheet could
    take for a formula or a link (`'=1+1` → `=1+1`, core.csvbook), so an export re-imports
    as is; any other apostrophe is the cell's own (`'kept as typed`)."""
    from emulation.core.xlsx import is_risky

    return cell[1:] if cell.startswith("'") and is_risky(cell[1:]) else cell


def _cp1258_cell(cell: str) -> str:
    """A cell of a Windows-1258 CSV (given as its bytes in Latin-1): decoded, unless it reads
    as Vietnamese only as a TCVN3 or VNI cell (then it is kept as bytes, to be converted and
    listed with the other cells)."""
    try:
        decoded = clean(cell.encode("latin-1").decode("cp1258"))
    except UnicodeDecodeError:
        decoded = None
    if decoded is not None and vnlegacy.reads_as_vietnamese(decoded):
        return decoded
    if vnlegacy.convert(cell) is not None:
        return cell
    if decoded is None:
        raise TableError(_("The CSV file is neither UTF-8 nor Windows-1258 text. Save it as "
                           "\"CSV UTF-8\" and try again."))
    return decoded
