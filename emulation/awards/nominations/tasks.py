"""The worker's jobs of nominations: the nominations list when it is large (each batch of
1,000 is checked for eligibility as it is written), and the eligibility check of a year's
nominations started from the list (`eligibility.batch`)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from emulation.awards.eligibility import batch
from emulation.awards.nominations import exports
from emulation.jobs.services import (
    PROGRESS_NOMINATIONS,
    ExportKind,
    TaskKind,
    register_export,
    register_task,
)

NOMINATIONS = register_export(ExportKind(
    kind="nominations", subject=exports.subject, count=exports.count,
    write=exports.workbook, filename=lambda _list: "de-nghi-khen-thuong.xlsx",
    label=_l("Nominations %(name)s"),
    name=lambda n: " ".join(str(part) for part in (n.year, n.state) if part)))

ELIGIBILITY_CHECK = register_task(TaskKind(
    kind=batch.KIND, run=batch.run_check, result_url=batch.result_url, forget=batch.forget,
    summary=batch.summary, label=_l("Eligibility of the nominations of %(name)s"),
    progress=PROGRESS_NOMINATIONS))
