"""Benchmark of scoring at real size: 2,000 units in 100 clusters, 40 criteria and 5 sheets
per unit (≈ 400,000 score lines). Prints the time of a full ranking and of the scores export.
Target: the ranking under 2 s on the 2-core development machine.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select

from emulation import create_app
from emulation.campaigns import services as cs
from emulation.campaigns.models import Campaign, CampaignParticipant
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org.models import Unit
from emulation.org.services import rebuild_paths
from emulation.scoring import exports, services
from emulation.scoring.models import Score, ScoreSheet


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--clusters", type=int, default=100)
    parser.add_argument("--criteria", type=int, default=40)
    parser.add_argument("--sheets", type=int, default=5)
    parser.add_argument("--database", help="DATABASE_URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        start = time.perf_counter()
        campaign_id, lines = generate(args)
        print(f"database: {db.engine.dialect.name}; {args.units:,} units, {args.clusters} "
              f"clusters, {args.criteria} criteria, {lines:,} score lines generated in "
              f"{time.perf_counter() - start:.1f} s")
        for label, fn in (("full ranking", lambda: services.compute(
                              db.session.get(Campaign, campaign_id))),
                          ("scores.xlsx export", lambda: exports.scores_workbook(
                              db.session.get(Campaign, campaign_id)))):
            db.session.expire_all()
            start = time.perf_counter()
            result = fn()
            elapsed = time.perf_counter() - start
            size = f"{len(result) / 1e6:.1f} MB" if isinstance(result, bytes) else \
                f"{sum(len(c.rows) for c in result):,} units ranked"
            print(f"{label:<22} {elapsed:7.2f} s   ({size})")


def generate(args) -> tuple[int, int]:
    rng = random.Random(4)
    now = datetime.now(timezone.utc)
    top = Unit(code="ROOT", kind="union", path="", depth=0)
    top.set_name("Công đoàn Bench")
    db.session.add(top)
    db.session.flush()
    db.session.execute(insert(Unit), [
        {"code": f"U{i:05d}", "name": f"Công đoàn cơ sở {i}", "name_folded": f"cong doan {i}",
         "kind": "grassroots", "address": "", "active": True, "parent_id": top.id, "path": "",
         "depth": 1, "version": 1, "created_at": now, "updated_at": now}
        for i in range(args.units)])
    rebuild_paths()
    campaign = cs.create_campaign(SYSTEM, top, {"title": "Chấm điểm bench", "kind": "regular",
                                                "year_start": 2026})
    cs.add_movement(SYSTEM, campaign, "Nội dung 1")
    for n in range(args.criteria):
        cs.add_criterion(SYSTEM, campaign, code=f"TC{n + 1}", title=f"Tiêu chí {n + 1}",
                         max_points=Decimal(10))
    cs.set_participants(SYSTEM, campaign, "subtree")
    units = sorted(db.session.scalars(select(CampaignParticipant.unit_id).where(
        CampaignParticipant.campaign_id == campaign.id)))
    size = len(units) // args.clusters
    for c in range(args.clusters):
        members = units[c * size:(c + 1) * size]
        cs.save_cluster(SYSTEM, campaign, cluster=None, name=f"Cụm {c + 1}", kind="cum",
                        member_ids=members, leader_id=None, deputy_id=None)
    cs.publish(SYSTEM, campaign, campaign.version)
    services.settings_for(campaign)
    kinds = ["self", "peer", "peer", "peer", "peer"]  # council sheets need users; peers stand in
    sheets = []
    for unit_id in units:
        for n in range(args.sheets):
            kind = kinds[n % len(kinds)]
            scorer = unit_id if kind == "self" else units[(units.index(unit_id) + n) % len(units)]
            sheets.append({"campaign_id": campaign.id, "unit_id": unit_id, "scorer_kind": kind,
                           "scorer_unit_id": scorer,
                           "scorer_user_id": None, "scorer_key": f"u{scorer}-{n}",
                           "cluster_id": None, "state": "submitted",
                           "version": 1, "created_at": now, "updated_at": now})
    ids = [r[0] for r in db.session.execute(insert(ScoreSheet).returning(ScoreSheet.id), sheets)]
    criteria = [c.id for c in campaign.criteria]
    batch, lines = [], 0
    for sheet_id in ids:
        for criterion_id in criteria:
            batch.append({"sheet_id": sheet_id, "criterion_id": criterion_id,
                          "points": Decimal(rng.randint(40, 100)) / 10, "comment": ""})
        if len(batch) >= 50_000:
            db.session.execute(insert(Score), batch)
            lines += len(batch)
            batch = []
    if batch:
        db.session.execute(insert(Score), batch)
        lines += len(batch)
    db.session.commit()
    return campaign.id, lines


if __name__ == "__main__":
    main()
