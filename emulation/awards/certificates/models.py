"""How each award type's certificates are printed: the design or blanks (CertificateStyle),
and where each field falls on a blank in a given printer (CertificateLayout, hiệu chỉnh)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emulation.awards.catalogue.models import AwardType
from emulation.awards.certificates.enums import CertificateField, CertificateMode
from emulation.core.models import Base, TimestampMixin, VersionedMixin
from emulation.org.models import Unit

MAX_OFFSET_MM = 150  # a blank is 297 × 210 mm: anything further is off the sheet
OFFSET_COLUMNS = tuple(f"{name}_{axis}" for name in CertificateField.values()
                       for axis in ("dx", "dy"))


def _offset() -> Mapped[Decimal]:
    return mapped_column(Numeric(5, 1), default=Decimal(0), server_default="0")


class CertificateStyle(TimestampMixin, VersionedMixin, Base):
    """The way an award type's certificates are printed: `mode` (full design, or only the
    text on pre-printed blanks), the heading of the design (when empty: the form, "Bằng
    khen" or "Giấy khen", or the award's name; pdf.heading_of) and the emblem image the
    organisation uploaded (an attachment; none: the area is left blank)."""

    __tablename__ = "certificate_style"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_type_id: Mapped[int] = mapped_column(ForeignKey("award_type.id", ondelete="CASCADE"),
                                               unique=True)
    mode: Mapped[str] = mapped_column(String(10), default="design", server_default="design")
    heading: Mapped[str] = mapped_column(String(120), default="", server_default="")
    emblem_id: Mapped[int | None] = mapped_column(ForeignKey("attachment.id",
                                                             ondelete="SET NULL"))

    award_type: Mapped[AwardType] = relationship()

    __table_args__ = (
        CheckConstraint(f"mode IN ({CertificateMode.sql_in()})", name="mode_known"),
    )


class CertificateLayout(TimestampMixin, VersionedMixin, Base):
    """Hiệu chỉnh phôi: for one award type and one printer of one organisation (`unit_id`,
    a root unit of the tree: printers belong to an office, and one organisation's
    calibrations are not offered to another's), how far (mm, right and down positive) each
    field is moved from its default place on the blank."""

    __tablename__ = "certificate_layout"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_type_id: Mapped[int] = mapped_column(ForeignKey("award_type.id", ondelete="CASCADE"),
                                               index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    printer: Mapped[str] = mapped_column(String(100))
    subject_dx: Mapped[Decimal] = _offset()
    subject_dy: Mapped[Decimal] = _offset()
    unit_dx: Mapped[Decimal] = _offset()
    unit_dy: Mapped[Decimal] = _offset()
    award_dx: Mapped[Decimal] = _offset()
    award_dy: Mapped[Decimal] = _offset()
    decision_dx: Mapped[Decimal] = _offset()
    decision_dy: Mapped[Decimal] = _offset()
    date_dx: Mapped[Decimal] = _offset()
    date_dy: Mapped[Decimal] = _offset()
    signer_dx: Mapped[Decimal] = _offset()
    signer_dy: Mapped[Decimal] = _offset()

    award_type: Mapped[AwardType] = relationship()
    unit: Mapped[Unit] = relationship()

    __table_args__ = (
        UniqueConstraint("award_type_id", "unit_id", "printer", name="award_unit_printer"),
        CheckConstraint("printer <> ''", name="printer_named"),
        *(CheckConstraint(f"{column} BETWEEN -{MAX_OFFSET_MM} AND {MAX_OFFSET_MM}",
                          name=f"{column}_on_sheet") for column in OFFSET_COLUMNS),
    )

    def offsets(self) -> dict[str, tuple[Decimal, Decimal]]:
        """field → (dx, dy) in mm."""
        return {name: (getattr(self, f"{name}_dx") or Decimal(0),
                       getattr(self, f"{name}_dy") or Decimal(0))
                for name in CertificateField.values()}
