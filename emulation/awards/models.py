"""The award catalogue (rules are data) and the records rules look at."""
from __future__ import annotations

import json
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
    event,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emulation.core.models import Base, TimestampMixin, UTCDateTime, VersionedMixin, utcnow
from emulation.org.models import Person, Unit

APPRAISAL_LEVELS = ("incomplete", "complete", "good", "excellent")
INITIATIVE_SCOPES = ("grassroots", "ministry", "national")
DISCIPLINE_LEVELS = ("khien_trach", "canh_cao", "ha_bac_luong", "giang_chuc", "cach_chuc",
                     "buoc_thoi_viec")
SUBJECTS = ("individual", "collective", "both")


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
        CheckConstraint("category IN ('title', 'commendation')", name="category_known"),
        CheckConstraint("subject IN ('individual', 'collective', 'both')", name="subject_known"),
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


class Appraisal(Base):
    """Xếp loại đánh giá hằng năm of a person or a unit."""

    __tablename__ = "appraisal"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                                  index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"),
                                                index=True)
    year: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(12))

    __table_args__ = (
        UniqueConstraint("person_id", "unit_id", "year", name="appraisal_subject_year"),
        CheckConstraint("(person_id IS NULL) <> (unit_id IS NULL)", name="one_subject"),
        CheckConstraint("level IN ('incomplete', 'complete', 'good', 'excellent')",
                        name="level_known"),
    )


class Initiative(Base):
    """Sáng kiến / đề tài khoa học recognised in a year at a scope."""

    __tablename__ = "initiative"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           index=True)
    year: Mapped[int] = mapped_column(Integer)
    scope: Mapped[str] = mapped_column(String(12))
    is_research: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(String(500), default="")
    recognised_by: Mapped[str] = mapped_column(String(255), default="")

    person: Mapped[Person] = relationship()

    __table_args__ = (CheckConstraint("scope IN ('grassroots', 'ministry', 'national')",
                                      name="scope_known"),)


class Discipline(Base):
    """Kỷ luật: a disciplinary measure with its level and period."""

    __tablename__ = "discipline"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           index=True)
    level: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="period_ordered"),)


class AwardRecord(Base):
    """Khen thưởng đã nhận: granted by a decision here or imported history."""

    __tablename__ = "award_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_code: Mapped[str] = mapped_column(String(20), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                                  index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"),
                                                index=True)
    year: Mapped[int] = mapped_column(Integer)
    decision_number: Mapped[str] = mapped_column(String(60), default="")
    issuer: Mapped[str] = mapped_column(String(255), default="")
    cash_amount: Mapped[int | None] = mapped_column(Integer)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(12), default="import")
    # The unit the award counts for in the statistics: the collective itself, or the unit
    # the person was in when the award was recorded (one who moves later stays counted
    # where the award was earned). Set on insert (see `_counted_unit` below).
    counted_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id",
                                                                   ondelete="SET NULL"))

    person: Mapped[Person | None] = relationship()
    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id])

    __table_args__ = (
        CheckConstraint("(person_id IS NULL) <> (unit_id IS NULL)", name="one_subject"),
        UniqueConstraint("award_code", "person_id", "unit_id", "year", "decision_number",
                         name="award_record_once"),
        # the honour roll of a year: its page reads it in order (year, award, id), its
        # statistics per award read nothing else
        Index("ix_award_record_year_code", "year", "award_code", "id", "revoked",
              "cash_amount"),
        # all records, newest year and record first (the API's list), read in this order
        Index("ix_award_record_year_id", "year", "id"),
        # the statistics per unit and year read only this one, in its order
        Index("ix_award_record_year_counted", "year", "counted_unit_id", "revoked",
              "person_id", "cash_amount"),
    )


@event.listens_for(AwardRecord, "before_insert")
def _counted_unit(_mapper, connection, record: AwardRecord) -> None:
    if record.counted_unit_id is None:
        record.counted_unit_id = record.unit_id if record.unit_id is not None else \
            connection.scalar(select(Person.unit_id).where(Person.id == record.person_id))


NOMINATION_STATES = ("draft", "submitted", "received", "returned", "forwarded", "on_agenda",
                     "withdrawn")


class Nomination(TimestampMixin, VersionedMixin, Base):
    """Đề nghị khen thưởng: a proposal that a person or unit receive an award, with its
    achievement report (báo cáo thành tích) and its dossier's journey between levels."""

    __tablename__ = "nomination"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_type_id: Mapped[int] = mapped_column(ForeignKey("award_type.id", ondelete="RESTRICT"),
                                               index=True)
    year: Mapped[int] = mapped_column(Integer)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id",
                                                               ondelete="SET NULL"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="RESTRICT"),
                                                  index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"),
                                                index=True)
    proposing_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"),
                                                   index=True)
    # The unit whose organisers handle the dossier now; it climbs as the dossier is forwarded.
    level_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"),
                                               index=True)
    state: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    achievements: Mapped[str] = mapped_column(Text, default="")
    initiatives_text: Mapped[str] = mapped_column(Text, default="")
    explanation: Mapped[str] = mapped_column(Text, default="")
    eligible: Mapped[bool | None] = mapped_column(Boolean)
    eligibility: Mapped[str] = mapped_column(Text, default="")
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)

    award_type: Mapped[AwardType] = relationship(lazy="joined")
    person: Mapped[Person | None] = relationship(lazy="joined")
    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id], lazy="joined")
    proposing_unit: Mapped[Unit] = relationship(foreign_keys=[proposing_unit_id])
    level_unit: Mapped[Unit] = relationship(foreign_keys=[level_unit_id])
    steps: Mapped[list[NominationStep]] = relationship(back_populates="nomination",
                                                       cascade="all, delete-orphan",
                                                       order_by="NominationStep.id")

    __table_args__ = (
        CheckConstraint("(person_id IS NULL) <> (unit_id IS NULL)", name="one_subject"),
        CheckConstraint("state IN ('draft', 'submitted', 'received', 'returned', 'forwarded', "
                        "'on_agenda', 'withdrawn')", name="state_known"),
        # lists are newest year and nomination first: read in this order, never sorted
        Index("ix_nomination_year_id", "year", "id"),
    )

    @property
    def subject_name(self) -> str:
        return self.person.full_name if self.person else self.unit.name

    @property
    def subject_kind(self) -> str:
        return "individual" if self.person_id else "collective"


class NominationStep(Base):
    """Each move of a dossier (tiếp nhận, trả lại, chuyển cấp trên…): the processing history."""

    __tablename__ = "nomination_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"),
                                               index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_name: Mapped[str] = mapped_column(String(150), default="")
    from_state: Mapped[str] = mapped_column(String(12))
    to_state: Mapped[str] = mapped_column(String(12))
    level_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id",
                                                                 ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")

    nomination: Mapped[Nomination] = relationship(back_populates="steps")
    level_unit: Mapped[Unit | None] = relationship()


COUNCIL_ROLES = ("chair", "vice_chair", "secretary", "member")
MEETING_STATES = ("scheduled", "voting", "closed")
CHOICES = ("agree", "disagree", "abstain")


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
        CheckConstraint("role IN ('chair', 'vice_chair', 'secretary', 'member')",
                        name="role_known"),
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

    __table_args__ = (CheckConstraint("state IN ('scheduled', 'voting', 'closed')",
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


class Holiday(Base):
    """A public holiday: publication periods count working days and skip these."""

    __tablename__ = "holiday"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(150), default="")


class BaseSalary(Base):
    """Mức lương cơ sở with the date it takes effect; cash awards are multiples of it."""

    __tablename__ = "base_salary"

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[date] = mapped_column(Date, unique=True)
    amount: Mapped[int] = mapped_column(Integer)
    legal_reference: Mapped[str] = mapped_column(String(255), default="")


class Publication(TimestampMixin, Base):
    """Công khai: the list a council meeting passed, shown for a number of working days."""

    __tablename__ = "publication"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("council_meeting.id",
                                                       ondelete="CASCADE"), unique=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    published_by: Mapped[str] = mapped_column(String(150), default="")

    meeting: Mapped[CouncilMeeting] = relationship()


class Objection(TimestampMixin, Base):
    """Ý kiến: an objection to a published nomination; it must be resolved before a decision."""

    __tablename__ = "objection"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"),
                                               index=True)
    author: Mapped[str] = mapped_column(String(150))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default="open")
    resolution: Mapped[str] = mapped_column(Text, default="")
    resolved_by: Mapped[str] = mapped_column(String(150), default="")

    nomination: Mapped[Nomination] = relationship()

    __table_args__ = (CheckConstraint("state IN ('open', 'upheld', 'dismissed')",
                                      name="state_known"),)


class Decision(TimestampMixin, VersionedMixin, Base):
    """Quyết định khen thưởng: immutable once issued; can only be revoked with a reason."""

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60))
    signed_on: Mapped[date] = mapped_column(Date)
    signer: Mapped[str] = mapped_column(String(255))
    issuing_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"))
    state: Mapped[str] = mapped_column(String(10), default="draft")
    base_salary: Mapped[int | None] = mapped_column(Integer)
    total_cash: Mapped[int] = mapped_column(Integer, default=0)
    revoke_reason: Mapped[str] = mapped_column(Text, default="")

    issuing_unit: Mapped[Unit] = relationship()
    items: Mapped[list[DecisionItem]] = relationship(back_populates="decision",
                                                     cascade="all, delete-orphan",
                                                     order_by="DecisionItem.id")

    __table_args__ = (CheckConstraint("state IN ('draft', 'issued', 'revoked')",
                                      name="state_known"),)


class DecisionItem(Base):
    __tablename__ = "decision_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id", ondelete="CASCADE"),
                                             index=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="RESTRICT"),
                                               unique=True)
    award_record_id: Mapped[int | None] = mapped_column(ForeignKey("award_record.id",
                                                                   ondelete="SET NULL"))
    cash_amount: Mapped[int | None] = mapped_column(Integer)

    decision: Mapped[Decision] = relationship(back_populates="items")
    nomination: Mapped[Nomination] = relationship(lazy="joined")
