"""The file store (core.storage): save, open, read, delete, exists; writes atomic; names made
by the application only (a path, a hidden or an odd name is refused); the areas follow
FILE_STORE; two application instances sharing one store see each other's files."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage

from emulation import create_app
from emulation.config import load_config
from emulation.core import storage, uploads
from emulation.core.storage import BadName, FileStore
from emulation.extensions import db


@pytest.fixture
def store(tmp_path) -> FileStore:
    return FileStore(tmp_path / "store" / "area")


def test_save_open_read_exists_size_delete(store):
    assert not store.exists("a1.pdf") and store.read("a1.pdf") is None
    assert store.save("a1.pdf", b"%PDF-1.4 one") == 12
    assert store.exists("a1.pdf") and store.size("a1.pdf") == 12
    with store.open("a1.pdf") as stream:
        assert stream.read(5) == b"%PDF-"
    assert store.read("a1.pdf") == b"%PDF-1.4 one"
    assert list(store.names(".pdf")) == ["a1.pdf"]
    assert store.delete("a1.pdf") is True
    assert store.delete("a1.pdf") is False
    assert not store.exists("a1.pdf")
    with pytest.raises(FileNotFoundError):
        store.open("a1.pdf")


def test_a_stream_is_copied_whole_in_chunks(store):
    data = os.urandom(3 * storage.CHUNK + 17)
    assert store.save("big.xlsx", io.BytesIO(data)) == len(data)
    assert store.read("big.xlsx") == data


def test_exclusive_never_replaces_and_a_plain_save_replaces_whole(store):
    store.save("t.json", b'{"v": 1}', exclusive=True)
    with pytest.raises(FileExistsError):
        store.save("t.json", b'{"v": 2}', exclusive=True)
    assert store.read("t.json") == b'{"v": 1}'
    store.save("t.json", b'{"v": 3}')
    assert store.read("t.json") == b'{"v": 3}'
    assert sorted(p.name for p in store.root.iterdir()) == ["t.json"]  # no temporary left


class _Watched(io.BytesIO):
    """A stream that checks, while it is being read, that the target is not visible yet, and
    may fail half-way like a dropped upload."""

    def __init__(self, data: bytes, target: Path, fail: bool):
        super().__init__(data)
        self.target, self.fail, self.seen = target, fail, []

    def read(self, size=-1):
        self.seen.append(self.target.read_bytes() if self.target.exists() else None)
        if self.fail and self.tell() > 0:
            raise ConnectionError("client went away")
        return super().read(min(size, 4096) if size and size > 0 else 4096)


def test_writes_are_atomic_readers_see_the_old_file_or_the_new_one(store):
    store.save("r.xlsx", b"old content")
    target = store.root / "r.xlsx"
    stream = _Watched(b"n" * 20_000, target, fail=False)
    store.save("r.xlsx", stream)
    assert set(stream.seen) == {b"old content"}  # never a half-written file under the name
    assert store.read("r.xlsx") == b"n" * 20_000
    failing = _Watched(b"x" * 20_000, target, fail=True)
    with pytest.raises(ConnectionError):
        store.save("r.xlsx", failing)
    assert store.read("r.xlsx") == b"n" * 20_000  # the failed save changed nothing
    with pytest.raises(ConnectionError):
        store.save("new.xlsx", _Watched(b"x" * 20_000, store.root / "new.xlsx", fail=True))
    assert sorted(p.name for p in store.root.iterdir()) == ["r.xlsx"]


@pytest.mark.parametrize("name", [
    "../secret_key", "..", ".", "", "/etc/passwd", "a/b", "a\\b", ".hidden", ".a1.pdf.x.part",
    "x" * 201, "a\x00b", "minh chứng.pdf", " a", "a b", "~root", None, Path("a1.pdf"), 12,
])
def test_names_that_are_not_the_apps_own_are_refused_everywhere(store, tmp_path, name):
    store.save("kept.pdf", b"%PDF-")
    calls = [lambda: store.save(name, b"data"), lambda: store.open(name),
             lambda: store.read(name), lambda: store.exists(name), lambda: store.size(name),
             lambda: store.delete(name), lambda: store.path(name),
             lambda: store.send(name, mimetype="application/pdf", download_name="x.pdf")]
    for call in calls:
        with pytest.raises(BadName):
            call()
    assert not storage.valid_name(name)
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert written == ["store/area/kept.pdf"]


def test_files_are_owner_only_whatever_the_umask(store):
    old = os.umask(0)
    try:
        store.save("m.pdf", b"%PDF-")
    finally:
        os.umask(old)
    assert (store.root / "m.pdf").stat().st_mode & 0o777 == 0o600
    assert store.root.stat().st_mode & 0o777 == 0o700
    assert store.root.parent.stat().st_mode & 0o777 == 0o700


def test_send_streams_an_attachment(app, store):
    store.save("f.pdf", b"%PDF-1.4 sent")
    with app.test_request_context():
        response = store.send("f.pdf", mimetype="application/pdf", download_name="báo cáo.pdf")
        response.direct_passthrough = False
        assert response.get_data() == b"%PDF-1.4 sent"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "attachment" in response.headers["Content-Disposition"]
        with pytest.raises(FileNotFoundError):
            store.send("none.pdf", mimetype="application/pdf", download_name="x.pdf")


def test_file_store_places_both_areas_and_each_can_still_be_set(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k")
    monkeypatch.delenv("UPLOAD_FOLDER", raising=False)
    monkeypatch.delenv("JOBS_FOLDER", raising=False)
    monkeypatch.delenv("FILE_STORE", raising=False)
    default = load_config(tmp_path / "instance")
    assert default["UPLOAD_FOLDER"] == str(tmp_path / "instance" / "uploads")
    assert default["JOBS_FOLDER"] == str(tmp_path / "instance" / "jobs")
    monkeypatch.setenv("FILE_STORE", "/srv/shared/thidua")
    shared = load_config(tmp_path / "instance")
    assert shared["UPLOAD_FOLDER"] == "/srv/shared/thidua/uploads"
    assert shared["JOBS_FOLDER"] == "/srv/shared/thidua/jobs"
    monkeypatch.setenv("UPLOAD_FOLDER", "/mnt/uploads")
    assert load_config(tmp_path / "instance")["UPLOAD_FOLDER"] == "/mnt/uploads"


def test_two_servers_sharing_one_store_read_each_others_files(app, tmp_path):
    """Server A keeps an upload and a job's file; server B (another application on the same
    database and the same FILE_STORE folders) reads both."""
    from emulation.jobs import services

    shared = {"UPLOAD_FOLDER": str(tmp_path / "shared" / "uploads"),
              "JOBS_FOLDER": str(tmp_path / "shared" / "jobs")}
    server_a = create_app({**app.config, **shared})
    server_b = create_app({**app.config, **shared})
    with server_a.app_context():
        kept = uploads.store(FileStorage(io.BytesIO(b"%PDF-1.4 from A"), filename="a.pdf"),
                             owner_type="test", owner_id=1, actor=None)
        stored_name = kept.stored_name
        db.session.rollback()
        job_file = services._store("tokenA", io.BytesIO(b"PK\x03\x04 export"))
        assert job_file == Path(shared["JOBS_FOLDER"]) / "tokenA.xlsx"
    with server_b.app_context():
        assert storage.store("uploads").read(stored_name) == b"%PDF-1.4 from A"
        assert services.files().read("tokenA.xlsx") == b"PK\x03\x04 export"
        assert services.folder() == Path(shared["JOBS_FOLDER"])
