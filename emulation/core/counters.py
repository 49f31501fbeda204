"""Stored counters: add to a row of figures by key, making the row if it is absent, in one
statement (INSERT … ON CONFLICT DO UPDATE, PostgreSQL and SQLite alike). Used by the figures
kept in step with their records in the same transaction (`awards/records/tally.py`,
`scoring/sheet_counts.py`)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite


def increment(conn, table: Table, key: Sequence[str], columns: Sequence[str],
              rows: Iterable[dict]) -> None:
    """Add each row's `columns` to the stored row with the same `key` columns (the table's
    unique key), inserting the row as given when there is none. `rows` are dicts holding the
    key and the amounts; give them in key order so two transactions never wait on each other
    crosswise. One statement a row."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c[name] for name in key],
        set_={name: table.c[name] + getattr(stmt.excluded, name) for name in columns})
    for row in rows:
        conn.execute(stmt, row)
