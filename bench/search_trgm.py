"""Search before and after the trigram indexes (issue 18, item 3), on PostgreSQL.

    DATABASE_URL=postgresql+psycopg://… SECRET_KEY=x python bench/search_trgm.py before|after

`before`: the former query (LIKE '%…%' on the folded name and lower(code)) with its exact
COUNT(*); `after`: core.search.matches with the capped count (core.counting). Each query is
run `RUNS` times under EXPLAIN (ANALYZE, BUFFERS): the median and the least execution time
of the page (50 rows, ORDER BY sort_key, id) and of the count, and the plan's first line.
The people table is filled by /work/notes/search18-readme.md's INSERT … SELECT.
"""
from __future__ import annotations

import statistics
import sys

from sqlalchemy import func, select, text

from emulation import create_app
from emulation.core import permissions as perms
from emulation.core.counting import COUNT_CAP
from emulation.core.text import like_pattern
from emulation.extensions import db
from emulation.org import services as org
from emulation.org.models import Person

RUNS = 5
QUERIES = ("dieu khue", "khue", "nguyen van", "thanh hung", "nv0555555", "NV00012", "le",
           "zzz")


def _old(q: str):
    pattern = like_pattern(q)
    return (select(Person).where(Person.active.is_(True))
            .where(Person.name_folded.like(pattern, escape="\\")
                   | func.lower(Person.code).like(pattern, escape="\\"))
            .order_by(Person.sort_key, Person.id))


def _explain(stmt) -> tuple[float, float, str, int]:
    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    times, plan = [], []
    for _ in range(RUNS):
        plan = list(db.session.scalars(text(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")))
        times.append(float(plan[-1].split(":")[1].split()[0]))
    hits = next((line for line in plan if "Buffers:" in line), "").strip()
    return statistics.median(times), min(times), plan[0].strip(), hits


def main(mode: str) -> None:
    app = create_app()
    with app.app_context():
        print(f"{mode}: {db.session.scalar(select(func.count()).select_from(Person)):,} people")
        for q in QUERIES:
            stmt = _old(q) if mode == "before" else org.people_query(perms.SYSTEM, q)
            page = stmt.limit(50)
            if mode == "before":
                count = select(func.count()).select_from(stmt.order_by(None).subquery())
            else:
                count = select(func.count()).select_from(
                    stmt.order_by(None).limit(COUNT_CAP + 1).subquery())
            rows = len(db.session.scalars(page).unique().all())
            n = db.session.scalar(count)
            for what, s in (("page", page), ("count", count)):
                median, least, head, hits = _explain(s)
                print(f"{q!r:14} {what:5} rows={rows:3} count={n:>7}  median {median:8.1f} ms"
                      f"  min {least:8.1f} ms  | {head[:70]} | {hits}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "after")
