"""Award catalogue (danh hiệu thi đua, hình thức khen thưởng): types, rules as data, quotas."""
from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emulation.awards.catalogue.enums import AwardCategory, Subject
from emulation.core.models import Base, TimestampMixin, VersionedMixin

SUBJECTS = Subject.values()


class AwardType(TimestampMixin, VersionedMixin, Base):
    """Danh hiệu thi đua / hình thức khen thưởng, with the data its rules need."""

    __tablename__ = "award_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    category: Mapped[str] = mapped_column(String(16), default="title")
    subject: Mapped[str] = mapped_column(String(12), default="individual")
    level: Mapped[str] = mapped_column(String(60), default="")
    issuing_authority: Mapped[str] = mapped_column(String(255), default="")
    cash_multiple: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    legal_reference: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    vote_threshold_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(50))
    vote_base: Mapped[str] = mapped_column(String(10), default="present")
    publication_days: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    rules: Mapped[list[AwardRule]] = relationship(back_populates="award_type",
                                                  order_by="AwardRule.position",
                                                  cascade="all, delete-orphan")
    quotas: Mapped[list[AwardQuota]] = relationship(back_populates="award_type",
                                                    cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint(f"category IN ({AwardCategory.sql_in()})", name="category_known"),
        CheckConstraint(f"subject IN ({Subject.sql_in()})", name="subject_known"),
        CheckConstraint("vote_base IN ('all', 'present')", name="vote_base_known"),
    )


class AwardRule(TimestampMixin, Base):
    """Tiêu chuẩn: one machine-checkable condition; all rules of an award must pass."""

    __tablename__ = "award_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_type_id: Mapped[int] = mapped_column(ForeignKey("award_type.id", ondelete="CASCADE"),
                                               index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    subject: Mapped[str] = mapped_column(String(12), default="both")
    kind: Mapped[str] = mapped_column(String(30))
    params: Mapped[str] = mapped_column(Text, default="{}")
    legal_reference: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    award_type: Mapped[AwardType] = relationship(back_populates="rules")

    @property
    def params_data(self) -> dict:
        return json.loads(self.params or "{}")


class AwardQuota(Base):
    """Tỷ lệ: awards of this type in a unit and year ≤ max_pct % of awards of `of_code`."""

    __tablename__ = "award_quota"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_type_id: Mapped[int] = mapped_column(ForeignKey("award_type.id", ondelete="CASCADE"))
    of_code: Mapped[str] = mapped_column(String(20))
    max_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    legal_reference: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    award_type: Mapped[AwardType] = relationship(back_populates="quotas")
