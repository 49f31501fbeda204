"""Benchmark of the eligibility batch: 30,000 nominations over 200,000 people with 10 years of
history. Prints the time of the batch check (target under 10 s) and of a decision's annex.
Run with `make bench` or `.venv/bin/python bench/awards.py [--people N] [--nominations N]`.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select

from emulation import create_app
from emulation.awards import nominations
from emulation.awards.catalogue import seed
from emulation.awards.models import Appraisal, AwardRecord, AwardType, Initiative, Nomination
from emulation.core.xlsx import Workbook
from emulation.extensions import db
from emulation.org.models import Person, Unit

LEVELS = ["complete", "good", "good", "excellent"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--nominations", type=int, default=30_000)
    parser.add_argument("--database", help="DATABASE_URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        start = time.perf_counter()
        generate(args.people, args.nominations)
        print(f"database: {db.engine.dialect.name}; {args.people:,} people with 10 years of "
              f"history, {args.nominations:,} nominations, generated in "
              f"{time.perf_counter() - start:.1f} s")
        db.session.expire_all()
        start = time.perf_counter()
        items = db.session.scalars(select(Nomination)).all()
        verdicts = nominations.check_batch(items)
        quotas = nominations.quota_results(items)
        elapsed = time.perf_counter() - start
        eligible = sum(1 for v in verdicts.values() if v.eligible)
        print(f"{'batch eligibility':<22} {elapsed:7.2f} s   ({len(verdicts):,} checked, "
              f"{eligible:,} eligible, {len(quotas):,} quota groups)")
        start = time.perf_counter()
        wb = Workbook()
        sheet = wb.sheet("Danh sach")
        sheet.header(["STT", "Họ tên", "Mã", "Hình thức", "Năm"])
        for number, n in enumerate(items, start=1):
            sheet.append([number, n.subject_name, n.person.code, n.award_type.name, n.year])
        data = wb.getvalue()
        print(f"{'annex of all of them':<22} {time.perf_counter() - start:7.2f} s   "
              f"({len(data) / 1e6:.1f} MB)")


def generate(people: int, count: int) -> None:
    rng = random.Random(6)
    now = datetime.now(timezone.utc)
    seed(db.session)
    root = Unit(code="ROOT", kind="union", path="", depth=0)
    root.set_name("Công đoàn Bench")
    db.session.add(root)
    db.session.flush()
    root.path = f"/{root.id}/"
    units = max(1, people // 100)
    unit_ids = [r[0] for r in db.session.execute(insert(Unit).returning(Unit.id), [
        {"code": f"U{i:05d}", "name": f"Đơn vị {i}", "name_folded": f"don vi {i}",
         "kind": "grassroots", "address": "", "active": True, "parent_id": root.id,
         "path": "", "depth": 1, "version": 1, "created_at": now, "updated_at": now}
        for i in range(units)])]
    db.session.execute(Unit.__table__.update().where(Unit.id.in_(unit_ids)).values(
        path=root.path + Unit.__table__.c.id.cast(db.String) + "/"))
    person_ids = []
    for start in range(0, people, 20_000):
        person_ids += [r[0] for r in db.session.execute(insert(Person).returning(Person.id), [
            {"code": f"P{i:07d}", "full_name": f"Người {i}", "name_folded": f"nguoi {i}",
             "sort_key": f"{i}", "unit_id": unit_ids[i % units], "position": "", "email": "",
             "active": True, "version": 1, "created_at": now, "updated_at": now}
            for i in range(start, min(people, start + 20_000))])]
    for start in range(0, len(person_ids), 5_000):
        chunk = person_ids[start:start + 5_000]
        appraisals, awards, initiatives = [], [], []
        for pid in chunk:
            for year in range(2016, 2026):
                level = rng.choice(LEVELS)
                appraisals.append({"person_id": pid, "year": year, "level": level})
                if level != "complete":
                    awards.append({"award_code": "LDTT", "person_id": pid, "year": year,
                                   "decision_number": "", "issuer": "", "revoked": False,
                                   "source": "import"})
                if level == "excellent" and rng.random() < 0.5:
                    awards.append({"award_code": "CSTDCS", "person_id": pid, "year": year,
                                   "decision_number": "", "issuer": "", "revoked": False,
                                   "source": "import"})
            if rng.random() < 0.2:
                initiatives.append({"person_id": pid, "year": rng.randint(2020, 2025),
                                    "scope": rng.choice(["grassroots", "ministry"]),
                                    "is_research": False, "title": "Sáng kiến",
                                    "recognised_by": ""})
        db.session.execute(insert(Appraisal), appraisals)
        db.session.execute(insert(AwardRecord), awards)
        if initiatives:
            db.session.execute(insert(Initiative), initiatives)
    codes = {a.code: a.id for a in db.session.scalars(select(AwardType))}
    chosen = rng.sample(person_ids, min(count, len(person_ids)))
    unit_of = dict(db.session.execute(select(Person.id, Person.unit_id).where(
        Person.id.in_(chosen[:0]))).all())
    rows = []
    for pid in chosen:
        code = rng.choice(["LDTT", "LDTT", "CSTDCS", "CSTD_BO", "BK_BO"])
        unit_id = unit_ids[(pid - person_ids[0]) % units]
        rows.append({"award_type_id": codes[code], "year": 2025, "person_id": pid,
                     "proposing_unit_id": unit_of.get(pid, unit_id), "level_unit_id": unit_id,
                     "state": "submitted", "summary": "", "achievements": "",
                     "initiatives_text": "", "explanation": "", "flagged": False,
                     "eligibility": "", "version": 1, "created_at": now, "updated_at": now})
    db.session.execute(insert(Nomination), rows)
    db.session.commit()


if __name__ == "__main__":
    main()
