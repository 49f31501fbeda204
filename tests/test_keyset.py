"""Pagination by key (emulation/core/keyset.py): every row exactly once and in order, ties on
the sort columns, NULLs, both directions, any mix of ascending and descending columns; the
previous pages give back the same pages; a cursor not made for the list is refused. Runs on
SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Date, Integer, MetaData, String, Table, delete, insert, select

from emulation.core.keyset import BadCursor, capped_count, keyset_page
from emulation.extensions import db

probe = Table("keyset_probe", MetaData(),
              Column("id", Integer, primary_key=True, autoincrement=False),
              Column("a", Integer, nullable=True),
              Column("b", String(5), nullable=False),
              Column("d", Date, nullable=True))


@pytest.fixture(scope="module")
def table(app):
    with app.app_context():
        probe.create(db.engine, checkfirst=True)
    yield app
    with app.app_context():
        probe.drop(db.engine, checkfirst=True)


def _fill(rows):
    db.session.execute(delete(probe))
    if rows:
        db.session.execute(insert(probe), [dict(zip(("id", "a", "b", "d"), r, strict=True))
                                           for r in rows])
    db.session.flush()


def _expected(rows, order):
    """Python's order of the rows: each column in its direction, NULL last either way."""
    index = {"a": 1, "b": 2, "d": 3, "id": 0}
    result = list(rows)
    for name, descending in reversed(order):  # stable sorts, last key first
        present = [r for r in result if r[index[name]] is not None]
        missing = [r for r in result if r[index[name]] is None]
        present.sort(key=lambda r, i=index[name]: r[i], reverse=descending)
        result = present + missing
    return [r[0] for r in result]


def _statement(order):
    return select(probe.c.id, probe.c.a).order_by(
        *[probe.c[name].desc() if descending else probe.c[name] for name, descending in order])


def _walk(stmt, per_page):
    pages, cursor = [], None
    while True:
        page = keyset_page(db.session, stmt, per_page, cursor=cursor)
        pages.append(page)
        assert len(pages) < 200
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


rows_strategy = st.lists(
    st.tuples(st.one_of(st.none(), st.integers(0, 3)), st.sampled_from(["a", "ab", "b"]),
              st.one_of(st.none(), st.sampled_from([date(2026, 1, 1), date(2026, 12, 31)]))),
    max_size=25)
order_strategy = st.lists(st.tuples(st.sampled_from(["a", "b", "d"]), st.booleans()),
                          unique_by=lambda c: c[0], max_size=3).flatmap(
    lambda cols: st.booleans().map(lambda desc: cols + [("id", desc)]))


@settings(max_examples=60, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(values=rows_strategy, order=order_strategy, per_page=st.integers(1, 6))
def test_pages_cover_every_row_once_in_order_and_go_back(table, values, order, per_page):
    with table.app_context():
        rows = [(i + 1, *v) for i, v in enumerate(values)]
        _fill(rows)
        stmt = _statement(order)
        pages = _walk(stmt, per_page)
        seen = [item[0] for page in pages for item in page.items]
        assert seen == _expected(rows, order)
        assert [p.page for p in pages] == list(range(1, len(pages) + 1))
        assert all(len(p.items) == per_page for p in pages[:-1])
        assert pages[0].prev_cursor is None and not pages[0].has_prev
        # back from the last page, one page at a time: the same pages, down to the first
        page = pages[-1]
        for expected in reversed(pages[:-1]):
            page = keyset_page(db.session, stmt, per_page, cursor=page.prev_cursor)
            assert page.items == expected.items and page.page == expected.page
        assert page.prev_cursor is None
        db.session.rollback()


def test_numbered_pages_continue_by_key_and_count_is_capped(table):
    with table.app_context():
        rows = [(i, i % 3, "ab", None) for i in range(1, 24)]  # ties on a, every d NULL
        _fill(rows)
        stmt = _statement([("a", True), ("d", False), ("id", False)])
        third = keyset_page(db.session, stmt, 5, page=3, count_cap=10)
        assert third.page == 3 and third.total == 10 and third.total_capped
        fourth = keyset_page(db.session, stmt, 5, cursor=third.next_cursor)
        whole = [r[0] for p in _walk(stmt, 5) for r in p.items]
        assert [r[0] for r in third.items + fourth.items] == whole[10:20]
        assert fourth.page == 4
        assert keyset_page(db.session, stmt, 5, cursor=third.prev_cursor).page == 2
        assert capped_count(db.session, stmt, 100) == 23
        assert capped_count(db.session, stmt, 5) == 6
        exact = keyset_page(db.session, stmt, 5, count_cap=100)
        assert exact.total == 23 and not exact.total_capped and exact.pages == 5
        db.session.rollback()


def test_a_cursor_of_another_order_or_tampered_is_refused(table):
    with table.app_context():
        _fill([(i, i, "a", None) for i in range(1, 6)])
        stmt = _statement([("a", False), ("id", False)])
        cursor = keyset_page(db.session, stmt, 2).next_cursor
        other = _statement([("a", True), ("id", False)])
        for bad_stmt, bad in ((other, cursor), (stmt, cursor[:-1]), (stmt, cursor + "A"),
                              (stmt, "x" * 2000), (stmt, "\x00"), (stmt, "Zm9v.YmFy")):
            with pytest.raises(BadCursor):
                keyset_page(db.session, bad_stmt, 2, cursor=bad)
        db.session.rollback()


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.text(max_size=300))
def test_garbage_is_always_a_bad_cursor(table, garbage):
    with table.app_context():
        stmt = _statement([("b", False), ("id", True)])
        try:
            keyset_page(db.session, stmt, 2, cursor=garbage)
        except BadCursor:
            pass
        else:
            assert garbage == ""  # only the empty cursor is the first page
        db.session.rollback()
