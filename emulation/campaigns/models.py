"""Campaigns and what they are made of."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emulation.campaigns.enums import (
    CampaignKind,
    CampaignState,
    ClusterKind,
    CriterionKind,
    ParticipationMode,
    PeriodKind,
)
from emulation.core.models import Base, TimestampMixin, UTCDateTime, VersionedMixin
from emulation.org.models import Unit

CAMPAIGN_KINDS = CampaignKind.values()
CAMPAIGN_STATES = CampaignState.values()
PARTICIPATION_MODES = ParticipationMode.values()
PERIOD_KINDS = PeriodKind.values()
CRITERION_KINDS = CriterionKind.values()
CLUSTER_KINDS = ClusterKind.values()


class Campaign(TimestampMixin, VersionedMixin, Base):
    """Chỉ thị / Kế hoạch phát động thi đua: one launched emulation drive."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60), default="")
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(16), default="regular")
    year_start: Mapped[int] = mapped_column(Integer)
    year_end: Mapped[int] = mapped_column(Integer)
    issuing_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"),
                                                 index=True)
    issuing_bodies: Mapped[str] = mapped_column(String(500), default="")
    signers: Mapped[str] = mapped_column(String(500), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    launch_date: Mapped[date | None] = mapped_column(Date)
    registration_deadline: Mapped[date | None] = mapped_column(Date)
    scoring_opens: Mapped[date | None] = mapped_column(Date)
    scoring_closes: Mapped[date | None] = mapped_column(Date)
    nomination_deadline: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    participation_mode: Mapped[str] = mapped_column(String(16), default="children")
    cloned_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign.id", ondelete="SET NULL"))
    # Hưởng ứng: the campaign of the level above that this (lower unit's) campaign answers.
    parent_campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign.id", ondelete="SET NULL"), index=True)

    issuing_unit: Mapped[Unit] = relationship(lazy="joined")
    parent_campaign: Mapped[Campaign | None] = relationship(
        remote_side=[id], foreign_keys=[parent_campaign_id])
    movements: Mapped[list[Movement]] = relationship(
        back_populates="campaign", order_by="Movement.number", cascade="all, delete-orphan")
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="campaign", order_by="Criterion.position", cascade="all, delete-orphan")
    periods: Mapped[list[ReportPeriod]] = relationship(
        back_populates="campaign", order_by="(ReportPeriod.deadline, ReportPeriod.id)",
        cascade="all, delete-orphan")
    participants: Mapped[list[CampaignParticipant]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan")
    clusters: Mapped[list[Cluster]] = relationship(
        back_populates="campaign", order_by="Cluster.name", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint(f"kind IN ({CampaignKind.sql_in()})", name="kind_known"),
        CheckConstraint(f"state IN ({CampaignState.sql_in()})", name="state_known"),
        CheckConstraint("year_end >= year_start", name="years_ordered"),
    )

    @property
    def period_label(self) -> str:
        if self.year_start == self.year_end:
            return str(self.year_start)
        return f"{self.year_start}–{self.year_end}"


class ReportPeriod(Base):
    """Kỳ báo cáo: quarterly, mid-year, year-end, mid-term review (sơ kết), final (tổng kết),
    ad-hoc (đột xuất). Asked of every participant, or only of the units in `asked` when it
    has any (an ad-hoc report asked of a few units)."""

    __tablename__ = "report_period"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(150))
    year: Mapped[int] = mapped_column(Integer)
    deadline: Mapped[date] = mapped_column(Date)

    campaign: Mapped[Campaign] = relationship(back_populates="periods")
    asked: Mapped[list[ReportPeriodUnit]] = relationship(
        back_populates="period", cascade="all, delete-orphan", lazy="selectin",
        order_by="ReportPeriodUnit.id")

    @property
    def asked_unit_ids(self) -> frozenset[int]:
        """The units the period is asked of; empty when it is asked of every participant."""
        return frozenset(a.unit_id for a in self.asked)

    def concerns(self, unit_id: int) -> bool:
        """Is a report of this period asked of the unit (a participant)?"""
        return not self.asked or unit_id in self.asked_unit_ids


class ReportPeriodUnit(Base):
    """A unit an ad-hoc report period (báo cáo đột xuất) is asked of."""

    __tablename__ = "report_period_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("report_period.id", ondelete="CASCADE"),
                                           index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"),
                                         index=True)

    period: Mapped[ReportPeriod] = relationship(back_populates="asked")

    __table_args__ = (UniqueConstraint("period_id", "unit_id", name="report_period_unit_once"),)


class Movement(Base):
    """Nội dung / phong trào thi đua: a numbered content of a campaign (1…n, contiguous)."""

    __tablename__ = "movement"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")

    campaign: Mapped[Campaign] = relationship(back_populates="movements")


class Criterion(Base):
    """Tiêu chí chấm điểm: a scoring line with its maximum points and weight."""

    __tablename__ = "criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(500))
    max_points: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 3), default=Decimal("1"))
    movement_id: Mapped[int | None] = mapped_column(ForeignKey("movement.id",
                                                               ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(10), default="regular")
    guidance: Mapped[str] = mapped_column(Text, default="")

    campaign: Mapped[Campaign] = relationship(back_populates="criteria")
    movement: Mapped[Movement | None] = relationship()

    __table_args__ = (UniqueConstraint("campaign_id", "code",
                                       name="criterion_campaign_code"),
                      CheckConstraint("max_points > 0", name="max_points_positive"))


class CampaignParticipant(Base):
    """A unit taking part in a campaign."""

    __tablename__ = "campaign_participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"),
                                         index=True)

    campaign: Mapped[Campaign] = relationship(back_populates="participants")
    unit: Mapped[Unit] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("campaign_id", "unit_id",
                                       name="participant_campaign_unit"),)


class Cluster(Base):
    """Cụm / khối thi đua, with its leader (cụm trưởng), deputy and compact (giao ước)."""

    __tablename__ = "cluster"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(8), default="cum")
    leader_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id",
                                                                  ondelete="SET NULL"))
    deputy_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id",
                                                                  ondelete="SET NULL"))
    compact_text: Mapped[str] = mapped_column(Text, default="")
    compact_signed_on: Mapped[date | None] = mapped_column(Date)

    campaign: Mapped[Campaign] = relationship(back_populates="clusters")
    members: Mapped[list[ClusterMember]] = relationship(back_populates="cluster",
                                                        cascade="all, delete-orphan")
    leader: Mapped[Unit | None] = relationship(foreign_keys=[leader_unit_id])
    deputy: Mapped[Unit | None] = relationship(foreign_keys=[deputy_unit_id])


class ClusterMember(Base):
    """A unit in a cluster; a unit is in at most one cluster per campaign. The member records
    once that it signed the cluster's compact (ký giao ước): when, and who signed for it."""

    __tablename__ = "cluster_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("cluster.id", ondelete="CASCADE"),
                                            index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"))
    compact_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    compact_signed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))
    compact_signed_by: Mapped[str] = mapped_column(String(150), default="")

    cluster: Mapped[Cluster] = relationship(back_populates="members")
    unit: Mapped[Unit] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("campaign_id", "unit_id",
                                       name="cluster_member_one_cluster"),)
