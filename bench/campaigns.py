"""Benchmark of a campaign at real size: 2,000 units, 9 movements, 2,000 pledges with results.

Prints the time and peak Python memory of both exports and of the dashboard page.
Run with `make bench` or `.venv/bin/python bench/campaigns.py [--units N]`.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select

from emulation import create_app
from emulation.auth.models import RoleGrant, User
from emulation.auth.services import hash_password
from emulation.campaigns import services as cs
from emulation.campaigns.models import CampaignParticipant
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org.models import Unit
from emulation.org.services import rebuild_paths
from emulation.pledges import exports
from emulation.pledges.models import Pledge, PledgeItem, Report, ReportItem

PASSWORD = "bench-password-123"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--database", help="DATABASE_URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False, "SECRET_KEY": "bench",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        start = time.perf_counter()
        campaign_id = generate(args.units)
        print(f"database: {db.engine.dialect.name}; generated {args.units:,} units with pledges "
              f"and results in {time.perf_counter() - start:.1f} s")
        campaign = db.session.get(cs.Campaign, campaign_id)
        for label, build in (("export pledges.xlsx", exports.pledges_workbook),
                             ("export results.xlsx", exports.results_workbook)):
            measure(label, lambda build=build: build(campaign))
    client = app.test_client()
    client.post("/login", data={"username": "bench", "password": PASSWORD})
    url_ = f"/campaigns/{campaign_id}/dashboard"
    measure("GET dashboard", lambda: client.get(url_))


def generate(count: int) -> int:
    rng = random.Random(9)
    top = Unit(code="ROOT", kind="union", path="", depth=0)
    top.set_name("Công đoàn Bench")
    db.session.add(top)
    db.session.flush()
    rows = [{"code": f"U{i:05d}", "name": f"Công đoàn cơ sở số {i}",
             "name_folded": f"cong doan co so so {i}", "kind": "grassroots", "address": "",
             "active": True, "parent_id": top.id, "path": "", "depth": 1, "version": 1,
             "created_at": datetime.now(timezone.utc), "updated_at": datetime.now(timezone.utc)}
            for i in range(count)]
    db.session.execute(insert(Unit), rows)
    rebuild_paths()
    user = User(username="bench", password_hash=hash_password(PASSWORD))
    user.grants.append(RoleGrant(role="organiser", unit=top))
    db.session.add(user)
    campaign = cs.create_campaign(SYSTEM, top, {
        "title": "Thi đua bench", "kind": "regular", "year_start": 2026,
        "launch_date": date(2026, 1, 5), "registration_deadline": date(2026, 3, 31)})
    for n in range(1, 10):
        cs.add_movement(SYSTEM, campaign, f"Nội dung {n}")
    cs.add_period(SYSTEM, campaign, kind="midyear", label="6 tháng 2026", year=2026,
                  deadline=date(2026, 6, 30))
    cs.set_participants(SYSTEM, campaign, "subtree")
    cs.publish(SYSTEM, campaign, campaign.version)
    unit_ids = list(db.session.scalars(select(CampaignParticipant.unit_id).where(
        CampaignParticipant.campaign_id == campaign.id)))
    now = datetime.now(timezone.utc)
    pledge_ids = db.session.execute(insert(Pledge).returning(Pledge.id, Pledge.unit_id), [
        {"campaign_id": campaign.id, "unit_id": uid, "state": "approved", "version": 1,
         "created_at": now, "updated_at": now} for uid in unit_ids]).all()
    movements = [m.id for m in campaign.movements]
    items = [{"pledge_id": pid, "movement_id": mid, "commitment": "Cam kết " * 20,
              "indicator": "Chỉ tiêu", "unit_of_measure": "lần",
              "target_value": Decimal(rng.randint(1, 50))}
             for pid, _uid in pledge_ids for mid in movements]
    item_rows = db.session.execute(insert(PledgeItem).returning(
        PledgeItem.id, PledgeItem.pledge_id, PledgeItem.target_value), items).all()
    period = campaign.periods[0]
    reports = db.session.execute(insert(Report).returning(Report.id, Report.unit_id), [
        {"campaign_id": campaign.id, "unit_id": uid, "period_id": period.id,
         "state": "submitted", "version": 1, "created_at": now, "updated_at": now,
         "integration": "", "task_progress": "", "target_attainment": "", "difficulties": ""}
        for _pid, uid in pledge_ids]).all()
    report_of_pledge = {pid: rid for (pid, uid), (rid, ruid) in zip(
        sorted(pledge_ids, key=lambda r: r[1]), sorted(reports, key=lambda r: r[1]),
        strict=True)}
    db.session.execute(insert(ReportItem), [
        {"report_id": report_of_pledge[pid], "pledge_item_id": iid,
         "achieved_value": target * Decimal(rng.randint(20, 120)) / 100, "narrative": "Đã làm"}
        for iid, pid, target in item_rows])
    db.session.commit()
    return campaign.id


def measure(label: str, fn) -> None:
    """Time without tracing (tracemalloc slows Python down), then peak memory with it."""
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = len(result) if isinstance(result, bytes) else len(result.data)
    print(f"{label:<24} {elapsed:7.2f} s   peak {peak / 1e6:6.1f} MB   ({size / 1e6:.1f} MB)")

if __name__ == "__main__":
    main()
