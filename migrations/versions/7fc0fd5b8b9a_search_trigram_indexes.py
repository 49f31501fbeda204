"""Search by trigram: PostgreSQL's pg_trgm GIN indexes on the folded name and lower(code) of
person and unit and a text_pattern_ops index on lower(code) for code prefixes; on SQLite an
FTS5 trigram table per table (external content, kept in step by triggers, filled here) and an
index on lower(code) for code prefixes (core/search.py).

SQLite before 3.34 has no trigram tokenizer: only the lower(code) index is made and search
uses LIKE. On PostgreSQL `CREATE EXTENSION pg_trgm` needs a role allowed to create it (pg_trgm
is a trusted extension since PostgreSQL 13: the database's owner may). Building the indexes
takes a write lock on person and unit: 23–44 s at 1,000,000 people (measured on a loaded
2-core machine).

Revision ID: 7fc0fd5b8b9a
Revises: 6698f00e559a
Create Date: 2026-11-30 19:20:00

"""
import sqlite3

from alembic import op

# revision identifiers, used by Alembic.
revision = '7fc0fd5b8b9a'
down_revision = '6698f00e559a'
branch_labels = None
depends_on = None

TABLES = ("unit", "person")


def _sqlite_statements(t: str) -> list[str]:
    fts = f"{t}_search"
    statements = [f"CREATE INDEX IF NOT EXISTS ix_{t}_code_lower ON {t} (lower(code))"]
    if sqlite3.sqlite_version_info < (3, 34, 0):
        return statements
    add = f"INSERT INTO {fts}(rowid, name_folded, code) VALUES (new.id, new.name_folded, new.code);"
    remove = (f"INSERT INTO {fts}({fts}, rowid, name_folded, code) "
              f"VALUES ('delete', old.id, old.name_folded, old.code);")
    return statements + [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(name_folded, code, "
        f"content='{t}', content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {t} BEGIN {add} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {t} BEGIN {remove} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF name_folded, code ON {t} "
        f"BEGIN {remove} {add} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for t in TABLES:
            op.execute(f"CREATE INDEX IF NOT EXISTS ix_{t}_name_trgm ON {t} "
                       "USING gin (name_folded gin_trgm_ops)")
            op.execute(f"CREATE INDEX IF NOT EXISTS ix_{t}_code_trgm ON {t} "
                       "USING gin (lower(code) gin_trgm_ops)")
            op.execute(f"CREATE INDEX IF NOT EXISTS ix_{t}_code_lower ON {t} "
                       "(lower(code) text_pattern_ops)")
    elif dialect == "sqlite":
        for t in TABLES:
            for statement in _sqlite_statements(t):
                op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for t in TABLES:
        if dialect == "postgresql":
            op.execute(f"DROP INDEX IF EXISTS ix_{t}_name_trgm")
            op.execute(f"DROP INDEX IF EXISTS ix_{t}_code_trgm")
            op.execute(f"DROP INDEX IF EXISTS ix_{t}_code_lower")
        elif dialect == "sqlite":
            fts = f"{t}_search"
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
            op.execute(f"DROP INDEX IF EXISTS ix_{t}_code_lower")
    # the extension pg_trgm stays: other objects may use it
