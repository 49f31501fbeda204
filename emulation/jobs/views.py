"""A job's page (with its progress bar), the status it polls, and its file."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from emulation.jobs import services
from emulation.jobs.enums import STATE_LABELS

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


@bp.route("/<token>")
@login_required
def detail(token: str):
    job = _job_or_404(token)
    return render_template("jobs/detail.html", job=job, title=services.title(job),
                           status=_status(job), labels=STATE_LABELS,
                           outcome=None if job.kind in services.TASK_KINDS
                           else services.outcome(job),
                           task=job.kind in services.TASK_KINDS,
                           result_url=services.result_url(job) if job.state == "done" else None,
                           summary=services.task_summary(job) if job.state == "done" else None,
                           hours=services.keep_hours(job),
                           while_frozen=services.kept_while_frozen(job))


@bp.route("/<token>/status")
@login_required
def status(token: str):
    """JSON for the page's script: see services.status, plus `label` and `text`."""
    return jsonify(_status(_job_or_404(token)))


@bp.route("/<token>/file")
@login_required
def download(token: str):
    found = services.download(current_user, token)
    if found is None:
        abort(404)
    path, name = found
    try:  # streamed from the file store
        return services.files().send(
            path.name, mimetype=services.mimetype(services.readable(current_user, token)),
            download_name=name, max_age=0)
    except FileNotFoundError:  # deleted by the clean-up a moment ago
        abort(404)


def _job_or_404(token: str):
    job = services.readable(current_user, token)
    if job is None:
        abort(404)
    return job


def _status(job) -> dict:
    data = services.status(job, current_user)
    data["label"] = str(_("Finished") if job.state == "done" and job.kind in
                        services.TASK_KINDS else STATE_LABELS[job.state])
    data["text"] = services.progress_text(job)
    return data
