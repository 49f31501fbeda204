"""The import as a user expects it, the same for the six imports (units, people, appraisals,
initiatives, disciplines, award history) on the web, the command line and the API:

1. the file is kept (owner-only, under a random token bound to the user who sent it);
2. **preview**: the sheet and header row found (or chosen), the column mapping (changeable),
   the first rows as they will be stored, the cells converted (TCVN3, VNI, full-width, a name's
   `Ông`/`Bà`), and every row error — nothing written;
3. **confirm**: the file is read again with the same choices and imported all-or-nothing; a
   file of more than IMPORT_JOB_ROWS rows is handed to the worker (a job with a progress bar).

Kept files are deleted on confirm and cancel, and by the periodic clean-up after
IMPORT_KEEP_HOURS.
"""
from __future__ import annotations

import io
import json
import secrets
import time
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _

from emulation.core import storage
from emulation.core.errors import NotFound, ServiceError
from emulation.core.tabular import Choices, ImportResult, Table, TableError, read_table
from emulation.jobs import services as jobs

KINDS = ("units", "people", "appraisals", "initiatives", "disciplines", "awards")
_TOKEN_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


@dataclass
class Report:
    """What an import read and found, or did. `state`: "preview" (nothing written, rows
    fine), "refused" (row errors or a file that cannot be read: nothing written),
    "imported", "queued" (a job imports it: `job`)."""

    kind: str
    filename: str
    state: str = "preview"
    table: Table | None = None
    result: ImportResult | None = None
    error: str = ""  # the file as a whole could not be read
    token: str = ""  # the kept upload (web preview)
    job: object | None = None
    columns: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.error and (self.result is None or self.result.ok)

    @property
    def conversions(self) -> list:
        found = list(self.table.conversions) if self.table else []
        if self.result is not None:
            found += self.result.conversions
        return sorted(found, key=lambda c: c.row)

    def as_dict(self) -> dict:
        """The report as the API sends it (and the CLI prints it)."""
        table, result = self.table, self.result
        names = {c.key: c.header for c in self.columns}
        data = {"kind": self.kind, "filename": self.filename, "state": self.state,
                "error": self.error or None, "job": getattr(self.job, "id", None)}
        if table is not None:
            data.update({
                "sheet": table.sheet, "sheets": table.sheets, "header_row": table.header_row,
                "encoding": table.encoding or None, "data_rows": table.data_rows,
                "declared_rows": table.declared_rows, "last_row": table.last_row,
                "candidates": [{"sheet": c.sheet, "row": c.row, "matched": c.matched,
                                "missing": c.missing} for c in table.candidates],
                "columns": [{"index": i, "header": h, "key": table.mapping.get(i),
                             "field": names.get(table.mapping.get(i))}
                            for i, h in enumerate(table.headers) if h or i in table.mapping],
                "skipped": [{"row": r, "reason": why} for r, why in table.skipped],
            })
        data["conversions"] = [{"row": c.row, "column": c.column, "before": c.before,
                                "after": c.after, "kind": c.kind} for c in self.conversions]
        if result is not None:
            data.update({"rows": result.preview,
                         "errors": [{"row": e.row, "message": str(e.message)}
                                    for e in result.errors],
                         "created": result.created, "updated": result.updated,
                         "unchanged": result.unchanged})
        return data


def kind_of(kind: str):
    """The registered import (jobs.services.ImportKind) of `kind`; NotFound for another."""
    found = jobs.IMPORT_KINDS.get(f"{kind}_import") if kind in KINDS else None
    if found is None:
        raise NotFound(_("No such import."))
    return found


def choices_from(sheet=None, header_row=None, mapping=None) -> Choices:
    """The user's choices from form, CLI or API values (text): a sheet name, a header row
    number, a mapping {column index: column key or ""}; ServiceError when one is not valid."""
    try:
        row = int(header_row) if header_row not in (None, "") else None
        columns = ({int(i): str(k or "") for i, k in mapping.items()}
                   if mapping is not None else None)
    except (TypeError, ValueError, AttributeError):
        raise ServiceError(_("The header row and the columns must be numbers.")) from None
    if row is not None and not 1 <= row <= 1_048_576:
        raise ServiceError(_("The header row must be a row of the sheet."))
    return Choices(sheet=str(sheet)[:100] if sheet not in (None, "") else None,
                   header_row=row, mapping=columns)


def check(user, kind: str, stream, filename: str, choices: Choices | None = None) -> Report:
    """Read the file and check every row, writing nothing (the preview, `--dry-run`)."""
    spec, report = _read(kind, stream, filename, choices)
    if report.error:
        return report
    report.result = spec.run(user, report.table.rows, None, True)
    report.state = "preview" if report.result.ok else "refused"
    return report


def _read(kind: str, stream, filename: str, choices: Choices | None):
    """(the import kind, its report with the table read), the report holding the reason
    when the file as a whole cannot be read (state "refused", `error`)."""
    spec = kind_of(kind)
    report = Report(kind, filename, columns=spec.columns)
    try:
        report.table = read_table(stream, filename, spec.columns, _max_rows(), choices)
        report.table.require()
    except TableError as err:  # the table read so far stays in the report (its header row)
        report.state, report.error = "refused", str(err)
    return spec, report


def run(user, kind: str, stream, filename: str, choices: Choices | None = None,
        job_rows: int | None = None) -> Report:
    """Read the file and import it all-or-nothing; more than `job_rows` rows (default
    IMPORT_JOB_ROWS) are handed to the worker (state "queued", `job`). StaleRecord (409)
    when a record changed meanwhile: nothing was written."""
    spec, report = _read(kind, stream, filename, choices)
    if report.error:
        return report
    limit = current_app.config["IMPORT_JOB_ROWS"] if job_rows is None else job_rows
    if report.table.data_rows > limit:
        report.result = spec.run(user, report.table.rows, None, True)
        if not report.result.ok:
            report.state = "refused"
            return report
        stream.seek(0)
        report.job = jobs.start_import(user, spec.kind, stream, filename,
                                       report.table.data_rows, _choices_data(choices))
        report.state = "queued"
        return report
    report.result = spec.run(user, report.table.rows, None, False)
    report.state = "imported" if report.result.ok else "refused"
    return report


# --- the kept upload ---------------------------------------------------------------------------

def keep(user, kind: str, stream, filename: str) -> str:
    """Keep an uploaded file for its preview and confirm; returns its token (random, bound
    to `user` and `kind`)."""
    kind_of(kind)
    token = secrets.token_urlsafe(32)
    kept_files = _files()
    kept_files.save(f"{token}.upload", stream, exclusive=True)
    kept_files.save(f"{token}.json", json.dumps(
        {"user": user.id, "kind": kind, "name": (filename or "")[:200],
         "at": time.time()}, ensure_ascii=False).encode(), exclusive=True)
    return token


def kept(user, kind: str, token: str) -> tuple[io.BytesIO, str]:
    """(the kept file's content, its name) for its owner; NotFound for anyone else, another
    import, or once it was used, cancelled or expired."""
    meta = _meta(token)
    if meta is None or meta.get("user") != user.id or meta.get("kind") != kind:
        raise NotFound(_("This uploaded file is no longer kept. Upload it again."))
    try:
        with _files().open(f"{token}.upload") as kept_file:
            data = kept_file.read()
    except OSError:
        raise NotFound(_("This uploaded file is no longer kept. Upload it again.")) from None
    return io.BytesIO(data), meta.get("name", "")


def discard(user, token: str) -> None:
    """Delete a kept file (its owner's only)."""
    meta = _meta(token)
    if meta is None or meta.get("user") != getattr(user, "id", None):
        return
    for suffix in (".upload", ".json"):
        _files().delete(f"{token}{suffix}")


def cleanup(now: float | None = None) -> int:
    """Delete kept uploads older than IMPORT_KEEP_HOURS; returns how many."""
    now = time.time() if now is None else now
    limit = current_app.config["IMPORT_KEEP_HOURS"] * 3600
    removed = 0
    kept_files = _files()
    for meta_name in list(kept_files.names(".json")):
        try:
            at = json.loads(kept_files.read(meta_name) or b"{}").get("at", 0)
        except ValueError:
            at = 0
        if now - at >= limit:
            kept_files.delete(meta_name[:-len(".json")] + ".upload")
            kept_files.delete(meta_name)
            removed += 1
    return removed


def _meta(token: str) -> dict | None:
    if not token or len(token) > 64 or not set(token) <= _TOKEN_CHARS:
        return None
    try:
        return json.loads(_files().read(f"{token}.json") or b"null")
    except ValueError:
        return None


def _files() -> storage.FileStore:
    """The file store's area of kept imports (core.storage)."""
    return storage.store("imports")


def _max_rows() -> int:
    return current_app.config["IMPORT_MAX_ROWS"]


def _choices_data(choices: Choices | None) -> dict:
    if choices is None:
        return {}
    def text_keys(mapping):
        return {str(i): k for i, k in mapping.items()} if mapping is not None else None
    return {"sheet": choices.sheet, "header_row": choices.header_row,
            "mapping": text_keys(choices.mapping), "overrides": text_keys(choices.overrides)}


def choices_of(data: dict) -> Choices:
    """The choices a job keeps (see `_choices_data`)."""
    choices = choices_from(data.get("sheet"), data.get("header_row"), data.get("mapping"))
    if data.get("overrides") is not None:
        choices.overrides = choices_from(mapping=data["overrides"]).mapping
    return choices

