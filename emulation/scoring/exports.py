"""Scores workbook: every score line, then one sheet per cluster with its ranking."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from emulation.auth.models import User
from emulation.campaigns.models import Campaign, Criterion
from emulation.core.xlsx import STREAM_ROWS, Workbook
from emulation.extensions import db
from emulation.org.models import Unit
from emulation.scoring.models import Score, ScoreSheet

KIND_VI = {"self": "Tự chấm", "peer": "Chấm chéo", "council": "Hội đồng"}
LINE_HEADERS = ["Mã đơn vị", "Tên đơn vị", "Mã tiêu chí", "Tiêu chí", "Loại phiếu",
                "Người chấm", "Trạng thái phiếu", "Điểm", "Điểm tối đa", "Nhận xét"]
RANK_HEADERS = ["Hạng", "Mã đơn vị", "Tên đơn vị", "Điểm cuối cùng", "Tự chấm", "Chấm chéo",
                "Hội đồng", "Điểm thưởng/trừ", "Số phiếu", "Độ lệch chuẩn chấm chéo",
                "Độ lệch chuẩn hội đồng", "Đồng hạng", "Đề nghị cờ"]


def scores_workbook(campaign: Campaign, on_progress=None) -> Workbook:
    """Every score line, then each cluster's ranking; `on_progress(rows)` as in Workbook."""
    from emulation.scoring.services import ranking_view

    wb = Workbook(on_progress)
    sheet = wb.sheet("Diem chi tiet")
    sheet.header(LINE_HEADERS, [14, 40, 10, 40, 12, 30, 12, 8, 10, 40], autofilter=True)
    scorer_unit = aliased(Unit)
    stmt = (select(Unit.code, Unit.name, Criterion.code, Criterion.title,
                   ScoreSheet.scorer_kind, scorer_unit.name, User.full_name, User.username,
                   ScoreSheet.state, Score.points, Criterion.max_points, Score.comment)
            .select_from(Score)
            .join(ScoreSheet, ScoreSheet.id == Score.sheet_id)
            .join(Unit, Unit.id == ScoreSheet.unit_id)
            .join(Criterion, Criterion.id == Score.criterion_id)
            .outerjoin(scorer_unit, scorer_unit.id == ScoreSheet.scorer_unit_id)
            .outerjoin(User, User.id == ScoreSheet.scorer_user_id)
            .where(ScoreSheet.campaign_id == campaign.id)
            .order_by(Unit.path, ScoreSheet.scorer_kind, ScoreSheet.id, Criterion.position)
            .execution_options(yield_per=STREAM_ROWS))
    for code, name, c_code, c_title, kind, s_unit, full_name, username, state, points, \
            max_points, comment in db.session.execute(stmt):
        scorer = s_unit or full_name or username or ""
        sheet.append([code, name, c_code, c_title, KIND_VI[kind], scorer,
                      "Đã nộp" if state == "submitted" else "Nháp", points, max_points,
                      comment or ""])
    used = set()
    # one cluster at a time (a cluster is ranked on its own): memory stays that of a cluster
    for cluster in sorted(campaign.clusters, key=lambda c: c.id):
        rankings, _frozen = ranking_view(campaign, cluster.id)
        units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(
            {r.unit for c in rankings for r in c.rows})))}
        for cluster_ranking in rankings:
            ws = wb.sheet(_sheet_name(cluster.name, used))
            ws.header(RANK_HEADERS, [6, 14, 40, 12, 10, 10, 10, 12, 8, 12, 12, 10, 10],
                      autofilter=True)
            for r in cluster_ranking.rows:
                unit = units[r.unit]
                count = sum(n for n, _d in r.spread.values())
                ws.append([r.rank, unit.code, unit.name, r.final, r.components.get("self"),
                           r.components.get("peer"), r.components.get("council"),
                           r.adjustment, count, r.spread.get("peer", (0, None))[1],
                           r.spread.get("council", (0, None))[1], "Có" if r.tied else "",
                           "Có" if r.leader else ""])
    return wb


def count_scores(campaign: Campaign) -> int:
    """Rows of the scores workbook: its score lines and one ranking row per cluster member."""
    from emulation.campaigns.services import cluster_member_count

    lines = db.session.scalar(select(func.count(Score.id)).join(
        ScoreSheet, ScoreSheet.id == Score.sheet_id).where(
        ScoreSheet.campaign_id == campaign.id)) or 0
    return lines + cluster_member_count(campaign)


def _sheet_name(name: str, used: set) -> str:
    """Excel sheet names: ≤ 31 characters, no []:*?/\\, unique."""
    clean = "".join(ch for ch in name if ch not in "[]:*?/\\")[:28] or "Cum"
    candidate, n = clean, 2
    while candidate.lower() in used:
        candidate, n = f"{clean[:26]} {n}", n + 1
    used.add(candidate.lower())
    return candidate
