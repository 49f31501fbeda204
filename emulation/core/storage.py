"""The file store (kho tệp): the one way the application keeps the files it makes — uploads
(dossier evidence, document templates, certificate emblems), the kept files of imports and the
finished files of jobs (exports, certificate PDFs).

Each kind of file lives in an *area*, a folder named by the configuration:

- `uploads`: UPLOAD_FOLDER;
- `jobs`: JOBS_FOLDER (finished job files, uploads waiting for their import job);
- `imports`: JOBS_FOLDER/imports (an import's file kept between its preview and its confirm).

Both default to folders under FILE_STORE when it is set (`FILE_STORE/uploads`,
`FILE_STORE/jobs`), else under `instance/`. With several servers, FILE_STORE is one folder
they all mount (NFS or SMB): a file saved by one server or worker is read by any other.

Names are made by the application (random tokens), never taken from user input: a name is
letters, digits, `-`, `_` and `.`, does not start with `.`, and has no `/` — anything else is
refused (BadName) before the file system is touched. A save writes a temporary file in the same
folder and renames it into place (a reader sees the whole file or none), files are 0600 and
folders the store creates 0700 (core.files). Reads stream: `open` gives a file object, `send`
a response that streams the file."""
from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from flask import current_app, send_file

from emulation.core.files import open_private, private_dir, private_temp

AREAS = ("uploads", "jobs", "imports")
CHUNK = 1024 * 1024
_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}")


class BadName(ValueError):
    """A file name the store refuses (empty, too long, a path, a hidden or odd name)."""


class FileStore:
    """One area's folder. Every method takes a bare `name` (see the module's rules) and raises
    BadName for any other; missing files raise FileNotFoundError where a file is needed."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def save(self, name: str, content: bytes | BinaryIO, *, exclusive: bool = False) -> int:
        """Write `content` (bytes, or a binary file object read to its end in 1 MB chunks)
        as `name`, atomically: written under a temporary name, flushed to disk, then renamed.
        `exclusive` refuses a name that exists already (FileExistsError) and never replaces
        it; otherwise an existing file is replaced whole. Returns the size in bytes."""
        target = self._path(name)
        private_dir(self.root)
        partial = private_temp(self.root, prefix=f".{name}.")
        try:
            with open_private(partial) as out:
                if isinstance(content, (bytes, bytearray, memoryview)):
                    out.write(content)
                else:
                    shutil.copyfileobj(content, out, CHUNK)
                out.flush()
                os.fsync(out.fileno())
                size = out.tell()
            if exclusive:
                os.link(partial, target)  # fails if the name exists: never replaces it
            else:
                os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        return size

    def open(self, name: str) -> BinaryIO:
        """The file for reading (binary); FileNotFoundError when there is none."""
        return self._path(name).open("rb")

    def read(self, name: str) -> bytes | None:
        """The whole content of a small file (a template, an emblem), None when missing."""
        try:
            with self.open(name) as stream:
                return stream.read()
        except FileNotFoundError:
            return None

    def exists(self, name: str) -> bool:
        return self._path(name).is_file()

    def size(self, name: str) -> int:
        """The file's size in bytes; FileNotFoundError when there is none."""
        return self._path(name).stat().st_size

    def delete(self, name: str) -> bool:
        """Delete the file; False when there was none."""
        try:
            self._path(name).unlink()
        except FileNotFoundError:
            return False
        return True

    def names(self, suffix: str = "") -> Iterator[str]:
        """The names of the area's files ending with `suffix` (never the temporary ones)."""
        if not self.root.is_dir():
            return iter(())
        return (p.name for p in self.root.iterdir()
                if p.name.endswith(suffix) and _NAME.fullmatch(p.name) and p.is_file())

    def send(self, name: str, *, mimetype: str, download_name: str, max_age: int | None = None):
        """A response that streams the file as an attachment named `download_name`;
        FileNotFoundError when there is none."""
        path = self._path(name)
        if not path.is_file():
            raise FileNotFoundError(name)
        response = send_file(path, mimetype=mimetype, as_attachment=True,
                             download_name=download_name, max_age=max_age)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    def path(self, name: str) -> Path:
        """The file's place on the local or mounted file system (for code that hands a path
        to a library); the name is checked like everywhere else."""
        return self._path(name)

    def _path(self, name: str) -> Path:
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise BadName(f"not a stored file name: {name!r}")
        return self.root / name


def store(area: str) -> FileStore:
    """The store of `area` (one of AREAS) for the current application; KeyError otherwise."""
    config = current_app.config
    roots = {"uploads": lambda: config.get("UPLOAD_FOLDER")
             or Path(current_app.instance_path) / "uploads",
             "jobs": lambda: config["JOBS_FOLDER"],
             "imports": lambda: Path(config["JOBS_FOLDER"]) / "imports"}
    return FileStore(roots[area]())


def valid_name(name: str) -> bool:
    """Whether the store would accept `name` (see the module's rules)."""
    return isinstance(name, str) and _NAME.fullmatch(name) is not None
