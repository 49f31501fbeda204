"""Backups of the whole database, taken while the application runs.

SQLite: the online backup API (a consistent copy even while workers write). PostgreSQL:
`pg_dump --format=custom` and `pg_restore --clean`. `fingerprint()` gives each table's row count
and a checksum of its content, so a restore can be proved equal to what was backed up."""
from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import URL

from emulation.extensions import db


class BackupError(Exception):
    pass


def backup(path: str | Path) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_file(url))
        try:
            dest = sqlite3.connect(target)
            with dest:
                source.backup(dest)
            dest.close()
        finally:
            source.close()
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), _libpq(url)])
    return target


def restore(path: str | Path) -> None:
    """Replace the database's content with the backup's."""
    source_path = Path(path)
    if not source_path.is_file():
        raise BackupError(f"no backup file at {source_path}")
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold a lock or a stale schema
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
        try:
            _check_sqlite(source)
            dest = sqlite3.connect(_sqlite_file(url))
            with dest:
                source.backup(dest)
            dest.close()
        finally:
            source.close()
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "--dbname", _libpq(url), str(source_path)])
    db.engine.dispose()


def fingerprint() -> dict[str, tuple[int, str]]:
    """table → (rows, SHA-256 of the rows in primary-key order)."""
    result = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            digest, rows = hashlib.sha256(), 0
            for row in conn.execute(select(table).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
                rows += 1
            result[table.name] = (rows, digest.hexdigest())
    return result


def _sqlite_file(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return url.database


def _check_sqlite(conn: sqlite3.Connection) -> None:
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as err:
        raise BackupError(f"not a SQLite database: {err}") from None
    if not ok or not {"user", "unit", "audit_event"} <= tables:
        raise BackupError("the file is not a backup of this application")


def _libpq(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools)")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:2000]}")
