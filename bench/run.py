"""Benchmarks at a union's real size: imports, list pages, search and export.

Run with `make bench` (or `.venv/bin/python bench/run.py [--people N] [--units N]`).
Prints its figures; it asserts nothing about time.
"""
from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emulation import create_app
from emulation.auth.models import RoleGrant, User
from emulation.auth.services import hash_password
from emulation.core.keyset import cursor_at
from emulation.core.permissions import SYSTEM
from emulation.core.tabular import read_table
from emulation.demo import GIVEN, MIDDLE, SURNAMES
from emulation.extensions import db
from emulation.org import importers
from emulation.org.models import Unit
from emulation.org.services import people_query

PASSWORD = "bench-password-123"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database", help="DATABASE_URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    url = args.database or f"sqlite:///{tmp}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False, "SECRET_KEY": "bench",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    rng = random.Random(7)
    with app.app_context():
        db.drop_all()
        db.create_all()
        unit_rows, leaf_codes = make_units(args.units)
        people_rows = make_people(rng, args.people, leaf_codes)
        units_csv = to_csv(importers.UNIT_COLUMNS, unit_rows)
        people_csv = to_csv(importers.PEOPLE_COLUMNS, people_rows)
        print(f"database: {db.engine.dialect.name}; {len(unit_rows):,} units, "
              f"{len(people_rows):,} people")
        timed("import units (create)", lambda: run_import(importers.UNIT_COLUMNS,
                                                          importers.import_units, units_csv))
        timed("import people (create)", lambda: run_import(importers.PEOPLE_COLUMNS,
                                                           importers.import_people, people_csv))
        timed("import people (same file again)",
              lambda: run_import(importers.PEOPLE_COLUMNS, importers.import_people, people_csv))
        top = db.session.scalar(db.select(Unit).where(Unit.parent_id.is_(None)))
        user = User(username="bench", password_hash=hash_password(PASSWORD))
        user.grants.append(RoleGrant(role="organiser", unit=top))
        db.session.add(user)
        db.session.commit()
    client = app.test_client()
    client.post("/login", data={"username": "bench", "password": PASSWORD})
    with app.test_request_context():  # page 1,000 of the people list, by key (50 a page)
        bench_user = db.session.scalar(db.select(User).where(User.username == "bench"))
        deep = "/people/?cursor=" + cursor_at(db.session, people_query(bench_user), 999 * 50,
                                              1000)
    for label, url_ in (("GET /units/", "/units/"), ("GET /units/?page=40", "/units/?page=40"),
                        ("GET /people/", "/people/"),
                        ("GET /people/?q=nguyen van", "/people/?q=nguyen+van"),
                        ("GET /people/ page 1000 (by key)", deep)):
        per_request(label, client, url_)
    start = time.perf_counter()
    response = client.get("/people/export.xlsx")
    print(f"{'GET /people/export.xlsx':<36} {time.perf_counter() - start:8.2f} s  "
          f"({len(response.data) / 1e6:.1f} MB, status {response.status_code})")


def make_units(count: int):
    rows = [["ROOT", "Công đoàn Bench", "", "Công đoàn ngành", ""]]
    branches = max(1, count // 50)
    leaves = []
    for b in range(branches):
        rows.append([f"B{b}", f"Công đoàn cấp trên {b}", "ROOT", "Công đoàn cấp trên cơ sở", ""])
    for i in range(count - branches - 1):
        code = f"L{i}"
        rows.append([code, f"Công đoàn cơ sở số {i}", f"B{i % branches}", "Công đoàn cơ sở", ""])
        leaves.append(code)
    return rows, leaves or ["ROOT"]


def make_people(rng, count: int, units: list[str]):
    rows = []
    for i in range(count):
        gender = rng.choice(("male", "female"))
        name = " ".join((rng.choice(SURNAMES), rng.choice(MIDDLE[gender]),
                         rng.choice(GIVEN[gender])))
        rows.append([f"P{i:07d}", name, "Nam" if gender == "male" else "Nữ",
                     f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1960, 2003)}",
                     "Công nhân", units[i % len(units)], ""])
    return rows


def to_csv(columns, rows) -> bytes:
    import csv

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([c.header for c in columns])
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def run_import(columns, run, data: bytes):
    rows = read_table(io.BytesIO(data), "bench.csv", columns, 10_000_000).rows
    result = run(SYSTEM, rows)
    assert result.ok, result.errors[:5]
    return f"created {result.created:,}, updated {result.updated:,}, " \
           f"unchanged {result.unchanged:,}"


def timed(label: str, fn) -> None:
    start = time.perf_counter()
    detail = fn()
    print(f"{label:<36} {time.perf_counter() - start:8.2f} s  ({detail})")


def per_request(label: str, client, url: str, repeat: int = 20) -> None:
    client.get(url)
    start = time.perf_counter()
    for _ in range(repeat):
        status = client.get(url).status_code
    elapsed = (time.perf_counter() - start) / repeat * 1000
    print(f"{label:<36} {elapsed:8.1f} ms per request (status {status})")


if __name__ == "__main__":
    main()
