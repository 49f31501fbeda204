"""The worker's jobs of scoring: the scores workbook of a large campaign (411,200 lines
take about 20 s), with its progress."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from emulation.campaigns.services import managed_campaign
from emulation.jobs.services import KEEP_WHILE_FROZEN_HOURS, ExportKind, register_export
from emulation.scoring import exports

SCORES = register_export(ExportKind(
    kind="scores", subject=managed_campaign, count=exports.count_scores,
    write=exports.scores_workbook, filename=lambda c: f"diem-thi-dua-{c.id}.xlsx",
    label=_l("Scores of %(name)s"), name=lambda c: c.title, csv=True))


def _frozen_campaign(user, params: dict):
    """The campaign while `user` organises it and its ranking is frozen (reopened: None, so
    a build still queued then is refused)."""
    from emulation.scoring.services import settings_for

    campaign = managed_campaign(user, params)
    return campaign if campaign is not None and \
        settings_for(campaign).frozen_at is not None else None


# built once when the ranking is frozen, kept until it is reopened, served to every organiser
# (so in the application's language, whoever froze it)
FROZEN_SCORES = register_export(ExportKind(
    kind="scores_frozen", subject=_frozen_campaign, count=exports.count_scores,
    write=exports.scores_workbook, filename=lambda c: f"diem-thi-dua-{c.id}.xlsx",
    label=_l("Scores of %(name)s (frozen ranking)"), name=lambda c: c.title, job_rows=0,
    keep_hours=KEEP_WHILE_FROZEN_HOURS, shared=True))
