"""Demo campaigns: the 2020 joint directive (closed, pledged and reported) and the 2026
campaign cloned from it (published, pledges in every state, mid-year results with evidence)."""
from __future__ import annotations

import io
import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from emulation.campaigns import services as cs
from emulation.campaigns.models import Campaign
from emulation.core import uploads
from emulation.core.permissions import SYSTEM
from emulation.demo.directive import (
    COMPACT,
    MOVEMENTS,
    MOVEMENTS_2026,
    PREAMBLE,
    PREAMBLE_2026,
    TITLE,
)
from emulation.extensions import db
from emulation.org.models import Unit
from emulation.pledges import reports as pledge_reports
from emulation.pledges import services as ps
from emulation.scoring import services as scoring
from emulation.scoring.models import ScoreSheet

# Measurable targets for some movements: (indicator, unit of measure, low, high).
TARGETS = {
    1: ("Tỷ lệ nội địa hóa sản phẩm", "%", 30, 60),
    3: ("Kim ngạch xuất khẩu", "triệu USD", 5, 120),
    4: ("Số sản phẩm đạt chứng nhận hàng Việt", "sản phẩm", 2, 15),
    6: ("Số thủ tục hành chính được cắt giảm", "thủ tục", 1, 8),
    8: ("Số sáng kiến được công nhận", "sáng kiến", 3, 20),
}
COMMITMENT = ("{unit} cam kết tổ chức thực hiện nội dung {n}: xây dựng kế hoạch cụ thể, phân công "
              "cán bộ phụ trách và báo cáo kết quả đúng hạn.")


def load(today: date) -> dict:
    rng = random.Random(2020)
    top = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)))
    old = _directive_2020(top)
    units = sorted((p.unit for p in old.participants), key=lambda u: u.path)
    for unit in units:
        pledge = _pledge(old, unit, rng, date(2020, 2, 20))
        ps.approve(SYSTEM, pledge, pledge.version)
        for period in old.periods:
            report = _report(old, unit, pledge, period, rng, 1.0)
            pledge_reports.submit_report(SYSTEM, report, report.version, period.deadline)
    _score(old, units, rng, on=date(2020, 12, 1), peer_share=1.0, council=3)
    scoring.add_adjustment(SYSTEM, old, units[1], Decimal(2),
                           "Điểm thưởng: đơn vị có sáng kiến được Bộ công nhận.")
    scoring.freeze(SYSTEM, old, scoring.settings_for(old).version, date(2020, 12, 11))
    cs.close(SYSTEM, old, old.version)

    new = cs.clone(SYSTEM, old, 2026)
    cs.update_campaign(SYSTEM, new, new.version, {
        **{k: getattr(new, k) for k in cs.CAMPAIGN_FIELDS},
        "number": "01/KH-CĐCT", "registration_deadline": date(2026, 12, 31),
        "title": "Đẩy mạnh các phong trào thi đua yêu nước năm 2026 trong ngành Công Thương",
        "summary": PREAMBLE_2026})
    _reword_2026(new)
    cs.publish(SYSTEM, new, new.version)
    midyear = new.periods[0]
    states = {"approved": 0, "submitted": 0, "draft": 0, "returned": 0, "none": 0}
    for index, unit in enumerate(units):
        if index % 9 == 8:
            states["none"] += 1
            continue
        pledge = _pledge(new, unit, rng, min(today, date(2026, 12, 31)), submit=index % 7 != 6)
        if index == 3:
            ps.return_pledge(SYSTEM, pledge, pledge.version,
                             "Nội dung 1 và 3 cần bổ sung chỉ tiêu đo lường được.")
        elif pledge.state == "submitted" and index % 5 != 4:
            ps.approve(SYSTEM, pledge, pledge.version)
            report = _report(new, unit, pledge, midyear, rng, 0.55)
            _evidence(report)
            if index % 4:  # one in five of them three days late (nộp muộn)
                on = midyear.deadline + timedelta(days=3 if index % 5 == 0 else 0)
                pledge_reports.submit_report(SYSTEM, report, report.version, min(today, on))
        states[pledge.state] += 1
    _score(new, units, rng, on=date(2026, 11, 20), peer_share=0.5, council=0)
    db.session.commit()
    return {"campaigns": 2, **states}


def _score(campaign, units, rng, on: date, peer_share: float, council: int) -> None:
    """Self-sheets for every unit, peer sheets (each cluster member scores the others; only
    `peer_share` of them submitted) and `council` council members scoring every unit."""
    from emulation.auth.models import User

    scoring.settings_for(campaign)
    scoring.generate_peer_assignments(SYSTEM, campaign, "all")
    for i in range(1, council + 1):
        member = db.session.scalar(select(User).where(User.username == f"hoidong{i}"))
        scoring.name_council_scorer(SYSTEM, campaign, member)
    for unit in units:
        scoring.open_self_sheet(SYSTEM, campaign, unit, on)
    quality = {u.id: rng.uniform(0.6, 0.95) for u in units}
    sheets = db.session.scalars(select(ScoreSheet).where(
        ScoreSheet.campaign_id == campaign.id).order_by(ScoreSheet.id)).all()
    for n, sheet in enumerate(sheets):
        if sheet.scorer_kind == "peer" and (n % 100) >= peer_share * 100:
            continue
        actor = sheet.scorer_user if sheet.scorer_kind == "council" else SYSTEM
        lines = {}
        for criterion in campaign.criteria:
            share = quality[sheet.unit_id] + rng.uniform(-0.1, 0.1)
            if criterion.kind != "regular":
                share = rng.choice((0, 0, 0.5))
            points = (criterion.max_points * Decimal(str(round(max(0, min(1, share)), 2))))
            lines[criterion.id] = (str(points.quantize(Decimal("0.1"))), "")
        scoring.save_sheet(actor, sheet, sheet.version, lines, on)
        scoring.submit_sheet(actor, sheet, sheet.version, on)


def _directive_2020(top: Unit) -> Campaign:
    campaign = cs.create_campaign(SYSTEM, top, {
        "number": "01/CTLT-BCT-CĐCT", "title": TITLE, "kind": "regular", "year_start": 2020,
        "year_end": 2020, "summary": "".join(PREAMBLE),
        "issuing_bodies": "Bộ Công Thương; Công đoàn Công Thương Việt Nam",
        "signers": "Bộ trưởng Bộ Công Thương; Chủ tịch Công đoàn Công Thương Việt Nam",
        "launch_date": date(2020, 1, 2), "registration_deadline": date(2020, 2, 29),
        "scoring_opens": date(2020, 11, 16), "scoring_closes": date(2020, 12, 10),
        "nomination_deadline": date(2020, 12, 20)})
    for text in MOVEMENTS:
        cs.add_movement(SYSTEM, campaign, "".join(text))
    for movement in campaign.movements:
        cs.add_criterion(SYSTEM, campaign, code=f"ND{movement.number}",
                         title=f"Kết quả thực hiện nội dung {movement.number}",
                         max_points=Decimal(10), movement=movement)
    cs.add_criterion(SYSTEM, campaign, code="THUONG", title="Điểm thưởng thành tích đột xuất",
                     max_points=Decimal(5), kind="bonus")
    cs.add_period(SYSTEM, campaign, kind="midyear", label="Sơ kết 6 tháng 2020", year=2020,
                  deadline=date(2020, 6, 30))
    cs.add_period(SYSTEM, campaign, kind="yearend", label="Tổng kết năm 2020", year=2020,
                  deadline=date(2020, 12, 15))
    cs.set_participants(SYSTEM, campaign, "subtree")
    branches = [u for u in (p.unit for p in campaign.participants) if u.parent_id == top.id]
    for branch in sorted(branches, key=lambda u: u.code):
        members = sorted((p.unit for p in campaign.participants
                          if p.unit.parent_id == branch.id), key=lambda u: u.code)
        if len(members) >= 2:
            cs.save_cluster(SYSTEM, campaign, cluster=None, name=f"Cụm thi đua {branch.name}",
                            kind="cum", member_ids=[u.id for u in members],
                            leader_id=members[0].id, deputy_id=members[1].id,
                            compact_text=COMPACT.format(year=2020),
                            compact_signed_on=date(2020, 2, 15))
    branches.sort(key=lambda u: u.code)
    cs.save_cluster(SYSTEM, campaign, cluster=None, name="Khối công đoàn cấp trên cơ sở",
                    kind="khoi", member_ids=[u.id for u in branches],
                    leader_id=branches[0].id, deputy_id=branches[1].id,
                    compact_signed_on=date(2020, 2, 15))
    cs.publish(SYSTEM, campaign, campaign.version)
    return campaign


def _reword_2026(campaign: Campaign) -> None:
    """The clone keeps the 2020 directive's words: the movements and the compacts that name a
    year are reworded for 2026 (through the services, so each change is audited)."""
    for movement in campaign.movements:
        if movement.number in MOVEMENTS_2026:
            cs.update_movement(SYSTEM, movement, MOVEMENTS_2026[movement.number],
                               movement.description)
    for cluster in campaign.clusters:
        if cluster.compact_text:
            cs.save_cluster(SYSTEM, campaign, cluster=cluster, name=cluster.name,
                            kind=cluster.kind, member_ids=[m.unit_id for m in cluster.members],
                            leader_id=cluster.leader_unit_id, deputy_id=cluster.deputy_unit_id,
                            compact_text=COMPACT.format(year=campaign.year_start),
                            compact_signed_on=cluster.compact_signed_on)


def _pledge(campaign, unit, rng, on: date, submit: bool = True):
    entries = {}
    for movement in campaign.movements:
        entry = {"commitment": COMMITMENT.format(unit=unit.name, n=movement.number)}
        if movement.number in TARGETS:
            indicator, uom, low, high = TARGETS[movement.number]
            entry.update(indicator=indicator, unit_of_measure=uom,
                         target_value=str(rng.randint(low, high)))
        entries[movement.id] = entry
    pledge = ps.save_pledge(SYSTEM, campaign, unit, 0, entries)
    if unit.parent_id is not None and unit.kind == "grassroots":
        ps.set_titles(SYSTEM, pledge, pledge.version, ["TTLDXS" if rng.random() < 0.4
                                                       else "TTLDTT"], {})
    if submit:
        ps.submit(SYSTEM, pledge, pledge.version, on)
    return pledge


def _report(campaign, unit, pledge, period, rng, share: float):
    entries = {}
    for item in pledge.items:
        if item.target_value is not None:
            achieved = item.target_value * Decimal(str(round(rng.uniform(share * 0.6,
                                                                           share * 1.2), 2)))
            entries[item.id] = {"achieved_value": str(achieved.quantize(Decimal("0.01")))}
        else:
            entries[item.id] = {"progress_pct": str(rng.randint(int(share * 60),
                                                                min(100, int(share * 110))))}
        entries[item.id]["narrative"] = "Đã triển khai theo kế hoạch; có báo cáo kèm theo."
    return pledge_reports.save_report(SYSTEM, campaign, unit, period, 0, {
        "integration": f"{unit.name} đã đưa các nội dung của Chỉ thị vào kế hoạch công tác năm.",
        "task_progress": "Các nhiệm vụ được giao triển khai đúng tiến độ.",
        "target_attainment": "Phần lớn chỉ tiêu đạt hoặc vượt kế hoạch.",
        "difficulties": "Kinh phí tổ chức phong trào còn hạn chế; đề nghị cấp trên hỗ trợ."},
        entries)


def _evidence(report) -> None:
    pdf = b"%PDF-1.4\n% minh chung demo\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
    uploads.store(FileStorage(io.BytesIO(pdf), "Báo cáo sơ kết 6 tháng.pdf"),
                  owner_type="report_item", owner_id=report.items[0].id, actor=SYSTEM)
    db.session.commit()
