"""The worker's jobs of the records: the honour roll export (a year of the budget's size,
about 170,000 awards, takes several seconds), with its progress."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from emulation.awards.records import exports, importers
from emulation.jobs.services import ExportKind, ImportKind, register_export, register_import


def _roll(user, params: dict):
    """(year, award code, search text) of the roll asked; every logged-in user reads the
    honour roll."""
    if not getattr(user, "is_authenticated", False):
        return None
    year = params.get("year")
    return (int(year) if year else None, str(params.get("award") or "")[:20],
            str(params.get("q") or "")[:100])


HONOURS = register_export(ExportKind(
    kind="honours", subject=_roll, count=lambda roll: exports.count_honours(*roll),
    write=lambda roll, progress, **book: exports.honours(*roll, on_progress=progress, **book),
    filename=lambda roll: f"bang-vang{'-' + str(roll[0]) if roll[0] else ''}.xlsx",
    label=_l("Honour roll %(name)s"),
    name=lambda roll: " ".join(str(part) for part in roll if part), csv=True))

RECORDS = register_export(ExportKind(
    kind="records", subject=exports.records_subject, count=exports.count_records,
    write=exports.records, filename=lambda export: f"{export.kind}.xlsx",
    label=_l("Records (%(name)s)"), name=lambda export: exports.SHEETS[export.kind],
    csv=True))


def _importer(kind: str):
    def run(user, rows, on_progress=None, dry_run=False):
        return importers.run_import(kind, user, rows, on_progress, dry_run)
    return run


IMPORT_LABELS = {"appraisals": _l("Import of appraisals from %(name)s"),
                 "initiatives": _l("Import of initiatives from %(name)s"),
                 "disciplines": _l("Import of disciplines from %(name)s"),
                 "awards": _l("Import of award history from %(name)s")}
for _kind, _label in IMPORT_LABELS.items():
    register_import(ImportKind(kind=f"{_kind}_import", columns=importers.COLUMNS[_kind],
                               run=_importer(_kind), label=_label))
