"""API v1 imports: the six imports of the web (units, people, appraisals, initiatives,
disciplines, award history) as one multipart request, with the web preview's report."""
from __future__ import annotations

import json

from flask import abort, g
from flask.views import MethodView
from flask_babel import gettext as _

from emulation.api import schemas as s
from emulation.api.views import bp
from emulation.core import permissions as perms
from emulation.core.errors import ServiceError
from emulation.jobs import imports

# who may run each import (the web's pages ask the same)
ROLES = {"units": perms.MANAGE_UNITS, "people": perms.MANAGE_PEOPLE,
         "appraisals": perms.MANAGE_PEOPLE, "initiatives": perms.MANAGE_PEOPLE,
         "disciplines": perms.MANAGE_PEOPLE, "awards": perms.MANAGE_PEOPLE}


@bp.route("/imports/<any(units, people, appraisals, initiatives, disciplines, awards):kind>")
class Import(MethodView):
    @bp.arguments(s.ImportFileIn, location="files")
    @bp.arguments(s.ImportIn, location="form")
    @bp.response(200, s.ImportReportSchema)
    @bp.alt_response(202, schema=s.ImportReportSchema,
                     description="A large file: a job imports it (`job`).")
    def post(self, files, form, kind):
        """Import a file all-or-nothing, or with `dry_run` only report what would be
        imported. The report holds the sheet and header row found, the columns, the rows
        read, the cells converted (legacy fonts), the first rows as they will be stored and
        every row error. A file that cannot be read, or any row error: 400 with the report
        in `errors.report` (nothing written). More than IMPORT_JOB_ROWS rows: 202, a job."""
        user = g.api_user
        if not perms.can_any(user, ROLES[kind]):
            abort(403)
        try:
            mapping = json.loads(form["columns"]) if form["columns"] else None
            if mapping is not None and not isinstance(mapping, dict):
                raise ValueError
        except ValueError:
            raise ServiceError(_("The column mapping is not valid.")) from None
        choices = imports.choices_from(form["sheet"], form["header_row"], mapping)
        upload = files["file"]
        if form["dry_run"]:
            report = imports.check(user, kind, upload.stream, upload.filename or "", choices)
        else:
            report = imports.run(user, kind, upload.stream, upload.filename or "", choices)
        data = report.as_dict()
        if not report.ok:
            g.api_errors = {"rows": data.get("errors", []), "report": data}
            raise ServiceError(report.error or _(
                "Nothing was imported: %(n)s rows have errors.", n=len(report.result.errors)))
        return data, 202 if report.state == "queued" else 200
