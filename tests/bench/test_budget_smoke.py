"""bench/budget.py at a tiny scale: the set-based generator makes the sizes the scale asks for,
in the shapes the app stores (folded names, sort keys, unit paths, awards from appraisals),
every measured line prints all its columns, and the imports leave the data as they found it
(checked again by a second `--keep` run). On PostgreSQL too when the suite runs there."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from emulation.core.text import fold
from emulation.org.models import person_sort_key

ROOT = Path(__file__).resolve().parents[2]
SCALE = 0.005  # 10 units, 1,000 people, 10,000 appraisals, 150 nominations
ONLY = ["GET /units/", "GET /people/?q", "batch eligibility", "import", "ranking freeze",
        "scores.xlsx (built at"]
TIME = r"\d+\.\d+(?:ms|s)"
LABEL = re.compile(r"^(?:GET|job|import|batch|ranking) ")  # the first 44 characters
COLUMNS = re.compile(rf"^\s*\S.*?\s+{TIME}\s+{TIME}\s+(?P<db>{TIME}|in-proc)\s+\d+\.\d\s+\d+"
                      rf"(?:\s+{TIME}\s+\d+\.\d×\s+\d+\.\d×)?\s*$")


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    return url if url and url.startswith("postgres") else None


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """A database URL for the bench: a file in tmp_path, or a PostgreSQL database made for
    this test beside the suite's (the bench drops and creates every table)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/budget.db"
        return
    base = _postgres_url()
    if base is None:
        pytest.skip("PostgreSQL: set TEST_DATABASE_URL")
    base = "postgresql+psycopg://" + base.split("://", 1)[1]
    name = f"bench_smoke_{uuid.uuid4().hex[:8]}"
    server = create_engine(base, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with server.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        server.dispose()


def _bench(url: str, *extra: str) -> str:
    command = [sys.executable, str(ROOT / "bench" / "budget.py"), "--scale", str(SCALE),
               "--database", url, *extra, *[a for part in ONLY for a in ("--only", part)]]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "DATABASE_URL": ""})
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _check_table(output: str, postgres: bool) -> None:
    """Every line measured, with its median, Python CPU, database CPU, peak and queries."""
    measured = {}
    for row in output.splitlines():
        assert "FAILED" not in row, row
        if LABEL.match(row):
            match = COLUMNS.match(row[44:])
            assert match, row
            measured[row[:44].strip()] = match["db"]
    assert set(measured) == {
        "GET /units/", "GET /people/?q=nguyen+van", "GET /people/?q=nguyen+van&branch",
        "GET /units/export.xlsx", "job batch eligibility (year's nominations)",
        "job ranking freeze", "job scores.xlsx (built at the freeze)",
        "import units (same file again)", "import people (1,000 changed)"}, output
    assert all((db != "in-proc") == postgres for db in measured.values()), measured
    assert "renamed" not in output, output


def test_budget_generates_the_scale_and_measures(database):
    postgres = database.startswith("postgresql")
    first = _bench(database)
    counts = re.search(r"generated in \d+ s: (.*)", first)
    assert counts, first
    units, people = int(2000 * SCALE), int(200_000 * SCALE)
    leaves = units - max(2, units // 50) - 1
    clusters = [min(20, leaves - start) for start in range(0, leaves, 20)]
    expected = {"units": units, "people": people, "appraisals": 10 * people,
                "score lines": sum(n * (n + 1) * 10 for n in clusters),
                "nominations": int(30_000 * SCALE)}
    found = {name: int(n.replace(",", "")) for n, name in
             re.findall(r"([\d,]+) ([a-z ]+?)(?:,|$)", counts[1])}
    assert {k: found[k] for k in expected} == expected, counts[1]
    _check_table(first, postgres)

    engine = create_engine(database)
    with engine.connect() as conn:
        awards = dict(conn.execute(text(
            "SELECT award_code, count(*) FROM award_record GROUP BY award_code")).all())
        good = conn.scalar(text(
            "SELECT count(*) FROM appraisal WHERE level IN ('excellent', 'good')"))
        excellent = conn.scalar(text("SELECT count(*) FROM appraisal WHERE level = 'excellent'"))
        names = conn.execute(text("SELECT full_name, name_folded, sort_key FROM person")).all()
        paths = conn.execute(text(
            "SELECT u.path, p.path, u.id, u.depth FROM unit u LEFT JOIN unit p "
            "ON p.id = u.parent_id")).all()
        sheets_without_total = conn.scalar(text(
            "SELECT count(*) FROM score_sheet WHERE total IS NULL"))
    assert awards["LDTT"] == good and 0 < awards["CSTDCS"] <= excellent
    assert found["award records"] == awards["LDTT"] + awards["CSTDCS"]
    assert len({n.full_name for n in names}) > 500  # names vary, with diacritics
    assert any(n.full_name != n.name_folded for n in names)
    assert all(n.name_folded == fold(n.full_name) and n.sort_key == person_sort_key(
        n.name_folded) for n in names)
    assert all(path == (parent or "/") + f"{uid}/" and depth == path.count("/") - 2
               for path, parent, uid, depth in paths), paths[:5]
    assert sheets_without_total == 0

    def untouched(conn) -> int:
        return conn.scalar(text("SELECT count(*) FROM person WHERE version <> 1 "
                                "OR full_name LIKE '% Mới'"))

    with engine.connect() as conn:
        assert untouched(conn) == 0  # the people import was rolled back
    second = _bench(database, "--keep")
    assert "; kept: " in second and counts[1] in second
    _check_table(second, postgres)
    with engine.connect() as conn:
        assert untouched(conn) == 0
    engine.dispose()
