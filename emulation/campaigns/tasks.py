"""The worker's jobs of campaigns: the campaigns list export when it is large."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from emulation.campaigns import exports
from emulation.jobs.services import ExportKind, register_export

CAMPAIGNS = register_export(ExportKind(
    kind="campaigns", subject=exports.subject, count=exports.count, write=exports.workbook,
    filename=lambda _list: "phong-trao-thi-dua.xlsx", label=_l("Campaigns %(name)s"),
    name=lambda c: " ".join(str(part) for part in (c.year, c.state) if part)))
