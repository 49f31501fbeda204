"""The speed budget at a large union's size, in one table.

Generates 2,000 units, 200,000 people with 10 years of appraisals and awards, a full campaign
(pledges, results, ≈420,000 score lines) and 30,000 nominations into SQLite — or into the
database of `--database` / DATABASE_URL (PostgreSQL) — then measures every list page, the
dashboard, the ranking, the batch eligibility check, every export and the imports:

    operation · data size · median time · Python CPU · database CPU · peak Python memory ·
    queries · floor · ratio · CPU ratio

`--scale 5` is the national scale (10,000 units, 1,000,000 people, 10,000,000 appraisals,
≈8.6 M award records, ≈2 M score lines, 150,000 nominations): the big tables are filled
set-based (INSERT … SELECT over generate_series / a recursive CTE), in minutes.

The CPU columns are the mean CPU time a measured run used: of this Python process
(`time.process_time`, which includes SQLite, an in-process database) and of the PostgreSQL
backends of the connections it opened (utime + stime from /proc/<pid>/stat, so the server
must run on this machine). On a loaded machine the wall-clock median grows, they do not.
A run longer than 5 s is measured once (no warm-up run).

A page's floor is a bare Flask route, registered here only, that runs the same essential query
and renders a minimal table; an export's floor is raw xlsxwriter writing the same cells.
Targets: pages under 150 ms and within 3× of their floor; exports within 2× of theirs; export
memory flat in the number of rows (compare the peaks of exports of 2,000 and 200,000 rows).
It prints figures and asserts nothing. The imports are measured inside a transaction that is
rolled back, so the data stays as generated for the next `--keep` run.

    make bench                                  # SQLite (and the other benches)
    .venv/bin/python bench/budget.py --database postgresql://postgres@127.0.0.1/bench
    .venv/bin/python bench/budget.py --scale 0.1   # a tenth of the size, to try it quickly
    .venv/bin/python bench/budget.py --database sqlite:////tmp/b.db --keep --only ranking
                                                  # measure again on the same data
    .venv/bin/python bench/budget.py --scale 5 --keep --database postgresql://…/bench5 \
        --skip .xlsx                              # the pages only, on the national scale
"""
from __future__ import annotations

import argparse
import gc
import io
import os
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl
import xlsxwriter
from flask import has_app_context, render_template_string
from sqlalchemy import DateTime, bindparam, event, select, text, update

from emulation import create_app
from emulation.api.services import create_token
from emulation.auth.models import RoleGrant, User
from emulation.auth.services import hash_password
from emulation.awards.catalogue.data import seed
from emulation.awards.catalogue.models import AwardType
from emulation.awards.decisions.services import decisions_query
from emulation.awards.nominations import services as nominations
from emulation.awards.nominations.models import Nomination
from emulation.awards.records.models import Appraisal, AwardRecord, AwardTally
from emulation.awards.records.services import honours_query
from emulation.campaigns import dashboard as campaign_dashboard
from emulation.campaigns import services as cs
from emulation.campaigns.models import Campaign, Cluster
from emulation.core.audit import AuditEvent
from emulation.core.keyset import COUNT_CAP, keyset_page
from emulation.core.permissions import SYSTEM
from emulation.core.tabular import read_table
from emulation.core.text import fold
from emulation.demo import GIVEN, MIDDLE, SURNAMES
from emulation.extensions import db
from emulation.org import importers
from emulation.org.models import Person, Unit
from emulation.org.services import people_query, rebuild_paths, units_query
from emulation.pledges.services import state_counts
from emulation.scoring import services as scoring
from emulation.scoring import sheet_counts
from emulation.scoring.models import Score, ScoreSheet

PASSWORD = "bench-password-123"
NOW = datetime.now(timezone.utc)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the full size")
    parser.add_argument("--database", action="append",
                        help="a database URL to fill and measure (repeatable); default: a "
                             "temporary SQLite file, then DATABASE_URL when it is PostgreSQL")
    parser.add_argument("--keep", action="store_true",
                        help="reuse the organisation already generated in --database")
    parser.add_argument("--only", action="append",
                        help="measure only the operations whose label contains this text "
                             "(repeatable)")
    parser.add_argument("--skip", action="append",
                        help="do not measure the operations whose label contains this text "
                             "(repeatable); several processes on the same --keep data can "
                             "share the lines (only the one measuring the ranking freezes it)")
    parser.add_argument("--repeat", type=int, default=7,
                        help="measured runs of a page (and of its floor); default 7")
    parser.add_argument("--serial-db", action="store_true",
                        help="PostgreSQL: no parallel query workers on the measured "
                             "connections, so the db CPU column holds all the database's work "
                             "(a worker's CPU is not counted: it is another process)")
    args = parser.parse_args()
    urls = args.database or [f"sqlite:///{tempfile.mkdtemp()}/budget.db"] + [
        u for u in [os.environ.get("DATABASE_URL", "")] if u.startswith("postgres")]
    ONLY.extend(args.only or [])
    SKIP.extend(args.skip or [])
    global PAGE_RUNS
    PAGE_RUNS = args.repeat
    for url in urls:
        measure_all(url, args)


ONLY: list[str] = []
PAGE_RUNS = 7
SKIP: list[str] = []


FROZEN = "GET /campaigns/1/ranking"  # the frozen ranking's line (the bench's campaign is 1)
ELIGIBILITY = "job batch eligibility (year's nominations)"
FREEZE = "job ranking freeze"
SCORES_AT_FREEZE = "job scores.xlsx (built at the freeze)"
FREEZING = (FROZEN, FREEZE, SCORES_AT_FREEZE)  # the lines that need the ranking frozen


def wanted(label: str) -> bool:
    """Whether the line `label` is to be measured (--only, --skip)."""
    return ((not ONLY or any(part in label for part in ONLY))
            and not any(part in label for part in SKIP))


def maintain() -> None:
    """What a maintained database has had done: statistics (ANALYZE) and, on PostgreSQL,
    autovacuum's visibility map, without which no index-only scan skips the table."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def _branch_organiser() -> int:
    """The user `benchbranch`, organiser of the first branch (made once); its people."""
    top = db.session.scalar(select(Unit).where(Unit.code == "B000"))
    if db.session.scalar(select(User.id).where(User.username == "benchbranch")) is None:
        user = User(username="benchbranch", password_hash=hash_password(PASSWORD),
                    full_name="Bench branch")
        user.grants.append(RoleGrant(role="organiser", unit=top))
        db.session.add(user)
        db.session.commit()
    return db.session.scalar(select(db.func.count(Person.id)).join(Unit).where(
        Unit.path.startswith(top.path)))


def _generated() -> bool:
    """Whether the database already holds the generated organisation."""
    try:
        return db.session.scalar(select(User.id).where(User.username == "bench")) is not None
    except Exception:  # noqa: BLE001 — no tables yet
        db.session.rollback()
        return False


def _stored_figures() -> None:
    """A database generated before the honour roll's figures were stored: add their table and
    fill it (as `flask honours rebuild` does), once."""
    from emulation.awards.records import tally
    from emulation.awards.records.models import AwardTally

    AwardTally.__table__.create(db.engine, checkfirst=True)
    if db.session.scalar(select(AwardTally.year).limit(1)) is None:
        tally.rebuild()
        db.session.commit()


def measure_all(url: str, args) -> None:
    """Generate the organisation into `url` (emptied first) and print the table."""
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False, "SECRET_KEY": "bench",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "LOGIN_RATE_LIMIT": "100000 per minute",
                      # exports are measured as written; `job …` lines measure the same
                      # export made as a job, run in-process as the worker would run it
                      "QUEUE_IMMEDIATE": True, "EXPORT_JOB_ROWS": NEVER_A_JOB,
                      "JOBS_FOLDER": tempfile.mkdtemp()})
    size = {"units": int(2000 * args.scale), "people": int(200_000 * args.scale),
            "nominations": int(30_000 * args.scale)}
    with app.app_context():
        start = time.perf_counter()
        kept = args.keep and _generated()
        if kept:
            _stored_figures()
            campaign = db.session.scalar(select(Campaign))
            ids = {"campaign": campaign.id, "year": campaign.year_end}
            settings = scoring.settings_for(campaign)
            if settings.frozen_at is not None and any(map(wanted, FREEZING)):  # an earlier run
                scoring.unfreeze(SYSTEM, campaign, settings.version, "bench")
        else:
            db.drop_all()
            db.create_all()
            ids = generate(size)
            db.session.commit()
            maintain()
        counts = {t: db.session.scalar(select(db.func.count()).select_from(m)) for t, m in (
            ("units", Unit), ("people", Person), ("appraisals", Appraisal),
            ("award records", AwardRecord), ("score lines", Score),
            ("nominations", Nomination))}
        made = "kept" if kept else f"generated in {time.perf_counter() - start:.0f} s"
        print(f"database: {db.engine.dialect.name}; {made}: " +
              ", ".join(f"{v:,} {k}" for k, v in counts.items()), flush=True)
        print(f"machine: {machine()}")
        print("CPU columns: mean CPU time a run used, of this Python process (py) and of the "
              + (("PostgreSQL backends of its connections (db), " + (
                  "parallel query off (--serial-db)" if args.serial_db else
                  "without any parallel workers' CPU")) if db.engine.dialect.name ==
                 "postgresql" else "database (SQLite runs in-process: in py)"))
    add_floor_routes(app, ids)
    gc.collect()
    gc.freeze()  # what gunicorn.conf.py's post_worker_init does once a worker has loaded the app
    client = app.test_client()
    client.post("/login", data={"username": "bench", "password": PASSWORD})
    admin = app.test_client()
    admin.post("/login", data={"username": "benchadmin", "password": PASSWORD})
    with app.app_context():
        branch_people = _branch_organiser()
    branch = app.test_client()  # an organiser of one branch of 40: a part of the tree
    branch.post("/login", data={"username": "benchbranch", "password": PASSWORD})
    with app.app_context():
        bench = db.session.scalar(select(User).where(User.username == "bench"))
        client.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + create_token(
            bench, bench, "bench")[1]
        meter = Meter(db.engine, args.serial_db)
    c, year = ids["campaign"], ids["year"]
    pages = [
        ("/units/", f"{counts['units']:,} units", "units"),
        ("/people/", f"{counts['people']:,} people", "people"),
        ("/people/?q=nguyen+van", "search", "people_search"),
        ("/people/?branch", f"{branch_people:,} (a branch)", "people"),
        ("/people/?q=nguyen+van&branch", "search (a branch)", "people_search"),
        ("/campaigns/", "campaigns", "campaigns"),
        (f"/campaigns/{c}", "9 movements, clusters", "clusters"),
        (f"/campaigns/{c}/pledges", f"{size['units']:,} pledges", None),
        (f"/campaigns/{c}/dashboard", "pledges + results", "behind"),
        (f"/campaigns/{c}/scoring", f"{counts['score lines']:,} lines", "scoring_hub"),
        (f"/campaigns/{c}/ranking", f"{counts['score lines']:,} lines", None),
        ("/nominations/", f"{counts['nominations']:,} nominations", "nominations"),
        (f"/honours/?year={year - 1}", f"{counts['award records']:,} records", "honours"),
        ("/decisions/", "decisions", "decisions"),
        ("/admin/audit/", "audit log (admin)", "audit"),
        ("/api/v1/people?per_page=50", f"{counts['people']:,} people", None),
        ("/api/v1/award-records?per_page=50", f"{counts['award records']:,} records", None),
        ("/api/v1/campaigns", "campaigns", None),
        ("/api/v1/decisions", "decisions", None),
        ("/scoring/", "sheets to fill", None),
        ("/councils/", "councils", None),
        ("/publications/", "publications", None),
        ("/notifications/", "notifications", None),
        ("/awards/", "award catalogue", None),
        ("/admin/users/", "users (admin)", None),
    ]
    print()
    header()
    for path, data, floor in pages:
        who = admin if path.startswith("/admin/") else branch if "branch" in path else client
        page(who, meter, path, data, floor)
    if wanted(ELIGIBILITY):
        eligibility_job(app, client, meter)
    with app.app_context():
        campaign = db.session.get(Campaign, c)
        operation(meter, "ranking compute (service)", f"{counts['score lines']:,} lines",
                  lambda: scoring.compute(campaign))
    scores_job = None
    if any(map(wanted, FREEZING)):
        scores_job = freeze_job(app, meter, c, date(year + 1, 1, 1),
                                f"{counts['units']:,} units")
    if wanted(FROZEN):
        page(client, meter, f"/campaigns/{c}/ranking", "frozen snapshot", None)
    if scores_job and wanted(SCORES_AT_FREEZE):
        scores_at_freeze(app, meter, scores_job, f"{counts['score lines']:,} lines")
    exports = [
        ("/units/export.xlsx", f"{counts['units']:,} rows"),
        ("/people/export.xlsx", f"{counts['people']:,} rows"),
        (f"/campaigns/{c}/export/pledges.xlsx", f"{size['units'] * 9:,} rows"),
        (f"/campaigns/{c}/export/results.xlsx", f"{size['units'] * 9:,} rows"),
        (f"/campaigns/{c}/export/scores.xlsx", f"{counts['score lines']:,} lines"),
        (f"/honours/export.xlsx?year={year - 1}", "a year of awards"),
        ("/honours/statistics.xlsx", "per unit and year"),
    ]
    for path, data in exports:
        if "scores" in path and scores_job:  # frozen: the file built at the freeze, served
            export(client, meter, path, "served from the kept file", floor=False)
            continue
        export(client, meter, path, data)
    for path, data in exports[1:2] + exports[4:5]:
        if "scores" in path and scores_job:  # frozen: its job is the line at the freeze
            continue
        export_job(app, client, meter, path, data)
    imports(app, meter, size)
    print(f"\nmachine at the end: {machine()}")
    print("Targets: pages < 150 ms and ≤ 3× floor; exports ≤ 2× raw xlsxwriter; "
          "export memory flat in rows.")


# --- measuring ---------------------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
LONG = 5.0  # seconds: a run this long is measured once, its first run (no warm-up run)


class Meter:
    """Counts the queries sent and reads CPU time: this Python process's (`process_time`: the
    app, and SQLite, which runs in-process) and, on PostgreSQL, that of the server backends of
    every connection the engine opens (utime + stime of /proc/<pid>/stat — the server runs on
    this machine; a query's parallel workers, if the planner starts any, are not counted)."""

    def __init__(self, engine, serial: bool = False):
        self.count, self.serial = 0, serial
        self.postgres = engine.dialect.name == "postgresql"
        self.backends: dict[int, float] = {}  # pid → CPU seconds last read
        event.listen(engine, "before_cursor_execute", self._count)
        if self.postgres:
            event.listen(engine, "connect", self._connected)
            engine.dispose()  # every connection from now on is one whose backend is known

    def _count(self, *args):
        self.count += 1

    def _connected(self, dbapi_connection, _record):
        self.backends[dbapi_connection.info.backend_pid] = 0.0  # = SELECT pg_backend_pid()
        if self.serial:  # no parallel workers: their CPU would be missing from the column
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET max_parallel_workers_per_gather = 0")
            dbapi_connection.commit()

    def cpu(self) -> tuple[float, float | None]:
        """(Python process seconds, database backend seconds or None for SQLite), cumulative."""
        return time.process_time(), self._backend_seconds() if self.postgres else None

    def _backend_seconds(self) -> float:
        for pid in self.backends:
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:  # the backend has gone: keep what it had used
                continue
            self.backends[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        return sum(self.backends.values())


class Timing:
    """Wall-clock median of the measured runs and the mean CPU seconds a run used."""

    def __init__(self, median: float, python: float, database: float | None):
        self.median, self.python, self.database = median, python, database

    @property
    def cpu(self) -> float:
        """Python's and the database's CPU seconds together (what a loaded machine leaves
        comparable: the `CPU ×` column is this against the floor's)."""
        return self.python + (self.database or 0.0)


def header() -> None:
    print(f"{'operation':<44} {'data':>18} {'median':>9} {'py CPU':>9} {'db CPU':>9} "
          f"{'peak MB':>8} {'queries':>7} {'floor':>8} {'ratio':>6} {'CPU ×':>6}")
    print("-" * 133)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f}ms" if seconds < 10 else f"{seconds:7.2f}s "


def line(label, data, timing: Timing, peak, queries, floor: Timing | None = None) -> None:
    floor_text = f"{floor.median * 1000:7.1f}ms" if floor else ""
    ratio = f"{timing.median / floor.median:5.1f}×" if floor else ""
    cpu_ratio = f"{timing.cpu / floor.cpu:5.1f}×" if floor and floor.cpu else ""
    db_cpu = _ms(timing.database) if timing.database is not None else "in-proc"
    print(f"{label:<44} {data:>18} {_ms(timing.median):>9} {_ms(timing.python):>9} "
          f"{db_cpu:>9} {peak:8.1f} {queries:7d} {floor_text:>8} {ratio:>6} {cpu_ratio:>6}",
          flush=True)


def failed(label, data, error) -> None:
    """A line that could not be measured: said in the table, the run goes on."""
    if has_app_context():
        db.session.rollback()
    print(f"{label:<44} {data:>18} FAILED: {type(error).__name__}: {str(error)[:200]}",
          flush=True)


def timed(meter: Meter, fn, repeat: int) -> Timing:
    """Run `fn` once to warm up, then `repeat` times; a first run longer than LONG is the
    measurement itself."""
    def cpu_since(before, runs):
        after = meter.cpu()
        return ((after[0] - before[0]) / runs,
                None if after[1] is None else (after[1] - before[1]) / runs)

    before, start = meter.cpu(), time.perf_counter()
    fn()
    first = time.perf_counter() - start
    if first > LONG:
        return Timing(first, *cpu_since(before, 1))
    runs = []
    before = meter.cpu()
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return Timing(statistics.median(runs), *cpu_since(before, repeat))


def peak_and_queries(meter, fn) -> tuple[float, int]:
    meter.count = 0
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6, meter.count


def page(client, meter, path, data, floor_name) -> None:
    if not wanted(f"GET {path}"):
        return
    def get():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    try:
        timing = timed(meter, get, PAGE_RUNS)
        peak, queries = peak_and_queries(meter, get)
        floor = (timed(meter, lambda: client.get(f"/_floor/{floor_name}"), PAGE_RUNS)
                 if floor_name else None)
    except Exception as error:  # noqa: BLE001 — reported in the table
        return failed(f"GET {path}", data, error)
    line(f"GET {path}", data, timing, peak, queries, floor)


def operation(meter, label, data, fn) -> None:
    if not wanted(label):
        return
    try:
        timing = timed(meter, fn, 3)
        peak, queries = peak_and_queries(meter, fn)
    except Exception as error:  # noqa: BLE001 — reported in the table
        return failed(label, data, error)
    line(label, data, timing, peak, queries)


def export(client, meter, path, data, floor: bool = True) -> None:
    """The export downloaded; `floor`: also read it back and time raw xlsxwriter writing the
    same cells (not for a file served from storage)."""
    if not wanted(f"GET {path}"):
        return
    def get():
        """Download as a browser does, block by block to disk (the server's memory is what
        is measured, not a copy of the whole file held here)."""
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        size = sum(len(block) for block in response.response)
        response.close()
        return size

    try:
        timing = timed(meter, get, 2)
        peak, queries = peak_and_queries(meter, get)
        if not floor:
            return line(f"GET {path}", data, timing, peak, queries)
        cells = [list(r) for ws in openpyxl.load_workbook(io.BytesIO(client.get(path).data),
                                                          read_only=True)
                 .worksheets for r in ws.iter_rows(values_only=True)]
        floor = timed(meter, lambda: raw_xlsx(cells), 2)
    except Exception as error:  # noqa: BLE001 — reported in the table
        return failed(f"GET {path}", data, error)
    line(f"GET {path}", data, timing, peak, queries, floor)
    if len(cells) >= XLSX_MAX_ROWS:
        print(f"{'':<44} the workbook holds {len(cells):,} rows: a sheet's limit is "
              f"{XLSX_MAX_ROWS:,}")


XLSX_MAX_ROWS = 1_048_576


def _once(meter, fn, prepare=None) -> tuple[Timing, float, int]:
    """A long job measured as the worker runs it, once for the time and CPU, once under
    tracemalloc for the peak (`prepare()` before each, not measured)."""
    if prepare:
        prepare()
    before, start = meter.cpu(), time.perf_counter()
    fn()
    seconds, after = time.perf_counter() - start, meter.cpu()
    timing = Timing(seconds, after[0] - before[0],
                    None if after[1] is None else after[1] - before[1])
    if prepare:
        prepare()
    peak, queries = peak_and_queries(meter, fn)
    return timing, peak, queries


def eligibility_job(app, client, meter) -> None:
    """The eligibility check of the year's nominations, as an organiser starts it from the
    nominations list: the POST that queues it, then the chunked job (eligibility.batch) run
    in-process as the worker runs it, writing one result a nomination."""
    from emulation.awards.eligibility import batch
    from emulation.awards.eligibility.models import EligibilityResult
    from emulation.jobs.models import Job

    with app.app_context():
        year = db.session.scalar(select(db.func.max(Nomination.year)))
        total = db.session.scalar(select(db.func.count(Nomination.id)).where(
            Nomination.year == year, Nomination.state != "withdrawn"))
    tokens: list[str] = []

    def run():
        response = client.post("/nominations/eligibility-check", data={"year": str(year)})
        assert response.status_code in (302, 303), response.status_code
        tokens.append(response.headers["Location"].rsplit("/", 1)[1])
        with app.app_context():
            job = db.session.get(Job, tokens[-1])
            assert job.state == "done" and job.kind == batch.KIND, (job.state, job.error)

    try:
        timing, peak, queries = _once(meter, run)
    except Exception as error:  # noqa: BLE001 — reported in the table
        return failed(ELIGIBILITY, f"{total:,} nominations", error)
    finally:
        with app.app_context():  # the results it kept: not the bench's data
            db.session.execute(EligibilityResult.__table__.delete().where(
                EligibilityResult.job_id.in_(tokens)))
            db.session.commit()
    line(ELIGIBILITY, f"{total:,} nominations", timing, peak, queries)


def freeze_job(app, meter, campaign_id: int, today: date, data: str) -> str | None:
    """Freeze the ranking as the hub's button does (`scoring.start_freeze`, its job run
    in-process as the worker runs it) — measured when FREEZE is wanted. The scores workbook
    the freeze queues is kept aside (in production another worker builds it): its job id is
    returned for `scores_at_freeze`."""
    from emulation.jobs import services as jobs
    from emulation.jobs import tasks

    deferred: list[str] = []
    run_job = tasks.run_job
    with app.app_context():  # a build left running by a bench run that was stopped would be
        db.session.execute(update(jobs.Job).where(  # given back instead of a new one
            jobs.Job.state.in_(jobs.UNFINISHED)).values(state="failed"))
        db.session.commit()

    def queue_apart(token: str):
        with app.app_context():
            from emulation.jobs.models import Job

            if db.session.get(Job, token).kind == "scores_frozen":
                deferred.append(token)
                return None
        return run_job(token)

    def unfreeze():
        with app.app_context():
            campaign = db.session.get(Campaign, campaign_id)
            settings = scoring.settings_for(campaign)
            if settings.frozen_at is not None:
                scoring.unfreeze(SYSTEM, campaign, settings.version, "bench")
            db.session.commit()

    def run():
        with app.app_context():
            campaign = db.session.get(Campaign, campaign_id)
            bench = db.session.scalar(select(User).where(User.username == "bench"))
            job = scoring.start_freeze(bench, campaign, scoring.settings_for(campaign).version,
                                       today)
            assert job.state == "done", (job.state, job.error)

    tasks.run_job = queue_apart
    try:
        if wanted(FREEZE):
            timing, peak, queries = _once(meter, run, unfreeze)
            line(FREEZE, data, timing, peak, queries)
        else:
            unfreeze()
            run()
    except Exception as error:  # noqa: BLE001 — reported in the table
        failed(FREEZE, data, error)
        return None
    finally:
        tasks.run_job = run_job
    with app.app_context():  # the builds of the earlier freezes were discarded by unfreeze
        for token in deferred[:-1]:
            jobs.discard(db.session.get(jobs.Job, token), "bench")
        db.session.commit()
    return deferred[-1] if deferred else None


def scores_at_freeze(app, meter, token: str, data: str) -> None:
    """The scores workbook built once at the freeze (every score line over as many sheets
    as the rows need, and each cluster's ranking), as the worker builds it."""
    from emulation.jobs import services as jobs
    from emulation.jobs.models import Job

    with app.app_context():
        job = db.session.get(Job, token)
        params, user_id, kind = job.params, job.user_id, job.kind
    tokens = [token]

    def again():  # the second run (under tracemalloc) builds it as a fresh job
        with app.app_context():
            if len(tokens) == 1 and db.session.get(Job, token).state == "done":
                new = jobs.Job(id=token[:-4] + "peak", user_id=user_id, kind=kind,
                               params=params, state="queued", rows_done=0, rows_total=0)
                db.session.add(new)
                db.session.commit()
                tokens.append(new.id)

    def run():
        with app.app_context():
            jobs.run(tokens[-1])
            job = db.session.get(Job, tokens[-1])
            assert job.state == "done", (job.state, job.error)

    try:
        before, start = meter.cpu(), time.perf_counter()
        run()
        seconds, after = time.perf_counter() - start, meter.cpu()
        timing = Timing(seconds, after[0] - before[0],
                        None if after[1] is None else after[1] - before[1])
        print(f"{'':<44} its first run: {_ms(timing.median)}, {_ms(timing.python)} "
              "Python CPU (the peak run follows)", flush=True)
        again()
        peak, queries = peak_and_queries(meter, run)
        with app.app_context():
            job = db.session.get(Job, token)
            book = openpyxl.load_workbook(jobs.stored_file(job), read_only=True)
            sheets = [(ws.title, ws.max_row) for ws in book.worksheets]
            book.close()
            rows = job.rows_done
            jobs.discard(db.session.get(Job, tokens[-1]), "bench")  # the peak run's copy
            db.session.commit()
    except Exception as error:  # noqa: BLE001 — reported in the table
        return failed(SCORES_AT_FREEZE, data, error)
    line(SCORES_AT_FREEZE, data, timing, peak, queries)
    print(f"{'':<44} {rows:,} rows written; sheets: " +
          ", ".join(f"{title} ({n:,} rows)" for title, n in sheets))


def export_job(app, client, meter, path, data) -> None:
    """The export made as a job: from the request to the finished file kept for download,
    progress written as it goes (in-process here; the worker runs the same function)."""
    from emulation.jobs import services as jobs
    from emulation.jobs.models import Job

    if not wanted(f"job {path}"):
        return
    writes: list[int] = []
    save = jobs.save_progress

    def recording(job_id: str, rows: int) -> None:
        writes.append(rows)
        save(job_id, rows)

    def run():
        response = client.get(path)
        assert response.status_code == 302, (path, response.status_code)
        status = client.get(response.headers["Location"] + "/status").get_json()
        assert status["state"] == "done", status

    with app.app_context():  # a job left running by a bench run that was stopped would be
        db.session.execute(update(Job).where(  # given back instead of a new one
            Job.state.in_(("queued", "running"))).values(state="failed"))
        db.session.commit()
    jobs.save_progress, app.config["EXPORT_JOB_ROWS"] = recording, 0
    try:
        timing = timed(meter, run, 1)
        peak, queries = peak_and_queries(meter, run)
    except Exception as error:  # noqa: BLE001 — reported in the table
        return failed(f"job {path}", data, error)
    finally:
        jobs.save_progress, app.config["EXPORT_JOB_ROWS"] = save, NEVER_A_JOB
    line(f"job {path}", data, timing, peak, queries)
    print(f"{'':<44} progress written {len(writes) // 3} times a run, e.g. "
          f"{', '.join(f'{n:,}' for n in writes[:3])} … rows")


NEVER_A_JOB = 10**9


def raw_xlsx(rows) -> bytes:
    """The floor of an export: xlsxwriter alone writing the same cells."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for col, value in enumerate(row):
            if value is not None:
                sheet.write(r, col, value)
    book.close()
    return buffer.getvalue()


def imports(app, meter, size) -> None:
    """Each import measured once, then rolled back: its final commit is made a flush, so the
    database is left as it was found (the commit's own cost is not in the figure)."""
    if not wanted("import units (same file again)") and not wanted("import people"):
        return
    with app.app_context():
        units_file = to_csv(importers.UNIT_COLUMNS, [
            [u.code, u.name, u.parent.code if u.parent else "", "", ""]
            for u in db.session.scalars(select(Unit).order_by(Unit.path))])
        people = db.session.execute(select(Person.code, Person.full_name, Unit.code)
                                    .join(Unit, Unit.id == Person.unit_id)
                                    .order_by(Person.id).limit(20_000)).all()
        people_file = to_csv(importers.PEOPLE_COLUMNS, [
            [code, name + " Mới", "Nam", "01/01/1990", "Công nhân", unit, ""]
            for code, name, unit in people])
        for label, columns, run, data, rows in (
                ("import units (same file again)", importers.UNIT_COLUMNS,
                 importers.import_units, units_file, size["units"]),
                (f"import people ({len(people):,} changed)", importers.PEOPLE_COLUMNS,
                 importers.import_people, people_file, len(people))):
            if not wanted(label):
                continue
            def go(columns=columns, run=run, data=data):
                table = read_table(io.BytesIO(data), "f.csv", columns, 10**7)
                session = db.session()
                session.commit = session.flush  # what the import writes stays uncommitted
                try:
                    result = run(SYSTEM, table.rows)
                    assert result.ok, result.errors[:3]
                finally:
                    del session.commit
                    db.session.rollback()
            meter.count = 0
            before, start = meter.cpu(), time.perf_counter()
            try:
                go()
            except Exception as error:  # noqa: BLE001 — reported in the table
                failed(label, f"{rows:,} rows", error)
                continue
            elapsed, after = time.perf_counter() - start, meter.cpu()
            timing = Timing(elapsed, after[0] - before[0],
                            None if after[1] is None else after[1] - before[1])
            line(label, f"{rows:,} rows", timing, 0.0, meter.count)
        renamed = db.session.scalar(select(db.func.count(Person.id)).where(
            Person.full_name.like("% Mới")))
        if renamed:
            print(f"the imports left {renamed:,} people renamed")


def machine() -> str:
    """This machine, as a table's caption states it."""
    model = next((row.split(":", 1)[1].strip() for row in
                  Path("/proc/cpuinfo").read_text().splitlines()
                  if row.startswith("model name")), "?")
    memory = next((int(row.split()[1]) / 2**20 for row in
                   Path("/proc/meminfo").read_text().splitlines()
                   if row.startswith("MemTotal")), 0)
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    return (f"{os.cpu_count()} CPUs ({model}), {memory:.0f} GB; load average {load}")


def to_csv(columns, rows) -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.header for c in columns])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


# --- floors: the same essential query, a minimal table -----------------------------------------

FLOOR_TEMPLATE = ("<table>{% for r in rows %}<tr><td>{{ r.id }}</td><td>{{ r }}</td></tr>"
                  "{% endfor %}</table><p>{{ total }}</p>")


def _or_nobody(query):
    """The units-behind query, or an empty one when no deadline has passed (None: nobody can
    be behind). Not `query or …`: a SQL expression has no truth value."""
    return query if query is not None else select(Unit).where(Unit.id < 0)


def add_floor_routes(app, ids) -> None:
    from flask_login import current_user

    queries = {
        "units": lambda: units_query(current_user),
        "people": lambda: people_query(current_user),
        "people_search": lambda: people_query(current_user, "nguyen van"),
        "campaigns": lambda: cs.campaigns_query(current_user),
        "nominations": lambda: nominations.nominations_query(current_user),
        "honours": lambda: honours_query(ids["year"] - 1),
        "decisions": lambda: decisions_query(current_user),
        "audit": lambda: select(AuditEvent).order_by(AuditEvent.id.desc()),
        # the campaign page: a page of its clusters; the dashboard: a page of the units behind
        "clusters": lambda: select(Cluster).where(Cluster.campaign_id == ids["campaign"])
        .order_by(Cluster.id),
        "behind": lambda: _or_nobody(campaign_dashboard._behind_query(
            db.session.get(Campaign, ids["campaign"]), date.today())),
        "scoring_hub": lambda: select(ScoreSheet).where(
            ScoreSheet.campaign_id == ids["campaign"]).order_by(
            ScoreSheet.scorer_kind, ScoreSheet.unit_id, ScoreSheet.id),
    }

    # a page's second essential query, where it has one: the roll's statistics per award,
    # stored (emulation/awards/records/tally.py)
    also = {"honours": lambda: db.session.execute(select(
        AwardTally.award_code, AwardTally.individuals + AwardTally.collectives,
        AwardTally.cash).where(AwardTally.year == ids["year"] - 1)).all(),
        # the dashboard's registration figures: participants by pledge state
        "behind": lambda: list(state_counts(db.session.get(Campaign, ids["campaign"])).items()),
        # the hub's counts per kind and state, as it reads them (stored)
        "scoring_hub": lambda: list(sheet_counts.counts_of(ids["campaign"]).items())}

    def floor(name):
        pagination = keyset_page(db.session, queries[name](), 50, count_cap=COUNT_CAP)
        extra = also[name]() if name in also else []
        return render_template_string(FLOOR_TEMPLATE, rows=[*pagination.items, *extra],
                                      total=pagination.total)

    app.add_url_rule("/_floor/<name>", "bench_floor", floor)


# --- generating the organisation, set-based ----------------------------------------------------
#
# Every large table is filled by one INSERT … SELECT over a row series (PostgreSQL's
# generate_series, SQLite's recursive CTE) or over rows already inserted, never by a Python loop
# building row objects: the ×5 organisation (10 million appraisals) is made in minutes. Names,
# their folded copies and sort keys come from a small table of every name the demo's lists make
# (computed by the app's own `Person.name_columns`); unit paths by the app's `rebuild_paths`;
# the campaign, its movements, criteria, period and clusters through the campaign services.
# Random choices are the database's random() (PostgreSQL: after setseed, so repeatable).

def _rnd(n: int | str) -> str:
    """SQL for a random integer in [0, n)."""
    if db.engine.dialect.name == "postgresql":
        return f"CAST(floor(random() * {n}) AS INTEGER)"
    return f"(abs(random()) % {n})"


def _series(n: int) -> str:
    """SQL `WITH` clause naming `s(i)`: the integers 0 … n-1."""
    if db.engine.dialect.name == "postgresql":
        return f"WITH s(i) AS (SELECT generate_series(0, {int(n) - 1}))"
    return (f"WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s "
            f"WHERE i < {int(n) - 1})")


def _pad(expr: str, width: int) -> str:
    """SQL for `expr` written with leading zeros to `width` digits."""
    if db.engine.dialect.name == "postgresql":
        return f"lpad(CAST({expr} AS TEXT), {width}, '0')"
    return f"substr('{'0' * width}' || ({expr}), -{width}, {width})"


def bulk(sql: str, **params) -> int:
    """Run one set-based INSERT/UPDATE in the session's transaction; the rows it wrote.
    On PostgreSQL foreign-key triggers are off for this transaction only (the rows are made
    consistent by construction) and sorts get more memory."""
    if db.engine.dialect.name == "postgresql":
        for setting in ("SET LOCAL session_replication_role = replica",
                        "SET LOCAL work_mem = '256MB'",
                        "SET LOCAL maintenance_work_mem = '512MB'"):
            db.session.execute(text(setting))
    binds = [bindparam(k, v, type_=DateTime()) if isinstance(v, datetime) else bindparam(k, v)
             for k, v in params.items() if re.search(rf":{k}\b", sql)]
    return db.session.execute(text(sql).bindparams(*binds)).rowcount


@contextmanager
def indexes_dropped(*models):
    """Drop the secondary indexes of `models` while their rows are bulk-loaded and build them
    once at the end (far faster than maintaining them row by row); commits."""
    indexes = [ix for m in models for ix in m.__table__.indexes]
    for ix in indexes:
        ix.drop(bind=db.session.connection())
    yield
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
    for ix in indexes:
        ix.create(bind=db.session.connection())
    db.session.commit()


def generate(size: dict) -> dict:
    """Fill the empty schema with the organisation of `size` (units, people, nominations);
    returns the campaign's id and year. Prints each step's time (a long run shows progress)."""
    steps = Steps()
    postgres = db.engine.dialect.name == "postgresql"
    if postgres:
        db.session.execute(text("SELECT setseed(0.2026)"))
    seed(db.session)
    top = Unit(code="ROOT", kind="union", path="", depth=0)
    top.set_name("Công đoàn Công Thương Việt Nam (bench)")
    db.session.add(top)
    db.session.flush()
    branches = max(2, size["units"] // 50)
    leaves = size["units"] - branches - 1
    common = {"now": NOW, "top": top.id}
    unit_columns = ("code, name, name_folded, kind, address, active, parent_id, path, depth, "
                    "version, created_at, updated_at")
    branch_name, leaf_name = "Công đoàn cấp trên số ", "Công đoàn cơ sở số "  # fold() strips
    bulk(f"INSERT INTO unit ({unit_columns}) {_series(branches)} "
         f"SELECT 'B' || {_pad('i', 3)}, :name || CAST(i AS VARCHAR(12)), "
         f"  :folded || CAST(i AS VARCHAR(12)), 'upper_grassroots', '', true, :top, '', 0, 1, "
         f"  :now, :now FROM s ORDER BY i", name=branch_name,
         folded=fold(branch_name) + " ", **common)
    first_branch = db.session.scalar(select(db.func.min(Unit.id)).where(
        Unit.kind == "upper_grassroots"))
    bulk(f"INSERT INTO unit ({unit_columns}) {_series(leaves)} "
         f"SELECT 'CS' || {_pad('i', 5)}, :name || CAST(i AS VARCHAR(12)), "
         f"  :folded || CAST(i AS VARCHAR(12)), 'grassroots', '', true, :first + i % :branches, "
         f"  '', 0, 1, :now, :now FROM s ORDER BY i", name=leaf_name, folded=fold(leaf_name) + " ",
         first=first_branch, branches=branches, **common)
    rebuild_paths()
    user = User(username="bench", password_hash=hash_password(PASSWORD), full_name="Bench")
    user.grants.append(RoleGrant(role="organiser", unit=top))
    admin = User(username="benchadmin", password_hash=hash_password(PASSWORD))
    admin.grants.append(RoleGrant(role="admin"))
    db.session.add_all([user, admin])
    db.session.commit()
    leaf_ids = db.session.scalars(select(Unit.id).where(Unit.kind == "grassroots")
                                  .order_by(Unit.id)).all()
    steps.done(f"{size['units']:,} units")

    # every name the demo's lists make (7,200), as the app stores it
    db.session.execute(text("CREATE TABLE bench_name (n INTEGER PRIMARY KEY, gender VARCHAR(10),"
                            " full_name VARCHAR(150), name_folded VARCHAR(150), "
                            "sort_key VARCHAR(160))"))
    names = [{"gender": g, **Person.name_columns(f"{s} {m} {n}")}
             for g in ("male", "female") for s in SURNAMES for m in MIDDLE[g] for n in GIVEN[g]]
    db.session.execute(text("INSERT INTO bench_name VALUES (:n, :gender, :full_name, "
                            ":name_folded, :sort_key)"),
                       [{"n": k, **row} for k, row in enumerate(names)])
    with indexes_dropped(Person):
        bulk(f"INSERT INTO person (code, full_name, name_folded, sort_key, gender, position, "
             f"  email, active, unit_id, version, created_at, updated_at) "
             f"{_series(size['people'])}, "
             f"pick(i, k) AS MATERIALIZED (SELECT i, {_rnd(len(names))} FROM s) "
             f"SELECT 'P' || {_pad('i', 7)}, n.full_name, n.name_folded, n.sort_key, n.gender, "
             f"  'Công nhân', '', true, :first + i % :leaves, 1, :now, :now "
             f"FROM pick JOIN bench_name n ON n.n = pick.k ORDER BY i",
             first=leaf_ids[0], leaves=leaves, now=NOW)
    db.session.execute(text("DROP TABLE bench_name"))
    db.session.commit()
    steps.done(f"{size['people']:,} people")

    year = 2026
    with indexes_dropped(Appraisal):  # levels: excellent 1/5, good 3/5, complete 1/5
        bulk(f"INSERT INTO appraisal (person_id, year, level) {_series(10)} "
             f"SELECT p.id, :first + s.i, CASE {_rnd(5)} WHEN 0 THEN 'excellent' "
             f"  WHEN 4 THEN 'complete' ELSE 'good' END FROM person p CROSS JOIN s",
             first=year - 10)
    steps.done("appraisals")
    award = ("INSERT INTO award_record (award_code, person_id, year, decision_number, issuer, "
             "  revoked, source, kind, counted_unit_id) "
             "SELECT :code, a.person_id, a.year, CAST(a.year % 100 AS VARCHAR(4)) || '/QĐ', "
             "  'Công ty', false, 'import', 'regular', p.unit_id "
             "FROM appraisal a JOIN person p ON p.id = a.person_id WHERE ")
    with indexes_dropped(AwardRecord):  # as recorded: every excellent or good year, and a
        bulk(award + "a.level IN ('excellent', 'good')", code="LDTT")  # CSTDCS for 30%
        bulk(award + f"a.level = 'excellent' AND {_rnd(10)} < 3", code="CSTDCS")  # of excellent
    # inserted past the ORM: store the roll's figures as `flask honours rebuild` does
    # (emulation/awards/records/tally.py)
    from emulation.awards.records import tally

    tally.rebuild()
    db.session.commit()
    steps.done("award records")

    campaign = cs.create_campaign(SYSTEM, top, {
        "number": f"01/CT-{year}", "title": f"Thi đua yêu nước {year}", "kind": "regular",
        "year_start": year, "launch_date": date(year, 1, 5),
        "registration_deadline": date(year, 3, 31)})
    for n in range(1, 10):
        cs.add_movement(SYSTEM, campaign, f"Nội dung thi đua số {n}")
    for n in range(1, 11):
        cs.add_criterion(SYSTEM, campaign, code=f"TC{n}", title=f"Tiêu chí {n}",
                         max_points=Decimal(10))
    cs.add_period(SYSTEM, campaign, kind="yearend", label=f"Năm {year}", year=year,
                  deadline=date(year, 12, 15))
    cs.set_participants(SYSTEM, campaign, "list", leaf_ids)
    for start in range(0, leaves, 20):
        members = leaf_ids[start:start + 20]
        cs.save_cluster(SYSTEM, campaign, cluster=None, name=f"Cụm {start // 20 + 1}",
                        kind="cum", member_ids=members, leader_id=None, deputy_id=None)
    cs.publish(SYSTEM, campaign, campaign.version)
    scoring.settings_for(campaign)
    db.session.commit()
    steps.done(f"campaign, {len(range(0, leaves, 20)):,} clusters")

    c = {"c": campaign.id, "now": NOW}
    bulk("INSERT INTO pledge (campaign_id, unit_id, state, version, created_at, updated_at) "
         "SELECT :c, id, 'approved', 1, :now, :now FROM unit WHERE kind = 'grassroots' "
         "ORDER BY id", **c)
    bulk(f"INSERT INTO pledge_item (pledge_id, movement_id, commitment, indicator, "
         f"  unit_of_measure, target_value) "
         f"SELECT p.id, m.id, :commitment, 'Chỉ tiêu', 'lần', 1 + {_rnd(50)} "
         f"FROM pledge p CROSS JOIN movement m WHERE p.campaign_id = :c AND m.campaign_id = :c "
         f"ORDER BY p.id, m.id", commitment="Hoàn thành vượt kế hoạch " * 4, c=campaign.id)
    bulk("INSERT INTO report (campaign_id, unit_id, period_id, state, version, created_at, "
         "  updated_at, integration, task_progress, target_attainment, difficulties) "
         "SELECT :c, id, :period, 'submitted', 1, :now, :now, 'Đã lồng ghép', '', '', '' "
         "FROM unit WHERE kind = 'grassroots' ORDER BY id", period=campaign.periods[0].id, **c)
    bulk(f"INSERT INTO report_item (report_id, pledge_item_id, achieved_value, narrative) "
         f"SELECT r.id, i.id, round(i.target_value * (20 + {_rnd(101)}) / 100, 2), "
         f"  'Đã thực hiện' FROM pledge_item i JOIN pledge p ON p.id = i.pledge_id "
         f"JOIN report r ON r.unit_id = p.unit_id AND r.campaign_id = p.campaign_id "
         f"WHERE p.campaign_id = :c ORDER BY i.id", c=campaign.id)
    # the rows above were inserted past the ORM: store their progress roll-up as
    # `flask progress rebuild` does (emulation/pledges/progress_store.py)
    from emulation.pledges import progress_store

    progress_store.rebuild(campaign.id)
    db.session.commit()
    steps.done("pledges and results")

    # per unit: its own sheet, one from every other unit of its cluster, one from the council
    # member `bench`, in that order; 10 criteria of at most 10 points, regular, weight 1
    bulk("INSERT INTO score_sheet (campaign_id, unit_id, scorer_kind, scorer_unit_id, "
         "  scorer_user_id, scorer_key, cluster_id, state, version, created_at, updated_at) "
         "SELECT :c, unit_id, kind, scorer_unit, scorer_user, scorer_key, cluster_id, "
         "  'submitted', 1, :now, :now FROM ("
         "  SELECT m.unit_id, CASE WHEN o.unit_id = m.unit_id THEN 'self' ELSE 'peer' END "
         "    AS kind, o.unit_id AS scorer_unit, CAST(NULL AS INTEGER) AS scorer_user, "
         "    'u' || CAST(o.unit_id AS VARCHAR(12)) AS scorer_key, m.cluster_id, "
         "    CASE WHEN o.unit_id = m.unit_id THEN 0 ELSE 1 END AS r1, o.unit_id AS r2 "
         "  FROM cluster_member m JOIN cluster_member o ON o.cluster_id = m.cluster_id "
         "  WHERE m.campaign_id = :c "
         "  UNION ALL SELECT m.unit_id, 'council', NULL, :user, :key, m.cluster_id, 2, 0 "
         "  FROM cluster_member m WHERE m.campaign_id = :c) x ORDER BY unit_id, r1, r2",
         user=user.id, key=f"c{user.id}", **c)
    with indexes_dropped(Score):
        bulk(f"INSERT INTO score (sheet_id, criterion_id, points, comment) "
             f"SELECT s.id, k.id, (50 + {_rnd(51)}) / 10.0, '' FROM score_sheet s "
             f"CROSS JOIN criterion k WHERE s.campaign_id = :c AND k.campaign_id = :c "
             f"ORDER BY s.id, k.id", c=campaign.id)
    bulk("UPDATE score_sheet SET total = x.total, at_max = x.at_max FROM ("  # as submit_sheet
         "  SELECT sheet_id, sum(points) AS total, "  # keeps them
         "  sum(CASE WHEN points >= 10 THEN 1 ELSE 0 END) AS at_max FROM score "
         "  GROUP BY sheet_id) x WHERE x.sheet_id = score_sheet.id AND campaign_id = :c",
         c=campaign.id)
    sheet_counts.rebuild(campaign.id)  # the stored counts, which bulk SQL bypasses
    db.session.commit()
    steps.done("score sheets and lines")

    codes = {a.code: a.id for a in db.session.scalars(select(AwardType))}
    bulk(f"INSERT INTO nomination (award_type_id, year, campaign_id, person_id, "
         f"  proposing_unit_id, level_unit_id, state, summary, achievements, initiatives_text, "
         f"  explanation, eligibility, flagged, kind, version, created_at, updated_at) "
         f"SELECT CASE {_rnd(5)} WHEN 0 THEN :ldtt WHEN 1 THEN :ldtt WHEN 2 THEN :cstdcs "
         f"  WHEN 3 THEN :cstd_bo ELSE :bk_bo END, :year, :c, p.id, p.unit_id, p.unit_id, "
         f"  'submitted', 'Hoàn thành xuất sắc nhiệm vụ', '', '', '', '', false, 'regular', 1, "
         f"  :now, :now FROM person p ORDER BY random() LIMIT :n",
         ldtt=codes["LDTT"], cstdcs=codes["CSTDCS"], cstd_bo=codes["CSTD_BO"],
         bk_bo=codes["BK_BO"], year=year, n=min(size["nominations"], size["people"]), **c)
    db.session.commit()
    steps.done("nominations")
    return {"campaign": campaign.id, "year": year}


class Steps:
    """Prints how long each generation step took, as it ends."""

    def __init__(self):
        self.start = self.last = time.perf_counter()

    def done(self, what: str) -> None:
        now = time.perf_counter()
        print(f"  generated {what} in {now - self.last:.0f} s ({now - self.start:.0f} s)",
              flush=True)
        self.last = now


if __name__ == "__main__":
    main()
