"""The worker's jobs of pledges: the pledge register and the results workbook when a
campaign is large (18,000 rows take 1–1.4 s, so at the bench's size they are still sent at
once; more than EXPORT_JOB_ROWS rows go to the worker)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from emulation.campaigns.services import followed_campaign
from emulation.jobs.services import ExportKind, register_export
from emulation.pledges import exports

# The subject is what the requester follows of the campaign (`campaigns.services.Follow`): the
# whole campaign for its organisers, their branch for the organisers of a unit below.
PLEDGES = register_export(ExportKind(
    kind="pledges", subject=followed_campaign,
    count=lambda f: exports.count_pledges(f.campaign, f.unit_ids()),
    write=lambda f, on_progress: exports.pledges_workbook(f.campaign, on_progress,
                                                          f.unit_ids()),
    filename=lambda f: f"dang-ky-thi-dua-{f.campaign.id}.xlsx",
    label=_l("Pledges of %(name)s"), name=lambda f: f.campaign.title))

RESULTS = register_export(ExportKind(
    kind="results", subject=followed_campaign,
    count=lambda f: exports.count_results(f.campaign, f.unit_ids()),
    write=lambda f, on_progress: exports.results_workbook(f.campaign, on_progress,
                                                          f.unit_ids()),
    filename=lambda f: f"ket-qua-thi-dua-{f.campaign.id}.xlsx",
    label=_l("Results of %(name)s"), name=lambda f: f.campaign.title))
