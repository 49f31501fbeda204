"""The one call a view makes for an export that may be large."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from emulation.core.web import xlsx_response
from emulation.jobs import services


def export_response(kind: str, params: dict):
    """The export `kind` (registered with jobs.services.register_export) for the current
    user: sent at once when small, else queued as a job and the user sent to its page,
    where a bar shows its progress. A URL ending in `.csv` asks for its CSV (kinds that
    offer it). 404 when the user may not read it."""
    fmt = "csv" if request.path.endswith(".csv") else "xlsx"
    plan = services.plan_export(current_user, kind, params, fmt)
    if plan is None:
        abort(404)
    if plan.job is None:
        return xlsx_response(plan.workbook, plan.filename)
    flash(_("This export is large, so it is being prepared in the background. You may leave "
            "this page: a notification will bring you the download link."), "info")
    return redirect(url_for("jobs.detail", token=plan.job.id))
