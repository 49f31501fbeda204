"""Every file the application writes holds data (the SQLite database and its WAL, the job
queue, the secret key, uploads, job files, backups): created 0600 in folders it creates 0700,
whatever the umask. Backups are covered in test_backup.py."""
from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select, text
from werkzeug.datastructures import FileStorage

from emulation import create_app
from emulation.config import load_config
from emulation.core import uploads
from emulation.extensions import db

ROOT = Path(__file__).resolve().parents[1] / "emulation"


@pytest.fixture
def umask0():
    """The widest umask: modes must not depend on it."""
    old = os.umask(0)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_the_sqlite_database_its_wal_and_the_queue_are_owner_only(app, tmp_path, umask0):
    database = tmp_path / "thidua.db"
    queue = tmp_path / "queue" / "queue.db"
    own = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                      "QUEUE_IMMEDIATE": False, "QUEUE_FILE": str(queue)})
    with own.app_context():
        db.create_all()
        with db.engine.connect() as conn:  # WAL and SHM exist while a connection is open
            conn.execute(text("CREATE TABLE probe (x INTEGER)"))
            conn.execute(text("INSERT INTO probe VALUES (1)"))
            conn.commit()
            files = {p.name: _mode(p) for p in tmp_path.iterdir() if p.is_file()}
            assert files == {"thidua.db": 0o600, "thidua.db-wal": 0o600,
                             "thidua.db-shm": 0o600}
        db.engine.dispose()
    assert _mode(queue.parent) == 0o700
    files = {p.name: _mode(p) for p in queue.parent.iterdir()}
    assert files["queue.db"] == 0o600 and set(files.values()) == {0o600}, files


def test_the_generated_secret_key_is_owner_only(tmp_path, umask0, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    key = load_config(instance)["SECRET_KEY"]
    assert len(key) == 64 and (instance / "secret_key").read_text() == key
    assert _mode(instance) == 0o700 and _mode(instance / "secret_key") == 0o600
    assert load_config(instance)["SECRET_KEY"] == key  # read back, not made again
    assert [p.name for p in instance.iterdir()] == ["secret_key"]


def test_uploads_are_owner_only(app, tmp_path, umask0, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path / "uploads"))
    with app.app_context():
        stored = uploads.store(FileStorage(io.BytesIO(b"%PDF-1.4 evidence"),
                                           filename="minh chứng.pdf"),
                               owner_type="test", owner_id=1, actor=None)
        db.session.rollback()
    assert _mode(tmp_path / "uploads") == 0o700
    assert _mode(tmp_path / "uploads" / stored.stored_name) == 0o600


def test_job_files_are_owner_only(app, world, tmp_path, umask0, monkeypatch):
    from emulation.auth.models import User
    from emulation.jobs import services, tasks

    monkeypatch.setitem(app.config, "JOBS_FOLDER", str(tmp_path / "jobs"))
    monkeypatch.setattr(tasks, "run_job", lambda token: None)  # keep the upload to look at
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "donvi1"))
        job = services.start_import(user, "people", io.BytesIO(b"PK\x03\x04 rows"),
                                    "người.xlsx", 3)
        upload = tmp_path / "jobs" / job.data["file"]
        workbook = services._store(job.id, io.BytesIO(b"PK\x03\x04 workbook"))
        db.session.remove()
    assert _mode(tmp_path / "jobs") == 0o700
    assert _mode(upload) == 0o600 and _mode(workbook) == 0o600


WRITES = re.compile(r"""\.write_(?:bytes|text)\(|\.mkdir\(|\bopen\([^)]*["'][wax]|"""
                    r"""\.open\(\s*["'][wax]|os\.open\(|sqlite3\.connect\(""")


def test_files_are_written_through_the_owner_only_helpers():
    """The kind, not the instances: any new place that writes a file goes through
    core/files.py (or says here why not)."""
    allowed = {ROOT / "core" / "files.py"}
    # SQLite opens files made beforehand: a backup read-only, and in _sqlite_copy either the
    # database the engine made (the do_connect hook) or the backup's partial file made by
    # private_temp
    readers = {(ROOT / "core" / "backup.py", 'sqlite3.connect(f"file:'),
               (ROOT / "core" / "backup.py", "sqlite3.connect(source, uri=uri)"),
               (ROOT / "core" / "backup.py", "sqlite3.connect(target)"),
               # the shipped .docx templates are files of the repository (committed, world
               # readable like the code), written by a developer's command, never app data
               (ROOT / "awards" / "documents" / "defaults.py", ".mkdir(parents=True"),
               (ROOT / "awards" / "documents" / "defaults.py", "path.write_bytes(build(")}
    offenders = []
    for path in ROOT.rglob("*.py"):
        if path in allowed:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if WRITES.search(line) and not any(path == p and marker in line
                                               for p, marker in readers):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
