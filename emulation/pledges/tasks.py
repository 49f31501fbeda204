"""The worker's jobs of pledges: the pledge register and the results workbook when a
campaign is large (18,000 rows take 1–1.4 s, so at the bench's size they are still sent at
once; more than EXPORT_JOB_ROWS rows go to the worker)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from emulation.campaigns.services import managed_campaign
from emulation.jobs.services import ExportKind, register_export
from emulation.pledges import exports

PLEDGES = register_export(ExportKind(
    kind="pledges", subject=managed_campaign, count=exports.count_pledges,
    write=exports.pledges_workbook, filename=lambda c: f"dang-ky-thi-dua-{c.id}.xlsx",
    label=_l("Pledges of %(name)s"), name=lambda c: c.title))

RESULTS = register_export(ExportKind(
    kind="results", subject=managed_campaign, count=exports.count_results,
    write=exports.results_workbook, filename=lambda c: f"ket-qua-thi-dua-{c.id}.xlsx",
    label=_l("Results of %(name)s"), name=lambda c: c.title))
