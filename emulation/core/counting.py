"""Counts that stop: a list of a million rows shows "more than 1,000 records" instead of
scanning every row for an exact number.

`capped_count` counts over `LIMIT cap + 1` (the database stops at the cap+1-th row);
`CappedPagination` is Flask-SQLAlchemy's page with such a count: `total` is exact up to the
cap, and `more` says the list goes on past it (the pager then prints "more than …" and no
last page).
"""
from __future__ import annotations

from typing import NamedTuple

from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from emulation.extensions import db

COUNT_CAP = 1000


class Count(NamedTuple):
    """`value` rows, or more than `value` when `more`."""

    value: int
    more: bool


def capped_count(stmt, cap: int = COUNT_CAP, session=None) -> Count:
    """The rows of `stmt` (a select) counted up to `cap`: Count(n, False) when there are
    n ≤ cap, Count(cap, True) when there are more. Reads at most cap + 1 rows."""
    limited = stmt.options(lazyload("*")).order_by(None).limit(cap + 1).subquery()
    n = (session or db.session).scalar(select(func.count()).select_from(limited)) or 0
    return Count(cap, True) if n > cap else Count(n, False)


class CappedPagination(SelectPagination):
    """A page whose count stops at COUNT_CAP, or at the end of the page when deeper (so the
    next page's link stays right): `total` is that count, `more` is True when rows remain
    past it."""

    more: bool = False

    def _query_count(self) -> int:
        cap = max(COUNT_CAP, self._query_offset + self.per_page)
        count = capped_count(self._query_args["select"], cap, self._query_args["session"])
        self.more = count.more
        # one past the cap: the page count then holds a next page after the cap's
        return count.value + 1 if count.more else count.value

    @property
    def shown(self) -> int:
        """The count a pager prints: the total, or the cap when `more` (the total then holds
        one row past the cap)."""
        return self.total - 1 if self.more else self.total


class CappedRowsPagination(CappedPagination):
    """CappedPagination of rows of several columns or entities."""

    def _query_items(self) -> list:
        stmt = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(stmt).all())


def paginate(stmt, page: int, per_page: int, rows: bool = False) -> CappedPagination:
    """Page `page` of `stmt` with a capped count (past the last page: an empty page); with
    `rows`, whole rows rather than the first entity of each."""
    cls = CappedRowsPagination if rows else CappedPagination
    return cls(select=stmt, session=db.session, page=page, per_page=per_page,
               max_per_page=per_page, error_out=False)
