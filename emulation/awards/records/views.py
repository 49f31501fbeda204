"""Record imports (appraisals, initiatives, discipline, award history) and the honour roll
(bảng vàng) with its exports."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import login_required

from emulation.awards.blueprints import awards as bp
from emulation.awards.blueprints import decisions as decisions_bp
from emulation.awards.catalogue import services as catalogue
from emulation.awards.records import services as award_records
from emulation.awards.records.importers import COLUMNS
from emulation.core import permissions as perms
from emulation.core.web import page_arg, xlsx_response, year_arg
from emulation.core.xlsx import STREAM_ROWS, Workbook
from emulation.extensions import db
from emulation.org.views import _import_page


@bp.route("/records/import/<kind>", methods=["GET", "POST"])
@perms.roles_required(*perms.MANAGE_PEOPLE)
def records_import(kind: str):
    from emulation.cli import importer

    if kind not in COLUMNS:
        abort(404)
    columns, run = importer(kind)
    return _import_page(kind, columns, run, url_for("awards.records_template", kind=kind))


@bp.route("/records/import/<kind>/template.xlsx")
@perms.roles_required(*perms.MANAGE_PEOPLE)
def records_template(kind: str):
    if kind not in COLUMNS:
        abort(404)
    wb = Workbook()
    sheet = wb.sheet(kind)
    sheet.header([c.header for c in COLUMNS[kind]], [16] * len(COLUMNS[kind]))
    return xlsx_response(wb, f"mau-{kind}.xlsx")



@decisions_bp.route("/honours/")
@login_required
def honours():
    """Bảng vàng: granted awards by year, unit and award type, with statistics."""
    year = year_arg()
    code = (request.args.get("award") or "")[:20]
    pagination = db.paginate(award_records.honours_query(year, code), page=page_arg(), per_page=100,
                             error_out=False)
    stats = award_records.honours_stats(year)
    names = catalogue.names()
    return render_template("awards/honours.html", pagination=pagination, stats=stats,
                           names=names, year=year, award=code)


@decisions_bp.route("/honours/statistics.xlsx")
@login_required
def statistics_export():
    """Counts and cash per unit and year (a person counted in the unit of the award)."""
    year = year_arg()
    wb = Workbook()
    sheet = wb.sheet("Thong ke")
    sheet.header(["Năm", "Mã đơn vị", "Tên đơn vị", "Cá nhân", "Tập thể", "Tiền thưởng (đồng)"],
                 [6, 14, 44, 10, 10, 18], autofilter=True)
    for row in award_records.unit_stats(year):
        sheet.append(list(row))
    return xlsx_response(wb, "thong-ke-khen-thuong.xlsx")


@decisions_bp.route("/honours/export.xlsx")
@login_required
def honours_export():
    year = year_arg()
    code = (request.args.get("award") or "")[:20]
    names = catalogue.names()
    wb = Workbook()
    sheet = wb.sheet("Bang vang")
    sheet.header(["Năm", "Mã khen thưởng", "Hình thức", "Họ tên / Tập thể", "Số quyết định",
                  "Cơ quan ban hành", "Tiền thưởng (đồng)"], [6, 12, 40, 32, 16, 36, 16],
                 autofilter=True)
    for year_, award_code, subject, number, issuer, cash in db.session.execute(
            award_records.honours_rows(year, code).execution_options(yield_per=STREAM_ROWS)):
        sheet.append([year_, award_code, names.get(award_code, ""), subject, number, issuer,
                      cash])
    return xlsx_response(wb, "bang-vang.xlsx")
