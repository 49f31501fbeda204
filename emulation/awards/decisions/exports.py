"""Spreadsheets that go with a council meeting and a decision — official papers in Vietnamese
whatever the reader's language (`force_locale("vi")`) — and the decisions list (in the
reader's language, like the page)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from emulation.awards.catalogue.models import AwardType
from emulation.awards.councils.models import CouncilMeeting
from emulation.awards.decisions.enums import DecisionState
from emulation.awards.decisions.models import Decision, DecisionItem
from emulation.awards.decisions.services import (
    agenda_rows,
    decision_rows,
    decisions_query,
    get_decision_for,
)
from emulation.awards.nominations.models import Nomination
from emulation.core.errors import NotFound
from emulation.core.xlsx import STREAM_ROWS, Workbook
from emulation.extensions import db
from emulation.org.models import Person, Unit


def agenda_list(meeting: CouncilMeeting) -> Workbook:
    """Danh sách trích ngang: one row per dossier on the agenda (name, unit, position,
    award, summary, eligibility in words, explanation)."""
    with force_locale("vi"):
        wb = Workbook()
        sheet = wb.sheet(_("Short list"))
        sheet.header([_("No."), _("Name or collective"), _("Unit"), _("Position"),
                      _("Award"), _("Summary of achievements"), _("Eligibility check"),
                      _("Explanation")], [6, 30, 36, 24, 32, 60, 24, 40])
        for number, row in enumerate(agenda_rows(meeting), start=1):
            sheet.append([number, row["subject"], row["unit"], row["position"], row["award"],
                          row["summary"], row["eligibility"], row["explanation"]])
    return wb


def annex(decision: Decision) -> Workbook:
    """Phụ lục of a decision: its awards with their kind of commendation, cash (VND) and
    the total."""
    with force_locale("vi"):
        wb = Workbook()
        sheet = wb.sheet(_("Awards"))
        sheet.header([_("No."), _("Name or collective"), _("Code"), _("Unit"), _("Award"),
                      _("Kind of commendation"), _("Year"), _("Cash award (VND)")],
                     [6, 32, 14, 40, 40, 18, 8, 18], money=[7])
        for number, row in enumerate(decision_rows(decision), start=1):
            sheet.append([number, row["subject"], row["code"], row["unit"], row["award"],
                          row["kind"], row["year"], row["cash"]])
        sheet.footer(["", _("Total"), "", "", "", "", "", decision.total_cash])
    return wb


# --- the decisions list ----------------------------------------------------------------------

DECISION_HEADERS = [_l("Decision number"), _l("Signed on"), _l("Signer"), _l("Issued by"),
                    _l("Status"), _l("Base salary (VND)"), _l("Awards"),
                    _l("Total cash (VND)"), _l("Reason for revoking")]
ITEM_HEADERS = [_l("Decision number"), _l("Signed on"), _l("Decision status"), _l("No."),
                _l("Dossier no."), _l("Name or collective"), _l("Code"),
                _l("Individual or collective"), _l("Unit"), _l("Award code"), _l("Award"),
                _l("Year"), _l("Cash award (VND)")]


@dataclass(frozen=True)
class DecisionList:
    """What is exported: the decisions `user` may read (`services.decisions_query`), of a year
    and state when given, or the one decision `decision_id`."""

    user: object
    year: int | None = None
    state: str | None = None
    decision_id: int | None = None


def subject(user, params: dict) -> DecisionList | None:
    """The list for `user` from `params` {"year", "state", "decision"}; None when the user is
    not signed in or may not read the decision asked for (answered as 404)."""
    if not getattr(user, "is_authenticated", False):
        return None
    decision_id = params.get("decision")
    if decision_id is not None:
        if not isinstance(decision_id, int):
            return None
        try:
            get_decision_for(user, decision_id)
        except NotFound:
            return None
    year, state = params.get("year"), params.get("state")
    return DecisionList(user, year if isinstance(year, int) else None,
                        state if state in DecisionState.values() else None, decision_id)


def _decisions(decisions: DecisionList):
    stmt = decisions_query(decisions.user, decisions.year, decisions.state)
    if decisions.decision_id is not None:
        stmt = stmt.where(Decision.id == decisions.decision_id)
    return stmt


def count(decisions: DecisionList) -> int:
    """Rows the export will write: its decisions and their items."""
    ids = _decisions(decisions).with_only_columns(Decision.id).order_by(None)
    return (db.session.scalar(select(func.count()).select_from(ids.subquery())) or 0) + \
        (db.session.scalar(select(func.count(DecisionItem.id)).where(
            DecisionItem.decision_id.in_(ids))) or 0)


def workbook(decisions: DecisionList, on_progress=None) -> Workbook:
    """Two sheets: the decisions (number, date, signer, issuer, state, base salary, number of
    awards, total cash in VND) and their awards (subject, award, year, cash in VND), each
    with the total of the issued decisions below its rows (revoked ones keep their figures
    but are not counted; drafts have no cash yet)."""
    states = DecisionState.labels()
    wb = Workbook(on_progress)
    sheet = wb.sheet(_("Decisions"))
    sheet.header(DECISION_HEADERS, [18, 12, 30, 40, 12, 16, 8, 18, 40], money=[5, 7])
    items_per = (select(DecisionItem.decision_id, func.count(DecisionItem.id).label("n"))
                 .group_by(DecisionItem.decision_id).subquery())
    stmt = (_decisions(decisions).with_only_columns(
        Decision.number, Decision.signed_on, Decision.signer, Unit.name, Decision.state,
        Decision.base_salary, func.coalesce(items_per.c.n, 0), Decision.total_cash,
        Decision.revoke_reason, maintain_column_froms=False)
        .select_from(Decision).join(Unit, Unit.id == Decision.issuing_unit_id)
        .outerjoin(items_per, items_per.c.decision_id == Decision.id)
        .execution_options(yield_per=STREAM_ROWS))
    total = 0
    for number, signed_on, signer, issuer, state, salary, awards, cash, reason in \
            db.session.execute(stmt):
        sheet.append([number, signed_on, signer, issuer, str(states[state]), salary, awards,
                      cash if state != "draft" else None, reason])
        total += (cash or 0) if state == "issued" else 0
    sheet.footer([_("Total (issued decisions)"), "", "", "", "", "", "", total, ""])
    _items(wb, decisions, states)
    return wb


def _items(wb: Workbook, decisions: DecisionList, states: dict) -> None:
    sheet = wb.sheet(_("Awards granted"))
    sheet.header(ITEM_HEADERS, [18, 12, 12, 6, 10, 32, 14, 12, 40, 12, 36, 8, 18], money=[12])
    person_unit, subject_unit, parent = aliased(Unit), aliased(Unit), aliased(Unit)
    ids = _decisions(decisions).with_only_columns(Decision.id).order_by(None)
    stmt = (select(Decision.id, Decision.number, Decision.signed_on, Decision.state,
                   Nomination.id, Person.full_name, Person.code, person_unit.name,
                   subject_unit.name, subject_unit.code, parent.name, AwardType.code,
                   AwardType.name, Nomination.year, DecisionItem.cash_amount)
            .select_from(DecisionItem)
            .join(Decision, Decision.id == DecisionItem.decision_id)
            .join(Nomination, Nomination.id == DecisionItem.nomination_id)
            .join(AwardType, AwardType.id == Nomination.award_type_id)
            .outerjoin(Person, Person.id == Nomination.person_id)
            .outerjoin(person_unit, person_unit.id == Person.unit_id)
            .outerjoin(subject_unit, subject_unit.id == Nomination.unit_id)
            .outerjoin(parent, parent.id == subject_unit.parent_id)
            .where(Decision.id.in_(ids))
            .order_by(Decision.signed_on.desc(), Decision.id.desc(), DecisionItem.id)
            .execution_options(yield_per=STREAM_ROWS))
    individual, collective = _("Individual"), _("Collective")
    total, current, position = 0, None, 0
    for (decision_id, number, signed_on, state, nomination_id, person_name, person_code,
         person_unit_name, unit_name, unit_code, parent_name, award_code, award_name, year,
         cash) in db.session.execute(stmt):
        position = position + 1 if decision_id == current else 1
        current = decision_id
        sheet.append([number, signed_on, str(states[state]), position, nomination_id,
                      person_name or unit_name, person_code or unit_code,
                      individual if person_name is not None else collective,
                      person_unit_name if person_name is not None else (parent_name or unit_name),
                      award_code, award_name, year, cash])
        total += (cash or 0) if state == "issued" else 0
    sheet.footer([_("Total (issued decisions)")] + [""] * 11 + [total])
