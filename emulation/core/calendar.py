"""Working days: the calendar publication periods and deadlines are counted in.

Public holidays are dated data (the `holiday` table, loaded with their source by the
catalogue seed); weekends are Saturday and Sunday.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Date, String, select
from sqlalchemy.orm import Mapped, mapped_column

from emulation.core.models import Base


class Holiday(Base):
    """A public holiday: publication periods count working days and skip these."""

    __tablename__ = "holiday"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(150), default="")


def add_working_days(start: date, days: int, holidays: set[date]) -> date:
    """The date `days` working days after `start` (weekends and `holidays` skipped).

    `add_working_days(Friday 20/11/2026, 10, set())` is Friday 04/12/2026; 0 days is `start`.
    """
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            left -= 1
    return current


def holidays(session) -> set[date]:
    """Every public holiday on record, as a set of dates."""
    return set(session.scalars(select(Holiday.day)))
