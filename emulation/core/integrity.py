"""Unique constraints met by a user action: a clean conflict, never a server error.

The services check for duplicates before writing, but two requests at the same instant both
pass that check; the database's unique constraint (or partial unique index) then refuses the
second, and this turns that refusal into the service's `Conflict` (409).
"""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

from emulation.core.errors import Conflict

# SQLSTATE of a unique violation (PostgreSQL); SQLite says it in words
UNIQUE_VIOLATION = "23505"


def duplicate_message() -> str:
    """What a user is told when a unique constraint refused their save and the service had
    no more precise words for it."""
    from flask_babel import gettext as _

    return _("Someone saved the same record at the same moment, so yours was not saved. "
             "Reload the page to see it.")


def is_unique_violation(err: IntegrityError) -> bool:
    """Was this integrity error a unique constraint or unique index refusing a duplicate?"""
    orig = getattr(err, "orig", None)
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state:
        return state == UNIQUE_VIOLATION
    return "UNIQUE constraint failed" in str(orig)


@contextmanager
def conflict_on_duplicate(message):
    """Inside the block, a unique violation rolls the session back and raises
    `Conflict(message)`: nothing of the operation is written. Other errors pass through."""
    from emulation.extensions import db

    try:
        yield
    except IntegrityError as err:
        if not is_unique_violation(err):
            raise
        db.session.rollback()
        raise Conflict(message) from err
