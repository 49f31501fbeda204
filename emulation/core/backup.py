"""Backups of the whole database, taken while the application runs.

SQLite: the online backup API (a consistent copy even while workers write). PostgreSQL:
`pg_dump --format=custom` and `pg_restore --clean`; the password reaches them in a password
file of mode 0600 named by the child's environment, never on a command line (which `ps` shows
to every local user). Backups are written 0600 (see core/files.py).

A restore first reads the backup without touching the database (`plan_restore`): every table
of the schema must be there, at the same Alembic revision, with a revision, a user and an
administrator; otherwise nothing is replaced. The plan lists each table's rows now and in the
backup. `fingerprint()` gives each table's row count and a checksum of its content, so a restore
can be proved equal to what was backed up."""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from alembic.script.revision import RevisionError
from alembic.util import CommandError
from flask import current_app
from sqlalchemy import func, inspect, select, table, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from emulation.core.files import private_dir, private_temp, write_private
from emulation.extensions import db

REVISION_TABLE = "alembic_version"
USER_TABLE = "user"
GRANT_TABLE = "role_grant"
ADMIN_ROLE = "admin"


class BackupError(Exception):
    pass


@dataclass
class Tables:
    """What one schema of a backup holds: rows per table, the Alembic revision it records,
    how many administrator grants."""

    rows: dict[str, int] = field(default_factory=dict)
    revision: str | None = None
    admins: int = 0


@dataclass(frozen=True)
class Plan:
    """A checked backup and what restoring it replaces: (table, rows now, rows in the
    backup), None where the table does not exist on that side."""

    path: Path
    stamp: tuple[int, int]
    revision: str
    comparison: list[tuple[str, int | None, int | None]]


def backup(path: str | Path) -> Path:
    """Copy the whole database to `path` (mode 0600; a folder it creates is 0700). The copy is
    written under a temporary name and renamed when complete."""
    target = Path(path)
    private_dir(target.parent)
    partial = private_temp(target.parent, prefix=f".{target.name}.")
    try:
        url = _url()
        if url.get_backend_name() == "sqlite":
            _sqlite_copy(_sqlite_file(url), partial)
        else:
            _pg(url, ["pg_dump", "--format=custom", "--no-owner", "--file", str(partial)],
                connect=True)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def plan_restore(path: str | Path) -> Plan:
    """Read the backup at `path` and compare it with the database; raises BackupError, with
    every reason, when it is not a complete backup of this schema and revision."""
    source = Path(path)
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    stamp = _stamp(source)
    url = _url()
    schemas = _sqlite_contents(source) if url.get_backend_name() == "sqlite" \
        else _pg_contents(source)
    try:
        schema, now, revision_now = _live()
    except SQLAlchemyError as err:
        raise BackupError(f"cannot read the database to compare: {err}") from None
    found = schemas.get(schema, Tables())
    head = _head()
    expected = revision_now or head
    # the schema of this release's models, or the database's own tables when it is at
    # another revision (not yet upgraded)
    schema_tables = {t.name for t in db.metadata.sorted_tables} \
        if expected == head or not now else set(now)
    required = schema_tables | {REVISION_TABLE}
    problems = []
    missing = sorted(required - set(found.rows))
    if missing:
        problems.append("missing tables: " + ", ".join(missing))
    if not found.revision and REVISION_TABLE not in missing:
        problems.append(f"it records no schema revision ({REVISION_TABLE} is empty)")
    if found.rows.get(USER_TABLE, 0) == 0 and USER_TABLE not in missing:
        problems.append("it has no user")
    elif found.admins == 0 and GRANT_TABLE not in missing:
        problems.append("it has no administrator")
    if problems:
        raise BackupError(f"{source} is not complete, nothing was changed: "
                          + "; ".join(problems) + ".")
    if found.revision != expected:
        raise BackupError(_revision_advice(source, found.revision, expected,
                                           recorded=revision_now is not None))
    names = sorted(set(now) | set(found.rows))
    return Plan(path=source, stamp=stamp, revision=found.revision,
                comparison=[(name, now.get(name), found.rows.get(name)) for name in names])


def restore(path_or_plan: str | Path | Plan) -> None:
    """Replace the database's content with the backup's, after `plan_restore`'s checks (a
    Plan made earlier is used when the file has not changed since)."""
    plan = path_or_plan if isinstance(path_or_plan, Plan) else plan_restore(path_or_plan)
    source_path = plan.path
    if not source_path.is_file() or _stamp(source_path) != plan.stamp:
        raise BackupError(f"{source_path} changed after it was checked; nothing was changed")
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold a lock or a stale schema
    url = _url()
    if url.get_backend_name() == "sqlite":
        # checked by plan_restore, and unchanged since
        _sqlite_copy(f"file:{source_path}?mode=ro", _sqlite_file(url), uri=True)
    else:
        _pg(url, ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                  str(source_path)], connect=True, url_option="--dbname")
    db.engine.dispose()


def fingerprint() -> dict[str, tuple[int, str]]:
    """table → (rows, SHA-256 of the rows in primary-key order)."""
    result = {}
    with db.engine.connect() as conn:
        for each in db.metadata.sorted_tables:
            order = list(each.primary_key.columns) or list(each.columns)
            digest, rows = hashlib.sha256(), 0
            for row in conn.execute(select(each).order_by(*order)):
                digest.update(repr(tuple(row)).encode())
                rows += 1
            result[each.name] = (rows, digest.hexdigest())
    return result


# --- the database as it is ------------------------------------------------------------------

def _url() -> URL:
    return db.engine.url


def _live() -> tuple[str, dict[str, int], str | None]:
    """(schema, rows per table, recorded revision) of the database now."""
    with db.engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        schema = "main" if sqlite else conn.scalar(text("SELECT current_schema()"))
        names = inspect(conn).get_table_names()
        rows = {name: conn.scalar(select(func.count()).select_from(table(name)))
                for name in names}
        revision = None
        if rows.get(REVISION_TABLE):
            revision = conn.scalar(text(f"SELECT version_num FROM {REVISION_TABLE}"))
    return schema, rows, revision


def _head() -> str | None:
    return _scripts().get_current_head()


def _scripts():
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(current_app.extensions["migrate"].directory))


def _revision_advice(source: Path, revision: str, expected: str | None, recorded: bool) -> str:
    """Why a backup of another revision is refused, and how to restore it anyway."""
    here = "this database is at" if recorded else "this release's schema is"
    said = (f"{source} is a backup of schema revision {revision}; {here} revision "
            f"{expected}. Nothing was changed. ")
    scripts = _scripts()
    try:
        scripts.get_revision(revision)
        older = expected is not None and any(
            r.revision == revision for r in scripts.iterate_revisions(expected, "base"))
    except (CommandError, RevisionError):  # an id this release's migrations do not know
        return said + (f"This release does not know revision {revision}: restore the backup "
                       "with the release of the application that made it, then install this "
                       "release and run `flask --app wsgi db upgrade`.")
    if older:
        return said + (f"Bring the database to the backup's revision first (`flask --app wsgi "
                       f"db downgrade {revision}`, or `flask --app wsgi db upgrade {revision}` "
                       "on a new, empty database), restore, then run `flask --app wsgi db "
                       "upgrade`.")
    return said + (f"Upgrade the database to the backup's revision first (`flask --app wsgi "
                   f"db upgrade {revision}`), then restore.")


# --- what a backup holds --------------------------------------------------------------------

def _sqlite_contents(path: Path) -> dict[str, Tables]:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as err:
        raise BackupError(f"cannot open {path}: {err}") from None
    try:
        _check_sqlite(conn)
        found = Tables()
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        for name in names:
            found.rows[name] = conn.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0]
        if found.rows.get(REVISION_TABLE):
            found.revision = conn.execute(
                f"SELECT version_num FROM {REVISION_TABLE}").fetchone()[0]
        if GRANT_TABLE in found.rows:
            found.admins = conn.execute(
                f"SELECT count(*) FROM {_quote(GRANT_TABLE)} WHERE role = ?",
                (ADMIN_ROLE,)).fetchone()[0]
    except sqlite3.DatabaseError as err:
        raise BackupError(f"{path} is not a backup of this application: {err}") from None
    finally:
        conn.close()
    return {"main": found}


def _check_sqlite(conn: sqlite3.Connection) -> None:
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError as err:
        raise BackupError(f"not a SQLite database: {err}") from None
    if not ok:
        raise BackupError("the backup file is damaged (SQLite's integrity check failed)")


_COPY = re.compile(r"^COPY (?P<name>\S.*?) (?:\((?P<columns>.*)\) )?FROM stdin;$")
_IDENT = re.compile(r'"((?:[^"]|"")*)"|([^".,\s]+)')


def _pg_contents(path: Path) -> dict[str, Tables]:
    """Count the rows of every table in a custom-format dump without a database:
    `pg_restore --data-only` writes the data as COPY blocks (one line a row) to stdout, read
    as a stream. Robust where restoring into a scratch database is not: it needs no CREATEDB
    right and leaves nothing behind."""
    schemas: dict[str, Tables] = {}
    current: tuple[Tables, str, list[str]] | None = None
    with tempfile.TemporaryFile() as errors:
        with subprocess.Popen(  # reads the file only: no connection, no password
                [_tool("pg_restore"), "--data-only", "--file=-", str(path)],
                stdout=subprocess.PIPE, stderr=errors, text=True, encoding="utf-8",
                errors="replace") as child:
            for line in child.stdout:
                line = line.rstrip("\n")
                if current is None:
                    match = _COPY.match(line)
                    if match:
                        *schema, name = _idents(match["name"]) or [""]
                        found = schemas.setdefault(schema[0] if schema else "public", Tables())
                        found.rows[name] = 0
                        current = (found, name, _idents(match["columns"] or ""))
                    continue
                if line == "\\.":
                    current = None
                    continue
                found, name, columns = current
                found.rows[name] += 1
                _note(found, name, columns, line)
            code = child.wait()
        if code != 0:
            errors.seek(0)
            message = errors.read().decode("utf-8", "replace").strip()[:2000]
            raise BackupError(f"{path} is not a pg_dump custom-format backup: {message}")
    return schemas


def _note(found: Tables, name: str, columns: list[str], line: str) -> None:
    """Keep the revision and count the administrators from one COPY row."""
    if name == REVISION_TABLE and "version_num" in columns:
        found.revision = line.split("\t")[columns.index("version_num")]
    elif name == GRANT_TABLE and "role" in columns:
        found.admins += line.split("\t")[columns.index("role")] == ADMIN_ROLE


def _idents(text_: str) -> list[str]:
    """The identifiers of a list as pg_dump writes them (`public."user"`, `id, "order"`)."""
    return [plain or quoted.replace('""', '"') for quoted, plain in _IDENT.findall(text_)]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_size, status.st_mtime_ns


# --- PostgreSQL's tools ---------------------------------------------------------------------

def _sqlite_file(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return url.database


def _pg(url: URL, command: list[str], *, connect: bool,
        url_option: str | None = None) -> None:
    """Run a PostgreSQL tool on the database: the connection string (without its password)
    goes last, or after `url_option`."""
    argv = [_tool(command[0]), *command[1:]]
    target = _libpq(url)
    argv += [url_option, target] if url_option else [target]
    with _pg_env(url) as env:
        done = subprocess.run(argv, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[:2000]}")


@contextlib.contextmanager
def _pg_env(url: URL) -> Iterator[dict[str, str]]:
    """The child's environment: with the URL's password in a password file of mode 0600
    (PGPASSFILE), removed afterwards; an inherited PGPASSWORD would override it, so it goes."""
    env = dict(os.environ)
    if url.password is None:
        yield env
        return
    env.pop("PGPASSWORD", None)
    folder = Path(tempfile.mkdtemp(prefix="thidua-pg-"))  # 0700, ours alone
    passfile = folder / "pgpass"
    escaped = str(url.password).replace("\\", "\\\\").replace(":", "\\:")
    try:
        write_private(passfile, f"*:*:*:*:{escaped}\n".encode(), exclusive=True)
        env["PGPASSFILE"] = str(passfile)
        yield env
    finally:
        passfile.unlink(missing_ok=True)
        folder.rmdir()


def _libpq(url: URL) -> str:
    """The libpq connection string of the URL, without its password."""
    return URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                      database=url.database, query=url.query).render_as_string()


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (PostgreSQL client tools)")
    return found


def _sqlite_copy(source, target, uri: bool = False) -> None:
    """Copy one SQLite database into another with SQLite's online backup API (a consistent
    copy while others keep writing)."""
    src = sqlite3.connect(source, uri=uri)
    try:
        dest = sqlite3.connect(target)
        with dest:
            src.backup(dest)
        dest.close()
    finally:
        src.close()
