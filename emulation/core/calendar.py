"""Working days: the calendar publication periods and deadlines are counted in.

The base is Vietnam's statutory public holidays, lunar Tết included, from the `holidays`
package; on top of it come the overrides administrators keep in the `holiday` table (ngày lễ,
ngày nghỉ hoán đổi, ngày làm bù), each with its source: a holiday the package lacks, a day off
the government swaps in for a given year, or a make-up working day (often a Saturday) that
counts as a working day even on a weekend or a package holiday. Weekends are Saturday and
Sunday.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from holidays import country_holidays
from sqlalchemy import CheckConstraint, Date, String, select
from sqlalchemy.orm import Mapped, mapped_column

from emulation.core.enums import LabelledEnum
from emulation.core.models import Base


class DayKind(LabelledEnum):
    """What an override says of its day."""

    HOLIDAY = "holiday", _l("Public holiday")
    DAY_OFF = "day_off", _l("Day off (swap)")
    WORKING_DAY = "working_day", _l("Make-up working day")


DAY_KINDS = DayKind.values()
OFF_KINDS = (DayKind.HOLIDAY.value, DayKind.DAY_OFF.value)
# Years the `holidays` package is asked about: far enough for any publication period.
FIRST_YEAR, LAST_YEAR = 1995, 2100


class Holiday(Base):
    """An override of the statutory calendar: a public holiday, a swapped day off or a make-up
    working day, with the text that decided it."""

    __tablename__ = "holiday"
    __table_args__ = (CheckConstraint(f"kind IN ({DayKind.sql_in()})", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(150), default="")
    kind: Mapped[str] = mapped_column(String(12), default=DayKind.HOLIDAY.value,
                                      server_default=DayKind.HOLIDAY.value)
    source: Mapped[str] = mapped_column(String(255), default="", server_default="")


class WorkingCalendar:
    """Days off and working days: the package's holidays of each year (cached per year)
    with the overrides applied. `day in calendar` is True for a day off that is not a
    weekend day by itself (a holiday or a swapped day off), as the set of holidays was."""

    def __init__(self, overrides: dict[date, str] | None = None):
        self._overrides = dict(overrides or {})
        self._years: dict[int, frozenset[date]] = {}

    def days_off(self, year: int) -> frozenset[date]:
        """The year's holidays and swapped days off (weekends not listed), overrides applied."""
        if year not in self._years:
            off = set(statutory_holidays(year))
            for day, kind in self._overrides.items():
                if day.year != year:
                    continue
                if kind in OFF_KINDS:
                    off.add(day)
                else:
                    off.discard(day)
            self._years[year] = frozenset(off)
        return self._years[year]

    def is_working_day(self, day: date) -> bool:
        """A weekday that is not a day off, or a make-up working day."""
        if self._overrides.get(day) == DayKind.WORKING_DAY:
            return True
        return day.weekday() < 5 and day not in self.days_off(day.year)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and day in self.days_off(day.year)


def add_working_days(start: date, days: int, holidays: set[date] | WorkingCalendar) -> date:
    """The date `days` working days after `start`: weekends and `holidays` skipped, and a
    `WorkingCalendar`'s make-up working days counted.

    `add_working_days(Friday 20/11/2026, 10, set())` is Friday 04/12/2026; 0 days is `start`.
    """
    if isinstance(holidays, WorkingCalendar):
        working = holidays.is_working_day
    else:
        def working(day: date) -> bool:
            return day.weekday() < 5 and day not in holidays
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if working(current):
            left -= 1
    return current


def holidays(session) -> WorkingCalendar:
    """The working calendar in force: the statutory holidays with every override on record.
    Pass it to `add_working_days`; `day in holidays(session)` tells a day off."""
    rows = session.execute(select(Holiday.day, Holiday.kind))
    return WorkingCalendar({day: kind for day, kind in rows})


@lru_cache(maxsize=256)
def statutory_holidays(year: int) -> dict[date, str]:
    """Vietnam's public holidays of `year` by the `holidays` package (Labour Code Art. 112,
    lunar Tết, days off for holidays on a weekend, the swaps it knows), names in
    Vietnamese. Years outside 1995–2100 have none."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return {}
    return dict(country_holidays("VN", years=year, language="vi"))
