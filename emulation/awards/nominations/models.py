"""Nominations (đề nghị khen thưởng) and their processing history."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emulation.awards.catalogue.models import AwardType
from emulation.awards.nominations.enums import NominationState
from emulation.awards.records.enums import CommendationKind
from emulation.core.models import Base, TimestampMixin, UTCDateTime, VersionedMixin, utcnow
from emulation.org.models import Person, Unit

NOMINATION_STATES = NominationState.values()


def _active(subject: str):
    """The rows an active-nomination unique index covers: not withdrawn, of this subject."""
    return text(f"{subject} IS NOT NULL AND state <> 'withdrawn'")


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
    # loại khen thưởng (Law 06/2022 Art. 8): the award record the dossier leads to carries it
    kind: Mapped[str] = mapped_column(String(12), default="regular", server_default="regular")

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
        CheckConstraint(f"state IN ({NominationState.sql_in()})", name="state_known"),
        CheckConstraint(f"kind IN ({CommendationKind.sql_in()})", name="kind_known"),
        # a nomination that goes on although a condition fails carries its explanation
        CheckConstraint("NOT flagged OR explanation <> ''", name="flagged_explained"),
        # lists are newest year and nomination first: read in this order, never sorted
        Index("ix_nomination_year_id", "year", "id"),
        # one active (not withdrawn) nomination per subject, award, year and kind (a thematic
        # commendation is another achievement than the regular one), enforced by the database
        # so that simultaneous submissions cannot both pass the service's check
        *(Index(f"uq_nomination_active_{subject}", subject, "award_type_id", "year", "kind",
                unique=True, sqlite_where=_active(subject), postgresql_where=_active(subject))
          for subject in ("person_id", "unit_id")),
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
