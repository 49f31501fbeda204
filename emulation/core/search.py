"""Accent-free search on a folded name and a code: the one condition every list, picker and
export filters by (people, units, the honour roll, the public roll, award records).

How a query `q` (folded first: `Nguyễn` → `nguyen`) matches a row:

- three characters or more: the folded name contains it, or the code (case aside) contains
  it — backed by trigram indexes: PostgreSQL's `pg_trgm` GIN indexes on the folded name and
  on `lower(code)`, SQLite's FTS5 trigram table `<table>_search` (external content, kept in
  step by triggers);
- a code-looking query (no spaces, letters/digits and `-` `_` `.` `/`, at least one digit:
  `CDCS-0012`, `p10`): codes that *begin* with it (case aside; an index on lower(code)), or
  names that contain it;
- one or two characters (too short for a trigram): names or codes that begin with it
  (`le` finds `Lê Văn An`, not `Nguyễn Thị Lệ`).

On SQLite without FTS5's trigram tokenizer (SQLite before 3.34, or a table created there) the
same matches are made by `LIKE '%…%'`: the same rows, without the index.

`register(table)` attaches the index's DDL to the table (so `create_all` builds it, as the
migration does) and `is_search_object` tells Alembic's autogenerate to leave these objects
alone (migrations/env.py).
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from sqlalchemy import (
    Table,
    and_,
    event,
    func,
    inspect,
    literal_column,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.sql.elements import ColumnElement

from emulation.core.text import fold
from emulation.extensions import db

TRIGRAM = 3
CODE_LOOKING = re.compile(r"[a-z0-9][a-z0-9._/-]*")
FTS_SUFFIX = "_search"
# FTS5's tables behind a virtual table (external content: no `_content`)
_SHADOWS = ("", "_data", "_idx", "_docsize", "_config", "_content")


@dataclass(frozen=True)
class Searchable:
    """A table searched by its folded name column and its code column."""

    table: str
    name: str = "name_folded"
    code: str = "code"

    @property
    def fts(self) -> str:
        return f"{self.table}{FTS_SUFFIX}"

    @property
    def index_names(self) -> tuple[str, ...]:
        """Indexes outside the models: PostgreSQL's two trigram indexes, and the index on
        lower(code) for code prefixes (PostgreSQL: text_pattern_ops, whatever the collation)."""
        return (f"ix_{self.table}_name_trgm", f"ix_{self.table}_code_trgm",
                f"ix_{self.table}_code_lower")


_REGISTRY: dict[str, Searchable] = {}
_FTS_READY: dict[tuple[int, str], bool] = {}


def register(table: Table, name: str = "name_folded", code: str = "code") -> Searchable:
    """Make `table` searchable: its trigram index is created with the table (`create_all`;
    migrations create it themselves) and dropped with it."""
    spec = Searchable(table.name, name, code)
    _REGISTRY[table.name] = spec
    event.listen(table, "after_create", lambda _t, conn, **_kw: create_index(conn, spec))
    event.listen(table, "before_drop", lambda _t, conn, **_kw: drop_index(conn, spec))
    return spec


def is_search_object(name: str | None, type_: str) -> bool:
    """True for the tables and indexes of the search index (Alembic's autogenerate compares
    the models with the database: these are in the database only)."""
    if not name:
        return False
    for spec in _REGISTRY.values():
        if type_ == "table" and name in {spec.fts + s for s in _SHADOWS}:
            return True
        if type_ == "index" and name in spec.index_names:
            return True
    return False


def fts5_trigram_available() -> bool:
    """FTS5's trigram tokenizer came with SQLite 3.34.0."""
    return sqlite3.sqlite_version_info >= (3, 34, 0)


def create_statements(dialect: str, spec: Searchable, trgm_schema: str = "") -> list[str]:
    """The DDL of `spec`'s search index on `dialect`: what the migration runs (as literal text)
    and `create_all` runs through `register`."""
    t, n, c = spec.table, spec.name, spec.code
    if dialect == "postgresql":
        ops = f"{trgm_schema}.gin_trgm_ops" if trgm_schema else "gin_trgm_ops"
        return [f"CREATE INDEX IF NOT EXISTS ix_{t}_name_trgm ON {t} USING gin ({n} {ops})",
                f"CREATE INDEX IF NOT EXISTS ix_{t}_code_trgm ON {t} "
                f"USING gin (lower({c}) {ops})",
                f"CREATE INDEX IF NOT EXISTS ix_{t}_code_lower ON {t} "
                f"(lower({c}) text_pattern_ops)"]
    if dialect != "sqlite":
        return []
    statements = [f"CREATE INDEX IF NOT EXISTS ix_{t}_code_lower ON {t} (lower({c}))"]
    if not fts5_trigram_available():
        return statements
    fts = spec.fts
    add = f"INSERT INTO {fts}(rowid, {n}, {c}) VALUES (new.id, new.{n}, new.{c});"
    remove = (f"INSERT INTO {fts}({fts}, rowid, {n}, {c}) "
              f"VALUES ('delete', old.id, old.{n}, old.{c});")
    return statements + [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({n}, {c}, content='{t}', "
        "content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {t} BEGIN {add} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {t} BEGIN {remove} END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {n}, {c} ON {t} "
        f"BEGIN {remove} {add} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def drop_statements(dialect: str, spec: Searchable) -> list[str]:
    """The DDL removing `spec`'s search index (the extension pg_trgm stays)."""
    t, fts = spec.table, spec.fts
    if dialect == "postgresql":
        return [f"DROP INDEX IF EXISTS ix_{t}_name_trgm", f"DROP INDEX IF EXISTS ix_{t}_code_trgm",
                f"DROP INDEX IF EXISTS ix_{t}_code_lower"]
    if dialect != "sqlite":
        return []
    return [f"DROP TRIGGER IF EXISTS {fts}_ai", f"DROP TRIGGER IF EXISTS {fts}_ad",
            f"DROP TRIGGER IF EXISTS {fts}_au", f"DROP TABLE IF EXISTS {fts}",
            f"DROP INDEX IF EXISTS ix_{t}_code_lower"]


def trgm_schema(conn) -> str:
    """Create pg_trgm if missing; the schema holding it (its operator class is named with it,
    so that a connection whose search_path lacks that schema still finds it)."""
    conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    return conn.scalar(text("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
                            "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"))


def create_index(conn, spec: Searchable) -> None:
    """Build `spec`'s search index on the connection's database."""
    dialect = conn.dialect.name
    schema = trgm_schema(conn) if dialect == "postgresql" else ""
    for statement in create_statements(dialect, spec, schema):
        conn.execute(text(statement))
    _FTS_READY.clear()


def drop_index(conn, spec: Searchable) -> None:
    for statement in drop_statements(conn.dialect.name, spec):
        conn.execute(text(statement))
    _FTS_READY.clear()


def _fts_ready(spec: Searchable) -> bool:
    """The SQLite database has the FTS table and its three triggers (a table rebuilt by a
    batch migration loses its triggers: then LIKE, never a stale index). Asked once per
    engine."""
    engine = db.engine
    key = (id(engine), spec.table)
    if key not in _FTS_READY:
        with engine.connect() as conn:
            found = conn.scalar(text(
                "SELECT count(*) FROM sqlite_master WHERE (type = 'table' AND name = :fts) "
                "OR (type = 'trigger' AND tbl_name = :table AND name IN "
                "(:fts || '_ai', :fts || '_ad', :fts || '_au'))"),
                {"fts": spec.fts, "table": spec.table})
        _FTS_READY[key] = found == 4
    return _FTS_READY[key]


def forget() -> None:
    """Ask again whether the FTS tables exist (after a restore or a migration in-process)."""
    _FTS_READY.clear()


def order_key(column, q: str):
    """`column` to order a search's matches by. For a query of three characters or more, the
    same text behind `|| ''` (the same order on every database), so that PostgreSQL sorts
    the matches the trigram index found instead of walking `column`'s index and filtering:
    the walk is quick for a name everyone shares but, since a list's sort key is made of the
    name (tên first), the matches of a given name lie together far down the index (measured
    at 1,000,000 people: "thanh hung", 1,776 matches, walked 330,000 rows in 1.5 s). Without
    a query, or with one or two characters (family names, spread evenly along tên), the
    column itself (its index serves the order)."""
    if len(fold(q)) < TRIGRAM:
        return column
    return column.concat("")


def is_code_looking(needle: str) -> bool:
    """`cdcs-0012`, `p10`: one word of code characters holding a digit."""
    return CODE_LOOKING.fullmatch(needle) is not None and any(ch.isdigit() for ch in needle)


def _escape(needle: str) -> str:
    return needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _prefix(column, needle: str, dialect: str):
    """`column` begins with `needle`: on SQLite a range on the index (its LIKE cannot use an
    index on an expression, and the column's BINARY order makes the range exact), elsewhere
    LIKE 'needle%' (PostgreSQL: the text_pattern_ops index on lower(code), or the trigram
    index, serves it whatever the collation)."""
    if dialect == "sqlite":
        # U+10FFFF, a noncharacter, is in no stored text (core.text.clean): every text that
        # begins with `needle` sorts (UTF-8, byte by byte) between these two bounds
        return (column >= needle) & (column < needle + "\U0010ffff")
    return column.like(f"{_escape(needle)}%", escape="\\")


def _contains(column, needle: str):
    return column.like(f"%{_escape(needle)}%", escape="\\")


def matches(entity, q: str, codes: bool = True, scan: bool = False) -> ColumnElement[bool]:
    """The condition "`entity`'s row matches the search `q`" (see the module's doc); `entity`
    is a registered model or an alias of one. `codes=False` matches names only (the public
    roll, whose visitors never see codes). Empty (after folding) → true(); the query's own
    `%`, `_` and `"` are literal.

    A query of several words matches rows holding every word, in any order (`dap vina`
    finds "Công đoàn Công ty CP DAP - Vinachem", `hung nguyen` finds "Nguyễn Văn Hùng"): each
    word of three characters or more as above, a shorter one as the beginning of a word of
    the name (`le van an`: "an", "anh", not the "an" inside "thanh").

    `scan=True`: the same rows by a condition no search index can serve (`column || ''`
    LIKE …, never SQLite's FTS table), for a query whose other conditions already narrow
    the rows to a few thousand (a branch's people, `org.services.people_query`): PostgreSQL
    then reads those rows first and tests each, instead of intersecting the trigram index's
    matches over the whole table with them (measured at 1,000,000 people, a branch of 5,000,
    "nguyen van": 1.0 s → 30–70 ms)."""
    needle = fold(q)
    if not needle:
        return true()
    spec = _REGISTRY[inspect(entity).mapper.local_table.name]
    dialect = db.session.get_bind().dialect.name
    words = needle.split()
    if len(words) == 1:
        return _word(entity, spec, needle, codes, dialect, scan)
    name = _column(entity, spec.name, scan)
    return and_(*(_word(entity, spec, w, codes, dialect, scan) if len(w) >= TRIGRAM
                  else or_(_prefix(name, w, dialect), _contains(name, " " + w))
                  for w in words))


def _column(entity, name: str, scan: bool):
    """`entity`'s column `name`, behind `|| ''` when `scan` (no index serves it)."""
    column = getattr(entity, name)
    return column.concat("") if scan else column


def _word(entity, spec: Searchable, needle: str, codes: bool, dialect: str,
          scan: bool = False):
    """One folded word (or a one-word query) as the module's doc says."""
    name = _column(entity, spec.name, scan)
    code = func.lower(getattr(entity, spec.code))
    if scan:
        code = code.concat("")
    if len(needle) < TRIGRAM:
        return or_(_prefix(name, needle, dialect),
                   *([_prefix(code, needle, dialect)] if codes else []))
    code_looking = codes and is_code_looking(needle)
    if dialect == "sqlite" and not scan and fts5_trigram_available() and _fts_ready(spec):
        fts = spec.fts
        phrase = '"' + needle.replace('"', '""') + '"'
        target = fts if codes and not code_looking else f"{fts}.{spec.name}"
        found = select(literal_column(f"{fts}.rowid")).select_from(text(fts)).where(
            literal_column(target).op("MATCH")(phrase))
        in_index = entity.id.in_(found)
        return or_(in_index, _prefix(code, needle, dialect)) if code_looking else in_index
    if code_looking:
        return or_(_prefix(code, needle, dialect), _contains(name, needle))
    return or_(_contains(name, needle), *([_contains(code, needle)] if codes else []))
