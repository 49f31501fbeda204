"""Notifications as subscribers of the areas' signals (`emulation.core.signals`): who is
told, with which message and link, is decided here, not in the areas."""
from __future__ import annotations

from emulation.core import signals
from emulation.extensions import db
from emulation.notify.services import nearest_organisers, notify, officers_by_unit, officers_of


def connect() -> None:
    """Subscribe once (weakly referenced module-level functions stay alive). Every signal but
    `job_finished` carries `actor`, who is never told of their own action; the worker's
    `job_finished` tells the requester."""
    signals.campaign_published.connect(_campaign_published)
    signals.pledge_submitted.connect(_pledge_submitted)
    signals.report_submitted.connect(_report_submitted)
    signals.dossier_submitted.connect(_dossier_submitted)
    signals.meeting_scheduled.connect(_meeting_scheduled)
    signals.pledge_approved.connect(_pledge_approved)
    signals.pledge_returned.connect(_pledge_returned)
    signals.sheets_assigned.connect(_sheets_assigned)
    signals.dossier_returned.connect(_dossier_returned)
    signals.dossier_forwarded.connect(_dossier_forwarded)
    signals.ballot_opened.connect(_ballot_opened)
    signals.objection_made.connect(_objection_made)
    signals.decision_issued.connect(_decision_issued)
    signals.job_finished.connect(_job_finished)
    signals.units_reminded.connect(_units_reminded)
    signals.report_requested.connect(_report_requested)


def _pledge_link(pledge) -> str:
    return f"/campaigns/{pledge.campaign_id}/units/{pledge.unit_id}/pledge"


def _campaign_published(campaign, actor=None, **_kw) -> None:
    """The officers of the participating units hear of the launch once each, however many
    of its participants they serve (an officer of a unit above several participants)."""
    from sqlalchemy import select

    from emulation.campaigns.models import CampaignParticipant
    from emulation.org.models import Unit

    units = db.session.execute(select(Unit.id, Unit.path).join(
        CampaignParticipant, CampaignParticipant.unit_id == Unit.id).where(
        CampaignParticipant.campaign_id == campaign.id)).all()
    officers = officers_by_unit([(u.id, u.path) for u in units])
    notify([user for users in officers.values() for user in users], "campaign_launched",
           {"campaign": campaign.title}, "/pledges/", actor=actor)


def _pledge_submitted(pledge, actor=None, **_kw) -> None:
    notify(nearest_organisers(pledge.campaign.issuing_unit), "pledge_submitted",
           {"unit": pledge.unit.name, "campaign": pledge.campaign.title}, _pledge_link(pledge),
           actor=actor)


def _report_submitted(report, actor=None, **_kw) -> None:
    from emulation.campaigns.models import Campaign

    campaign = db.session.get(Campaign, report.campaign_id)
    notify(nearest_organisers(campaign.issuing_unit), "report_submitted",
           {"unit": report.unit.name, "campaign": campaign.title,
            "period": report.period.label},
           f"/campaigns/{campaign.id}/units/{report.unit_id}/reports/{report.period_id}",
           actor=actor)


def _dossier_submitted(n, actor=None, **_kw) -> None:
    notify(nearest_organisers(n.level_unit), "dossier_submitted",
           {**_dossier_params(n), "unit": n.proposing_unit.name}, f"/nominations/{n.id}",
           actor=actor)


def _meeting_scheduled(meeting, actor=None, **_kw) -> None:
    """The council's members (the secretary too, unless they scheduled it themselves)."""
    notify([m.user for m in meeting.council.members],
           "meeting_scheduled", {"meeting": meeting.title, "council": meeting.council.name,
                                 "date": meeting.held_on.isoformat()},
           f"/meetings/{meeting.id}", actor=actor)


def _pledge_approved(pledge, actor=None, **_kw) -> None:
    notify(officers_of(pledge.unit), "pledge_approved",
           {"unit": pledge.unit.name, "campaign": pledge.campaign.title, "reason": ""},
           _pledge_link(pledge), actor=actor)


def _pledge_returned(pledge, reason: str = "", actor=None, **_kw) -> None:
    notify(officers_of(pledge.unit), "pledge_returned",
           {"unit": pledge.unit.name, "campaign": pledge.campaign.title, "reason": reason},
           _pledge_link(pledge), actor=actor)


def _sheets_assigned(campaign, to_units=None, to_user=None, count: int = 0, actor=None,
                     **_kw) -> None:
    from emulation.org.models import Unit

    for unit_id, n in (to_units or {}).items():
        notify(officers_of(db.session.get(Unit, unit_id)), "sheet_assigned",
               {"count": n, "campaign": campaign.title}, "/scoring/", actor=actor)
    if to_user is not None and count:
        notify([to_user], "sheet_assigned", {"count": count, "campaign": campaign.title},
               "/scoring/", actor=actor)


def _report_requested(period, actor=None, **_kw) -> None:
    """A report period added to a published campaign (an ad-hoc report, báo cáo đột xuất,
    asked of chosen units, or a period asked of every participant): the officers of the units
    it is asked of, each told once with their unit's name (officers of one level, one query)."""
    from sqlalchemy import select

    from emulation.campaigns.models import CampaignParticipant
    from emulation.org.models import Unit

    campaign = period.campaign
    if campaign.state != "published":
        return  # a draft's periods are announced by its launch
    query = select(Unit.id, Unit.path, Unit.name)
    if period.asked:
        query = query.where(Unit.id.in_(period.asked_unit_ids))
    else:
        query = query.join(CampaignParticipant, CampaignParticipant.unit_id == Unit.id).where(
            CampaignParticipant.campaign_id == campaign.id)
    units = db.session.execute(query).all()
    officers = officers_by_unit([(u.id, u.path) for u in units])
    for unit in units:
        notify(officers.get(unit.id, []), "report_requested",
               {"campaign": campaign.title, "unit": unit.name, "period": period.label,
                "date": period.deadline.isoformat()},
               f"/campaigns/{campaign.id}/units/{unit.id}/reports/{period.id}", actor=actor)


def _dossier_params(n) -> dict:
    """The dossier named by its award and subject (no id: names, not codes)."""
    return {"id": n.id, "award": n.award_type.name, "subject": n.subject_name}


def _dossier_returned(n, reason: str = "", actor=None, **_kw) -> None:
    notify(officers_of(n.proposing_unit), "dossier_returned",
           {**_dossier_params(n), "reason": reason}, f"/nominations/{n.id}", actor=actor)


def _dossier_forwarded(n, from_unit=None, actor=None, **_kw) -> None:
    """The organisers of the new level, but not those already told at the level it left
    (the nearest organisers of a unit with none of its own are those above it)."""
    told = {u.id for u in nearest_organisers(from_unit)} if from_unit is not None else set()
    notify([u for u in nearest_organisers(n.level_unit) if u.id not in told], "dossier_forwarded",
           {**_dossier_params(n), "unit": n.level_unit.name}, f"/nominations/{n.id}",
           actor=actor)


def _ballot_opened(meeting, actor=None, **_kw) -> None:
    present = {a.member_id for a in meeting.attendance}
    notify([m.user for m in meeting.council.members if m.id in present], "ballot_opened",
           {"meeting": meeting.title}, f"/meetings/{meeting.id}", actor=actor)


def _objection_made(objection, actor=None, **_kw) -> None:
    n = objection.nomination
    notify(officers_of(n.proposing_unit), "objection", _dossier_params(n),
           f"/nominations/{n.id}", actor=actor)


def _decision_issued(decision, actor=None, **_kw) -> None:
    named = {(i.nomination.person.unit if i.nomination.person else i.nomination.unit)
             for i in decision.items}
    notify([u for unit in named for u in officers_of(unit)], "decision_issued",
           {"number": decision.number}, f"/decisions/{decision.id}", actor=actor)


def _units_reminded(campaign, units=(), today=None, actor=None, **_kw) -> int:
    """The officers of each unit behind hear what is overdue, at most once a day per unit
    and campaign (however often the organisers ask); returns how many units were told."""
    from sqlalchemy import select

    from emulation.notify.models import ReminderSent

    day = today.isoformat() if today else ""
    keyed = {f"overdue:{campaign.id}:{u.unit_id}:{day}": u for u in units}
    already = set()
    keys = list(keyed)
    for start in range(0, len(keys), 500):
        already.update(db.session.scalars(select(ReminderSent.key).where(
            ReminderSent.key.in_(keys[start:start + 500]))))
    due = {key: u for key, u in keyed.items() if key not in already}
    officers = officers_by_unit([(u.unit_id, u.unit_path) for u in due.values()])
    for key, u in due.items():
        db.session.add(ReminderSent(key=key))
        notify(officers.get(u.unit_id, []), "overdue", {
            "unit": u.unit_name, "campaign": campaign.title, "pledge": u.pledge,
            "periods": u.periods}, f"/campaigns/{campaign.id}/units/{u.unit_id}/dashboard",
            actor=actor)
    return len(due)


def _job_finished(job, **_kw) -> None:
    """The requester learns the outcome: the download link of an export, the counts of an
    import, or that it failed (the job's page says more)."""
    from emulation.jobs import services as jobs

    user = job.user
    if user is None:
        return
    # the title worded when read, in the reader's language (notify.services._localised)
    title, page = {"job_kind": job.kind, "name": job.data.get("name", "")}, f"/jobs/{job.id}"
    outcome = jobs.outcome(job)
    if job.kind in jobs.TASK_KINDS and job.state == "done" and \
            "checked" not in (outcome or {}):  # a task that checks nothing (the freeze)
        notify([user], "task_done", title, jobs.result_url(job), actor=None)
    elif job.kind in jobs.TASK_KINDS:
        notify([user], "check_failed" if job.state == "failed" else "check_done",
               {**title, **{k: (outcome or {}).get(k, 0)
                           for k in ("checked", "not_eligible")}},
               jobs.result_url(job) if job.state == "done" else page, actor=None)
    elif job.state == "failed":
        notify([user], "import_failed" if job.kind in jobs.IMPORT_KINDS else "export_failed",
               title, page, actor=None)
    elif outcome is not None:
        refused = outcome["error_count"] or outcome.get("conflict")
        notify([user], "import_refused" if refused else "import_done", {**title, **{
            k: outcome[k] for k in ("created", "updated", "unchanged", "error_count")}}, page,
            actor=None)
    else:
        notify([user], "export_ready_frozen" if jobs.kept_while_frozen(job) else
               "export_ready", {**title, "hours": jobs.keep_hours(job)}, f"{page}/file",
               actor=None)
