"""A unit's own document templates (mẫu văn bản của đơn vị)."""
from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emulation.awards.documents.enums import DocumentKind
from emulation.core.models import Base, TimestampMixin, VersionedMixin
from emulation.core.uploads import Attachment
from emulation.org.models import Unit


class DocumentTemplate(TimestampMixin, VersionedMixin, Base):
    """Mẫu văn bản: the `.docx` an issuing unit uses for one kind of document instead of the
    shipped default of its style; the file is kept in the app's file storage."""

    __tablename__ = "document_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachment.id",
                                                          ondelete="RESTRICT"))

    unit: Mapped[Unit] = relationship()
    attachment: Mapped[Attachment] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("unit_id", "kind", name="uq_document_template_unit_kind"),
        CheckConstraint(f"kind IN ({DocumentKind.sql_in()})", name="kind_known"),
    )
