"""Record imports (appraisals, initiatives, discipline, award history) and the honour roll
(bảng vàng) with its exports."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user, login_required

from emulation.awards.blueprints import awards as bp
from emulation.awards.blueprints import decisions as decisions_bp
from emulation.awards.catalogue import services as catalogue
from emulation.awards.records import exports
from emulation.awards.records import services as award_records
from emulation.awards.records.importers import COLUMNS
from emulation.core import permissions as perms
from emulation.core.text import clean
from emulation.core.web import keyset, local_today, xlsx_response, year_arg
from emulation.jobs.web import export_response
from emulation.org.views import _import_page

HONOURS_PER_PAGE = 100


@bp.route("/records/import/<kind>", methods=["GET", "POST"])
@perms.roles_required(*perms.MANAGE_PEOPLE)
def records_import(kind: str):
    if kind not in COLUMNS:
        abort(404)
    return _import_page(kind, url_for("awards.records_template", kind=kind))


@bp.route("/records/import/<kind>/template.xlsx")
@perms.roles_required(*perms.MANAGE_PEOPLE)
def records_template(kind: str):
    if kind not in COLUMNS:
        abort(404)
    return xlsx_response(exports.import_template(kind), f"mau-{kind}.xlsx")


@bp.route("/records/export/<kind>.xlsx")
@bp.route("/records/export/<kind>.csv", endpoint="records_export_csv")
@perms.roles_required(*perms.MANAGE_PEOPLE)
def records_export(kind: str):
    """The records of `kind` the user may import, in the import format (it re-imports as
    is); a large export is a job."""
    if kind not in COLUMNS:
        abort(404)
    return export_response("records", {"kind": kind})


@decisions_bp.route("/honours/")
@login_required
def honours():
    """Bảng vàng: granted awards by year, unit and award type, with statistics."""
    year = year_arg()
    code = (request.args.get("award") or "")[:20]
    q = search_arg()
    pagination = keyset(award_records.honours_query(year, code, q), HONOURS_PER_PAGE)
    # a name links to the person's page only for a reader who may open it (no dead end)
    openable = {r.person.id for r in pagination.items
                if r.person and perms.covers(current_user, r.person.unit, perms.VIEW_PEOPLE)}
    return render_template("awards/honours.html", pagination=pagination, openable=openable,
                           stats=award_records.honours_stats(year), names=catalogue.names(),
                           breakdown=award_records.honours_breakdown(year),
                           year=year, award=code, q=q)


@decisions_bp.route("/honours/statistics.xlsx")
@login_required
def statistics_export():
    """Counts and cash per unit and year (a person counted in the unit of the award)."""
    return xlsx_response(exports.statistics(year_arg()), "thong-ke-khen-thuong.xlsx")


@decisions_bp.route("/honours/report.xlsx")
@login_required
def yearly_report():
    """The year's statistics of emulation and commendation for the level above: counts by
    award, deciding level and kind of commendation, with cash totals (`?year=`, this year
    by default)."""
    year = year_arg() or local_today().year
    return xlsx_response(exports.yearly_report(year), f"bao-cao-thong-ke-{year}.xlsx")


@decisions_bp.route("/honours/export.xlsx")
@decisions_bp.route("/honours/export.csv", endpoint="honours_export_csv")
@login_required
def honours_export():
    """The roll as a spreadsheet: at once when small, else a job with its progress."""
    return export_response("honours", {"year": year_arg(),
                                       "award": (request.args.get("award") or "")[:20],
                                       "q": search_arg()})


def search_arg() -> str:
    """The roll's search text, as the people list reads its own."""
    return clean(request.args.get("q") or "")[:100]
