"""Uploaded files (tệp đính kèm, minh chứng): checked by content, stored under generated names
outside `static/`, served only as attachments to those who may read the parent record."""
from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from datetime import datetime
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ForeignKey, Index, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from emulation.core import storage
from emulation.core.errors import NotFound, ServiceError
from emulation.core.models import Base, UTCDateTime, utcnow
from emulation.extensions import db

# extension → kind of content it must hold
ALLOWED = {
    "pdf": "pdf", "png": "png", "jpg": "jpeg", "jpeg": "jpeg",
    "docx": "ooxml", "xlsx": "ooxml", "pptx": "ooxml", "doc": "ole", "xls": "ole", "ppt": "ole",
}
MIME = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg",
        "jpeg": "image/jpeg", "doc": "application/msword", "xls": "application/vnd.ms-excel",
        "ppt": "application/vnd.ms-powerpoint",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}
_MAX_UNZIPPED = 200 * 1024 * 1024


class Attachment(Base):
    """A stored file and the record it belongs to (`owner_type`, `owner_id`)."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id",
                                                                  ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (Index("ix_attachment_owner", "owner_type", "owner_id"),)


def attach(actor, owner_kind: str, owner_id: int, file_storage, *, record=None,
           action: str = "") -> Attachment:
    """Check, keep and audit one uploaded file of a record (a campaign, a report item, a
    nomination): the one way every area attaches files. `record` is what the audit event
    names (the record itself by default); `action` defaults to `<owner_kind>.attach`. A
    refused file raises ServiceError before anything is written; the caller commits."""
    from emulation.core import audit

    attachment = store(file_storage, owner_type=owner_kind, owner_id=owner_id, actor=actor)
    audit.record(db.session, actor=actor, action=action or f"{owner_kind}.attach",
                 obj=record, object_type="" if record is not None else owner_kind,
                 object_id=None if record is not None else owner_id,
                 summary=f"attached {attachment.original_name} to {owner_kind} {owner_id}",
                 after={"file": attachment.original_name, "sha256": attachment.sha256},
                 params={"_m": "attach", "file": attachment.original_name})
    return attachment


def attachment_of(attachment_id: int, owner_kind: str, owner_ids) -> Attachment:
    """A stored file that belongs to one of the given records (a loader for `load_or_404`):
    anything else is NotFound, so one record's files are never reached through another."""
    found = db.session.get(Attachment, attachment_id)
    if found is None or found.owner_type != owner_kind or found.owner_id not in set(owner_ids):
        raise _no_such_file()
    return found


def store(upload, *, owner_type: str, owner_id: int, actor) -> Attachment:
    """Check an uploaded file and keep it; raises ServiceError with the reason if refused."""
    from emulation.core.text import clean

    name = clean(upload.filename or "")[:255]
    data = upload.read()
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = ALLOWED.get(ext)
    if kind is None:
        raise ServiceError(_("Files of this type are not accepted: %(name)s. Use PDF, PNG, "
                             "JPEG or Office files.", name=name or "?"))
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if not data:
        raise ServiceError(_("The file %(name)s is empty.", name=name))
    if limit and len(data) > limit:
        raise ServiceError(_("The file is larger than the allowed size."))
    if not _content_matches(kind, data):
        raise ServiceError(_("The content of %(name)s is not a real %(ext)s file.", name=name,
                             ext=ext.upper()))
    stored_name = uuid.uuid4().hex
    storage.store("uploads").save(stored_name, data, exclusive=True)
    attachment = Attachment(owner_type=owner_type, owner_id=owner_id, original_name=name,
                            stored_name=stored_name, content_type=MIME[ext], size=len(data),
                            sha256=hashlib.sha256(data).hexdigest(),
                            uploaded_by_id=getattr(actor, "id", None))
    db.session.add(attachment)
    return attachment


def attachments_of(owner_type: str, owner_ids) -> dict[int, list[Attachment]]:
    ids = list(owner_ids)
    found: dict[int, list[Attachment]] = {i: [] for i in ids}
    if ids:
        for a in db.session.scalars(select(Attachment).where(
                Attachment.owner_type == owner_type, Attachment.owner_id.in_(ids))
                .order_by(Attachment.id)):
            found[a.owner_id].append(a)
    return found


def send(attachment: Attachment):
    """The file as a download under its original name, streamed from the file store;
    NotFound when its file is missing (a store not mounted, a restore without the files)."""
    try:
        return storage.store("uploads").send(attachment.stored_name,
                                             mimetype=attachment.content_type,
                                             download_name=attachment.original_name)
    except FileNotFoundError:
        raise _no_such_file() from None


def read(attachment: Attachment) -> bytes | None:
    """The whole content of a small stored file (a template, an emblem); None when missing."""
    return storage.store("uploads").read(attachment.stored_name)


def upload_folder() -> Path:
    """The uploads' folder of the file store (core.storage, area "uploads")."""
    return storage.store("uploads").root


def _no_such_file() -> NotFound:
    return NotFound(_("No such file."))


def _content_matches(kind: str, data: bytes) -> bool:
    if kind == "pdf":
        return data.startswith(b"%PDF-")
    if kind == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if kind == "jpeg":
        return data.startswith(b"\xff\xd8\xff")
    if kind == "ole":
        return data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    if kind == "ooxml":
        return _is_office_zip(data)
    return False


def zip_member_names(data: bytes, max_unzipped: int = _MAX_UNZIPPED) -> set[str] | None:
    """The member names of a zip file (an Office file is one), or None when `data` is not a
    zip or would unpack to more than `max_unzipped` bytes (a zip bomb)."""
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile:
        return None
    if sum(i.file_size for i in infos) > max_unzipped:
        return None
    return {i.filename for i in infos}


def _is_office_zip(data: bytes) -> bool:
    """A real Office file: a zip with [Content_Types].xml, not a bomb."""
    names = zip_member_names(data)
    return names is not None and "[Content_Types].xml" in names
