"""Exports and imports that may run as jobs.

A small export is written at once; a large one is queued for the worker, which records its
progress, keeps its file for JOB_FILE_HOURS and notifies the requester with the download
link. Only the requester downloads it, and only while they may still read what it holds.
An import of more than IMPORT_JOB_ROWS rows is likewise run by the worker from the uploaded
file, which is deleted once read; its outcome (counts, or every bad row) is on the job's page.

An area makes one of its spreadsheets a job with `register_export(ExportKind(...))` in its
tasks.py, and its view answers with `jobs.web.export_response(kind, params)`; an import with
`register_import(ImportKind(...))` and `start_import(...)` from its import page."""
from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError

from emulation.core import audit, signals, storage
from emulation.core.csvbook import MIMETYPE as CSV
from emulation.core.csvbook import CsvBook
from emulation.core.errors import NotFound
from emulation.core.files import private_dir
from emulation.core.models import utcnow
from emulation.core.permissions import SYSTEM
from emulation.core.xlsx import Workbook
from emulation.extensions import db
from emulation.jobs.models import Job

log = logging.getLogger(__name__)
PROGRESS_SECONDS = 0.5  # progress is written at most this often (and every 1,000 rows)
STALE_HOURS = 6  # a job still queued or running after this long was lost by a worker
UNFINISHED = ("queued", "running")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
SUFFIXES = {XLSX: "xlsx", PDF: "pdf", CSV: "csv"}
KEEP_WHILE_FROZEN_HOURS = 24 * 366 * 100  # a file kept until its subject changes (unfreeze)


@dataclass(frozen=True)
class ExportKind:
    """One spreadsheet that may run as a job.

    - `subject(user, params)`: what it exports, loaded for `user` and checked — None when the
      record does not exist or the user may not read it (at the request, when the worker
      starts, and at each download);
    - `count(subject)`: the rows it will write (an estimate read cheaply; the bar's total);
    - `write(subject, progress)`: the `core.xlsx.Workbook`, made with `progress` passed on;
    - `filename(subject)`: the download's name;
    - `label`: a lazy-gettext title with `%(name)s`, and `name(subject)` its value;
    - `mimetype`: the file's type (XLSX, or PDF with `write` returning a document shaped
      like a Workbook: `rows` and `close()`);
    - `job_rows`: the rows above which it is a job (default EXPORT_JOB_ROWS; 0: always);
    - `csv`: also offered as CSV (its URL ending in `.csv`): `write` then takes `book=CsvBook` and
      writes its first list through it (core.csvbook), the file named `….csv`;
    - `keep_hours`: how long the finished file is kept (default JOB_FILE_HOURS);
    - `shared`: one file served to several readers (the frozen ranking's scores): written in
      the application's language (BABEL_DEFAULT_LOCALE), not in its requester's."""

    kind: str
    subject: Callable[[Any, dict], Any | None]
    count: Callable[[Any], int]
    write: Callable[[Any, Callable[[int], None] | None], Workbook]
    filename: Callable[[Any], str]
    label: Any
    name: Callable[[Any], str] = lambda subject: ""
    mimetype: str = XLSX
    job_rows: int | None = None
    csv: bool = False
    keep_hours: int | None = None
    shared: bool = False


@dataclass(frozen=True)
class ImportKind:
    """One import that may run as a job: `run(user, rows, on_progress, dry_run)` is the
    import itself (all-or-nothing, an ImportResult; `on_progress(rows)` as it goes; with
    `dry_run` only checked, nothing written), `columns` the file's columns for
    `core.tabular.read_table`, `label` its title. The kind is `<import>_import`
    (jobs.imports.KINDS)."""

    kind: str
    columns: list
    run: Callable[[Any, list, Callable[[int], None] | None], Any]
    label: Any


@dataclass(frozen=True)
class TaskKind:
    """A job that neither writes a file nor imports one: a check over many records whose
    outcome the worker keeps in the area's own table.

    - `run(user, job, progress)`: the work, `progress(rows)` as it goes; returns the outcome
      kept in `Job.result` (a dict, e.g. counts), in the requester's language;
    - `result_url(job)`: the page that lists the outcome;
    - `forget(job_id)`: delete what the area kept for the job once it expires;
    - `summary(outcome)`: the outcome in a sentence, for the job's page;
    - `label`: a lazy-gettext title with `%(name)s` (`Job.params`' "name");
    - `progress`: what its progress counts, a lazy-gettext text with `%(done)s` and
      `%(total)s` (PROGRESS_ROWS, PROGRESS_NOMINATIONS, PROGRESS_UNITS; default: rows)."""

    kind: str
    run: Callable[[Any, Job, Callable[[int], None]], dict]
    result_url: Callable[[Job], str]
    forget: Callable[[str], None]
    summary: Callable[[dict], str]
    label: Any
    progress: Any = None


# a job's progress in the unit it counts (an export or an import: the rows it writes or reads)
PROGRESS_ROWS = _l("%(done)s of %(total)s rows")
PROGRESS_NOMINATIONS = _l("%(done)s of %(total)s nominations")
PROGRESS_UNITS = _l("%(done)s of %(total)s units")

KINDS: dict[str, ExportKind] = {}
IMPORT_KINDS: dict[str, ImportKind] = {}
TASK_KINDS: dict[str, TaskKind] = {}
MAX_ERRORS_KEPT = 1000  # bad rows of an import kept for its page


def register_export(kind: ExportKind) -> ExportKind:
    KINDS[kind.kind] = kind
    return kind


def register_import(kind: ImportKind) -> ImportKind:
    IMPORT_KINDS[kind.kind] = kind
    return kind


def register_task(kind: TaskKind) -> TaskKind:
    TASK_KINDS[kind.kind] = kind
    return kind


def start_task(user, kind_name: str, params: dict, rows: int,
               prepare: Callable[[Job], None] | None = None) -> Job:
    """Queue the task `kind_name` for `user` over `rows` records (the bar's total), reusing
    the user's unfinished job with the same params; its start is audited (job.queued). The
    job keeps the user's `reach`: its results are theirs while it holds (`in_reach`).
    `prepare(job)`, when given, is called with the new job (flushed, not yet committed) so
    the caller can point a record at it in the same commit, before any worker runs it."""
    text = json.dumps({**params, REACH: reach(user)}, ensure_ascii=False, sort_keys=True)
    running = db.session.scalar(select(Job).where(
        Job.user_id == user.id, Job.kind == kind_name, Job.params == text,
        Job.state.in_(UNFINISHED)).limit(1))
    if running is not None:
        return running
    job = Job(id=secrets.token_urlsafe(32), user_id=user.id, kind=kind_name,
              params=text, state="queued", rows_done=0, rows_total=rows)
    if prepare is not None:
        db.session.add(job)
        db.session.flush()
        prepare(job)
    return _queue(job, user)


@dataclass
class Plan:
    """What `plan_export` decided: a workbook to send now, or the job that will make it."""

    workbook: Workbook | None = None
    filename: str = ""
    job: Job | None = None


def plan_export(user, kind_name: str, params: dict, fmt: str = "xlsx") -> Plan | None:
    """Write the export now when it has at most EXPORT_JOB_ROWS rows, else queue it as a
    job (reusing the user's unfinished job for the same export). `fmt`: "xlsx", or "csv"
    for a kind that offers it (any other value: xlsx). None: not readable."""
    kind = KINDS[kind_name]
    subject = kind.subject(user, params)
    if subject is None:
        return None
    if fmt == "csv" and kind.csv:
        params = {**params, "format": "csv"}
    rows = kind.count(subject)
    limit = kind.job_rows if kind.job_rows is not None else \
        current_app.config["EXPORT_JOB_ROWS"]
    if rows <= limit:
        return Plan(workbook=write(kind, subject, None, params),
                    filename=filename(kind, subject, params))
    return Plan(job=start_export(user, kind, params, subject, rows))


def write(kind: ExportKind, subject, progress, params: dict):
    """The kind's workbook — or its CsvBook when `params` ask for CSV and the kind offers
    it."""
    if params.get("format") == "csv" and kind.csv:
        return kind.write(subject, progress, book=CsvBook)
    return kind.write(subject, progress)


def filename(kind: ExportKind, subject, params: dict) -> str:
    """The download's name: the kind's, ending in .csv for its CSV."""
    name = kind.filename(subject)
    if params.get("format") == "csv" and kind.csv:
        name = name.rsplit(".", 1)[0] + ".csv"
    return name


def start_export(user, kind: ExportKind, params: dict, subject, rows: int) -> Job:
    """Queue the export for the worker (committed first, so the worker finds it)."""
    text = json.dumps({**params, "name": kind.name(subject), REACH: reach(user)},
                      ensure_ascii=False, sort_keys=True)
    running = db.session.scalar(select(Job).where(
        Job.user_id == user.id, Job.kind == kind.kind, Job.params == text,
        Job.state.in_(UNFINISHED)).limit(1))
    if running is not None:
        return running
    return _queue(Job(id=secrets.token_urlsafe(32), user_id=user.id, kind=kind.kind,
                      params=text, state="queued", rows_done=0, rows_total=rows), user)


def start_import(user, kind_name: str, stream, filename: str, rows: int,
                 choices: dict | None = None) -> Job:
    """Keep the uploaded file (read already, `rows` rows) and queue its import; `choices`
    are the sheet, header row and mapping the user chose (jobs.imports)."""
    token = secrets.token_urlsafe(32)
    name = f"{token}.upload"
    stream.seek(0)
    files().save(name, stream, exclusive=True)
    params = json.dumps({"name": (filename or "")[:200], "file": name,
                         **({"choices": choices} if choices else {})},
                        ensure_ascii=False, sort_keys=True)
    return _queue(Job(id=token, user_id=user.id, kind=kind_name, params=params,
                      state="queued", rows_done=0, rows_total=rows), user)


def run(job_id: str) -> None:
    """The worker's part: make the export (or run the import) with its progress, keep the
    file, notify the requester. A job already started (a duplicated message) is left alone."""
    job = db.session.get(Job, job_id)
    if job is None or job.state != "queued":
        return
    _move(job, "running", started_at=_now())
    db.session.commit()
    if job.kind in IMPORT_KINDS:
        _run_import(job_id)
        return
    if job.kind in TASK_KINDS:
        _run_task(job_id)
        return
    kind, user = KINDS.get(job.kind), job.user
    try:
        subject = kind.subject(user, job.data) if kind and user.active else None
        if subject is None:
            raise PermissionError(f"{job.kind}: not readable by {user.username}")
        # headers and words in the requester's language, as when sent at once (a file shared
        # by several readers: in the application's)
        default = current_app.config["BABEL_DEFAULT_LOCALE"]
        with force_locale(default if kind.shared else (user.locale or default)):
            workbook = write(kind, subject, Progress(job.id), job.data)
        file, _size = workbook.close()
        path = _store(job.id, file, SUFFIXES.get(getattr(workbook, "mimetype", kind.mimetype),
                                                 "bin"))
        name = filename(kind, subject, job.data)
    except Exception as err:
        log.exception("job %s (%s) failed", job_id, getattr(job, "kind", "?"))
        db.session.rollback()
        _fail(db.session.get(Job, job_id), f"{type(err).__name__}: {err}")
        return
    db.session.rollback()  # end the long read before writing (SQLite: a fresh snapshot)
    job = db.session.get(Job, job_id)
    hours, finished = kind.keep_hours or current_app.config["JOB_FILE_HOURS"], _now()
    _finish(job_id, rows_done=workbook.rows,
            rows_total=max(workbook.rows, job.rows_total or 0), file_path=path.name,
            file_name=name, finished_at=finished,
            expires_at=finished + timedelta(hours=hours))


class Progress:
    """`progress(rows)` for a workbook: writes `rows_done` on a connection of its own (the
    job's session keeps reading its rows meanwhile), at most every PROGRESS_SECONDS."""

    def __init__(self, job_id: str):
        self.job_id = job_id
        self.last = 0.0

    def __call__(self, rows: int) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_SECONDS:
            return
        self.last = now
        save_progress(self.job_id, rows)


def save_progress(job_id: str, rows: int) -> None:
    try:
        with db.engine.begin() as connection:
            connection.execute(update(Job).where(Job.id == job_id).values(rows_done=rows))
    except SQLAlchemyError as err:  # progress is a courtesy: never fail the export for it
        log.warning("job %s: progress not saved: %s", job_id, err)


def readable(user, token: str) -> Job | None:
    """The job if `user` asked for it (anyone else: None, shown as 404)."""
    if not token or len(token) > 64 or not all(c.isalnum() or c in "-_" for c in token):
        return None
    job = db.session.get(Job, token)
    if job is None or job.user_id != getattr(user, "id", None):
        return None
    return job


def download(user, token: str) -> tuple[Path, str] | None:
    """(file, download name) while the job's file is kept and the user may still read what
    it holds (`in_reach`, and the kind's own check), else None (404). Raises NotFound (404)
    with a message to export again when the file is kept but what it lists changed since it
    was asked for (a grant, a unit or a person moved)."""
    job = readable(user, token)
    if job is None or job.state != "done" or job.expires_at is None or \
            job.expires_at <= _now():
        return None
    kind = KINDS.get(job.kind)
    if kind is None or kind.subject(user, job.data) is None:
        return None
    if not in_reach(user, job):
        raise NotFound(_("The people or units this file lists have changed since it was "
                         "asked for (someone moved, or your roles changed). Export again "
                         "to get a current file."))
    path = stored_file(job)
    return (path, job.file_name) if path is not None else None


def stored_file(job: Job | None) -> Path | None:
    """The file a finished export job keeps (in the file store's jobs area) while it is
    kept, else None. The caller checks who may read it."""
    if job is None or job.state != "done" or not job.file_path or job.expires_at is None \
            or job.expires_at <= _now():
        return None
    kept = files()
    if not storage.valid_name(job.file_path) or not kept.exists(job.file_path):
        return None
    return kept.path(job.file_path)


def discard(job: Job | None, reason: str) -> None:
    """A job whose file is no longer wanted (what it holds changed): a kept file is deleted
    (state → expired), a queued job is failed with `reason` (no notification) so no worker
    runs it; a running one is left to finish (the caller stops pointing at it; its file
    stays until its expiry). Not committed."""
    if job is None:
        return
    if job.state == "done":
        if job.file_path and storage.valid_name(job.file_path):
            files().delete(job.file_path)
        _move(job, "expired", file_path="")
    elif job.state == "queued":
        _move(job, "failed", error=reason[:1000], finished_at=_now())


def mimetype(job: Job) -> str:
    """The type of the job's file (its kind's; CSV when it was asked as CSV)."""
    kind = KINDS.get(job.kind)
    if kind is not None and kind.csv and job.data.get("format") == "csv":
        return CSV
    return kind.mimetype if kind is not None else XLSX


def status(job: Job, user=None) -> dict:
    """What the job page polls: {"state", "rows_done", "rows_total", "percent" (0–100),
    "finished" (no more changes), "download" (URL once done and, given `user`, while it is
    in their reach; else null)}."""
    ready = job.state == "done" and (user is None or in_reach(user, job))
    return {"state": job.state, "rows_done": job.rows_done, "rows_total": job.rows_total,
            "percent": job.percent, "finished": job.state not in UNFINISHED,
            "download": url_for("jobs.download", token=job.id) if ready else None}


REACH = "reach"
"""The key of a job's params holding its requester's `reach` when it was asked for."""


def reach(user) -> str:
    """A digest (hex SHA-256, 64 characters) of what `user` may read: their grants, each as
    role, unit and the unit's place in the tree (its path). It changes when a grant is added,
    removed or moved, or when the unit of a grant moves."""
    grants = sorted((g.role, g.unit_id or 0, g.unit.path if g.unit is not None else "")
                    for g in getattr(user, "grants", ()))
    return hashlib.sha256(json.dumps([getattr(user, "id", None), grants]).encode()).hexdigest()


def in_reach(user, job: Job) -> bool:
    """Whether what `job` made for `user` (its file, a task's result rows) is still theirs:
    their `reach` is the one the job kept, and (unless an administrator, who reads every
    unit) no unit moved and no person moved to another unit since the job was asked for — a
    move can take a unit (or a person) out of the subtree a grant covers, and the file keeps
    the rows of the tree as it was. A job that
    kept no reach (asked for before it was kept) is refused."""
    from emulation.core.audit import AuditEvent
    from emulation.org.models import Person

    if job.data.get(REACH) != reach(user):
        return False
    if getattr(user, "is_admin", False):
        return True
    if db.session.scalar(select(AuditEvent.id).where(
            AuditEvent.action == "unit.move", AuditEvent.created_at >= job.created_at).limit(1)
    ) is not None:
        return False
    # a person moved to another unit since: one lookup on ix_person_unit_changed_at
    last_transfer = db.session.scalar(select(func.max(Person.unit_changed_at)))
    return last_transfer is None or last_transfer < job.created_at


def title(job: Job) -> str:
    """The job's title in the reader's language, e.g. "Scores of Thi đua 2026"."""
    return kind_title(job.kind, job.data.get("name", ""))


def kind_title(kind_name: str, name: str) -> str:
    """The title of a job of `kind_name` about `name` in the current locale (a notification
    stores both and is worded when read); an unknown kind: its name."""
    kind = KINDS.get(kind_name) or IMPORT_KINDS.get(kind_name) or TASK_KINDS.get(kind_name)
    if kind is None:
        return kind_name
    return str(kind.label) % {"name": name}


def keep_hours(job: Job) -> int:
    """How long the job's file or results are kept once done (hours): its export kind's
    `keep_hours`, else JOB_FILE_HOURS."""
    kind = KINDS.get(job.kind)
    return (kind.keep_hours if kind is not None else None) or \
        current_app.config["JOB_FILE_HOURS"]


def kept_while_frozen(job: Job) -> bool:
    """Whether the job's file is kept until its subject changes (the frozen ranking's scores,
    kept until the ranking is reopened) rather than for a number of hours."""
    kind = KINDS.get(job.kind)
    return kind is not None and kind.keep_hours == KEEP_WHILE_FROZEN_HOURS


def outcome(job: Job) -> dict | None:
    """An import's outcome: {"created", "updated", "unchanged", "errors": [[row, message]],
    "error_count", "conflict" (a record changed meanwhile: text)}; None for an export."""
    return json.loads(job.result) if job.result else None


def cleanup(now: datetime | None = None) -> dict:
    """Delete the files of expired jobs (state → expired) and fail jobs a worker lost.
    Returns {"expired": n, "lost": n}."""
    now = now or _now()
    expired = db.session.scalars(select(Job).where(
        Job.state == "done", Job.file_path != "", Job.expires_at <= now)).all()
    expired += db.session.scalars(select(Job).where(
        Job.state == "done", Job.kind.in_(list(TASK_KINDS) or [""]),
        Job.expires_at <= now)).all()
    for job in expired:
        if job.file_path and storage.valid_name(job.file_path):
            files().delete(job.file_path)
        if job.kind in TASK_KINDS:  # what the task kept (its rows) goes with it
            TASK_KINDS[job.kind].forget(job.id)
        _move(job, "expired", file_path="")
    lost = db.session.scalars(select(Job).where(
        Job.state.in_(UNFINISHED),
        Job.created_at < now - timedelta(hours=STALE_HOURS))).all()
    for job in lost:
        _fail(job, "interrupted: no worker finished it", commit=False)
    db.session.commit()
    for job_id in [job.id for job in lost]:
        _announce(job_id)
    return {"expired": len(expired), "lost": len(lost)}


def unfinished_count(user) -> int:
    return db.session.scalar(select(func.count(Job.id)).where(
        Job.user_id == user.id, Job.state.in_(UNFINISHED))) or 0


def folder() -> Path:
    """The jobs' folder of the file store (created); prefer `files()`."""
    return private_dir(files().root)


def files() -> storage.FileStore:
    """The file store's area of job files (finished exports, uploads waiting for import)."""
    return storage.store("jobs")


# --- helpers ---------------------------------------------------------------------------------

def _queue(job: Job, user) -> Job:
    db.session.add(job)
    audit.record(db.session, actor=user, action="job.queued", object_type="job",
                 summary=f"{job.kind} {job.id}", params={"job": job.id, "kind": job.kind},
                 after={"state": "queued",
                                                         "rows": job.rows_total})
    token = job.id
    db.session.commit()
    from emulation.jobs.tasks import run_job

    run_job(token)
    return db.session.get(Job, token, populate_existing=True)


def _run_import(job_id: str) -> None:
    """Read the kept upload, import it all-or-nothing with progress, delete the upload."""
    from emulation.core.errors import StaleRecord
    from emulation.core.tabular import read_table
    from emulation.jobs.imports import choices_of

    job = db.session.get(Job, job_id)
    kind, user, upload = IMPORT_KINDS[job.kind], job.user, job.data["file"]
    try:
        if not user.active:
            raise PermissionError(f"{job.kind}: {user.username} is no longer active")
        with files().open(upload) as stream:
            table = read_table(stream, job.data["name"], kind.columns, 10_000_000,
                               choices_of(job.data.get("choices") or {}))
        table.require()
        rows = table.rows
        try:
            result = kind.run(user, rows, Progress(job_id), False)
            outcome = {"created": result.created, "updated": result.updated,
                       "unchanged": result.unchanged, "error_count": len(result.errors),
                       "errors": [[e.row, str(e.message)]
                                  for e in result.errors[:MAX_ERRORS_KEPT]]}
        except StaleRecord as err:  # nothing was kept: the page says why
            db.session.rollback()
            outcome = {"created": 0, "updated": 0, "unchanged": 0, "error_count": 0,
                       "errors": [], "conflict": str(err.message)}
    except Exception as err:  # any failure (a TableError too) ends the job, visibly
        log.exception("job %s (%s) failed", job_id, job.kind)
        db.session.rollback()
        _fail(db.session.get(Job, job_id), f"{type(err).__name__}: {err}")
        return
    finally:
        if storage.valid_name(upload):
            files().delete(upload)
    db.session.rollback()
    job = db.session.get(Job, job_id)
    finished = _now()
    _finish(job_id, rows_done=job.rows_total or len(rows), result=json.dumps(
        outcome, ensure_ascii=False), finished_at=finished,
        expires_at=finished + timedelta(hours=current_app.config["JOB_FILE_HOURS"]))


def _run_task(job_id: str) -> None:
    """Run a TaskKind with its progress; keep its outcome (JSON) on the job."""
    job = db.session.get(Job, job_id)
    kind, user = TASK_KINDS[job.kind], job.user
    try:
        if not user.active:
            raise PermissionError(f"{job.kind}: {user.username} is no longer active")
        with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            outcome = kind.run(user, job, Progress(job_id))
        db.session.commit()
    except Exception as err:
        log.exception("job %s (%s) failed", job_id, job.kind)
        db.session.rollback()
        try:
            kind.forget(job_id)  # what it kept before failing
        except Exception:
            log.exception("job %s (%s): its rows not forgotten", job_id, job.kind)
            db.session.rollback()
        _fail(db.session.get(Job, job_id), f"{type(err).__name__}: {err}")
        return
    job = db.session.get(Job, job_id)
    finished = _now()
    _finish(job_id, rows_done=job.rows_total or 0,
            result=json.dumps(outcome, ensure_ascii=False), finished_at=finished,
            expires_at=finished + timedelta(hours=current_app.config["JOB_FILE_HOURS"]))


def progress_text(job: Job) -> str:
    """The job's progress in the reader's language and in what it counts, e.g. "3 of 3
    nominations" (a task kind's `progress`; rows for an export or an import)."""
    from emulation.core.formatting import fmt_number

    kind = TASK_KINDS.get(job.kind)
    text = (kind.progress if kind is not None else None) or PROGRESS_ROWS
    return str(text) % {"done": fmt_number(job.rows_done or 0),
                        "total": fmt_number(job.rows_total or 0)}


def result_url(job: Job) -> str | None:
    """The page listing a task's outcome (None for an export or an import)."""
    kind = TASK_KINDS.get(job.kind)
    return kind.result_url(job) if kind is not None else None


def task_summary(job: Job) -> str | None:
    """A done task's outcome in a sentence (None for anything else)."""
    kind = TASK_KINDS.get(job.kind)
    return kind.summary(json.loads(job.result)) if kind and job.result else None


def _move(job: Job, state: str, **changes) -> None:
    """Change the job's state (and other columns) with its audit event."""
    before = job.state
    job.state = state
    for key, value in changes.items():
        setattr(job, key, value)
    after = {"state": state, "rows": job.rows_done}
    if changes.get("error"):
        after["error"] = changes["error"]
    audit.record(db.session, actor=SYSTEM, action=f"job.{state}", object_type="job",
                 summary=f"{job.kind} {job.id}", before={"state": before}, after=after,
                 params={"job": job.id, "kind": job.kind})


def _finish(job_id: str, **changes) -> None:
    """End the running job as done with `changes` (its columns), committed before anyone is
    told (`_announce`); when the end itself cannot be written (a database error), it is
    failed with the reason instead — a job never stays running after its runner returns."""
    try:
        _move(db.session.get(Job, job_id), "done", **changes)
        db.session.commit()
    except Exception as err:
        log.exception("job %s: its end not written", job_id)
        db.session.rollback()
        _fail(db.session.get(Job, job_id), f"{type(err).__name__}: {err}")
        return
    _announce(job_id)


def _fail(job: Job | None, error: str, commit: bool = True) -> None:
    """Fail the job with `error` (cut to 1,000 characters). `commit`: commit it, then tell
    the requester (`_announce`); without, the caller commits and announces."""
    if job is None:
        return
    _move(job, "failed", error=error[:1000], finished_at=_now())
    if commit:
        db.session.commit()
        _announce(job.id)


def _announce(job_id: str) -> None:
    """Send `job_finished` (the requester's notification) for a job whose end state is
    already committed, in a transaction of its own: when telling fails, the failure is
    logged and rolled back, and the job keeps its end state (never left running, never
    blocking a new job with the same params)."""
    try:
        job = db.session.get(Job, job_id)
        if job is not None:
            signals.job_finished.send(job)
            db.session.commit()
    except Exception:
        log.exception("job %s: its requester could not be told", job_id)
        db.session.rollback()


def _store(token: str, file, suffix: str = "xlsx") -> Path:
    """Copy the finished file (a binary file object, closed after) into the file store's
    jobs area as `<token>.<suffix>`, atomically (core.storage); its path."""
    name = f"{token}.{suffix}"
    try:
        files().save(name, file)
    finally:
        file.close()
    return files().path(name)


def _now() -> datetime:
    return utcnow()
