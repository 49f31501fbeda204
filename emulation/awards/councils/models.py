"""Councils (hội đồng thi đua – khen thưởng), their meetings and secret ballots."""
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
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emulation.awards.councils.enums import Choice, CouncilRole, MeetingState
from emulation.awards.nominations.models import Nomination
from emulation.core.models import Base, TimestampMixin, UTCDateTime, VersionedMixin
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

    __table_args__ = (
        # a ballot of fewer than half the members decides nothing (QUORUM_MIN_PCT)
        CheckConstraint("quorum_pct >= 50 AND quorum_pct <= 100", name="quorum_at_least_half"),
    )


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
    # The salt of the open ballot's key (see ballot_box): set when the ballot opens, wiped when
    # it closes, so the papers left in the WAL or a backup can no longer be opened.
    ballot_salt: Mapped[bytes | None] = mapped_column(LargeBinary(32))

    council: Mapped[Council] = relationship(back_populates="meetings")
    attendance: Mapped[list[MeetingAttendance]] = relationship(cascade="all, delete-orphan")
    items: Mapped[list[AgendaItem]] = relationship(back_populates="meeting",
                                                   cascade="all, delete-orphan",
                                                   order_by="AgendaItem.id")

    __table_args__ = (CheckConstraint(f"state IN ({MeetingState.sql_in()})",
                                      name="state_known"),
                      CheckConstraint("(state = 'voting') = (ballot_salt IS NOT NULL)",
                                      name="salt_only_while_voting"))


class MeetingAttendance(Base):
    __tablename__ = "meeting_attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meeting.id",
                                                       ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("council_member.id", ondelete="CASCADE"))

    __table_args__ = (UniqueConstraint("meeting_id", "member_id", name="attendance_once"),)


class AgendaItem(Base):
    """A nomination on a meeting's agenda, with the tally of its secret ballot.

    The counters are written once, when the ballot closes (see ballot_box): while it is open
    the choices exist only as sealed papers. A voted item may be reopened by an organiser, with
    a reason, before the dossier goes on another meeting; its result then no longer counts.
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
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id",
                                                                  ondelete="RESTRICT"))
    reopen_reason: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[CouncilMeeting] = relationship(back_populates="items")
    nomination: Mapped[Nomination] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("meeting_id", "nomination_id", name="agenda_once"),
        CheckConstraint("(reopened_at IS NULL) = (reopen_reason IS NULL)",
                        name="reopened_with_reason"),
    )

    @property
    def counts(self) -> bool:
        """Whether the item's result stands: voted, and not reopened since."""
        return self.passed is not None and self.reopened_at is None


class BallotParticipation(Base):
    """That a member has voted on an item — never what they chose, nor when: its key is the
    pair (item, member), so no serial number orders the votes (on SQLite the table has no
    rowid either); the primary key makes a second vote impossible.

    `written`: the vote is the written opinion (phiếu ý kiến bằng văn bản) of a member absent
    from the meeting, recorded by the secretary. It says how the member took part, never what
    they chose: their paper is sealed like every other and carries no such mark."""

    __tablename__ = "ballot_participation"

    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"),
                                         primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("council_member.id", ondelete="CASCADE"),
                                           primary_key=True)
    written: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = ({"sqlite_with_rowid": False},)


class BallotPaper(Base):
    """A sealed ballot paper (phiếu bầu): one choice, encrypted under its ballot's key.

    No member, no time, no order: a random key (on SQLite the table has no rowid, so rows sit
    in the key's random order), the agenda item in clear (it is bound to the ciphertext), and
    `ballot_box.PAPER_BYTES` of ciphertext whatever the choice. Deleted when the ballot closes.
    """

    __tablename__ = "ballot_paper"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"))
    sealed: Mapped[bytes] = mapped_column(LargeBinary(64))

    __table_args__ = (Index("ix_ballot_paper_item_id", "item_id"),
                      {"sqlite_with_rowid": False})
