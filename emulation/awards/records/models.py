"""The records eligibility looks at: appraisals, initiatives, discipline and awards received."""
from __future__ import annotations

from datetime import date

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from emulation.awards.records.enums import (
    AppraisalLevel,
    CommendationKind,
    DisciplineLevel,
    InitiativeScope,
)
from emulation.core.models import Base
from emulation.org.models import Person, Unit

APPRAISAL_LEVELS = AppraisalLevel.values()
INITIATIVE_SCOPES = InitiativeScope.values()
DISCIPLINE_LEVELS = DisciplineLevel.values()


def _held(subject: str):
    """The rows a one-award-held unique index covers: not revoked, of this subject."""
    return text(f"{subject} IS NOT NULL AND NOT revoked")


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
        CheckConstraint(f"level IN ({AppraisalLevel.sql_in()})", name="level_known"),
    )


class Initiative(Base):
    """Sáng kiến / đề tài khoa học recognised in a year at a scope.

    An initiative backs one commendation only: `used_by_award_id` is the award (a granted,
    not revoked record) that relied on it, set when a decision grants a commendation whose
    verdict used it and cleared when that decision is revoked."""

    __tablename__ = "initiative"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                           index=True)
    year: Mapped[int] = mapped_column(Integer)
    scope: Mapped[str] = mapped_column(String(12))
    is_research: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(String(500), default="")
    recognised_by: Mapped[str] = mapped_column(String(255), default="")
    used_by_award_id: Mapped[int | None] = mapped_column(
        ForeignKey("award_record.id", ondelete="SET NULL"), index=True)

    person: Mapped[Person] = relationship()
    used_by: Mapped[AwardRecord | None] = relationship()

    __table_args__ = (CheckConstraint(f"scope IN ({InitiativeScope.sql_in()})",
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
    # thường xuyên, chuyên đề, đột xuất, …: only regular awards count for later ones
    kind: Mapped[str] = mapped_column(String(12), default="regular", server_default="regular")
    # The unit the award counts for in the statistics: the collective itself, or the unit
    # the person was in when the award was recorded (one who moves later stays counted
    # where the award was earned). Set on insert (see `_counted_unit` below).
    counted_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id",
                                                                   ondelete="SET NULL"))

    person: Mapped[Person | None] = relationship()
    unit: Mapped[Unit | None] = relationship(foreign_keys=[unit_id])

    __table_args__ = (
        CheckConstraint("(person_id IS NULL) <> (unit_id IS NULL)", name="one_subject"),
        CheckConstraint(f"kind IN ({CommendationKind.sql_in()})", name="kind_known"),
        # one award in force (not revoked) per subject, award, year and kind of commendation:
        # the database refuses a second grant even when two decisions are issued at the same
        # instant (a thematic award of the year is another achievement than the regular one)
        *(Index(f"uq_award_record_held_{subject}", subject, "award_code", "year", "kind",
                unique=True,
                sqlite_where=_held(subject), postgresql_where=_held(subject))
          for subject in ("person_id", "unit_id")),
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


# the honour roll of every year, newest year first, in its order (year DESC, award_code, id)
# and its key (core/keyset.py): a page reads one range of it, without sorting a year
Index("ix_award_record_roll", AwardRecord.year.desc(), AwardRecord.award_code, AwardRecord.id)


class AwardTally(Base):
    """The honour roll's figures, stored: the awards in force (not revoked) of a year, award
    code and kind of commendation — counts of individuals and of collectives, cash in VND (a
    record without cash counts 0). Kept up to date in the transaction that grants, revokes,
    changes or deletes an award record (emulation.awards.records.tally); `flask honours
    rebuild` recomputes it from the records. A key whose counts fell to 0 keeps its row
    (readers skip it)."""

    __tablename__ = "award_tally"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    award_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    individuals: Mapped[int] = mapped_column(Integer, default=0)
    collectives: Mapped[int] = mapped_column(Integer, default=0)
    cash: Mapped[int] = mapped_column(BigInteger, default=0)
