"""The reference data a new database starts with (DESIGN.md §4), each row with its source.

Verified (30/11/2026) against the `holidays` package 0.109 and published announcements: Tết
2026 is 14–22/02/2026 (the government's 9-day plan; weekdays 16–20/02), Tết 2027 is computed
from the lunar calendar (04–10/02/2027 with the days off for Tết days on the weekend): no
government plan for 2027 was found, so administrators confirm it when it is published. What
is only "as reported" says so in its source.
"""
from __future__ import annotations

from datetime import date

BASE_SALARIES = [
    ("2019-07-01", 1_490_000, "Nghị định 38/2019/NĐ-CP"),
    ("2023-07-01", 1_800_000, "Nghị định 24/2023/NĐ-CP"),
    ("2024-07-01", 2_340_000, "Nghị định 73/2024/NĐ-CP"),
    ("2026-07-01", 2_530_000, "Nghị định 161/2026/NĐ-CP (as reported; verify against the "
                              "official gazette)"),
]
# The government's yearly swaps (ngày nghỉ hoán đổi) and make-up working days (làm bù): the
# statutory days themselves come from the `holidays` package.
CALENDAR_OVERRIDES = [
    ("2025-05-02", "day_off", "Nghỉ hoán đổi dịp 30/4–1/5 (làm bù thứ Bảy 26/4/2025)",
     "Thông báo hoán đổi ngày làm việc dịp 30/4–1/5/2025 (as reported; holidays 0.109)"),
    ("2025-04-26", "working_day", "Làm bù cho ngày 02/5/2025",
     "Thông báo hoán đổi ngày làm việc dịp 30/4–1/5/2025 (as reported; holidays 0.109)"),
    ("2026-08-31", "day_off", "Nghỉ hoán đổi dịp Quốc khánh (làm bù thứ Bảy 22/8/2026)",
     "Lịch nghỉ Quốc khánh 2026: 29/8–2/9 (as reported; holidays 0.109)"),
    ("2026-08-22", "working_day", "Làm bù cho ngày 31/8/2026",
     "Lịch nghỉ Quốc khánh 2026: 29/8–2/9 (as reported; holidays 0.109)"),
]


def seed(session) -> None:
    """Add the rows a database lacks; an administrator's rows for the same day are kept."""
    from sqlalchemy import select

    from emulation.awards.decisions.models import BaseSalary
    from emulation.core.calendar import Holiday

    known = set(session.scalars(select(BaseSalary.effective_from)))
    for day, amount, ref in BASE_SALARIES:
        if date.fromisoformat(day) not in known:
            session.add(BaseSalary(effective_from=date.fromisoformat(day), amount=amount,
                                   legal_reference=ref))
    known = set(session.scalars(select(Holiday.day)))
    for day, kind, name, source in CALENDAR_OVERRIDES:
        if date.fromisoformat(day) not in known:
            session.add(Holiday(day=date.fromisoformat(day), kind=kind, name=name,
                                source=source))
    session.flush()

# What was checked of the package's days (30/11/2026), shown with their source.
STATUTORY_NOTES = [
    ("2026-02-16", "2026-02-20", "verified: the government's Tết 2026 plan, 14–22/02/2026"),
    ("2027-02-04", "2027-02-10", "computed from the lunar calendar (Tết 06/02/2027); no "
                                 "government plan for Tết 2027 found yet: confirm"),
    ("2027-09-02", "2027-09-03", "2/9 and the adjacent day by the package's rule: confirm "
                                 "when the government announces 2027"),
]
CULTURE_DAY_NOTE = ("Ngày Văn hóa Việt Nam 24/11, paid day off from 2026 (Nghị quyết "
                    "80-NQ/TW, as reported; verify)")


def statutory_note(day: date) -> str:
    """What was verified or is only reported about a statutory day, or ''."""
    if day.month == 11 and day.day == 24 and day.year >= 2026:
        return CULTURE_DAY_NOTE
    text = day.isoformat()
    return next((note for start, end, note in STATUTORY_NOTES if start <= text <= end), "")
