"""The worker's jobs of scoring: the scores workbook of a large campaign (411,200 lines
take about 20 s), with its progress."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from emulation.campaigns.services import managed_campaign
from emulation.jobs.services import ExportKind, register_export
from emulation.scoring import exports

SCORES = register_export(ExportKind(
    kind="scores", subject=managed_campaign, count=exports.count_scores,
    write=exports.scores_workbook, filename=lambda c: f"diem-thi-dua-{c.id}.xlsx",
    label=_l("Scores of %(name)s"), name=lambda c: c.title))
