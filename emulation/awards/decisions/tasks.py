"""The worker's jobs of decisions: the decisions list with their awards when it is large."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from emulation.awards.decisions import exports
from emulation.jobs.services import ExportKind, register_export

DECISIONS = register_export(ExportKind(
    kind="decisions", subject=exports.subject, count=exports.count,
    write=exports.workbook,
    filename=lambda d: f"quyet-dinh-{d.decision_id}.xlsx" if d.decision_id
    else "quyet-dinh-khen-thuong.xlsx",
    label=_l("Decisions %(name)s"),
    name=lambda d: " ".join(str(part) for part in (d.year, d.state) if part)))
