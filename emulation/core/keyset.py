"""Pagination by key (keyset, "seek"): a page starts after the key of the previous page's last
row (`WHERE key > :last ORDER BY key LIMIT n`) instead of skipping rows with `OFFSET`, so page
10,000 costs what page 1 costs.

The key is the statement's ORDER BY, whose last column must make it unique (the primary key
as tie-breaker). The position travels in an opaque cursor signed with the application's secret
key (itsdangerous): a cursor that was tampered with, cut short, or made for another list raises
`BadCursor` (the web answers 400, never 500). A cursor holds the key values of one row, the
direction (after / before that row) and the page's number, for display only.

NULL in a key column sorts last whatever the direction, in both SQLite and PostgreSQL (a
nullable column is ordered `NULLS LAST` explicitly; a non-null column keeps its plain order so
that PostgreSQL still reads it from its index).

`capped_count(stmt, cap)` counts at most `cap + 1` rows (a list's "more than 1,000").
"""
from __future__ import annotations

import base64
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import Column, and_, false, inspect, literal, or_, tuple_
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

COUNT_CAP = 1000
"""A long list (web or API) counts its rows up to this many ("more than 1,000" beyond)."""

MAX_CURSOR_LENGTH = 1000
"""A longer `cursor` argument is refused before it is read."""


class BadCursor(ValueError):
    """A cursor that was not made by this application for this list (tampered, truncated,
    of another list or another sort order, or of another secret key)."""


@dataclass(frozen=True)
class KeyColumn:
    """One column of the key: the expression, its direction, whether it may be NULL."""

    expr: object
    descending: bool
    nullable: bool

    def ordered(self, forward: bool):
        """The ORDER BY clause of this column when reading `forward` (else backwards)."""
        clause = self.expr.desc() if self.descending == forward else self.expr.asc()
        if self.nullable:  # NULL last reading forward, hence first reading backwards
            clause = clause.nulls_last() if forward else clause.nulls_first()
        return clause

    def equal(self, value):
        return self.expr.is_(None) if value is None else self.expr == value

    def beyond(self, value, forward: bool):
        """Rows strictly after `value` (reading forward) or strictly before it (backwards)
        in this column's order."""
        if value is None:  # NULL is last: nothing after it, every non-NULL before it
            return false() if forward else self.expr.isnot(None)
        later = self.expr < value if self.descending == forward else self.expr > value
        if self.nullable and forward:
            return or_(later, self.expr.is_(None))
        return later


@dataclass
class KeysetPage:
    """One page of a keyset-paginated list.

    `items`: the page's rows (an entity, or a tuple of the selected columns); `page`: its
    number (1 for the first; carried in the cursor, display only); `next_cursor` /
    `prev_cursor`: opaque strings for the following / preceding page, None at either end;
    `total`: `capped_count` when asked (an int up to `cap`; `total_capped` when there are
    more)."""

    items: list
    per_page: int
    page: int = 1
    next_cursor: str | None = None
    prev_cursor: str | None = None
    total: int | None = None
    total_capped: bool = False
    cap: int | None = None
    numbered: int = 0
    """How many of the first pages the list links by number (set by the web's `keyset`)."""

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_prev(self) -> bool:
        return self.prev_cursor is not None or self.page > 1

    @property
    def pages(self) -> int | None:
        """Number of pages when the count is exact (None when it was capped or not asked)."""
        if self.total is None or self.total_capped:
            return None
        return max(1, -(-self.total // self.per_page))


def key_columns(stmt) -> list[KeyColumn]:
    """The key of a statement: its ORDER BY clauses as `KeyColumn`s (`col`, `col.asc()`,
    `col.desc()`, with or without NULLS FIRST/LAST). Raises ValueError when it has none."""
    clauses = list(stmt._order_by_clauses)  # SQLAlchemy keeps them here (sqlakeyset reads it)
    if not clauses:
        raise ValueError("keyset pagination needs an ORDER BY ending with a unique column")
    key = []
    for clause in clauses:
        descending = False
        while isinstance(clause, UnaryExpression) and clause.modifier in (
                operators.desc_op, operators.asc_op, operators.nulls_first_op,
                operators.nulls_last_op):
            if clause.modifier is operators.desc_op:
                descending = True
            clause = clause.element
        nullable = clause.nullable if isinstance(clause, Column) else True
        if isinstance(clause, Column) and clause.primary_key:
            nullable = False
        key.append(KeyColumn(clause, descending, bool(nullable)))
    return key


def with_tie_breaker(stmt, key: list[KeyColumn]) -> list[KeyColumn]:
    """The key, ended by the primary key of the statement's first entity when it does not end
    with a primary key column already (`ORDER BY unit.path` → `unit.path, unit.id`): rows with
    equal sort values are then neither skipped nor repeated across pages."""
    last = key[-1].expr
    if isinstance(last, Column) and last.primary_key:
        return key
    entity = stmt.column_descriptions[0].get("entity")
    if entity is None:
        raise ValueError("keyset pagination needs an ORDER BY ending with a unique column")
    mapper = inspect(entity)
    return key + [KeyColumn(column, False, False) for column in mapper.primary_key]


def _serializer(key: list[KeyColumn]) -> URLSafeSerializer:
    # the salt names the list's key, so a cursor of another list or sort order is refused
    scope = "|".join(f"{c.expr}:{int(c.descending)}" for c in key)
    return URLSafeSerializer(current_app.secret_key, salt=f"keyset:{scope}")


def _dump(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return {"f": repr(value)}
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    raise TypeError(f"cannot put a {type(value).__name__} in a cursor")


def _load(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        (tag, text), = value.items()
        if isinstance(text, str):
            try:
                return {"f": float, "t": datetime.fromisoformat, "d": date.fromisoformat,
                        "n": Decimal}[tag](text)
            except (KeyError, ValueError, InvalidOperation):
                pass
    raise BadCursor("a value of the cursor is not a key value")


def encode_cursor(key: list[KeyColumn], values, forward: bool, page: int) -> str:
    """The opaque cursor of a position: after (`forward`) or before the row of `values`."""
    return _serializer(key).dumps([1 if forward else 0, page, [_dump(v) for v in values]])


def decode_cursor(key: list[KeyColumn], cursor: str) -> tuple[list, bool, int]:
    """(key values, forward, page number) of a cursor; BadCursor when it is not one of this
    list's (bad signature, wrong shape, too long)."""
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR_LENGTH:
        raise BadCursor("cursor too long")
    try:
        data = _serializer(key).loads(cursor)
    except (BadData, UnicodeError, ValueError, zlib.error, base64.binascii.Error) as err:
        raise BadCursor("not a cursor of this list") from err
    if not (isinstance(data, list) and len(data) == 3 and data[0] in (0, 1)
            and isinstance(data[1], int) and not isinstance(data[1], bool)
            and 1 <= data[1] <= 10**9 and isinstance(data[2], list)
            and len(data[2]) == len(key)):
        raise BadCursor("not a cursor of this list")
    return [_load(v) for v in data[2]], bool(data[0]), data[1]


def seek(key: list[KeyColumn], values, forward: bool):
    """The WHERE clause of the rows strictly after (`forward`) or before the row of `values`
    in the key's order: OR over i of (c0 = v0 AND … AND c(i-1) = v(i-1) AND ci beyond vi).
    When every column goes the same way, is not NULL and has a value, this is one row-value
    comparison `(c0, c1…) > (v0, v1…)` (both SQLite and PostgreSQL read an index with it);
    otherwise the first column is also bounded (`c0 >= v0`) so that an index on it is used."""
    if (all(not c.nullable and v is not None for c, v in zip(key, values, strict=True))
            and len({c.descending for c in key}) == 1 and len(key) > 1):
        left = tuple_(*[c.expr for c in key])
        right = tuple_(*[literal(v, c.expr.type) for c, v in zip(key, values, strict=True)])
        return left < right if key[0].descending == forward else left > right
    alternatives = []
    if len(key) == 1 and values[0] is not None and not key[0].nullable:
        return key[0].beyond(values[0], forward)
    for i, column in enumerate(key):
        alternatives.append(and_(*[c.equal(v) for c, v in zip(key[:i], values[:i],
                                                                 strict=True)],
                                 column.beyond(values[i], forward)))
    clause = or_(*alternatives)
    first, value = key[0], values[0]
    if value is not None and not first.nullable:
        bound = (first.expr <= value) if first.descending == forward else first.expr >= value
        clause = and_(bound, clause)
    return clause


def _runs(key: list[KeyColumn], values) -> list[list[int]] | None:
    """The key's columns in runs of one direction (`year DESC | award_code, id`), when every
    column is NOT NULL with a value (None otherwise: one OR predicate is used)."""
    if any(c.nullable or v is None for c, v in zip(key, values, strict=True)):
        return None
    runs: list[list[int]] = []
    for i, column in enumerate(key):
        if runs and key[runs[-1][0]].descending == column.descending:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def seek_branches(key: list[KeyColumn], values, forward: bool) -> list:
    """The rows beyond a position as disjoint WHERE clauses, nearest first, one per run of a
    direction: `year = :y AND (award_code, id) > (:c, :i)`, then `year < :y`. Each is one
    range of an index on the key (its columns in the key's directions), where a single OR
    over a key of mixed directions makes PostgreSQL read and discard every row between the
    start of the first column's value and the position. One clause when the key goes one way
    (or has NULLs)."""
    runs = _runs(key, values)
    if runs is None or len(runs) == 1:
        return [seek(key, values, forward)]
    branches = []
    for j in reversed(range(len(runs))):
        before = [i for run in runs[:j] for i in run]
        sub_key = [key[i] for i in runs[j]]
        sub_values = [values[i] for i in runs[j]]
        branches.append(and_(*[key[i].equal(values[i]) for i in before],
                             seek(sub_key, sub_values, forward)))
    return branches


def keyset_page(session, stmt, per_page: int, cursor: str | None = None, page: int = 1,
                count_cap: int | None = None) -> KeysetPage:
    """One page of `stmt` (a select whose ORDER BY ends with a unique column).

    `cursor`: None for the first page, else one of a previous page's `next_cursor` /
    `prev_cursor` (BadCursor when it is not). `page` (no cursor): a small page number read
    with OFFSET (the numbered links of the first pages; the caller bounds it). `count_cap`:
    also count the rows up to that many (`capped_count`). One query for the page (at most one
    per run of a direction of the key after a cursor, see `seek_branches`: two for the honour
    roll's `year DESC, award_code, id`), plus one for the count, plus one when the first page
    is read again after reading backwards to the start. Rows: the entity when `stmt` selects
    one, else a tuple of its columns."""
    key = with_tie_breaker(stmt, key_columns(stmt))
    width = len(stmt.column_descriptions)
    keyed = stmt.add_columns(*[c.expr.label(f"_keyset_{i}") for i, c in enumerate(key)])
    forward, number, values = True, max(1, page), None
    if cursor:
        values, forward, number = decode_cursor(key, cursor)
    result = KeysetPage(items=[], per_page=per_page)
    if count_cap is not None:
        result.total, result.cap = capped_count(session, stmt, count_cap), count_cap
        result.total_capped = result.total > count_cap
        result.total = min(result.total, count_cap)

    def fetch(forward: bool, values, offset: int = 0) -> list:
        query = keyed.order_by(None).order_by(*[c.ordered(forward) for c in key])
        if values is None:
            return list(session.execute(query.limit(per_page + 1).offset(offset or None)))
        rows: list = []
        for branch in seek_branches(key, values, forward):  # nearest first, until full
            rows += session.execute(query.where(branch).limit(per_page + 1 - len(rows))).all()
            if len(rows) > per_page:
                break
        return rows

    rows = fetch(forward, values, 0 if cursor else (number - 1) * per_page)
    more = len(rows) > per_page
    rows = rows[:per_page]
    if not forward:
        rows.reverse()
        number = max(number, 2)
        if not more:  # back at the start: the first page, full
            rows = fetch(True, None)
            more, rows, number, forward = len(rows) > per_page, rows[:per_page], 1, True
    result.page = number
    result.items = [row[0] if width == 1 else tuple(row[:width]) for row in rows]
    if rows:
        if more or not forward:
            result.next_cursor = encode_cursor(key, list(rows[-1][width:]), True, number + 1)
        if number > 1:
            result.prev_cursor = encode_cursor(key, list(rows[0][width:]), False, number - 1)
    return result


def cursor_at(session, stmt, position: int, page: int = 2) -> str | None:
    """The cursor of the page starting after the `position`-th row of `stmt` (1-based; None
    past the end), labelled page `page`: a deep link for a bench or a test, read once with
    OFFSET."""
    key = with_tie_breaker(stmt, key_columns(stmt))
    row = session.execute(stmt.with_only_columns(*[c.expr for c in key]).order_by(None)
                          .order_by(*[c.ordered(True) for c in key])
                          .offset(position - 1).limit(1)).first()
    return None if row is None else encode_cursor(key, list(row), True, page)


def capped_count(session, stmt, cap: int) -> int:
    """Rows of `stmt`, counted up to `cap + 1` only (`SELECT count(*) FROM (… LIMIT cap+1)`):
    a result above `cap` means "more than cap" without reading the rest."""
    from emulation.core import counting  # the one capped count (search lists use it too)

    n, more = counting.capped_count(stmt, cap, session)
    return n + 1 if more else n


