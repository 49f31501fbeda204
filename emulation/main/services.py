"""What the home page and the health check read: the task list of each role (việc cần làm)
and its count on the navigation bar.

Each kind of task is one statement, written once (`_KINDS`): the home page reads its rows
(a bounded number of queries whatever the number of tasks: one per kind, one more for
scoring windows), the navigation bar counts all kinds in a single query.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, exists, func, not_, or_, select, text, true
from sqlalchemy.orm import aliased, joinedload

from emulation.awards.catalogue.models import AwardType
from emulation.awards.councils.models import (
    AgendaItem,
    BallotParticipation,
    Council,
    CouncilMeeting,
    CouncilMember,
    MeetingAttendance,
)
from emulation.awards.decisions.models import Objection
from emulation.awards.decisions.services import in_force_decision_exists, passed_at_levels
from emulation.awards.nominations.models import Nomination
from emulation.campaigns.models import Campaign, CampaignParticipant, ReportPeriod, ReportPeriodUnit
from emulation.core import permissions as perms
from emulation.extensions import db
from emulation.org.models import Person, Unit
from emulation.pledges.models import Pledge, Report
from emulation.scoring.models import ScoreSheet, ScoringSettings
from emulation.scoring.queries import sheets_of_scorer
from emulation.scoring.services import BELONGING

ROWS_SHOWN = 20  # tasks listed per kind; the count says how many there are in all

# The roles whose tasks the home page lists, in the order it lists them.
ROLES = ("organiser", "unit_officer", "scorer", "council_member", "council_secretary")


def database_reachable() -> str | None:
    """None when the database answers, else the error's text (the session is rolled back)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as err:  # noqa: BLE001 - any failure of the database is "error" here
        db.session.rollback()
        return str(err)
    return None


@dataclass
class TaskGroup:
    """One kind of task: `kind` names it (the template words it), `rows` are the first
    ROWS_SHOWN tasks (named tuples, see each statement's columns), `count` all of them."""

    kind: str
    rows: list = field(default_factory=list)
    count: int = 0


@dataclass
class RoleTasks:
    role: str
    groups: list[TaskGroup]

    @property
    def empty(self) -> bool:
        return not any(g.count for g in self.groups)


def home_roles(user) -> list[str]:
    """The roles whose tasks the user's home lists: those the user holds (an administrator
    sees the organiser's tasks of the whole tree)."""
    held = {g.role for g in user.grants}
    if user.is_admin:
        held.add("organiser")
    return [r for r in ROLES if r in held]


def tasks_for(user, today: date) -> list[RoleTasks]:
    """The task list of each role the user holds, each kind with its first rows and count."""
    out, shown = [], set()
    for role in home_roles(user):
        groups = []
        for kind in _ROLE_KINDS[role]:
            if kind in shown:  # an officer who also scores sees the sheets once
                continue
            shown.add(kind)
            stmt = _KINDS[kind](user, today)
            count = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            rows = db.session.execute(stmt.limit(ROWS_SHOWN)).all() if count else []
            groups.append(TaskGroup(kind, rows, count))
        out.append(RoleTasks(role, groups))
    windows = _scoring_windows(out)
    for role in out:
        for group in role.groups:
            if group.kind == "sheets":
                group.rows = [(row, windows.get((row.campaign_id, row.kind),
                                                (row.opens, row.closes)))
                              for row in group.rows]
    return out


def task_count(user, today: date) -> int:
    """How many tasks wait for the user in all (the navigation's "Việc cần làm"), in one
    query: the sum of every kind's count."""
    kinds = {k for role in home_roles(user) for k in _ROLE_KINDS[role]}
    if not kinds:
        return 0
    counts = [select(func.count()).select_from(_KINDS[k](user, today).subquery())
              .scalar_subquery() for k in sorted(kinds)]
    return sum(db.session.execute(select(*counts)).one())


# --- the statements, one per kind of task ----------------------------------------------------

def _organised(user, column):
    return column.in_(perms.covered_unit_ids(user, ("organiser",)))


def _served(user, column):
    return column.in_(perms.covered_unit_ids(user, ("unit_officer",)))


def _pledges_to_review(user, today):
    """Organiser: submitted pledges of the published campaigns the user issues, by campaign."""
    return (select(Campaign.id.label("campaign_id"), Campaign.title,
                   Campaign.registration_deadline.label("deadline"),
                   func.count(Pledge.id).label("n"))
            .join(Pledge, Pledge.campaign_id == Campaign.id)
            .where(Campaign.state == "published", Pledge.state == "submitted",
                   _organised(user, Campaign.issuing_unit_id))
            .group_by(Campaign.id, Campaign.title, Campaign.registration_deadline)
            .order_by(Campaign.registration_deadline, Campaign.id))


def _reports_to_follow(user, today):
    """Organiser: the report periods of the published campaigns the user issues that are
    not all in (the units asked minus those whose report is submitted), with their deadline."""
    asked = select(func.count(ReportPeriodUnit.id)).where(
        ReportPeriodUnit.period_id == ReportPeriod.id).scalar_subquery()
    participants = select(func.count(CampaignParticipant.id)).where(
        CampaignParticipant.campaign_id == Campaign.id).scalar_subquery()
    expected = func.coalesce(func.nullif(asked, 0), participants)
    submitted = select(func.count(Report.id)).where(
        Report.period_id == ReportPeriod.id, Report.state == "submitted").scalar_subquery()
    return (select(ReportPeriod.id.label("period_id"), ReportPeriod.label,
                   ReportPeriod.deadline, Campaign.id.label("campaign_id"), Campaign.title,
                   submitted.label("submitted"), expected.label("expected"))
            .join(Campaign, Campaign.id == ReportPeriod.campaign_id)
            .where(Campaign.state == "published", _organised(user, Campaign.issuing_unit_id),
                   submitted < expected)
            .order_by(ReportPeriod.deadline, ReportPeriod.id))


def _units_behind(user, today):
    """Organiser of a branch (a mid-level union): the units of their branch late in the
    published campaigns issued above it (the parent campaign they answer) — the pledge not
    submitted after the registration deadline, or reports of periods past their deadline
    not submitted. One row per campaign and unit, with `pledge_late` (bool) and
    `reports_late` (how many periods); the campaigns the user issues are left out (their
    reports are followed by "reports_to_follow")."""
    pledged = exists().where(Pledge.campaign_id == Campaign.id, Pledge.unit_id == Unit.id,
                             Pledge.state.in_(("submitted", "approved")))
    pledge_late = and_(Campaign.registration_deadline < today, not_(pledged))
    asked_of_some = exists().where(ReportPeriodUnit.period_id == ReportPeriod.id)
    asked_of_unit = exists().where(ReportPeriodUnit.period_id == ReportPeriod.id,
                                   ReportPeriodUnit.unit_id == Unit.id)
    submitted = exists().where(Report.period_id == ReportPeriod.id, Report.unit_id == Unit.id,
                               Report.state == "submitted")
    reports_late = (select(func.count(ReportPeriod.id))
                    .where(ReportPeriod.campaign_id == Campaign.id,
                           ReportPeriod.deadline < today,
                           or_(not_(asked_of_some), asked_of_unit), not_(submitted))
                    .scalar_subquery())
    return (select(Campaign.id.label("campaign_id"), Campaign.title,
                   Unit.id.label("unit_id"), Unit.name.label("unit"),
                   pledge_late.label("pledge_late"), reports_late.label("reports_late"))
            .join(CampaignParticipant, CampaignParticipant.campaign_id == Campaign.id)
            .join(Unit, Unit.id == CampaignParticipant.unit_id)
            .where(Campaign.state == "published", _organised(user, Unit.id),
                   not_(_organised(user, Campaign.issuing_unit_id)),
                   or_(pledge_late, reports_late > 0))
            .order_by(Campaign.id, Unit.path))


def _dossier_select(start=select):
    """The dossier columns a task shows (number, state, year, award, subject, proposing
    unit); `start` makes the select (a statement builder that takes the columns)."""
    subject, proposing = aliased(Unit), aliased(Unit)
    return (start(Nomination.id, Nomination.state, Nomination.year,
                  AwardType.name.label("award"),
                  func.coalesce(Person.full_name, subject.name).label("subject"),
                  proposing.name.label("proposing"))
            .join(AwardType, AwardType.id == Nomination.award_type_id)
            .outerjoin(Person, Person.id == Nomination.person_id)
            .outerjoin(subject, subject.id == Nomination.unit_id)
            .join(proposing, proposing.id == Nomination.proposing_unit_id))


def _dossiers_to_receive(user, today):
    """Organiser: dossiers submitted or forwarded to a level the user organises."""
    return (_dossier_select()
            .where(Nomination.state.in_(("submitted", "forwarded")),
                   _organised(user, Nomination.level_unit_id))
            .order_by(Nomination.id))


def _objections_to_resolve(user, today):
    """Organiser: open objections to dossiers at a level the user organises."""
    return (_dossier_select().add_columns(Objection.created_at.label("made_at"))
            .join(Objection, Objection.nomination_id == Nomination.id)
            .where(Objection.state == "open", _organised(user, Nomination.level_unit_id))
            .order_by(Objection.id))


def _decisions_to_issue(user, today):
    """Organiser: nominations passed by a council at a level the user organises and in no
    decision in force (the decision page says which may be granted today)."""
    return (_dossier_select(lambda *columns: passed_at_levels(user, *columns))
            .where(not_(in_force_decision_exists()))
            .distinct().order_by(Nomination.id))


def _pledge_rows(user, states):
    state = func.coalesce(Pledge.state, "none")
    return (select(Campaign.id.label("campaign_id"), Campaign.title,
                   Campaign.registration_deadline.label("deadline"),
                   Unit.id.label("unit_id"), Unit.name.label("unit"), state.label("state"))
            .join(CampaignParticipant, CampaignParticipant.campaign_id == Campaign.id)
            .join(Unit, Unit.id == CampaignParticipant.unit_id)
            .outerjoin(Pledge, and_(Pledge.campaign_id == Campaign.id,
                                    Pledge.unit_id == Unit.id))
            .where(Campaign.state == "published", _served(user, Unit.id), state.in_(states))
            .order_by(Campaign.registration_deadline, Campaign.id, Unit.path))


def _pledges_due(user, today):
    """Unit officer: pledges of the units the user serves not yet submitted."""
    return _pledge_rows(user, ("none", "draft"))


def _pledges_returned(user, today):
    """Unit officer: pledges the organiser returned for revision."""
    return _pledge_rows(user, ("returned",))


def _reports_due(user, today):
    """Unit officer: the reports asked of the units the user serves in published campaigns
    and not submitted (a reopened report is due again); `pledge_approved` says whether the
    unit may report yet (results are reported once its pledge is approved)."""
    asked_of_some = exists().where(ReportPeriodUnit.period_id == ReportPeriod.id)
    asked_of_unit = exists().where(ReportPeriodUnit.period_id == ReportPeriod.id,
                                   ReportPeriodUnit.unit_id == Unit.id)
    submitted = exists().where(Report.period_id == ReportPeriod.id, Report.unit_id == Unit.id,
                               Report.state == "submitted")
    approved = exists().where(Pledge.campaign_id == Campaign.id, Pledge.unit_id == Unit.id,
                              Pledge.state == "approved")
    return (select(ReportPeriod.id.label("period_id"), ReportPeriod.label,
                   ReportPeriod.deadline, Campaign.id.label("campaign_id"), Campaign.title,
                   Unit.id.label("unit_id"), Unit.name.label("unit"),
                   approved.label("pledge_approved"))
            .join(Campaign, Campaign.id == ReportPeriod.campaign_id)
            .join(CampaignParticipant, CampaignParticipant.campaign_id == Campaign.id)
            .join(Unit, Unit.id == CampaignParticipant.unit_id)
            .where(Campaign.state == "published", _served(user, Unit.id),
                   or_(not_(asked_of_some), asked_of_unit), not_(submitted))
            .order_by(ReportPeriod.deadline, ReportPeriod.id, Unit.path))


def _dossiers_returned(user, today):
    """Unit officer: dossiers of the units the user serves returned for revision."""
    return (_dossier_select()
            .where(Nomination.state == "returned", _served(user, Nomination.proposing_unit_id))
            .order_by(Nomination.id))


def _sheets_open(user, today):
    """Scorer (and unit officer for its unit's peer and self sheets): sheets not yet
    submitted, leaving out those of units the user belongs to or sits above (conflict of
    interest), except self sheets."""
    own = [g.unit.path for g in user.grants if g.role in BELONGING and g.unit is not None]
    no_conflict = true() if user.is_admin else and_(
        true(), *[not_(Unit.path.startswith(p, autoescape=True)) for p in own])
    return (sheets_of_scorer(user, ScoreSheet.id, ScoreSheet.scorer_kind.label("kind"),
                             ScoreSheet.state, Campaign.id.label("campaign_id"),
                             Campaign.title, Unit.name.label("unit"),
                             Campaign.scoring_opens.label("opens"),
                             Campaign.scoring_closes.label("closes"))
            .join(Unit, Unit.id == ScoreSheet.unit_id)
            .where(ScoreSheet.state != "submitted",
                   or_(ScoreSheet.scorer_kind == "self", no_conflict))
            .order_by(Campaign.id, ScoreSheet.scorer_kind, ScoreSheet.id))


def _ballots_open(user, today):
    """Council member: meetings of the user's councils whose ballot is open, where the user
    is present and has items left to vote on."""
    left = (select(func.count(AgendaItem.id))
            .where(AgendaItem.meeting_id == CouncilMeeting.id,
                   not_(exists().where(BallotParticipation.item_id == AgendaItem.id,
                                       BallotParticipation.member_id == CouncilMember.id)))
            .scalar_subquery())
    return (select(CouncilMeeting.id, CouncilMeeting.title, CouncilMeeting.held_on,
                   Council.name.label("council"), left.label("left"))
            .join(Council, Council.id == CouncilMeeting.council_id)
            .join(CouncilMember, CouncilMember.council_id == Council.id)
            .join(MeetingAttendance, and_(MeetingAttendance.meeting_id == CouncilMeeting.id,
                                          MeetingAttendance.member_id == CouncilMember.id))
            .where(CouncilMember.user_id == user.id, CouncilMeeting.state == "voting",
                   left > 0)
            .order_by(CouncilMeeting.held_on, CouncilMeeting.id))


def _meetings_to_prepare(user, today):
    """Council secretary: scheduled meetings of the councils the user is secretary of."""
    items = select(func.count(AgendaItem.id)).where(
        AgendaItem.meeting_id == CouncilMeeting.id).scalar_subquery()
    return (select(CouncilMeeting.id, CouncilMeeting.title, CouncilMeeting.held_on,
                   Council.name.label("council"), items.label("items"))
            .join(Council, Council.id == CouncilMeeting.council_id)
            .where(CouncilMeeting.state == "scheduled",
                   exists().where(CouncilMember.council_id == Council.id,
                                  CouncilMember.user_id == user.id,
                                  CouncilMember.role == "secretary"))
            .order_by(CouncilMeeting.held_on, CouncilMeeting.id))


_KINDS = {
    "pledges_to_review": _pledges_to_review,
    "reports_to_follow": _reports_to_follow,
    "units_behind": _units_behind,
    "dossiers_to_receive": _dossiers_to_receive,
    "objections_to_resolve": _objections_to_resolve,
    "decisions_to_issue": _decisions_to_issue,
    "pledges_due": _pledges_due,
    "reports_due": _reports_due,
    "pledges_returned": _pledges_returned,
    "dossiers_returned": _dossiers_returned,
    "sheets": _sheets_open,
    "ballots": _ballots_open,
    "meetings": _meetings_to_prepare,
}
_ROLE_KINDS = {
    "organiser": ("pledges_to_review", "reports_to_follow", "units_behind", "dossiers_to_receive",
                  "objections_to_resolve", "decisions_to_issue"),
    "unit_officer": ("pledges_due", "reports_due", "pledges_returned", "dossiers_returned",
                     "sheets"),
    "scorer": ("sheets",),
    "council_member": ("ballots",),
    "council_secretary": ("meetings",),
}


def _scoring_windows(roles: list[RoleTasks]) -> dict[tuple[int, str], tuple]:
    """(campaign id, sheet kind) → (opens, closes) of the sheets listed, in one query."""
    rows = [row for role in roles for g in role.groups if g.kind == "sheets" for row in g.rows]
    if not rows:
        return {}
    settings = db.session.scalars(select(ScoringSettings).options(
        joinedload(ScoringSettings.campaign)).where(
        ScoringSettings.campaign_id.in_({r.campaign_id for r in rows}))).all()
    return {(s.campaign_id, kind): s.window(kind) for s in settings
            for kind in ("self", "peer", "council")}
