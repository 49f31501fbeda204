"""A unit's pledge for a campaign, its title registrations, and its reports per period."""
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

from emulation.campaigns.models import Campaign, Movement, ReportPeriod
from emulation.core.models import Base, TimestampMixin, UTCDateTime, VersionedMixin, utcnow
from emulation.org.models import Person, Unit
from emulation.pledges.enums import ExtensionKind, PledgeState, ReportState

PLEDGE_STATES = PledgeState.values()
REPORT_STATES = ReportState.values()
# Titles a unit can register for (codes of DESIGN.md §4); the catalogue arrives with awards.
UNIT_TITLES = ("TTLDTT", "TTLDXS", "CO_BO", "CO_CP", "CO_TLD")
PERSON_TITLES = ("LDTT", "CSTDCS", "CSTD_BO", "CSTD_TQ")


class Pledge(TimestampMixin, VersionedMixin, Base):
    """Đăng ký thi đua: a unit's pledge for one campaign."""

    __tablename__ = "pledge"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"),
                                         index=True)
    state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    campaign: Mapped[Campaign] = relationship()
    unit: Mapped[Unit] = relationship(lazy="joined")
    items: Mapped[list[PledgeItem]] = relationship(
        back_populates="pledge", cascade="all, delete-orphan", order_by="PledgeItem.id")
    titles: Mapped[list[TitleRegistration]] = relationship(
        back_populates="pledge", cascade="all, delete-orphan", order_by="TitleRegistration.id")
    steps: Mapped[list[PledgeStep]] = relationship(
        back_populates="pledge", cascade="all, delete-orphan", order_by="PledgeStep.id")

    __table_args__ = (
        UniqueConstraint("campaign_id", "unit_id", name="pledge_campaign_unit"),
        CheckConstraint(f"state IN ({PledgeState.sql_in()})", name="state_known"),
    )


class PledgeItem(Base):
    """A commitment for one movement, with an optional measurable target."""

    __tablename__ = "pledge_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledge.id", ondelete="CASCADE"),
                                           index=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey("movement.id", ondelete="RESTRICT"),
                                             index=True)
    commitment: Mapped[str] = mapped_column(Text, default="")
    indicator: Mapped[str] = mapped_column(String(255), default="")
    unit_of_measure: Mapped[str] = mapped_column(String(60), default="")
    target_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))

    pledge: Mapped[Pledge] = relationship(back_populates="items")
    movement: Mapped[Movement] = relationship(lazy="joined")

    __table_args__ = (CheckConstraint("target_value IS NULL OR target_value >= 0",
                                      name="target_not_negative"),)


class PledgeStep(Base):
    """Each move of a pledge (submitted, approved, returned with reason): its history."""

    __tablename__ = "pledge_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledge.id", ondelete="CASCADE"),
                                           index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(150), default="")
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")

    pledge: Mapped[Pledge] = relationship(back_populates="steps")


class TitleRegistration(Base):
    """Đăng ký danh hiệu: the title the unit (person_id empty) or one of its people aims for."""

    __tablename__ = "title_registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledge.id", ondelete="CASCADE"),
                                           index=True)
    award_code: Mapped[str] = mapped_column(String(20))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"),
                                                  index=True)

    pledge: Mapped[Pledge] = relationship(back_populates="titles")
    person: Mapped[Person | None] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("pledge_id", "award_code", "person_id",
                                       name="title_registration_pledge_award_person"),)


class DeadlineExtension(Base):
    """Gia hạn: an organiser lets one unit submit after a deadline of the campaign — its
    pledge (`kind` registration) or its nominations (`kind` nomination)."""

    __tablename__ = "deadline_extension"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(16), default=ExtensionKind.REGISTRATION,
                                      server_default=ExtensionKind.REGISTRATION.value)
    until: Mapped[date] = mapped_column(Date)
    granted_by: Mapped[str] = mapped_column(String(150), default="")

    unit: Mapped[Unit] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("campaign_id", "unit_id", "kind",
                                       name="extension_campaign_unit_kind"),
                      CheckConstraint(f"kind IN ({ExtensionKind.sql_in()})",
                                      name="kind_known"))


class Report(TimestampMixin, VersionedMixin, Base):
    """Báo cáo sơ kết / tổng kết: a unit's results for one report period."""

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"),
                                         index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("report_period.id", ondelete="RESTRICT"),
                                           index=True)
    state: Mapped[str] = mapped_column(String(16), default="draft")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Nộp muộn: days past the period's deadline at its first submission (0: on time; None:
    # never submitted). Late reports are accepted and marked, never refused.
    late_days: Mapped[int | None] = mapped_column(Integer)
    # The four evaluation contents (seed 001, section IV.2.1).
    integration: Mapped[str] = mapped_column(Text, default="")
    task_progress: Mapped[str] = mapped_column(Text, default="")
    target_attainment: Mapped[str] = mapped_column(Text, default="")
    difficulties: Mapped[str] = mapped_column(Text, default="")

    unit: Mapped[Unit] = relationship(lazy="joined")
    period: Mapped[ReportPeriod] = relationship(lazy="joined")
    items: Mapped[list[ReportItem]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportItem.id")

    __table_args__ = (
        UniqueConstraint("unit_id", "period_id", name="report_unit_period"),
        CheckConstraint(f"state IN ({ReportState.sql_in()})", name="state_known"),
    )


class ReportItem(Base):
    """The result against one pledge item: achieved value, narrative, self-assessed progress."""

    __tablename__ = "report_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"),
                                           index=True)
    pledge_item_id: Mapped[int] = mapped_column(ForeignKey("pledge_item.id",
                                                           ondelete="RESTRICT"), index=True)
    achieved_value: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    narrative: Mapped[str] = mapped_column(Text, default="")
    progress_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))

    report: Mapped[Report] = relationship(back_populates="items")
    pledge_item: Mapped[PledgeItem] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("report_id", "pledge_item_id", name="report_item_report_pledge_item"),
        CheckConstraint("progress_pct IS NULL OR (progress_pct >= 0 AND progress_pct <= 100)",
                        name="progress_range"),
        CheckConstraint("achieved_value IS NULL OR achieved_value >= 0",
                        name="achieved_not_negative"),
    )


class UnitProgress(Base):
    """The stored roll-up of one unit's results for one report period (what the dashboards
    read instead of rolling every item up again): a row exists while the unit's report for the
    period holds at least one result line. Kept up to date in the transaction that changes a
    report, its items or the unit's pledge (emulation.pledges.progress_store); `flask progress
    rebuild` recomputes it. Figures in tenths of a percent (an integer: sums stay exact on
    SQLite and PostgreSQL)."""

    __tablename__ = "unit_progress"

    period_id: Mapped[int] = mapped_column(
        ForeignKey("report_period.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    # the unit's pledge is approved: its items (and this figure) count
    counted: Mapped[bool] = mapped_column(default=False)
    # the unit's overall progress ×10 (63.4 % → 634); None: nothing measurable reported
    overall_tenths: Mapped[int | None] = mapped_column(Integer)


class MovementProgress(Base):
    """The stored progress of one unit in one movement for one report period (its approved
    pledge items of the movement averaged, rounded to 0.1 %, ×10); a row for each movement of
    the unit's approved pledge while a UnitProgress row exists."""

    __tablename__ = "movement_progress"

    period_id: Mapped[int] = mapped_column(
        ForeignKey("report_period.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    movement_id: Mapped[int] = mapped_column(ForeignKey("movement.id", ondelete="CASCADE"),
                                             primary_key=True, index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"),
                                             index=True)
    value_tenths: Mapped[int | None] = mapped_column(Integer)
