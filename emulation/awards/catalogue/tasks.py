"""The award catalogue export, through the one export path (it is small: always sent at
once, but checked and planned like every other export)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from emulation.awards.catalogue import exports
from emulation.jobs.services import ExportKind, register_export

CATALOGUE = register_export(ExportKind(
    kind="catalogue", subject=exports.subject, count=exports.count, write=exports.workbook,
    filename=lambda _user: "danh-muc-khen-thuong.xlsx", label=_l("Award catalogue")))
