"""Councils (hội đồng thi đua – khen thưởng), their meetings and secret ballots."""
from __future__ import annotations

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
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emulation.awards.councils.enums import Choice, CouncilRole, MeetingState
from emulation.awards.nominations.models import Nomination
from emulation.core.models import Base, TimestampMixin, VersionedMixin
from emulation.org.models import Unit

COUNCIL_ROLES = CouncilRole.values()
MEETING_STATES = MeetingState.values()
CHOICES = Choice.values()


class Council(TimestampMixin, Base):
    """Hội đồng Thi đua – Khen thưởng of a unit."""

    __tablename__ = "council"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"))
    quorum_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("66.67"))

    unit: Mapped[Unit] = relationship()
    members: Mapped[list[CouncilMember]] = relationship(back_populates="council",
                                                        cascade="all, delete-orphan",
                                                        order_by="CouncilMember.id")
    meetings: Mapped[list[CouncilMeeting]] = relationship(back_populates="council",
                                                          order_by="CouncilMeeting.id.desc()")


class CouncilMember(Base):
    __tablename__ = "council_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"))
    role: Mapped[str] = mapped_column(String(12), default="member")

    council: Mapped[Council] = relationship(back_populates="members")
    user: Mapped[User] = relationship(lazy="joined")  # noqa: F821

    __table_args__ = (
        UniqueConstraint("council_id", "user_id", name="council_member_once"),
        CheckConstraint(f"role IN ({CouncilRole.sql_in()})", name="role_known"),
    )


class CouncilMeeting(TimestampMixin, VersionedMixin, Base):
    """Phiên họp: attendance, agenda and one secret ballot over the agenda."""

    __tablename__ = "council_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id", ondelete="CASCADE"),
                                            index=True)
    title: Mapped[str] = mapped_column(String(255))
    held_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(10), default="scheduled")
    members_total: Mapped[int | None] = mapped_column(Integer)
    members_present: Mapped[int | None] = mapped_column(Integer)

    council: Mapped[Council] = relationship(back_populates="meetings")
    attendance: Mapped[list[MeetingAttendance]] = relationship(cascade="all, delete-orphan")
    items: Mapped[list[AgendaItem]] = relationship(back_populates="meeting",
                                                   cascade="all, delete-orphan",
                                                   order_by="AgendaItem.id")

    __table_args__ = (CheckConstraint(f"state IN ({MeetingState.sql_in()})",
                                      name="state_known"),)


class MeetingAttendance(Base):
    __tablename__ = "meeting_attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meeting.id",
                                                       ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("council_member.id", ondelete="CASCADE"))

    __table_args__ = (UniqueConstraint("meeting_id", "member_id", name="attendance_once"),)


class AgendaItem(Base):
    """A nomination on a meeting's agenda, with the tally of its secret ballot.

    The ballot keeps two things apart: who has voted (BallotParticipation, one row per member)
    and how many chose each answer (the counters here). No row ever links a member to a choice.
    """

    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meeting.id", ondelete="CASCADE"),
                                            index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="RESTRICT"))
    agree: Mapped[int] = mapped_column(Integer, default=0)
    disagree: Mapped[int] = mapped_column(Integer, default=0)
    abstain: Mapped[int] = mapped_column(Integer, default=0)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    base: Mapped[int | None] = mapped_column(Integer)

    meeting: Mapped[CouncilMeeting] = relationship(back_populates="items")
    nomination: Mapped[Nomination] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("meeting_id", "nomination_id", name="agenda_once"),)


class BallotParticipation(Base):
    """That a member has voted on an item — never what they chose."""

    __tablename__ = "ballot_participation"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("council_member.id", ondelete="CASCADE"))

    __table_args__ = (UniqueConstraint("item_id", "member_id", name="vote_once"),)
