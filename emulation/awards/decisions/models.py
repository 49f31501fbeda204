"""Publication (công khai), objections, base salaries and decisions (quyết định khen thưởng)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from emulation.awards.councils.models import CouncilMeeting
from emulation.awards.decisions.enums import DecisionState, ObjectionState, UpwardOutcome
from emulation.awards.nominations.models import Nomination
from emulation.core.models import Base, TimestampMixin, VersionedMixin
from emulation.org.models import Unit


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

    __table_args__ = (
        CheckConstraint(f"state IN ({ObjectionState.sql_in()})", name="state_known"),
        # a resolved objection says how it was resolved
        CheckConstraint("state = 'open' OR resolution <> ''", name="resolved_reason"),
    )


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

    __table_args__ = (
        CheckConstraint(f"state IN ({DecisionState.sql_in()})", name="state_known"),
        # workflow invariants (Indico's `judge_if_judged` habit): an issued (or later
        # revoked) decision has its number and the base salary its cash was computed on;
        # a revoked one says why
        CheckConstraint("state = 'draft' OR (base_salary IS NOT NULL AND number <> '')",
                        name="issued_complete"),
        CheckConstraint("state <> 'revoked' OR revoke_reason <> ''", name="revoked_reason"),
        # one number per issuing unit among the decisions in force: a revoked decision's
        # number may be given again to the corrected one
        Index("uq_decision_number_in_force", "issuing_unit_id", "number", unique=True,
              sqlite_where=text("state <> 'revoked'"),
              postgresql_where=text("state <> 'revoked'")),
    )


class DecisionItem(Base):
    __tablename__ = "decision_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id", ondelete="CASCADE"),
                                             index=True)
    # not unique: after a decision is revoked, a corrected one may grant the nomination
    # again; the award record's unique index keeps one grant in force per subject and year
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="RESTRICT"),
                                               index=True)
    award_record_id: Mapped[int | None] = mapped_column(ForeignKey("award_record.id",
                                                                   ondelete="SET NULL"))
    cash_amount: Mapped[int | None] = mapped_column(Integer)

    decision: Mapped[Decision] = relationship(back_populates="items")
    nomination: Mapped[Nomination] = relationship(lazy="joined")


class UpwardProposal(TimestampMixin, Base):
    """Trình cấp trên: a nomination for an award its level cannot decide (Bằng khen Thủ
    tướng, CSTĐ toàn quốc…), sent after the council to the body that decides it, and that
    body's answer when it comes. A grant becomes an award record (source `superior`) that
    counts like any other; cash is what the superior paid, when entered, never computed."""

    __tablename__ = "upward_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nomination.id", ondelete="CASCADE"),
                                               unique=True)
    submitted_on: Mapped[date] = mapped_column(Date)
    document_number: Mapped[str] = mapped_column(String(60))
    submitted_by: Mapped[str] = mapped_column(String(150), default="")
    outcome: Mapped[str] = mapped_column(String(10), default="pending")
    decision_number: Mapped[str] = mapped_column(String(60), default="")
    decided_on: Mapped[date | None] = mapped_column(Date)
    deciding_body: Mapped[str] = mapped_column(String(255), default="")
    cash_amount: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(150), default="")
    award_record_id: Mapped[int | None] = mapped_column(ForeignKey("award_record.id",
                                                                   ondelete="SET NULL"))

    nomination: Mapped[Nomination] = relationship(
        backref=backref("upward", uselist=False, lazy="select"))

    __table_args__ = (
        CheckConstraint(f"outcome IN ({UpwardOutcome.sql_in()})", name="outcome_known"),
        CheckConstraint("document_number <> ''", name="document_numbered"),
        # an answer comes after the proposal; a grant names its decision, date and body; a
        # refusal its date and reason
        CheckConstraint("decided_on IS NULL OR decided_on >= submitted_on",
                        name="answer_after_proposal"),
        CheckConstraint("outcome <> 'granted' OR (decision_number <> '' AND decided_on IS NOT "
                        "NULL AND deciding_body <> '')", name="granted_complete"),
        CheckConstraint("outcome <> 'declined' OR (decided_on IS NOT NULL AND reason <> '')",
                        name="declined_reason"),
        CheckConstraint("cash_amount IS NULL OR cash_amount >= 0", name="cash_not_negative"),
    )
