"""What the home page and the health check read."""
from __future__ import annotations

from sqlalchemy import text

from emulation.extensions import db


def database_reachable() -> str | None:
    """None when the database answers, else the error's text (the session is rolled back)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as err:  # noqa: BLE001 - any failure of the database is "error" here
        db.session.rollback()
        return str(err)
    return None
