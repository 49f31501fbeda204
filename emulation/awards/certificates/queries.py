"""Reads of the certificates pages."""
from __future__ import annotations

from sqlalchemy import func, or_, select

from emulation.awards.certificates.services import PRINT_OWN
from emulation.awards.decisions.models import Decision, DecisionItem
from emulation.awards.nominations.models import Nomination
from emulation.awards.records.models import AwardRecord
from emulation.core import permissions as perms
from emulation.extensions import db
from emulation.org.models import Person

LIST_LIMIT = 200


def decisions_with_certificates(user, limit: int = LIST_LIMIT) -> list[tuple[Decision, int]]:
    """(decision, certificates the user may print) for issued decisions, newest first: the
    awards (not revoked) of the units the user holds as organiser or unit officer, and every
    award of a decision issued by a unit they organise. One query."""
    subject_unit = func.coalesce(Person.unit_id, Nomination.unit_id)
    stmt = (select(Decision, func.count(DecisionItem.id))
            .join(DecisionItem, DecisionItem.decision_id == Decision.id)
            .join(Nomination, Nomination.id == DecisionItem.nomination_id)
            .join(AwardRecord, AwardRecord.id == DecisionItem.award_record_id)
            .outerjoin(Person, Person.id == Nomination.person_id)
            .where(Decision.state == "issued", AwardRecord.revoked.is_(False))
            .group_by(Decision.id)
            .order_by(Decision.signed_on.desc(), Decision.id.desc()).limit(limit))
    if not user.is_admin:
        stmt = stmt.where(or_(
            subject_unit.in_(perms.covered_unit_ids(user, PRINT_OWN)),
            Decision.issuing_unit_id.in_(perms.covered_unit_ids(user, ("organiser",)))))
    return [(decision, n) for decision, n in db.session.execute(stmt)]
