"""The worker's jobs of the administration: the audit log export (it grows without end)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from emulation.admin import exports
from emulation.jobs.services import ExportKind, register_export

AUDIT = register_export(ExportKind(
    kind="audit", subject=exports.subject, count=exports.count, write=exports.workbook,
    filename=lambda _audit: "nhat-ky.xlsx", label=_l("Audit log %(name)s"),
    name=lambda audit: " ".join(part for part in (audit.actor, audit.action, audit.q)
                                if part), csv=True))
