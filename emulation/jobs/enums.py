"""A job's states with their translated labels."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from emulation.core.enums import LabelledEnum


class JobState(LabelledEnum):
    """queued → running → done (→ expired once its file is deleted) | failed."""

    QUEUED = "queued", _l("Waiting for the worker")
    RUNNING = "running", _l("In progress")
    DONE = "done", _l("Ready to download")
    FAILED = "failed", _l("Failed")
    EXPIRED = "expired", _l("Expired: the file was deleted")


STATE_LABELS = JobState.labels()
