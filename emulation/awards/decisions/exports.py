"""Spreadsheets that go with a council meeting and a decision. They are official papers in
Vietnamese whatever the reader's language (`force_locale("vi")`)."""
from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _

from emulation.awards.councils.models import CouncilMeeting
from emulation.awards.decisions.models import Decision
from emulation.awards.decisions.services import agenda_rows, decision_rows
from emulation.core.xlsx import Workbook


def agenda_list(meeting: CouncilMeeting) -> Workbook:
    """Danh sách trích ngang: one row per dossier on the agenda (name, unit, position,
    award, summary, eligibility in words, explanation)."""
    with force_locale("vi"):
        wb = Workbook()
        sheet = wb.sheet("Trich ngang")
        sheet.header([_("No."), _("Name or collective"), _("Unit"), _("Position"),
                      _("Award"), _("Summary of achievements"), _("Eligibility check"),
                      _("Explanation")], [6, 30, 36, 24, 32, 60, 24, 40], autofilter=True)
        for number, row in enumerate(agenda_rows(meeting), start=1):
            sheet.append([number, row["subject"], row["unit"], row["position"], row["award"],
                          row["summary"], row["eligibility"], row["explanation"]])
    return wb


def annex(decision: Decision) -> Workbook:
    """Phụ lục of a decision: its awards with their kind of commendation, cash (VND) and
    the total."""
    with force_locale("vi"):
        wb = Workbook()
        sheet = wb.sheet("Danh sach")
        sheet.header([_("No."), _("Name or collective"), _("Code"), _("Unit"), _("Award"),
                      _("Kind of commendation"), _("Year"), _("Cash award (VND)")],
                     [6, 32, 14, 40, 40, 18, 8, 18], autofilter=True)
        for number, row in enumerate(decision_rows(decision), start=1):
            sheet.append([number, row["subject"], row["code"], row["unit"], row["award"],
                          row["kind"], row["year"], row["cash"]])
        sheet.append(["", _("Total"), "", "", "", "", "", decision.total_cash])
    return wb
