"""Errors that services raise; views turn them into a translated message and a 4xx."""
from __future__ import annotations


class ServiceError(Exception):
    """A refused operation. `message` is already translated (or a lazy string)."""

    status = 400

    def __init__(self, message, *, errors: list | None = None):
        super().__init__(str(message))
        self.message = message
        self.errors = errors or []


class PermissionDenied(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class StaleRecord(ServiceError):
    """Someone saved the record after this form was loaded."""

    status = 409


class InvalidState(ServiceError):
    status = 409


class Conflict(ServiceError):
    """The record would clash with one that exists (a code or number already used)."""

    status = 409


def stale_message() -> str:
    from flask_babel import gettext as _

    return _("Someone else saved this record after you opened it. Reload the page to see "
             "their changes, then make yours again.")


def check_version(record, version) -> None:
    """Refuse a save made from a form loaded before the record's last save."""
    try:
        given = int(version)
    except (TypeError, ValueError):
        given = None
    if given != record.version:
        raise StaleRecord(stale_message())
