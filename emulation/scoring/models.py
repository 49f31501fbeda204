"""Score sheets, their lines, adjustments, scoring settings and frozen rankings."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emulation.campaigns.models import Campaign, Cluster, Criterion
from emulation.core.models import Base, TimestampMixin, UTCDateTime, VersionedMixin, utcnow
from emulation.org.models import Unit
from emulation.scoring.enums import SheetKind, SheetState

SHEET_KINDS = SheetKind.values()
SHEET_STATES = SheetState.values()
COMBINE_METHODS = ("mean", "median", "trimmed")
MISSING_POLICIES = ("zero", "skip")
TIE_BREAKS = ("council", "progress", "max_criteria")


class ScoringSettings(TimestampMixin, VersionedMixin, Base):
    """How a campaign's sheets become a ranking, and when each kind of sheet is open."""

    __tablename__ = "scoring_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"),
                                             unique=True)
    weight_self: Mapped[Decimal] = mapped_column(Numeric(6, 3), default=Decimal("0.2"))
    weight_peer: Mapped[Decimal] = mapped_column(Numeric(6, 3), default=Decimal("0.3"))
    weight_council: Mapped[Decimal] = mapped_column(Numeric(6, 3), default=Decimal("0.5"))
    combine: Mapped[str] = mapped_column(String(10), default="mean")
    missing: Mapped[str] = mapped_column(String(10), default="skip")
    tie_breaks: Mapped[str] = mapped_column(String(60), default="council,progress,max_criteria")
    flag_leaders: Mapped[int] = mapped_column(Integer, default=1)
    decimals: Mapped[int] = mapped_column(Integer, default=1)
    publish_to_units: Mapped[bool] = mapped_column(Boolean, default=True)
    self_opens: Mapped[date | None] = mapped_column(Date)
    self_closes: Mapped[date | None] = mapped_column(Date)
    peer_opens: Mapped[date | None] = mapped_column(Date)
    peer_closes: Mapped[date | None] = mapped_column(Date)
    council_opens: Mapped[date | None] = mapped_column(Date)
    council_closes: Mapped[date | None] = mapped_column(Date)
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    frozen_by: Mapped[str] = mapped_column(String(150), default="")
    # the job that builds (then keeps) the scores workbook of the frozen ranking
    scores_job_id: Mapped[str | None] = mapped_column(
        ForeignKey("job.id", ondelete="SET NULL"))
    # the job that freezes the ranking (the last one started): while it is queued or running
    # the campaign is "being frozen"; failed, its error is shown and the ranking stays open
    freeze_job_id: Mapped[str | None] = mapped_column(
        ForeignKey("job.id", ondelete="SET NULL"))

    campaign: Mapped[Campaign] = relationship()

    __table_args__ = (
        CheckConstraint("combine IN ('mean', 'median', 'trimmed')", name="combine_known"),
        CheckConstraint("missing IN ('zero', 'skip')", name="missing_known"),
        CheckConstraint("weight_self >= 0 AND weight_peer >= 0 AND weight_council >= 0",
                        name="weights_not_negative"),
        CheckConstraint("decimals >= 0 AND decimals <= 2", name="decimals_range"),
    )

    @property
    def tie_break_list(self) -> list[str]:
        return [t for t in (self.tie_breaks or "").split(",") if t in TIE_BREAKS]

    def window(self, kind: str) -> tuple[date | None, date | None]:
        opens = getattr(self, f"{kind}_opens") or self.campaign.scoring_opens
        closes = getattr(self, f"{kind}_closes") or self.campaign.scoring_closes
        return opens, closes


class ScoreSheet(TimestampMixin, VersionedMixin, Base):
    """Phiếu chấm: points per criterion given by one scorer to one unit."""

    __tablename__ = "score_sheet"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"),
                                         index=True)
    scorer_kind: Mapped[str] = mapped_column(String(10))
    scorer_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id",
                                                                  ondelete="RESTRICT"))
    scorer_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id",
                                                                  ondelete="RESTRICT"),
                                                       index=True)
    # "u<unit id>" for self and peer sheets, "p<user id>" for council sheets: one sheet per
    # scorer and unit, enforced by the database.
    scorer_key: Mapped[str] = mapped_column(String(24))
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("cluster.id",
                                                              ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(12), default="draft")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Kept from submission until reopening (criteria's points and weights are fixed once the
    # campaign is published): the ranking reads one row a sheet, not one a score line.
    total: Mapped[Decimal | None] = mapped_column(Numeric(14, 5))
    at_max: Mapped[int | None] = mapped_column(Integer)

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id], lazy="joined")
    scorer_unit: Mapped[Unit | None] = relationship(foreign_keys=[scorer_unit_id])
    scorer_user: Mapped[User | None] = relationship()  # noqa: F821
    cluster: Mapped[Cluster | None] = relationship()
    scores: Mapped[list[Score]] = relationship(back_populates="sheet",
                                               cascade="all, delete-orphan")

    __table_args__ = (
        UniqueConstraint("campaign_id", "unit_id", "scorer_kind", "scorer_key",
                         name="score_sheet_one_per_scorer"),
        CheckConstraint(f"scorer_kind IN ({SheetKind.sql_in()})", name="kind_known"),
        CheckConstraint(f"state IN ({SheetState.sql_in()})", name="state_known"),
        CheckConstraint("scorer_kind <> 'self' OR scorer_unit_id = unit_id",
                        name="self_is_own_unit"),
        CheckConstraint("scorer_kind <> 'peer' OR scorer_unit_id <> unit_id",
                        name="peer_not_own_unit"),
        CheckConstraint("scorer_kind <> 'council' OR scorer_user_id IS NOT NULL",
                        name="council_has_scorer"),
        # the hub's list in its order (`queries.hub_sheets`), all sheets or one kind: the
        # page's 100 rows read in order, not 200,000 sorted
        Index("ix_score_sheet_hub", "campaign_id", "scorer_kind", "unit_id", "id"),
        # the same list filtered by state (and kind), and the hub's counts per (kind, state)
        # (`queries.sheet_counts`), read from the index alone
        Index("ix_score_sheet_hub_state", "campaign_id", "state", "scorer_kind", "unit_id",
              "id"),
    )

    @property
    def scorer_label(self) -> str:
        if self.scorer_user is not None:
            return self.scorer_user.display_name
        return self.scorer_unit.name if self.scorer_unit else ""


class Score(Base):
    """One line of a sheet: points for one criterion, with an optional comment."""

    __tablename__ = "score"

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheet.id", ondelete="CASCADE"),
                                          index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id", ondelete="RESTRICT"))
    points: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    comment: Mapped[str] = mapped_column(Text, default="")

    sheet: Mapped[ScoreSheet] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()

    __table_args__ = (UniqueConstraint("sheet_id", "criterion_id", name="score_sheet_criterion"),
                      CheckConstraint("points >= 0", name="points_not_negative"))


class ScoreAdjustment(Base):
    """Điểm thưởng / điểm trừ: a bonus (+) or penalty (−) with its reason, never a sheet edit."""

    __tablename__ = "score_adjustment"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"))
    points: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(150), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined")

    __table_args__ = (CheckConstraint("points <> 0", name="points_not_zero"),)


class RankingEntry(Base):
    """A row of a frozen ranking: what flag nominations rely on."""

    __tablename__ = "ranking_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("cluster.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"))
    rank: Mapped[int] = mapped_column(Integer)
    final: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    tied: Mapped[bool] = mapped_column(Boolean, default=False)
    leader: Mapped[bool] = mapped_column(Boolean, default=False)
    details: Mapped[str] = mapped_column(Text, default="{}")

    unit: Mapped[Unit] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("campaign_id", "unit_id", name="ranking_entry_unit"),)


class SheetCount(Base):
    """How many of a campaign's sheets are of one kind in one state: the scoring hub's
    counts, read in one short query instead of counting every sheet. Kept in the transaction
    that inserts, changes or deletes a sheet (`scoring.sheet_counts`); `rebuild` recounts
    (bulk SQL that bypasses the ORM calls it). A row may hold 0."""

    __tablename__ = "score_sheet_count"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"),
                                             primary_key=True)
    scorer_kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    state: Mapped[str] = mapped_column(String(12), primary_key=True)
    sheets: Mapped[int] = mapped_column(Integer, default=0)
