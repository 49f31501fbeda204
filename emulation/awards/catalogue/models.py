"""Award catalogue (danh hiệu thi đua, hình thức khen thưởng): types, rules as data, quotas."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emulation.awards.catalogue.enums import (
    AwardCategory,
    DecidingLevel,
    QuotaBase,
    Rounding,
    Subject,
)
from emulation.awards.records.enums import CommendationKind
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
    # the kind of commendation (Law Art. 8) a decision records for it: the union's Kỷ niệm
    # chương is long service (niên hạn) and so never counts as a prerequisite of another award
    commendation_kind: Mapped[str] = mapped_column(String(12), default="regular",
                                                   server_default="regular")
    level: Mapped[str] = mapped_column(String(60), default="")
    issuing_authority: Mapped[str] = mapped_column(String(255), default="")
    # the level that decides it (DecidingLevel); a unit below that level proposes it upward
    decided_by: Mapped[str] = mapped_column(String(16), default="unit", server_default="unit")
    # an individual's multiple (a collective title's own); a collective's for a form both take
    cash_multiple: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    cash_multiple_collective: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    legal_reference: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    vote_threshold_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(50))
    vote_base: Mapped[str] = mapped_column(String(10), default="present")
    # Whether a council member absent from the meeting may vote by a written opinion (phiếu ý
    # kiến bằng văn bản), recorded by the secretary and sealed like any other paper. Seeded
    # where the threshold is over all members (see catalogue.data.WRITTEN_VOTES_SOURCE).
    written_votes_allowed: Mapped[bool] = mapped_column(Boolean, default=False,
                                                        server_default=false())
    publication_days: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    rules: Mapped[list[AwardRule]] = relationship(
        back_populates="award_type", order_by="[AwardRule.rule_set_id, AwardRule.position]",
        cascade="all, delete-orphan")
    quotas: Mapped[list[AwardQuota]] = relationship(
        back_populates="award_type", order_by="AwardQuota.id",
        cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint(f"category IN ({AwardCategory.sql_in()})", name="category_known"),
        CheckConstraint(f"subject IN ({Subject.sql_in()})", name="subject_known"),
        CheckConstraint("vote_base IN ('all', 'present')", name="vote_base_known"),
        CheckConstraint(f"commendation_kind IN ({CommendationKind.sql_in()})",
                        name="commendation_kind_known"),
        CheckConstraint(f"decided_by IN ({DecidingLevel.sql_in()})", name="decided_by_known"),
    )


class RuleSet(TimestampMixin, Base):
    """Bộ tiêu chuẩn: the rules in force for a period (valid_from..valid_to, open ends allowed)
    and the legal texts they come from. A nomination is judged by the set in force on 31
    December of its year; rules without a set (from before sets existed) apply to any year."""

    __tablename__ = "rule_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    legal_source: Mapped[str] = mapped_column(String(500), default="")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from",
                        name="period_ordered"),
    )


class AwardRule(TimestampMixin, Base):
    """Tiêu chuẩn: one machine-checkable condition; all rules of an award (of one rule set)
    must pass."""

    __tablename__ = "award_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_type_id: Mapped[int] = mapped_column(ForeignKey("award_type.id", ondelete="CASCADE"),
                                               index=True)
    rule_set_id: Mapped[int | None] = mapped_column(ForeignKey("rule_set.id",
                                                               ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    subject: Mapped[str] = mapped_column(String(12), default="both")
    kind: Mapped[str] = mapped_column(String(30))
    params: Mapped[str] = mapped_column(Text, default="{}")
    legal_reference: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    award_type: Mapped[AwardType] = relationship(back_populates="rules")
    rule_set: Mapped[RuleSet | None] = relationship()

    @property
    def params_data(self) -> dict:
        return json.loads(self.params or "{}")


class AwardQuota(VersionedMixin, Base):
    """Tỷ lệ, hạn mức khen thưởng: a maximum ("không quá") on the awards of this type in a
    unit for a year — `max_pct` % of the unit's awards of `of_code`, granted (not revoked) or
    still nominated (base `awards`), `max_pct` % of its headcount (`headcount`), or at most
    `max_count` (`absolute`, e.g. the union's thematic Bằng khen per sector union), a
    percentage rounded by `rounding` (down by default). The unit is the proposing unit, or,
    when `unit_kind` is set, its nearest enclosing unit of that kind (the level the quota is
    given to), always with its sub-units. Dated: in force for a year when 31 December of it
    lies in valid_from..valid_to. `is_example` marks a rate kept only as an editable example
    (no text in force sets it)."""

    __tablename__ = "award_quota"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_type_id: Mapped[int] = mapped_column(ForeignKey("award_type.id", ondelete="CASCADE"))
    base: Mapped[str] = mapped_column(String(12), default="awards", server_default="awards")
    of_code: Mapped[str] = mapped_column(String(20), default="", server_default="")
    max_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    max_count: Mapped[int | None] = mapped_column(Integer)
    rounding: Mapped[str] = mapped_column(String(10), default="floor", server_default="floor")
    unit_kind: Mapped[str] = mapped_column(String(32), default="", server_default="")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    legal_reference: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    is_example: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    award_type: Mapped[AwardType] = relationship(back_populates="quotas")

    __table_args__ = (
        CheckConstraint(f"base IN ({QuotaBase.sql_in()})", name="base_known"),
        CheckConstraint(f"rounding IN ({Rounding.sql_in()})", name="rounding_known"),
        # a percentage between 0 and 100 for a share, a number of at least 0 for a maximum
        CheckConstraint("(base = 'absolute' AND max_count IS NOT NULL AND max_count >= 0) OR "
                        "(base <> 'absolute' AND max_pct IS NOT NULL AND max_pct >= 0 AND "
                        "max_pct <= 100)", name="limit_given"),
        CheckConstraint("base <> 'awards' OR of_code <> ''", name="share_names_its_base"),
        CheckConstraint("valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from",
                        name="period_ordered"),
    )
