"""Units and people."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from emulation.core import permissions, search
from emulation.core.models import Base, TimestampMixin, UTCDateTime, VersionedMixin
from emulation.core.text import clean, fold
from emulation.org.enums import Gender, UnitKind

UNIT_KINDS = UnitKind.values()
GENDERS = Gender.values()
# How kinds and genders are written in spreadsheets (export writes these, import reads them).
KIND_WORDS_VI = {"union": "Công đoàn ngành", "upper_grassroots": "Công đoàn cấp trên cơ sở",
                 "grassroots": "Công đoàn cơ sở", "team": "Tổ công đoàn",
                 "department": "Phòng ban", "enterprise": "Doanh nghiệp", "other": "Khác"}
GENDER_WORDS_VI = {"male": "Nam", "female": "Nữ"}


def person_sort_key(folded_name: str) -> str:
    """`nguyen van an` → `an nguyen van`: tên first, as Vietnamese lists are ordered."""
    family_and_middle, _, given = folded_name.rpartition(" ")
    return f"{given} {family_and_middle}".strip()


class Unit(TimestampMixin, VersionedMixin, Base):
    """Đơn vị, tập thể: a node of the organisation tree.

    `path` holds the ids from the root down, e.g. `/1/5/12/`, so a subtree is one LIKE query.
    """

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    name_folded: Mapped[str] = mapped_column(String(255), index=True, default="")
    kind: Mapped[str] = mapped_column(String(32), default="other")
    address: Mapped[str] = mapped_column(String(255), default="")
    # What its documents print (awards/documents): the place before the date ("Hà Nội"), the
    # governing body above its name in the header (cơ quan chủ quản, e.g. "Tổng Liên đoàn Lao
    # động Việt Nam"), and the signature block's authority line and signer's title.
    place_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    letterhead: Mapped[str] = mapped_column(String(255), default="", server_default="")
    sign_for: Mapped[str] = mapped_column(String(150), default="", server_default="")
    signer_title: Mapped[str] = mapped_column(String(150), default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"),
                                                  index=True)
    path: Mapped[str] = mapped_column(String(1000), index=True, default="")
    depth: Mapped[int] = mapped_column(Integer, default=0)

    parent: Mapped[Unit | None] = relationship(remote_side=[id])

    __table_args__ = (
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )

    def set_name(self, name: str) -> None:
        self.name = clean(name)
        self.name_folded = fold(name)[:255]  # folding may lengthen (ß → ss)

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p][:-1]

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


# grants cover a unit's subtree: core's access conditions are built on this model
permissions.use_unit_model(Unit)
# searched by folded name and code through trigram indexes (core.search)
search.register(Unit.__table__)


class Person(TimestampMixin, VersionedMixin, Base):
    """Cá nhân, đoàn viên: a member of a unit who can be nominated; not necessarily a user."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    full_name: Mapped[str] = mapped_column(String(150))
    name_folded: Mapped[str] = mapped_column(String(150), index=True, default="")
    # Lists sort the Vietnamese way: by given name (tên), then family and middle names.
    sort_key: Mapped[str] = mapped_column(String(160), default="")
    gender: Mapped[str | None] = mapped_column(String(10))
    birth_date: Mapped[date | None] = mapped_column(Date)
    # The year of birth: the birth date's year, or alone when only the year is known (office
    # lists often give `Năm sinh` 1986); no rule reads either.
    birth_year: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[str] = mapped_column(String(150), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="RESTRICT"), index=True)
    # When the person last moved to another unit (None: never moved). A job file asked for
    # before it is refused to non-administrators (jobs.services.in_reach): it may list the
    # person under a unit whose officers no longer read them. Indexed for that one check.
    unit_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    unit: Mapped[Unit] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint(f"gender IS NULL OR gender IN ({Gender.sql_in()})", name="gender_known"),
        CheckConstraint("birth_year IS NULL OR (birth_year >= 1900 AND birth_year <= 2100)",
                        name="birth_year_plausible"),
        # the people list's order and its key (core/keyset.py): a page after a cursor is
        # one range of this index, however many people share a name
        Index("ix_person_sort_key_id", "sort_key", "id"),
    )

    def set_name(self, name: str) -> None:
        for key, value in self.name_columns(name).items():
            setattr(self, key, value)

    @staticmethod
    def name_columns(name: str) -> dict:
        """full_name, its folded copy for search and the sort key (tên first), each cut to
        its column: folding may lengthen a name (ß → ss)."""
        folded = fold(name)[:150]
        return {"full_name": clean(name), "name_folded": folded,
                "sort_key": person_sort_key(folded)[:160]}

    @validates("birth_date")
    def _year_of_birth_date(self, _key, value: date | None) -> date | None:
        """A birth date sets the year of birth (clearing the date leaves the year)."""
        if value is not None:
            self.birth_year = value.year
        return value

    @property
    def birth(self) -> date | int | None:
        """The birth date when known, else the year of birth, else None (for display)."""
        return self.birth_date or self.birth_year

    @property
    def given_name(self) -> str:
        """Tên: the last word, by which Vietnamese lists are sorted."""
        return self.full_name.rsplit(" ", 1)[-1] if self.full_name else ""

    def __repr__(self) -> str:
        return f"<Person {self.code}>"


search.register(Person.__table__)
