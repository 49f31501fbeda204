"""The speed budget at a large union's size, in one table.

Generates 2,000 units, 200,000 people with 10 years of appraisals and awards, a full campaign
(pledges, results, ≈420,000 score lines) and 30,000 nominations into SQLite — or into the
database of `--database` / DATABASE_URL (PostgreSQL) — then measures every list page, the
dashboard, the ranking, the batch eligibility check, every export and the imports:

    operation · data size · median time · peak Python memory · queries · floor · ratio

A page's floor is a bare Flask route, registered here only, that runs the same essential query
and renders a minimal table; an export's floor is raw xlsxwriter writing the same cells.
Targets: pages under 150 ms and within 3× of their floor; exports within 2× of theirs; export
memory flat in the number of rows (compare the peaks of exports of 2,000 and 200,000 rows).
It prints figures and asserts nothing.

    make bench                                  # SQLite (and the other benches)
    .venv/bin/python bench/budget.py --database postgresql://postgres@127.0.0.1/bench
    .venv/bin/python bench/budget.py --scale 0.1   # a tenth of the size, to try it quickly
    .venv/bin/python bench/budget.py --database sqlite:////tmp/b.db --keep --only ranking
                                                  # measure again on the same data
"""
from __future__ import annotations

import argparse
import gc
import io
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl
import xlsxwriter
from flask import render_template_string
from sqlalchemy import event, insert, select, text

from emulation import create_app
from emulation.api.services import create_token
from emulation.auth.models import RoleGrant, User
from emulation.auth.services import hash_password
from emulation.awards.catalogue.data import seed
from emulation.awards.catalogue.models import AwardType
from emulation.awards.decisions.services import decisions_query
from emulation.awards.eligibility import services as eligibility
from emulation.awards.nominations import services as nominations
from emulation.awards.nominations.models import Nomination
from emulation.awards.records.models import Appraisal, AwardRecord
from emulation.awards.records.services import honours_query
from emulation.campaigns import services as cs
from emulation.campaigns.models import Campaign, ClusterMember
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
from emulation.pledges.models import Pledge, PledgeItem, Report, ReportItem
from emulation.scoring import services as scoring
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
    args = parser.parse_args()
    urls = args.database or [f"sqlite:///{tempfile.mkdtemp()}/budget.db"] + [
        u for u in [os.environ.get("DATABASE_URL", "")] if u.startswith("postgres")]
    ONLY.extend(args.only or [])
    for url in urls:
        measure_all(url, args)


ONLY: list[str] = []


def wanted(label: str) -> bool:
    return not ONLY or any(part in label for part in ONLY)


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
            campaign = db.session.scalar(select(Campaign))
            ids = {"campaign": campaign.id, "year": campaign.year_end}
            settings = scoring.settings_for(campaign)
            if settings.frozen_at is not None:  # frozen by the previous run
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
              ", ".join(f"{v:,} {k}" for k, v in counts.items()))
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
        counter = QueryCounter(db.engine)
    c, year = ids["campaign"], ids["year"]
    pages = [
        ("/units/", f"{counts['units']:,} units", "units"),
        ("/people/", f"{counts['people']:,} people", "people"),
        ("/people/?q=nguyen+van", "search", "people_search"),
        ("/people/?branch", f"{branch_people:,} (a branch)", "people"),
        ("/people/?q=nguyen+van&branch", "search (a branch)", "people_search"),
        ("/campaigns/", "campaigns", "campaigns"),
        (f"/campaigns/{c}", "9 movements", None),
        (f"/campaigns/{c}/pledges", f"{size['units']:,} pledges", None),
        (f"/campaigns/{c}/dashboard", "pledges + results", None),
        (f"/campaigns/{c}/scoring", f"{counts['score lines']:,} lines", None),
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
        page(who, counter, path, data, floor)
    with app.app_context():
        items = db.session.scalars(select(Nomination)).all()
        operation(counter, "batch eligibility (all nominations)", f"{len(items):,} checked",
                  lambda: eligibility.check_batch(items))
        campaign = db.session.get(Campaign, c)
        operation(counter, "ranking compute (service)", f"{counts['score lines']:,} lines",
                  lambda: scoring.compute(campaign))
        bench = db.session.scalar(select(User).where(User.username == "bench"))
        settings = scoring.settings_for(campaign)
        scoring.freeze(bench, campaign, settings.version, date(year + 1, 1, 1))
    page(client, counter, f"/campaigns/{c}/ranking", "frozen snapshot", None)
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
        export(client, counter, path, data)
    for path, data in exports[1:2] + exports[4:5]:
        export_job(app, client, counter, path, data)
    imports(app, counter, size)
    print("\nTargets: pages < 150 ms and ≤ 3× floor; exports ≤ 2× raw xlsxwriter; "
          "export memory flat in rows.")


# --- measuring ---------------------------------------------------------------------------------

class QueryCounter:
    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *args):
        self.count += 1


def header() -> None:
    print(f"{'operation':<44} {'data':>18} {'median':>9} {'peak MB':>8} {'queries':>7} "
          f"{'floor':>8} {'ratio':>6}")
    print("-" * 106)


def line(label, data, median, peak, queries, floor=None) -> None:
    floor_text = f"{floor * 1000:7.1f}ms" if floor else ""
    ratio = f"{median / floor:5.1f}×" if floor else ""
    unit = f"{median * 1000:7.1f}ms" if median < 10 else f"{median:7.2f}s "
    print(f"{label:<44} {data:>18} {unit:>9} {peak:8.1f} {queries:7d} {floor_text:>8} "
          f"{ratio:>6}")


def timed(fn, repeat: int) -> float:
    fn()  # warm
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def peak_and_queries(counter, fn) -> tuple[float, int]:
    counter.count = 0
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6, counter.count


def page(client, counter, path, data, floor_name) -> None:
    if not wanted(f"GET {path}"):
        return
    def get():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    median = timed(get, 7)
    peak, queries = peak_and_queries(counter, get)
    floor = timed(lambda: client.get(f"/_floor/{floor_name}"), 7) if floor_name else None

    line(f"GET {path}", data, median, peak, queries, floor)


def operation(counter, label, data, fn) -> None:
    if not wanted(label):
        return
    median = timed(fn, 3)
    peak, queries = peak_and_queries(counter, fn)
    line(label, data, median, peak, queries)


def export(client, counter, path, data) -> None:
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

    median = timed(get, 2)
    peak, queries = peak_and_queries(counter, get)
    cells = [list(r) for ws in openpyxl.load_workbook(io.BytesIO(client.get(path).data),
                                                      read_only=True)
             .worksheets for r in ws.iter_rows(values_only=True)]
    line(f"GET {path}", data, median, peak, queries, timed(lambda: raw_xlsx(cells), 2))


def export_job(app, client, counter, path, data) -> None:
    """The export made as a job: from the request to the finished file kept for download,
    progress written as it goes (in-process here; the worker runs the same function)."""
    from emulation.jobs import services as jobs

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

    jobs.save_progress, app.config["EXPORT_JOB_ROWS"] = recording, 0
    try:
        median = timed(run, 1)
        peak, queries = peak_and_queries(counter, run)
    finally:
        jobs.save_progress, app.config["EXPORT_JOB_ROWS"] = save, NEVER_A_JOB
    line(f"job {path}", data, median, peak, queries)
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


def imports(app, counter, size) -> None:
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
                result = run(SYSTEM, table.rows)
                assert result.ok, result.errors[:3]
                db.session.rollback()
            counter.count = 0
            start = time.perf_counter()
            go()
            elapsed = time.perf_counter() - start
            queries = counter.count
            line(label, f"{rows:,} rows", elapsed, 0.0, queries)


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
    }

    # a page's second essential query, where it has one: the roll's statistics per award
    also = {"honours": lambda: db.session.execute(select(
        AwardRecord.award_code, db.func.count(), db.func.sum(AwardRecord.cash_amount))
        .where(AwardRecord.year == ids["year"] - 1, AwardRecord.revoked.is_(False))
        .group_by(AwardRecord.award_code)).all()}

    def floor(name):
        pagination = keyset_page(db.session, queries[name](), 50, count_cap=COUNT_CAP)
        extra = also[name]() if name in also else []
        return render_template_string(FLOOR_TEMPLATE, rows=[*pagination.items, *extra],
                                      total=pagination.total)

    app.add_url_rule("/_floor/<name>", "bench_floor", floor)


# --- generating the organisation ---------------------------------------------------------------

def generate(size: dict) -> dict:
    rng = random.Random(2026)
    seed(db.session)
    top = Unit(code="ROOT", kind="union", path="", depth=0)
    top.set_name("Công đoàn Công Thương Việt Nam (bench)")
    db.session.add(top)
    db.session.flush()
    branches = max(2, size["units"] // 50)
    branch_ids = insert_rows(Unit, [unit_row(f"B{b:03d}", f"Công đoàn cấp trên số {b}",
                                             top.id, "upper_grassroots")
                                    for b in range(branches)])
    leaves = size["units"] - branches - 1
    leaf_ids = insert_rows(Unit, [unit_row(f"CS{i:05d}", f"Công đoàn cơ sở số {i}",
                                           branch_ids[i % branches], "grassroots")
                                  for i in range(leaves)])
    rebuild_paths()
    user = User(username="bench", password_hash=hash_password(PASSWORD), full_name="Bench")
    user.grants.append(RoleGrant(role="organiser", unit=top))
    admin = User(username="benchadmin", password_hash=hash_password(PASSWORD))
    admin.grants.append(RoleGrant(role="admin"))
    db.session.add_all([user, admin])
    db.session.commit()

    person_ids = []
    for start in range(0, size["people"], 20_000):
        rows = []
        for i in range(start, min(size["people"], start + 20_000)):
            gender = rng.choice(("male", "female"))
            name = " ".join((rng.choice(SURNAMES), rng.choice(MIDDLE[gender]),
                             rng.choice(GIVEN[gender])))
            person = Person.name_columns(name)
            rows.append({"code": f"P{i:07d}", **person, "gender": gender,
                         "unit_id": leaf_ids[i % leaves], "position": "Công nhân", "email": "",
                         "active": True, "version": 1, "created_at": NOW, "updated_at": NOW})
        person_ids += insert_rows(Person, rows)
    year = 2026
    levels = ["excellent", "good", "good", "good", "complete"]
    unit_of = dict(db.session.execute(select(Person.id, Person.unit_id)).all())
    for start in range(0, len(person_ids), 10_000):
        appraisals, awards = [], []
        for pid in person_ids[start:start + 10_000]:
            for y in range(year - 10, year):
                level = rng.choice(levels)
                appraisals.append({"person_id": pid, "year": y, "level": level})
                if level in ("excellent", "good"):
                    awards.append({"award_code": "LDTT", "person_id": pid, "year": y,
                                   "decision_number": f"{y % 100}/QĐ", "issuer": "Công ty",
                                   "revoked": False, "source": "import",
                                   "counted_unit_id": unit_of[pid]})
                if level == "excellent" and rng.random() < 0.3:
                    awards.append({"award_code": "CSTDCS", "person_id": pid, "year": y,
                                   "decision_number": f"{y % 100}/QĐ", "issuer": "Công ty",
                                   "revoked": False, "source": "import",
                                   "counted_unit_id": unit_of[pid]})
        db.session.execute(insert(Appraisal), appraisals)
        db.session.execute(insert(AwardRecord), awards)
    db.session.commit()

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
    movements = [m.id for m in campaign.movements]
    pledges = insert_rows(Pledge, [
        {"campaign_id": campaign.id, "unit_id": uid, "state": "approved", "version": 1,
         "created_at": NOW, "updated_at": NOW} for uid in leaf_ids])
    item_rows = db.session.execute(insert(PledgeItem).returning(
        PledgeItem.id, PledgeItem.pledge_id, PledgeItem.target_value), [
        {"pledge_id": pid, "movement_id": mid, "commitment": "Hoàn thành vượt kế hoạch " * 4,
         "indicator": "Chỉ tiêu", "unit_of_measure": "lần",
         "target_value": Decimal(rng.randint(1, 50))} for pid in pledges for mid in movements]
    ).all()
    period = campaign.periods[0]
    reports = insert_rows(Report, [
        {"campaign_id": campaign.id, "unit_id": uid, "period_id": period.id,
         "state": "submitted", "version": 1, "created_at": NOW, "updated_at": NOW,
         "integration": "Đã lồng ghép", "task_progress": "", "target_attainment": "",
         "difficulties": ""} for uid in leaf_ids])
    report_of = dict(zip(pledges, reports, strict=True))
    db.session.execute(insert(ReportItem), [
        {"report_id": report_of[pid], "pledge_item_id": iid,
         "achieved_value": target * Decimal(rng.randint(20, 120)) / 100,
         "narrative": "Đã thực hiện"} for iid, pid, target in item_rows])
    cluster_of = dict(db.session.execute(select(ClusterMember.unit_id, ClusterMember.cluster_id)
                                         .where(ClusterMember.campaign_id == campaign.id)).all())
    members: dict[int, list[int]] = {}
    for unit_id, cluster_id in cluster_of.items():
        members.setdefault(cluster_id, []).append(unit_id)
    sheets = []
    for unit_id in leaf_ids:
        cluster_id = cluster_of[unit_id]
        scorers = [("self", unit_id)] + [("peer", other) for other in members[cluster_id]
                                         if other != unit_id]
        for kind, scorer in scorers:
            sheets.append({"campaign_id": campaign.id, "unit_id": unit_id, "scorer_kind": kind,
                           "scorer_unit_id": scorer, "scorer_user_id": None,
                           "scorer_key": f"u{scorer}", "cluster_id": cluster_id,
                           "state": "submitted", "version": 1, "created_at": NOW,
                           "updated_at": NOW})
        sheets.append({"campaign_id": campaign.id, "unit_id": unit_id, "scorer_kind": "council",
                       "scorer_unit_id": None, "scorer_user_id": user.id,
                       "scorer_key": f"c{user.id}", "cluster_id": cluster_id,
                       "state": "submitted", "version": 1, "created_at": NOW,
                       "updated_at": NOW})
    criteria = [cr.id for cr in campaign.criteria]  # regular, weight 1, at most 10 points
    points = [[Decimal(rng.randint(50, 100)) / 10 for _ in criteria] for _ in sheets]
    for sheet, lines in zip(sheets, points, strict=True):  # kept as submit_sheet keeps them
        sheet["total"], sheet["at_max"] = sum(lines), sum(1 for v in lines if v >= 10)
    sheet_ids = insert_rows(ScoreSheet, sheets)
    for start in range(0, len(sheet_ids), 5_000):
        db.session.execute(insert(Score), [
            {"sheet_id": sid, "criterion_id": cid, "points": value, "comment": ""}
            for sid, lines in zip(sheet_ids[start:start + 5_000],
                                  points[start:start + 5_000], strict=True)
            for cid, value in zip(criteria, lines, strict=True)])
    codes = {a.code: a.id for a in db.session.scalars(select(AwardType))}
    chosen = rng.sample(person_ids, min(size["nominations"], len(person_ids)))
    insert_rows(Nomination, [
        {"award_type_id": codes[rng.choice(["LDTT", "LDTT", "CSTDCS", "CSTD_BO", "BK_BO"])],
         "year": year, "campaign_id": campaign.id, "person_id": pid,
         "proposing_unit_id": unit_of[pid], "level_unit_id": unit_of[pid],
         "state": "submitted", "summary": "Hoàn thành xuất sắc nhiệm vụ", "achievements": "",
         "initiatives_text": "", "explanation": "", "flagged": False, "eligibility": "",
         "version": 1, "created_at": NOW, "updated_at": NOW} for pid in chosen])
    db.session.commit()
    return {"campaign": campaign.id, "year": year}


def unit_row(code, name, parent_id, kind) -> dict:
    return {"code": code, "name": name, "name_folded": fold(name), "kind": kind,
            "address": "", "active": True, "parent_id": parent_id, "path": "", "depth": 0,
            "version": 1, "created_at": NOW, "updated_at": NOW}


def insert_rows(model, rows: list[dict]) -> list[int]:
    ids = []
    for start in range(0, len(rows), 20_000):
        ids += [r[0] for r in db.session.execute(insert(model).returning(model.id),
                                                 rows[start:start + 20_000])]
    return ids


if __name__ == "__main__":
    main()
