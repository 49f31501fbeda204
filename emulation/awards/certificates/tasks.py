"""The worker's job of certificates: a decision's certificates as one PDF, with its progress
(every print is a job, small or large: one path)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from emulation.awards.certificates import services
from emulation.jobs.services import PDF, ExportKind, register_export

CERTIFICATES = register_export(ExportKind(
    kind="certificates", subject=services.batch_for, count=services.count,
    write=services.write, filename=services.filename,
    label=_l("Certificates of decision %(name)s"), name=services.batch_name,
    mimetype=PDF, job_rows=0))
