"""Scores workbook: every score line, then one sheet per cluster with its ranking."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import aliased

from emulation.auth.models import User
from emulation.campaigns.models import Campaign, Criterion
from emulation.core.xlsx import STREAM_ROWS, Workbook
from emulation.extensions import db
from emulation.org.models import Unit
from emulation.scoring.enums import SheetKind, SheetState
from emulation.scoring.models import Score, ScoreSheet

LINE_HEADERS = [_l("Unit code"), _l("Unit name"), _l("Criterion code"), _l("Criterion"),
                _l("Sheet kind"), _l("Scorer"), _l("Sheet state"), _l("Points"),
                _l("Maximum points"), _l("Comment")]
RANK_HEADERS = [_l("Rank"), _l("Unit code"), _l("Unit name"), _l("Final score"),
                _l("Self-score"), _l("Peer score"), _l("Council score"),
                _l("Bonus or penalty"), _l("Sheets"), _l("Peer standard deviation"),
                _l("Council standard deviation"), _l("Tied"), _l("Proposed for a flag")]


def scores_workbook(campaign: Campaign, on_progress=None, book=Workbook) -> Workbook:
    """Every score line, then each cluster's ranking; `on_progress(rows)` as in Workbook;
    `book`: Workbook, or core.csvbook.CsvBook for the score lines as CSV."""
    from emulation.scoring.services import ranking_view

    kinds, states, yes = SheetKind.labels(), SheetState.labels(), _("Yes")
    wb = book(on_progress)
    sheet = wb.sheet(_("Score lines"))
    sheet.header(LINE_HEADERS, [14, 40, 10, 40, 12, 30, 12, 8, 10, 40])
    scorer_unit = aliased(Unit)
    stmt = (select(Unit.code, Unit.name, Criterion.code, Criterion.title,
                   ScoreSheet.scorer_kind, scorer_unit.name, User.full_name, User.username,
                   ScoreSheet.state, Score.points, Criterion.max_points, Score.comment)
            .select_from(Score)
            .join(ScoreSheet, ScoreSheet.id == Score.sheet_id)
            .join(Unit, Unit.id == ScoreSheet.unit_id)
            .join(Criterion, Criterion.id == Score.criterion_id)
            .outerjoin(scorer_unit, scorer_unit.id == ScoreSheet.scorer_unit_id)
            .outerjoin(User, User.id == ScoreSheet.scorer_user_id)
            .where(ScoreSheet.campaign_id == campaign.id)
            .order_by(Unit.path, ScoreSheet.scorer_kind, ScoreSheet.id, Criterion.position)
            .execution_options(yield_per=STREAM_ROWS))
    for code, name, c_code, c_title, kind, s_unit, full_name, username, state, points, \
            max_points, comment in db.session.execute(stmt):
        scorer = s_unit or full_name or username or ""
        sheet.append([code, name, c_code, c_title, str(kinds[kind]), scorer,
                      str(states.get(state, state)), points, max_points, comment or ""])
    # one cluster at a time (a cluster is ranked on its own): memory stays that of a cluster
    for cluster in sorted(campaign.clusters, key=lambda c: c.id):
        rankings, _frozen = ranking_view(campaign, cluster.id)
        units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(
            {r.unit for c in rankings for r in c.rows})))}
        for cluster_ranking in rankings:
            ws = wb.sheet(cluster.name)  # the helper shortens it, keeping its end
            ws.header(RANK_HEADERS, [6, 14, 40, 12, 10, 10, 10, 12, 8, 12, 12, 10, 10])
            for r in cluster_ranking.rows:
                unit = units[r.unit]
                count = sum(n for n, _d in r.spread.values())
                ws.append([r.rank, unit.code, unit.name, r.final, r.components.get("self"),
                           r.components.get("peer"), r.components.get("council"),
                           r.adjustment, count, r.spread.get("peer", (0, None))[1],
                           r.spread.get("council", (0, None))[1], yes if r.tied else "",
                           yes if r.leader else ""])
    return wb


def count_scores(campaign: Campaign) -> int:
    """Rows of the scores workbook: its score lines and one ranking row per cluster member."""
    from emulation.campaigns.services import cluster_member_count

    lines = db.session.scalar(select(func.count(Score.id)).join(
        ScoreSheet, ScoreSheet.id == Score.sheet_id).where(
        ScoreSheet.campaign_id == campaign.id)) or 0
    return lines + cluster_member_count(campaign)



def build_frozen_scores(actor, campaign: Campaign):
    """Queue the scores workbook of the campaign's frozen ranking (a job of `actor`'s, kept
    until the ranking is reopened) and remember it on the campaign's scoring settings;
    committed. The job, or None when the ranking is not frozen, `actor` may not read it, or
    `actor` is the command line (no account to own the job: the first download builds it)."""
    from emulation.jobs import services as jobs
    from emulation.scoring.models import ScoringSettings
    from emulation.scoring.tasks import FROZEN_SCORES

    params = {"campaign_id": campaign.id}
    if getattr(actor, "id", None) is None or FROZEN_SCORES.subject(actor, params) is None:
        return None
    job = jobs.start_export(actor, FROZEN_SCORES, params, campaign, count_scores(campaign))
    # a plain UPDATE: the settings' version is the organisers' forms', not the file's
    db.session.execute(update(ScoringSettings).where(
        ScoringSettings.campaign_id == campaign.id).values(scores_job_id=job.id))
    db.session.commit()
    return job


def frozen_scores(campaign: Campaign):
    """(state, job) of the frozen ranking's scores workbook, state one of "not_frozen",
    "missing" (never built, or its build failed or was lost), "building" (the job queued or
    running: its `rows_done` of `rows_total`), "ready" (its file kept: `jobs.services.
    stored_file(job)`)."""
    from emulation.jobs import services as jobs
    from emulation.jobs.models import Job
    from emulation.scoring.services import settings_for

    settings = settings_for(campaign)
    if settings.frozen_at is None:
        return "not_frozen", None
    job = db.session.get(Job, settings.scores_job_id) if settings.scores_job_id else None
    if job is not None and job.state in jobs.UNFINISHED:
        return "building", job
    if jobs.stored_file(job) is not None:
        return "ready", job
    return "missing", job


def discard_frozen_scores(campaign: Campaign) -> None:
    """The ranking is reopened: its scores workbook is deleted (not committed)."""
    from emulation.jobs import services as jobs
    from emulation.jobs.models import Job
    from emulation.scoring.models import ScoringSettings

    job_id = db.session.scalar(select(ScoringSettings.scores_job_id).where(
        ScoringSettings.campaign_id == campaign.id))
    if job_id:
        jobs.discard(db.session.get(Job, job_id), "the ranking was reopened")
    db.session.execute(update(ScoringSettings).where(
        ScoringSettings.campaign_id == campaign.id).values(scores_job_id=None))
