"""Hostile values for the fuzzer (tests/test_fuzz.py) and the tests of each refusal: texts no
field keeps, numbers no column holds, dates out of range, damaged files."""
from __future__ import annotations

import io
import zipfile

NUL, NONCHAR, SURROGATE = "a\x00b", "Tên\uffff", "x\ud800y"
TEXTS = [NUL, NONCHAR, "\ufffe", "a\x1bb", "a\x85b"]
NUMBERS = ["sNaN", "NaN", "Infinity", "-Infinity", "1e1", "1E+400", "-1", "-99999999999",
           "99999999999999999999", "9" * 5000, "١٠", "１０", "1_000",
           "10.00000000000000000001", "0x10"]
DATES = ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01", "31/02/2026", "2026-13-45"]
VALUES = [*TEXTS, *NUMBERS, *DATES]
# The values that get past a form when they are not refused there: sent to each field alone.
DEEP = [NUL, NONCHAR, "sNaN", "9" * 5000, "١٠", "-99999999999", "0001-01-01"]


def xlsx(rows=(("Mã đơn vị", "Tên đơn vị"), ("X1", "Một"))) -> bytes:
    """A real workbook, to damage."""
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rezip(source: bytes, change) -> bytes:
    """The zip `source` with each member's bytes passed through change(name, data)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info, data)
    return out.getvalue()


def _bad_crc(source: bytes) -> bytes:
    """A stored (uncompressed) member whose bytes no longer match its CRC."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(
            out, "w", zipfile.ZIP_STORED) as new:
        for info in old.infolist():
            new.writestr(info.filename, old.read(info.filename), zipfile.ZIP_STORED)
    data = bytearray(out.getvalue())
    at = data.find(b"<sheetData")
    data[at + 1:at + 6] = b"XXXXX"
    return bytes(data)


def damaged_workbooks() -> dict[str, bytes]:
    """Files named .xlsx that no reader can read: each broke the import with a 500."""
    good = xlsx()
    return {
        "not a zip": b"PK\x03\x04 this is not a workbook",
        "truncated": good[: len(good) // 2],
        "empty zip": _rezip(good, lambda name, data: None),
        "no sheet": _rezip(good, lambda name, data: None if "worksheets" in name else data),
        "broken sheet xml": _rezip(good, lambda name, data: data[: len(data) // 2]
                                   if "worksheets" in name else data),
        "broken workbook xml": _rezip(good, lambda name, data: b"<workbook"
                                      if name == "xl/workbook.xml" else data),
        "bad crc": _bad_crc(good),
        "text": "Mã,Tên\n".encode("utf-16-le")[:-1],
    }


def damaged_csvs() -> dict[str, bytes]:
    """Files named .csv that cannot be read as a table."""
    return {
        "odd utf-16": b"\xff\xfe" + "Mã,Tên\n".encode("utf-16-le") + b"\x00",
        "huge field": "Mã đơn vị,Tên đơn vị\n".encode() + b"x" * 200_000 + b",y\n",
        "latin-1": "Mã,Tên".encode("latin-1"),
    }


def damaged_files() -> dict[str, bytes]:
    """Every damaged file by the name it is uploaded under."""
    return {**{f"{k}.xlsx": v for k, v in damaged_workbooks().items()},
            **{f"{k}.csv": v for k, v in damaged_csvs().items()},
            "damaged.docx": damaged_office("docx"), "damaged.pdf": damaged_office("pdf")}


def damaged_office(kind: str) -> bytes:
    """A .docx or .pdf that is damaged: right start, nonsense after."""
    if kind == "pdf":
        return b"%PDF-1.7\n\x00\xff garbage"
    return _rezip(xlsx(), lambda name, data: data[:10])
