"""A job's states with their translated labels."""
from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    EXPIRED = "expired"


STATE_LABELS = {
    JobState.QUEUED: _l("Waiting for the worker"),
    JobState.RUNNING: _l("In progress"),
    JobState.DONE: _l("Ready to download"),
    JobState.FAILED: _l("Failed"),
    JobState.EXPIRED: _l("Expired: the file was deleted"),
}
