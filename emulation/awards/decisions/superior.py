"""Trình cấp trên: awards this organisation cannot decide (DESIGN.md §4, "Who decides").

A nomination for an award above the levels its unit decides (`services.may_decide`: Bằng khen
Thủ tướng, CSTĐ toàn quốc, …) goes, once its council passed it (and, but for a one-off
commendation, once published without open objection), to the body that decides it:
`submit_to_superior` records the memo's number and date (on_agenda → submitted_up). When that
body answers, `record_superior_decision` records its decision — number, date, body, and the
cash it paid if entered (never computed here) — and makes the award record (source
`superior`, the nomination's kind of commendation), which then counts in the history and as a
prerequisite like any other (submitted_up → granted_up); `record_superior_refusal` records a
refusal with its reason (submitted_up → declined_up).

Each is done by an organiser of the unit that handles the dossier (its level unit), checks the
nomination's version, and writes a step of the dossier's history and an audit event.
"""
from __future__ import annotations

from datetime import date

from flask_babel import format_decimal
from flask_babel import gettext as _

from emulation.awards.catalogue.enums import DecidingLevel
from emulation.awards.decisions.models import UpwardProposal
from emulation.awards.decisions.services import already_held, grantable, may_decide
from emulation.awards.nominations.models import Nomination
from emulation.awards.nominations.services import can_handle, move
from emulation.awards.records.models import AwardRecord
from emulation.core import audit
from emulation.core.errors import (
    Conflict,
    InvalidState,
    PermissionDenied,
    ServiceError,
    check_version,
)
from emulation.core.formatting import fmt_date
from emulation.core.integrity import conflict_on_duplicate
from emulation.core.text import clean, clean_block
from emulation.extensions import db

# The largest cash a superior's decision may be entered with (VND; the column is a 32-bit
# integer): more is a typing slip, not a grant.
MAX_CASH = 2_000_000_000


def needs_superior(n: Nomination) -> bool:
    """Whether the nomination's award is above what its level unit decides."""
    return not may_decide(n.level_unit, n.award_type)


def submit_to_superior(actor, n: Nomination, version, *, submitted_on: date | None,
                       document_number: str, today: date) -> UpwardProposal:
    """Record that the dossier was sent to the level that decides its award: the memo's
    (tờ trình) number and date, not after `today`.

    PermissionDenied: not an organiser of the dossier's level unit. StaleRecord: `version`
    is not the nomination's. InvalidState: the level decides the award itself (it issues a
    decision instead), the dossier was already sent, or it is not ready (`grantable`: passed
    by the council, published, objections resolved). ServiceError: no number, no date or a
    date in the future."""
    _require_handler(actor, n)
    check_version(n, version)
    if not needs_superior(n):
        raise InvalidState(_("%(unit)s decides %(award)s itself: grant it by a decision.",
                             unit=n.level_unit.name, award=n.award_type.name))
    if n.state != "on_agenda" or n.upward is not None:
        raise InvalidState(_("Only a dossier the council has passed, not yet sent, can be "
                             "submitted to the superior."))
    why = grantable(n, today)
    if why:
        raise InvalidState(_("This dossier cannot be submitted to the superior yet: %(why)s.",
                             why=why))
    document_number = clean(document_number)[:60]
    if not document_number or submitted_on is None:
        raise ServiceError(_("Give the number and the date of the submission memo."))
    if submitted_on > today:
        raise ServiceError(_("The date of the submission memo cannot be in the future."))
    proposal = UpwardProposal(nomination=n, submitted_on=submitted_on,
                              document_number=document_number,
                              submitted_by=getattr(actor, "username", ""))
    db.session.add(proposal)
    move(actor, n, "submitted_up", f"{document_number} ({submitted_on:%d/%m/%Y})",
         details={"document_number": document_number, "submitted_on": submitted_on,
                  "decided_by": n.award_type.decided_by})
    return proposal


def record_superior_decision(actor, n: Nomination, version, *, decision_number: str,
                             decided_on: date | None, deciding_body: str,
                             cash_amount: int | None = None, today: date) -> AwardRecord:
    """Record the superior's decision granting the award: its number, date (not before the
    memo, not after `today`), the body that issued it (e.g. "Thủ tướng Chính phủ") and, if
    entered, the cash it paid (VND). Creates the award record — year and subject of the
    nomination, kind of commendation of the nomination, source `superior`.

    PermissionDenied, StaleRecord as in `submit_to_superior`. InvalidState: the dossier is
    not awaiting the superior. ServiceError: a missing field, dates out of order, a cash
    amount below 0 or absurd. Conflict: the subject already holds this award of this kind
    for the year (nothing is written)."""
    proposal = _pending(actor, n, version)
    decision_number, deciding_body = clean(decision_number)[:60], clean(deciding_body)[:255]
    if not decision_number or not deciding_body or decided_on is None:
        raise ServiceError(_("Give the number, the date and the issuing body of the "
                             "superior's decision."))
    _check_answer_date(proposal, decided_on, today)
    if cash_amount is not None and not 0 <= cash_amount <= MAX_CASH:
        raise ServiceError(_("The cash paid must be between 0 and %(max)s VND.",
                             max=format_decimal(MAX_CASH)))
    held = _("Already granted this award for the year: %(names)s.", names=n.subject_name)
    if already_held(n):
        raise Conflict(held)
    record = AwardRecord(award_code=n.award_type.code, person_id=n.person_id,
                         unit_id=n.unit_id, year=n.year, decision_number=decision_number,
                         issuer=deciding_body, cash_amount=cash_amount, source="superior",
                         kind=n.kind)
    db.session.add(record)
    # a grant recorded at the same instant elsewhere hits the one-award index: a clean 409
    with conflict_on_duplicate(held):
        db.session.flush()
    proposal.outcome, proposal.decision_number = "granted", decision_number
    proposal.decided_on, proposal.deciding_body = decided_on, deciding_body
    proposal.cash_amount, proposal.award_record_id = cash_amount, record.id
    proposal.recorded_by = audit.actor_display(actor)
    move(actor, n, "granted_up", f"{decision_number} ({decided_on:%d/%m/%Y}), {deciding_body}",
         details={"decision_number": decision_number, "decided_on": decided_on,
                  "deciding_body": deciding_body, "cash_amount": cash_amount,
                  "award_record": record.id, "kind": n.kind})
    return record


def record_superior_refusal(actor, n: Nomination, version, *, decided_on: date | None,
                            reason: str, today: date) -> None:
    """Record that the superior did not grant the award: the date of its answer and the
    reason given. Refusals as in `record_superior_decision`; no award record is made."""
    proposal = _pending(actor, n, version)
    reason = clean_block(reason, 5000)
    if not reason or decided_on is None:
        raise ServiceError(_("Give the date of the superior's answer and its reason."))
    _check_answer_date(proposal, decided_on, today)
    proposal.outcome, proposal.decided_on, proposal.reason = "declined", decided_on, reason
    proposal.recorded_by = audit.actor_display(actor)
    move(actor, n, "declined_up", reason, details={"decided_on": decided_on})


def deciding_level_label(n: Nomination) -> str:
    """The translated level that decides the nomination's award."""
    return str(DecidingLevel(n.award_type.decided_by).label)


def _pending(actor, n: Nomination, version) -> UpwardProposal:
    _require_handler(actor, n)
    check_version(n, version)
    if n.state != "submitted_up" or n.upward is None or n.upward.outcome != "pending":
        raise InvalidState(_("This dossier is not awaiting a decision of the superior."))
    return n.upward


def _check_answer_date(proposal: UpwardProposal, decided_on: date, today: date) -> None:
    if decided_on < proposal.submitted_on:
        raise ServiceError(_("The superior's answer cannot be dated before the submission "
                             "memo (%(date)s).",
                             date=fmt_date(proposal.submitted_on)))
    if decided_on > today:
        raise ServiceError(_("The superior's answer cannot be dated in the future."))


def _require_handler(actor, n: Nomination) -> None:
    if not can_handle(actor, n):
        raise PermissionDenied(_("Only an organiser of %(name)s may do this.",
                                 name=n.level_unit.name))
