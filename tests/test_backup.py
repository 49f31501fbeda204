"""`flask backup` / `flask restore`: a round trip gives back every table, row for row; a backup
that is not complete, or of another schema revision, is refused before anything is replaced;
the PostgreSQL password never reaches a command line."""
from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import select, text

from emulation import ROOT, create_app
from emulation.core import backup as backup_module
from emulation.core.backup import fingerprint
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org import services as org
from emulation.org.models import Person, Unit

HEAD = ScriptDirectory(str(ROOT / "migrations")).get_current_head()


@pytest.fixture
def umask0():
    """The widest umask: modes must not depend on it."""
    old = os.umask(0)
    yield
    os.umask(old)


@pytest.fixture
def stamped(app):
    """The test database (made by create_all) records the head revision, as a migrated one
    does; the table is dropped afterwards (the suite's clean-up knows only the models')."""
    with app.app_context():
        db.session.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) "
                                "NOT NULL PRIMARY KEY)"))
        db.session.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": HEAD})
        db.session.commit()
    yield HEAD
    with app.app_context():
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()


def test_backup_and_restore_round_trip(app, world, cworld, runner, tmp_path, in_app, stamped):
    with app.app_context():
        before = fingerprint()
    assert before["unit"][0] == 6 and before["pledge"][0] == 1 and before["audit_event"][0] > 0
    path = tmp_path / "thidua-backup.db"
    made = runner.invoke(args=["backup", str(path)])
    assert made.exit_code == 0, made.output
    assert path.stat().st_size > 0 and "backup written" in made.output

    with in_app() as session:  # work done after the backup, which a restore must undo
        parent = session.get(Unit, world.unit1.id)
        org.create_unit(SYSTEM, code="MOI", name="Đơn vị mới", parent=parent)
        person = session.scalar(select(Person).where(Person.code == "P1"))
        org.update_person(SYSTEM, person, version=person.version, full_name="Tên đã đổi",
                          unit=person.unit, gender=None, birth_date=None, position="",
                          email="")
    with app.app_context():
        changed = fingerprint()
    assert changed["unit"][0] == 7 and changed["person"] != before["person"]

    refused = runner.invoke(args=["restore", str(path)], input="n\n")
    assert refused.exit_code != 0
    restored = runner.invoke(args=["restore", str(path), "--yes"])
    assert restored.exit_code == 0, restored.output
    with app.app_context():
        assert fingerprint() == before
        assert db.session.scalar(select(Person.full_name).where(Person.code == "P1")) \
            == "Nguyễn Văn Đức"


def test_restore_shows_what_it_replaces_before_asking(app, world, cworld, runner, tmp_path,
                                                      in_app, stamped):
    path = tmp_path / "thidua-backup.db"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    with in_app() as session:
        org.create_unit(SYSTEM, code="MOI", name="Đơn vị mới",
                        parent=session.get(Unit, world.unit1.id))
    with app.app_context():
        before = fingerprint()

    refused = runner.invoke(args=["restore", str(path)], input="n\n")
    assert refused.exit_code != 0
    rows = _table(refused.output)
    assert rows["table"] == ["now", "in", "the", "backup"]
    assert rows["unit"] == ["7", "6"] and rows["pledge"] == ["1", "1"]
    assert rows["alembic_version"] == ["1", "1"]
    assert set(before) <= set(rows)  # every table of the schema is listed
    assert refused.output.index("unit ") < refused.output.index("Continue?")
    with app.app_context():
        assert fingerprint() == before  # answering no changed nothing


def test_restore_refuses_a_file_with_three_empty_tables(app, world, runner, tmp_path,
                                                        stamped):
    """The attack: three empty tables named like the application's replaced everything."""
    path = _doctored(app, tmp_path, ['CREATE TABLE "user" (id INTEGER PRIMARY KEY)',
                                     "CREATE TABLE unit (id INTEGER PRIMARY KEY)",
                                     "CREATE TABLE audit_event (id INTEGER PRIMARY KEY)"],
                     fresh=True)
    with app.app_context():
        before = fingerprint()
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code != 0
    assert "not complete" in result.output and "pledge" in result.output
    assert "alembic_version" in result.output
    with app.app_context():
        assert fingerprint() == before and before["unit"][0] == 6


@pytest.mark.parametrize(("statements", "expected"), [
    (["DELETE FROM role_grant WHERE role = 'admin'"], "no administrator"),
    (["DELETE FROM alembic_version"], "records no schema revision"),
    (["DROP TABLE audit_event"], "missing tables: audit_event"),
], ids=["no-admin", "no-revision", "missing-table"])
def test_restore_refuses_an_incomplete_backup(app, world, runner, tmp_path, stamped,
                                              statements, expected):
    path = _doctored(app, tmp_path, statements)
    with app.app_context():
        before = fingerprint()
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code != 0 and expected in result.output, result.output
    with app.app_context():
        assert fingerprint() == before


def test_restore_refuses_a_backup_of_another_schema_revision(app, world, runner, tmp_path,
                                                             stamped):
    path = _doctored(app, tmp_path, ["UPDATE alembic_version SET version_num = '0123456789ab'"])
    with app.app_context():
        before = fingerprint()
    result = runner.invoke(args=["restore", str(path), "--yes"])
    assert result.exit_code != 0
    assert "0123456789ab" in result.output and stamped in result.output
    assert "db upgrade" in result.output  # what to do about it
    with app.app_context():
        assert fingerprint() == before


def test_restore_refuses_a_file_that_is_not_a_backup(app, world, runner, tmp_path, stamped):
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"not a database at all" * 100)
    with app.app_context():
        before = fingerprint()
    result = runner.invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code != 0 and "Error" in result.output
    with app.app_context():
        assert fingerprint() == before


def test_the_postgres_password_is_never_on_a_command_line(app, tmp_path, monkeypatch):
    """`ps` shows every process's argv to every local user: the password travels in a
    password file of mode 0600 named by the child's environment, deleted afterwards."""
    secret = "s3cr:et\\pw"
    pg = create_app({**app.config, "SQLALCHEMY_DATABASE_URI":
                     "postgresql+psycopg://thidua:s3cr%3Aet%5Cpw@db.invalid:5432/thidua"})
    calls = []

    def record(command, env):
        passfile = env.get("PGPASSFILE")
        content = mode = None
        if passfile and Path(passfile).exists():
            content, mode = Path(passfile).read_text(), Path(passfile).stat().st_mode & 0o777
        calls.append((command, env, passfile, content, mode))

    def fake_run(command, *args, env=None, **kwargs):
        record(command, env or {})
        return subprocess.CompletedProcess(command, 1, "", "failed on purpose")

    class FakePopen:
        def __init__(self, command, *args, env=None, **kwargs):
            record(command, env or {})
            self.stdout, self.stderr, self.returncode = iter(()), None, 1

        def wait(self, timeout=None):
            return 1

        def communicate(self, *args, **kwargs):
            return "", "failed on purpose"

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(subprocess, "run", fake_run)
    monkeypatch.setattr(subprocess, "Popen", FakePopen)
    monkeypatch.setattr("shutil.which", lambda name, *a, **k: f"/usr/bin/{name}")
    monkeypatch.setenv("PGPASSWORD", "inherited-and-wrong")
    dump = tmp_path / "pg.backup"
    dump.write_bytes(b"PGDMP not really")
    with pg.app_context():
        with pytest.raises(backup_module.BackupError):
            backup_module.backup(tmp_path / "out.backup")
        with pytest.raises(backup_module.BackupError):  # reading the dump: no connection
            backup_module.restore(dump)
        assert not [c[0] for c in calls if any("s3cr" in part for part in c[0])]
        status = dump.stat()
        checked = backup_module.Plan(path=dump, stamp=(status.st_size, status.st_mtime_ns),
                                     revision=HEAD, comparison=[])
        with pytest.raises(backup_module.BackupError):
            backup_module.restore(checked)
    assert [Path(c[0][0]).name for c in calls] == ["pg_dump", "pg_restore", "pg_restore"]
    assert "--data-only" in calls[1][0] and "--dbname" in calls[2][0]
    for command, env, *_rest in calls:
        assert not any(secret in part or "s3cr" in part for part in command), command
        assert "s3cr" not in env.get("PGPASSWORD", "")
    for command, env, passfile, content, mode in (calls[0], calls[2]):  # they connect
        assert "PGPASSWORD" not in env  # the inherited one would win over the file
        assert content == "*:*:*:*:s3cr\\:et\\\\pw\n" and mode == 0o600
        assert not Path(passfile).exists()  # removed once the command ended
        assert "postgresql://thidua@db.invalid:5432/thidua" in command, command


def _table(output: str) -> dict[str, list[str]]:
    """The restore's table, first word of each line → the rest of its words."""
    rows = {}
    for line in output.splitlines():
        words = line.replace("|", " ").split()
        if words:
            rows.setdefault(words[0], words[1:])
    return rows


def _doctored(app, tmp_path: Path, statements: list[str], *, fresh: bool = False) -> Path:
    """A backup of the test database changed by `statements` (run on an empty database
    instead when `fresh`), in the format of the database in use."""
    path = tmp_path / "doctored.backup"
    with app.app_context():
        url = db.engine.url
    if url.get_backend_name() == "sqlite":
        if not fresh:
            with app.app_context():
                backup_module.backup(path)
        conn = sqlite3.connect(path)
        with conn:
            for statement in statements:
                conn.execute(statement)
        conn.close()
        return path
    import psycopg

    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    scratch_name = f"{url.database}_scratch"
    scratch = url.set(drivername="postgresql", database=scratch_name) \
        .render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scratch_name}"')
        conn.execute(f'CREATE DATABASE "{scratch_name}"')
    try:
        if not fresh:
            good = tmp_path / "good.backup"
            with app.app_context():
                backup_module.backup(good)
            subprocess.run(["pg_restore", "--no-owner", "--dbname", scratch, str(good)],
                           check=True, capture_output=True)
        with psycopg.connect(scratch, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement.replace("DROP TABLE audit_event",
                                               "DROP TABLE audit_event CASCADE"))
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(path),
                        scratch], check=True, capture_output=True)
    finally:
        with psycopg.connect(libpq, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch_name}"')
    return path


def test_a_backup_is_readable_by_its_owner_only(app, world, runner, tmp_path, umask0):
    target = tmp_path / "new" / "thidua.backup"
    made = runner.invoke(args=["backup", str(target)])
    assert made.exit_code == 0, made.output
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.parent.stat().st_mode & 0o777 == 0o700
    assert [p.name for p in target.parent.iterdir()] == ["thidua.backup"]  # no partial left
