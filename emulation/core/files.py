"""Files the application writes hold its data (the SQLite database, the job queue, backups,
uploads, job files, the secret key): each is created readable by its owner only — files 0600,
the folders it creates 0700 — whatever the umask. Every write of a file goes through here
(tests/test_file_modes.py checks it)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: str | Path) -> Path:
    """The folder, created (with any missing parents) as 0700; one that exists keeps its
    mode (the operator may have chosen it, e.g. a shared backup folder)."""
    folder = Path(path)
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        try:
            each.mkdir(mode=DIR_MODE)
        except FileExistsError:  # made at the same moment by another worker
            continue
        os.chmod(each, DIR_MODE)  # mkdir's mode is narrowed by the umask, never widened
    return Path(path)


def open_private(path: str | Path, *, exclusive: bool = False) -> BinaryIO:
    """Open the file for writing (binary, truncated) with mode 0600 set before any byte is
    written; `exclusive` refuses a file that exists already (FileExistsError)."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    flags |= os.O_EXCL if exclusive else os.O_TRUNC
    fd = os.open(path, flags, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "wb")


def write_private(path: str | Path, data: bytes, *, exclusive: bool = False) -> Path:
    """Write the whole file with mode 0600 (see `open_private`)."""
    with open_private(path, exclusive=exclusive) as out:
        out.write(data)
    return Path(path)


def private_temp(folder: str | Path, prefix: str, suffix: str = ".part") -> Path:
    """A new empty file of mode 0600 with a unique name in `folder` (which must exist)."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return Path(name)


def ensure_private_file(path: str | Path) -> Path:
    """Create the file empty with mode 0600 if it does not exist (an SQLite database before
    SQLite opens it: SQLite gives its -wal, -shm and -journal files the database file's
    mode); a file that exists is left as it is."""
    try:
        open_private(path, exclusive=True).close()
    except FileExistsError:
        pass
    return Path(path)
