"""The worker's jobs of the organisation: the people export (200,000 people take about 7 s)
and the people import (20,000 changed people take about 3 s), with their progress."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from emulation.core import permissions as perms
from emulation.jobs.services import ExportKind, ImportKind, register_export, register_import
from emulation.org import exports, importers


def _people_reader(user, params: dict):
    """The user, while they may read people (the export holds those of their units)."""
    return user if perms.can_any(user, perms.VIEW_PEOPLE) else None


PEOPLE = register_export(ExportKind(
    kind="people", subject=_people_reader, count=exports.count_people,
    write=exports.export_people, filename=lambda user: "ca-nhan.xlsx",
    label=_l("People"), csv=True))

UNITS_IMPORT = register_import(ImportKind(
    kind="units_import", columns=importers.UNIT_COLUMNS, run=importers.import_units,
    label=_l("Import of units from %(name)s")))

PEOPLE_IMPORT = register_import(ImportKind(
    kind="people_import", columns=importers.PEOPLE_COLUMNS, run=importers.import_people,
    label=_l("Import of people from %(name)s")))
