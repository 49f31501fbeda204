"""The nominations list as a spreadsheet: what `/nominations/` shows (the same user's scope and
filters), each dossier with its eligibility verdict in words, checked as the list checks it.

Nominations are read STREAM_ROWS at a time and each batch is checked with
`eligibility.check_batch` (a fixed number of queries per batch), so memory stays flat."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from emulation.awards.catalogue.models import AwardType
from emulation.awards.eligibility.batch import Checked
from emulation.awards.eligibility.enums import ELIGIBILITY_LABELS
from emulation.awards.eligibility.services import check_batch
from emulation.awards.nominations.enums import NominationState
from emulation.awards.nominations.models import NOMINATION_STATES, Nomination
from emulation.awards.nominations.services import nominations_query
from emulation.awards.records.enums import CommendationKind
from emulation.campaigns.models import Campaign
from emulation.core.web import current_locale, local_today
from emulation.core.xlsx import STREAM_ROWS, Workbook
from emulation.extensions import db
from emulation.org.models import Person, Unit

HEADERS = [_l("Dossier no."), _l("Nominee"), _l("Code"), _l("Individual or collective"),
           _l("Unit"), _l("Proposing unit"), _l("Handled at"), _l("Award code"), _l("Award"),
           _l("Kind of commendation"), _l("Year"), _l("Campaign"), _l("Status"), _l("Eligibility"),
           _l("Conditions not met or not known"), _l("Flagged"), _l("Explanation"),
           _l("Last changed")]
WIDTHS = [10, 30, 14, 12, 36, 36, 36, 12, 36, 18, 8, 30, 22, 24, 60, 8, 40, 16]


@dataclass(frozen=True)
class NominationList:
    """What is exported: the nominations `user` may read, with the list page's filters."""

    user: object
    state: str | None = None
    year: int | None = None


def subject(user, params: dict) -> NominationList | None:
    """The list for `user` (any signed-in user: the query keeps to their scope), with
    `params` {"state", "year"} read as the page reads them (an unknown state: all)."""
    if not getattr(user, "is_authenticated", False):
        return None
    state = params.get("state") if params.get("state") in NOMINATION_STATES else None
    year = params.get("year")
    return NominationList(user, state, year if isinstance(year, int) else None)


def count(nominations: NominationList) -> int:
    """Rows the export will write."""
    stmt = nominations_query(nominations.user, nominations.state, nominations.year)
    return db.session.scalar(select(func.count()).select_from(
        stmt.order_by(None).subquery())) or 0


def workbook(nominations: NominationList, on_progress=None) -> Workbook:
    """One row per nomination, newest year first (the list's order): dossier number, nominee
    (name, code, individual or collective, unit), proposing unit, the level handling it, award,
    year, campaign, state (the outcome once voted: passed, published, granted…), the eligibility
    verdict and the conditions not met, in words."""
    locale = current_locale()
    states = NominationState.labels()
    wb = Workbook(on_progress)
    sheet = wb.sheet(_("Nominations"))
    sheet.header(HEADERS, WIDTHS)
    person_unit, subject_unit, parent = aliased(Unit), aliased(Unit), aliased(Unit)
    proposing, level = aliased(Unit), aliased(Unit)
    stmt = (nominations_query(nominations.user, nominations.state, nominations.year)
            .with_only_columns(
                Nomination.id, Nomination.person_id, Nomination.unit_id, Nomination.year,
                Nomination.campaign_id, Nomination.award_type_id, Nomination.kind,
                Nomination.state,
                Nomination.flagged, Nomination.explanation, Nomination.updated_at,
                Person.full_name, Person.code, person_unit.name, subject_unit.name,
                subject_unit.code, parent.name, proposing.name, level.name, AwardType.code,
                AwardType.name, maintain_column_froms=False)
            .select_from(Nomination)
            .join(AwardType, AwardType.id == Nomination.award_type_id)
            .join(proposing, proposing.id == Nomination.proposing_unit_id)
            .join(level, level.id == Nomination.level_unit_id)
            .outerjoin(Person, Person.id == Nomination.person_id)
            .outerjoin(person_unit, person_unit.id == Person.unit_id)
            .outerjoin(subject_unit, subject_unit.id == Nomination.unit_id)
            .outerjoin(parent, parent.id == subject_unit.parent_id)
            .execution_options(yield_per=STREAM_ROWS))
    individual, collective, yes = _("Individual"), _("Collective"), _("Yes")
    kinds = CommendationKind.labels()
    from emulation.awards.decisions.services import outcomes

    today = local_today()
    for batch in db.session.execute(stmt).partitions():
        checked = [Checked(*row[:8]) for row in batch]
        verdicts = check_batch(checked)
        # the outcome after the vote and the decision, as the list and the dossier show it
        results = outcomes(checked, today)
        campaigns = _campaign_names({row[4] for row in batch if row[4]})
        for (n_id, person_id, _unit_id, year, campaign_id, _award_id, kind, state, flagged,
             explanation, updated_at, person_name, person_code, person_unit_name, unit_name,
             unit_code, parent_name, proposing_name, level_name, award_code,
             award_name) in batch:
            verdict = verdicts[n_id]
            open_rules = [r.message(locale) for r in verdict.rules if r.passed is not True]
            sheet.append([
                n_id, person_name if person_id else unit_name,
                person_code if person_id else unit_code,
                individual if person_id else collective,
                person_unit_name if person_id else (parent_name or unit_name),
                proposing_name, level_name, award_code, award_name,
                str(kinds.get(kind, kind)), year,
                campaigns.get(campaign_id, ""),
                results[n_id].text if n_id in results else str(states[state]),
                str(ELIGIBILITY_LABELS[verdict.eligible]), "; ".join(open_rules),
                yes if flagged else "", explanation, updated_at])
    return wb


def _campaign_names(ids: set[int]) -> dict[int, str]:
    """Campaign id → its directive number (or title when it has none)."""
    if not ids:
        return {}
    return {cid: number or title for cid, number, title in db.session.execute(
        select(Campaign.id, Campaign.number, Campaign.title).where(Campaign.id.in_(ids)))}
