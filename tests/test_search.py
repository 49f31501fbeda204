"""One accent-free search (core.search) behind every list, backed by trigram indexes
(PostgreSQL's pg_trgm, SQLite's FTS5 trigram table kept by triggers), and capped counts
(core.counting) — issue 18, item 3."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, make_url, select, text, update

from emulation.auth.models import User
from emulation.core import permissions as perms
from emulation.core import search
from emulation.core.counting import COUNT_CAP, capped_count
from emulation.core.models import utcnow
from emulation.core.tabular import Row
from emulation.extensions import db
from emulation.org import importers
from emulation.org import services as org
from emulation.org.models import Person, Unit

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def people(world, in_app):
    """A few more people whose names and codes tell the search's cases apart."""
    from tests import factories as f

    with in_app() as session:
        unit = session.get(Unit, world.unit1.id)
        for code, name in (("CDCS-0012", "Lê Văn An"), ("CDCS-0120", "Nguyễn Thị Lệ"),
                           ("XCDCS-0012", "Phạm Minh Tuấn"), ("P10", "Đỗ Thị Thu Hà"),
                           ("KTX", "Hoàng Văn Bình")):
            f.gen_person(code, unit, name)


def _found(in_app, q: str, model=Person) -> set[str]:
    with in_app():
        query = org.people_query if model is Person else org.units_query
        return {p.code for p in db.session.scalars(query(perms.SYSTEM, q))}


def _dialect(in_app) -> str:
    with in_app():
        return db.engine.dialect.name


def test_names_are_found_without_accents_and_by_any_part(people, in_app):
    assert _found(in_app, "nguyen van duc") == {"P1"}
    assert _found(in_app, "NGUYỄN VĂN ĐỨC") == {"P1"}
    assert _found(in_app, "hang") == {"P2"}  # inside the name: Trần Thị Hằng
    assert _found(in_app, "thi") == {"P2", "CDCS-0120", "P10"}
    assert _found(in_app, "van an") == {"CDCS-0012"}
    assert _found(in_app, "cong ty dap", Unit) == {"CS-1"}
    assert _found(in_app, "thuoc la", Unit) == {"CD-B", "CS-2"}


def test_a_code_looking_query_finds_codes_by_prefix(people, in_app):
    assert _found(in_app, "cdcs-0012") == {"CDCS-0012"}  # not XCDCS-0012
    assert _found(in_app, "CDCS-0") == {"CDCS-0012", "CDCS-0120"}
    assert _found(in_app, "0012") == set()  # inside a code, not at its start
    assert _found(in_app, "p10") == {"P10"}
    assert _found(in_app, "cs-3", Unit) == {"CS-3"}
    # a code without a digit is a word: found anywhere in the code, as names are
    assert _found(in_app, "ktx") == {"KTX"}
    assert _found(in_app, "cdcs") == {"CDCS-0012", "CDCS-0120", "XCDCS-0012"}


def test_one_or_two_characters_match_the_beginning(people, in_app):
    assert _found(in_app, "le") == {"CDCS-0012"}  # Lê Văn An, not Nguyễn Thị Lệ
    assert _found(in_app, "Đỗ") == {"P10"}
    # codes P1, P2, P10; the name Phạm Minh Tuấn
    assert _found(in_app, "p") == {"P1", "P2", "P10", "XCDCS-0012"}
    assert _found(in_app, "x") == {"XCDCS-0012"}


def test_the_query_is_text_never_syntax(people, in_app):
    for q in ('100%_', '"', 'an" OR "thi', "a*", "NEAR(an thi)", "an:thi", "\\", "'--",
              "\ud7ff", "a\U0010fffd", "zq\x00"):
        assert _found(in_app, q) == set(), q
    assert _found(in_app, "") == {"P1", "P2", "CDCS-0012", "CDCS-0120", "XCDCS-0012", "P10",
                                  "KTX"}


def test_the_search_uses_the_trigram_index(people, in_app):
    """SQLite: the FTS5 table answers (MATCH); PostgreSQL: the GIN indexes do (the plan, seq
    scans off, as a large table would choose)."""
    with in_app():
        stmt = org.people_query(perms.SYSTEM, "van an")
        sql = str(stmt.compile(db.engine))
        if db.engine.dialect.name == "sqlite":
            assert search.fts5_trigram_available()
            assert "person_search MATCH" in sql
        else:
            db.session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = "\n".join(db.session.scalars(text(
                "EXPLAIN SELECT id FROM person WHERE name_folded LIKE '%van an%' "
                "OR lower(code) LIKE '%van an%'")))
            assert "ix_person_name_trgm" in plan and "ix_person_code_trgm" in plan, plan
            plan = "\n".join(db.session.scalars(text(
                "EXPLAIN SELECT id FROM person WHERE lower(code) LIKE 'cdcs-0%'")))
            assert "ix_person_code_lower" in plan, plan
            db.session.rollback()


def _fts_consistent(in_app) -> None:
    """SQLite: FTS5's own check of the index against the person table (raises if stale)."""
    with in_app():
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text(
                "INSERT INTO person_search(person_search, rank) VALUES ('integrity-check', 1)"))


def test_the_index_follows_every_change_of_a_person(people, world, in_app):
    with in_app() as session:
        person = session.scalar(select(Person).where(Person.code == "KTX"))
        person.set_name("Vũ Thị Ngọc Ánh")
        person.code = "KTX-9"
        session.commit()
    assert _found(in_app, "ngoc anh") == {"KTX-9"}
    assert _found(in_app, "binh") == set()
    assert _found(in_app, "ktx-9") == {"KTX-9"}
    # bulk statements, as the importers and the demo use
    with in_app() as session:
        session.execute(update(Person).where(Person.code == "KTX-9").values(
            **Person.name_columns("Trịnh Công Sơn")))
        session.execute(insert(Person), [
            {"code": f"BULK-{i}", "unit_id": world.unit2.id, "active": True, "version": 1,
             "created_at": utcnow(), "updated_at": utcnow(),
             **Person.name_columns(f"Người Thứ {i}")} for i in range(3)])
        session.commit()
    assert _found(in_app, "trinh cong") == {"KTX-9"}
    assert _found(in_app, "nguoi thu") == {"BULK-0", "BULK-1", "BULK-2"}
    with in_app() as session:
        session.delete(session.scalar(select(Person).where(Person.code == "P10")))
        session.execute(delete(Person).where(Person.code.startswith("BULK-")))
        session.commit()
    assert _found(in_app, "thu ha") == set()
    assert _found(in_app, "nguoi thu") == set()
    _fts_consistent(in_app)


def test_the_index_follows_the_people_import(people, world, in_app):
    """The import writes with executemany INSERT … RETURNING and UPDATE statements."""
    rows = [Row(2, {"code": "CDCS-0012", "full_name": "Lê Văn Ánh", "unit_code": "CS-1"}),
            Row(3, {"code": "NEW-1", "full_name": "Quách Thị Mỹ", "unit_code": "CS-2"})]
    with in_app() as session:
        admin = session.scalar(select(User).where(User.username == "admin"))
        result = importers.import_people(admin, rows)
        assert not result.errors and result.created == 1 and result.updated == 1
    assert _found(in_app, "van anh") == {"CDCS-0012"}
    assert _found(in_app, "van an") == {"CDCS-0012"}  # "lê văn ánh" holds "van an"
    assert _found(in_app, "quach thi") == {"NEW-1"}
    _fts_consistent(in_app)


def test_units_are_indexed_too(world, in_app):
    with in_app() as session:
        unit = session.get(Unit, world.unit3.id)
        unit.set_name("Công đoàn Công ty Supe Phốt phát")
        session.commit()
    assert _found(in_app, "supe phot", Unit) == {"CS-3"}
    assert _found(in_app, "lam thao", Unit) == set()


def test_capped_count(world, in_app):
    with in_app() as session:
        session.execute(insert(Person), [
            {"code": f"M{i:05d}", "unit_id": world.unit1.id, "active": True, "version": 1,
             "created_at": utcnow(), "updated_at": utcnow(),
             **Person.name_columns(f"Thành Viên {i}")} for i in range(COUNT_CAP + 5)])
        session.commit()
        everyone = select(Person)
        assert capped_count(everyone) == (COUNT_CAP, True)
        assert capped_count(everyone, cap=5000) == (COUNT_CAP + 7, False)
        assert capped_count(everyone.where(Person.code.startswith("M0000"))) == (10, False)


def test_a_long_list_says_more_than_in_vietnamese(world, in_app, login):
    with in_app() as session:
        session.execute(insert(Person), [
            {"code": f"M{i:05d}", "unit_id": world.unit1.id, "active": True, "version": 1,
             "created_at": utcnow(), "updated_at": utcnow(),
             **Person.name_columns(f"Thành Viên {i}")} for i in range(COUNT_CAP + 5)])
        session.commit()
    client = login("admin")
    html = client.get("/people/").get_data(as_text=True)
    assert "Hơn 1.000 bản ghi" in html
    assert 'href="/people/?page=2"' in html
    assert "?page=21" not in html  # no last page is claimed
    # a search under the cap is counted exactly: Thành Viên 100, 1000 … 1004
    html = client.get("/people/?q=thanh+vien+100").get_data(as_text=True)
    assert "6 bản ghi" in html
    # a list read by skipping rows (the nominations, core.counting) counts to the page
    # asked when deeper than the cap; the people list is read by key (tests/test_keyset.py)


def _run(args, env):
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True)


def test_the_migration_goes_up_and_down(tmp_path, app):
    """On the suite's database kind: upgrade to head builds the index (SQLite: the FTS5
    table and its triggers, filled; PostgreSQL: the GIN indexes), downgrade removes it,
    upgrade again, and `db check` finds the models and the database alike."""
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    schema = "migrate_search"
    if url.startswith("postgres"):
        with app.app_context():
            db.session.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE; "
                                    f"CREATE SCHEMA {schema}"))
            db.session.commit()
        url = make_url(url).update_query_dict({"options": f"-csearch_path={schema},public"}) \
            .render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'm.db'}"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "x"}
    try:
        for step in (["upgrade"], ["check"], ["downgrade", "d12f781e8be4"], ["upgrade"],
                     ["check"]):
            done = _run(step, env)
            assert done.returncode == 0, (step, done.stdout + done.stderr)
            if step == ["downgrade", "d12f781e8be4"]:
                assert _search_objects(url) == set()
        assert _search_objects(url) == (
            {"ix_person_name_trgm", "ix_person_code_trgm", "ix_unit_name_trgm",
             "ix_unit_code_trgm", "ix_person_code_lower", "ix_unit_code_lower"}
            if url.startswith("postgres") else
            {"person_search", "unit_search", "person_search_ai", "person_search_ad",
             "person_search_au", "unit_search_ai", "unit_search_ad", "unit_search_au",
             "ix_person_code_lower", "ix_unit_code_lower"})
    finally:
        if url.startswith("postgres"):
            with app.app_context():
                db.session.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
                db.session.commit()


def _search_objects(url: str) -> set[str]:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if url.startswith("postgres"):
                return set(conn.scalars(text(
                    "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                    "AND (indexname LIKE '%trgm' OR indexname LIKE '%code_lower')")))
            names = set(conn.scalars(text(
                "SELECT name FROM sqlite_master WHERE name LIKE '%search%' "
                "OR name LIKE '%code_lower'")))
            shadows = {f"{t}_search_{s}" for t in ("person", "unit")
                       for s in ("data", "idx", "docsize", "config")}
            assert not names & shadows or {"person_search", "unit_search"} <= names
            return names - shadows
    finally:
        engine.dispose()


def test_several_words_match_in_any_order_short_ones_at_a_word_start(world, in_app):
    """`dap vina` finds the unit "Công đoàn Công ty CP DAP - Vinachem" (the picker's search,
    tester16); `duc nguyen` finds "Nguyễn Văn Đức"; a short word must begin a word of the
    name: `van an` does not find "Nguyễn Văn Thanh"."""
    from emulation.org.models import Unit as UnitModel
    from tests.factories import gen_person, gen_unit

    with in_app() as session:
        parent = session.get(UnitModel, world.branch_a.id)
        gen_unit("CDCS-DAP", "Công đoàn Công ty CP DAP - Vinachem", parent)
        unit = session.get(UnitModel, world.unit1.id)
        gen_person("T1", unit, "Nguyễn Văn Thanh")
        gen_person("T2", unit, "Lê Văn An")
        session.commit()

        def people(q):
            return sorted(session.scalars(select(Person.full_name).where(
                search.matches(Person, q))).all())

        assert session.scalars(select(UnitModel.code).where(
            search.matches(UnitModel, "dap vina"))).all() == ["CDCS-DAP"]
        assert people("duc nguyen") == ["Nguyễn Văn Đức"]
        assert people("van an") == ["Lê Văn An"]
        assert people("le an") == ["Lê Văn An"]


QUERIES = ("nguyen van duc", "hang", "thi", "van an", "cdcs-0012", "CDCS-0", "0012", "p10",
           "ktx", "cdcs", "le", "Đỗ", "p", "x", '100%_', '"', "a*", "\\", "")


def test_a_scan_finds_the_same_people_in_the_same_order(people, in_app):
    """`matches(scan=True)` (no index: a branch's search) selects what the indexed form
    selects, in the same order, on every database."""
    with in_app():
        assert "name_folded ||" in str(search.matches(Person, "van an", scan=True)
                                       .compile(db.engine))
        for q in QUERIES:
            def run(scan, q=q):
                return db.session.scalars(select(Person.code).where(
                    search.matches(Person, q, scan=scan))
                    .order_by(search.order_key(Person.sort_key, q), Person.id)).all()
            assert run(True) == run(False), q


def test_a_branch_search_reads_the_branch_and_finds_the_same(people, world, in_app,
                                                            monkeypatch):
    """A search within a unit (or by a user covering a branch) scans the branch's people when
    they are at most SMALL_SCOPE, else goes by the index: the same people, same order."""
    with in_app():
        unit = db.session.get(Unit, world.branch_a.id)

        def run(q):
            stmt = org.people_query(perms.SYSTEM, q, unit)
            return str(stmt.compile(db.engine)), db.session.scalars(stmt).all()

        for q in QUERIES:
            scanned_sql, scanned = run(q)
            monkeypatch.setattr(org, "SMALL_SCOPE", 0)
            indexed_sql, indexed = run(q)
            monkeypatch.setattr(org, "SMALL_SCOPE", 10_000)
            assert [p.id for p in scanned] == [p.id for p in indexed], q
            if search.fold(q):
                assert "name_folded ||" in scanned_sql, q
                assert "name_folded ||" not in indexed_sql, q
        assert {p.code for p in run("thi")[1]} >= {"CDCS-0120", "P10"}
        whole = org.people_query(perms.SYSTEM, "van an")  # the whole tree: no count, indexed
        assert "name_folded ||" not in str(whole.whereclause.compile(db.engine))
