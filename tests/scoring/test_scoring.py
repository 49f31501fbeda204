import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from emulation.auth.models import User
from emulation.campaigns.models import Campaign
from emulation.core.audit import AuditEvent
from emulation.core.errors import InvalidState, PermissionDenied, ServiceError, StaleRecord
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org.models import Unit
from emulation.scoring import services as sc
from emulation.scoring.models import RankingEntry, ScoreSheet
from tests.factories import gen_user

ON = date(2026, 11, 20)


def _user(name):
    return db.session.scalar(select(User).where(User.username == name))


def _campaign(cworld):
    return db.session.get(Campaign, cworld.campaign)


def _fill(actor, sheet, points, on=ON):
    campaign = db.session.get(Campaign, sheet.campaign_id)
    lines = {c.id: (str(points), "") for c in campaign.criteria}
    sc.save_sheet(actor, sheet, sheet.version, lines, on)
    sc.submit_sheet(actor, sheet, sheet.version, on)


def test_windows_are_enforced_per_kind(world, cworld, ctx):
    campaign = _campaign(cworld)
    settings = sc.settings_for(campaign)
    sc.update_settings(SYSTEM, campaign, settings.version, {
        **sc._settings_dict(settings), "tie_breaks": ["council"],
        "self_opens": date(2026, 11, 1), "self_closes": date(2026, 11, 10)})
    sheet = db.session.get(ScoreSheet, cworld.sheet)
    with pytest.raises(InvalidState):
        _fill(SYSTEM, sheet, 5, on=date(2026, 11, 11))
    _fill(SYSTEM, sheet, 5, on=date(2026, 11, 10))
    assert sheet.state == "submitted"


def test_self_sheet_only_for_own_unit_officer(world, cworld, ctx):
    campaign = _campaign(cworld)
    with pytest.raises(PermissionDenied):
        sc.open_self_sheet(_user("donvi2"), campaign, db.session.get(Unit, world.unit1.id), ON)
    sheet = sc.open_self_sheet(_user("donvi1"), campaign, db.session.get(Unit, world.unit1.id),
                               ON)
    assert sheet.id == cworld.sheet  # the same sheet, never a second one


def test_peer_assignments_all_and_round_robin(world, cworld, ctx):
    campaign = _campaign(cworld)
    assert sc.generate_peer_assignments(SYSTEM, campaign, "all") == 2
    assert sc.generate_peer_assignments(SYSTEM, campaign, "all") == 0  # idempotent
    with pytest.raises(ServiceError):
        sc.generate_peer_assignments(SYSTEM, campaign, "k", 2)  # a cluster of 2: at most 1
    received = dict(db.session.execute(
        select(ScoreSheet.unit_id, func.count()).where(ScoreSheet.scorer_kind == "peer")
        .group_by(ScoreSheet.unit_id)).all())
    assert received == {world.unit1.id: 1, world.unit2.id: 1}


def test_round_robin_gives_each_unit_k_scorers(world, ctx):
    from emulation.campaigns import services as cs
    from tests.factories import gen_campaign, gen_unit

    top = db.session.get(Unit, world.top.id)
    units = [gen_unit(f"RR-{i}", f"Đơn vị {i}", db.session.get(Unit, world.branch_b.id))
             for i in range(6)]
    campaign = gen_campaign(top, participants=units, publish=False)
    cs.save_cluster(SYSTEM, campaign, cluster=None, name="Cụm vòng", kind="cum",
                    member_ids=[u.id for u in units], leader_id=None, deputy_id=None)
    cs.publish(SYSTEM, campaign, campaign.version)
    assert sc.generate_peer_assignments(SYSTEM, campaign, "k", 2) == 12
    counts = db.session.execute(select(func.count()).select_from(ScoreSheet).where(
        ScoreSheet.campaign_id == campaign.id).group_by(ScoreSheet.unit_id)).scalars().all()
    given = db.session.execute(select(func.count()).select_from(ScoreSheet).where(
        ScoreSheet.campaign_id == campaign.id).group_by(ScoreSheet.scorer_unit_id)
    ).scalars().all()
    assert counts == [2] * 6 and given == [2] * 6


def test_conflicts_of_interest_are_refused(world, cworld, ctx):
    campaign = _campaign(cworld)
    unit1 = db.session.get(Unit, world.unit1.id)
    # council: an officer of a member unit, an organiser above it, a scorer attached above it
    for name in ("donvi1", "tochuc_a"):
        with pytest.raises(PermissionDenied):
            sc.name_council_scorer(SYSTEM, campaign, _user(name))
    attached = gen_user("chamcd", "scorer", db.session.get(Unit, world.branch_a.id))
    with pytest.raises(PermissionDenied):
        sc.name_council_scorer(SYSTEM, campaign, attached)
    # a council member of the top unit has no unit of their own in the tree: allowed
    assert sc.name_council_scorer(SYSTEM, campaign, _user("hoidong1")) == 2
    # peer: the officer of unit 2 fills unit 2's sheet for unit 1, but not the reverse
    sc.generate_peer_assignments(SYSTEM, campaign, "all")
    sheet_for_1 = db.session.scalar(select(ScoreSheet).where(
        ScoreSheet.scorer_kind == "peer", ScoreSheet.unit_id == unit1.id))
    assert sc.can_fill(_user("donvi2"), sheet_for_1)
    assert not sc.can_fill(_user("donvi1"), sheet_for_1)
    # a user who also holds a grant on the scored unit may not fill the peer sheet
    both = gen_user("haimu", "unit_officer", db.session.get(Unit, world.unit2.id))
    both.grants.append(type(both.grants[0])(role="viewer", unit=unit1))
    both.grants.append(type(both.grants[0])(role="scorer", unit=unit1))
    db.session.commit()
    assert not sc.can_fill(both, sheet_for_1)
    with pytest.raises(PermissionDenied):
        _fill(both, sheet_for_1, 5)
    # council sheets are filled by the named scorer only
    council_sheet = db.session.scalar(select(ScoreSheet).where(
        ScoreSheet.scorer_kind == "council", ScoreSheet.unit_id == unit1.id))
    with pytest.raises(PermissionDenied):
        _fill(_user("hoidong2"), council_sheet, 5)
    _fill(_user("hoidong1"), council_sheet, 5)


def test_points_are_checked_and_stale_saves_refused(world, cworld, ctx):
    campaign = _campaign(cworld)
    sheet = db.session.get(ScoreSheet, cworld.sheet)
    criterion = campaign.criteria[0]
    with pytest.raises(ServiceError):
        sc.save_sheet(SYSTEM, sheet, sheet.version, {criterion.id: ("11", "")}, ON)
    with pytest.raises(ServiceError):
        sc.save_sheet(SYSTEM, sheet, sheet.version, {criterion.id: ("mười", "")}, ON)
    with pytest.raises(ServiceError):  # one decimal place by default
        sc.save_sheet(SYSTEM, sheet, sheet.version, {criterion.id: ("7,25", "")}, ON)
    sc.save_sheet(SYSTEM, sheet, sheet.version, {criterion.id: ("7,5", "Tốt")}, ON)
    assert sheet.scores[0].points == Decimal("7.5")
    with pytest.raises(StaleRecord):
        sc.save_sheet(SYSTEM, sheet, sheet.version - 1, {criterion.id: ("1", "")}, ON)


def test_submitted_sheet_is_read_only_until_reopened_with_reason(world, cworld, ctx):
    sheet = db.session.get(ScoreSheet, cworld.sheet)
    _fill(SYSTEM, sheet, 6)
    with pytest.raises(InvalidState):
        _fill(SYSTEM, sheet, 9)
    with pytest.raises(ServiceError):
        sc.reopen_sheet(SYSTEM, sheet, sheet.version, "")
    with pytest.raises(PermissionDenied):
        sc.reopen_sheet(_user("donvi1"), sheet, sheet.version, "Sai")
    sc.reopen_sheet(SYSTEM, sheet, sheet.version, "Nhập nhầm tiêu chí 1")
    _fill(SYSTEM, sheet, 9)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "sheet.reopened")) == 1


def test_incomplete_sheet_cannot_be_submitted(world, cworld, ctx):
    sheet = db.session.get(ScoreSheet, cworld.sheet)
    with pytest.raises(InvalidState):
        sc.submit_sheet(SYSTEM, sheet, sheet.version, ON)


def test_adjustments_change_the_final_score_not_the_sheets(world, cworld, ctx):
    campaign = _campaign(cworld)
    _fill(SYSTEM, db.session.get(ScoreSheet, cworld.sheet), 8)
    unit1 = db.session.get(Unit, world.unit1.id)
    before = {r.unit: r.final for c in sc.compute(campaign) for r in c.rows}
    with pytest.raises(ServiceError):
        sc.add_adjustment(SYSTEM, campaign, unit1, Decimal(1), "")
    with pytest.raises(PermissionDenied):
        sc.add_adjustment(_user("donvi1"), campaign, unit1, Decimal(1), "Tự cộng")
    sc.add_adjustment(SYSTEM, campaign, unit1, Decimal("-1.5"), "Chậm nộp báo cáo")
    after = {r.unit: r.final for c in sc.compute(campaign) for r in c.rows}
    assert after[unit1.id] == before[unit1.id] - Decimal("1.5")
    assert db.session.get(ScoreSheet, cworld.sheet).scores[0].points == Decimal(8)


def test_freeze_requires_closed_window_and_locks_everything(world, cworld, ctx):
    campaign = _campaign(cworld)
    _fill(SYSTEM, db.session.get(ScoreSheet, cworld.sheet), 8)
    settings = sc.settings_for(campaign)
    sc.update_settings(SYSTEM, campaign, settings.version, {
        **sc._settings_dict(settings), "tie_breaks": [], "council_closes": date(2026, 12, 10)})
    with pytest.raises(InvalidState):
        sc.freeze(SYSTEM, campaign, settings.version, date(2026, 12, 10))
    sc.freeze(SYSTEM, campaign, settings.version, date(2026, 12, 11))
    frozen = {e.unit_id: (e.rank, e.final, e.leader) for e in db.session.scalars(
        select(RankingEntry))}
    assert frozen[world.unit1.id][0] == 1 and frozen[world.unit1.id][2] is True
    unit2 = db.session.get(Unit, world.unit2.id)
    with pytest.raises(InvalidState):
        sc.add_adjustment(SYSTEM, campaign, unit2, Decimal(50), "Sau khi chốt")
    with pytest.raises(InvalidState):
        sc.generate_peer_assignments(SYSTEM, campaign, "all")
    rows, is_frozen = sc.ranking_view(campaign)
    assert is_frozen and rows[0].rows[0].unit == world.unit1.id
    with pytest.raises(ServiceError):
        sc.unfreeze(SYSTEM, campaign, settings.version, "")
    sc.unfreeze(SYSTEM, campaign, settings.version, "Hội đồng chấm lại cụm 1")
    assert db.session.scalar(select(func.count(RankingEntry.id))) == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ranking.reopen"))
    assert event.after_data["reason"] == "Hội đồng chấm lại cụm 1"


def test_ranking_page_access(world, cworld, login, in_app):
    assert login("tochuc").get(f"/campaigns/{cworld.campaign}/ranking").status_code == 200
    assert login("donvi1").get(f"/campaigns/{cworld.campaign}/ranking").status_code == 403
    with in_app():
        campaign = _campaign(cworld)
        settings = sc.settings_for(campaign)
        db.session.commit()
        sc.freeze(SYSTEM, campaign, settings.version, ON)
    page = login("donvi1").get(f"/campaigns/{cworld.campaign}/ranking")
    assert page.status_code == 200 and "Đã chốt" in page.get_data(as_text=True)
    with in_app():
        settings = sc.settings_for(_campaign(cworld))
        settings.publish_to_units = False
        db.session.commit()
    assert login("donvi1").get(f"/campaigns/{cworld.campaign}/ranking").status_code == 403
    assert login("donvi2").get(f"/campaigns/{cworld.campaign}/units/{world.unit1.id}/scores"
                               ).status_code == 404


def test_sheet_page_shows_what_the_unit_reported_and_refuses_others(world, cworld, login):
    page = login("donvi1").get(f"/sheets/{cworld.sheet}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Hoàn thành 10 sáng kiến" in html
    assert login("donvi2").get(f"/sheets/{cworld.sheet}").status_code == 404
    assert login("donvi2").post(f"/sheets/{cworld.sheet}", data={"version": "1"}
                                ).status_code == 404


def test_scores_export(world, cworld, login, in_app):
    with in_app():
        campaign = _campaign(cworld)
        sc.generate_peer_assignments(SYSTEM, campaign, "all")
        _fill(SYSTEM, db.session.get(ScoreSheet, cworld.sheet), 7)
        peer = db.session.scalar(select(ScoreSheet).where(ScoreSheet.scorer_kind == "peer"))
        campaign_criteria = campaign.criteria
        sc.save_sheet(SYSTEM, peer, peer.version,
                      {campaign_criteria[0].id: ("5", "=HYPERLINK(\"http://x\")")}, ON)
    data = login("tochuc").get(f"/campaigns/{cworld.campaign}/export/scores.xlsx").data
    book = openpyxl.load_workbook(io.BytesIO(data))
    lines = book.worksheets[0]
    assert [c.value for c in lines[1]][:5] == ["Mã đơn vị", "Tên đơn vị", "Mã tiêu chí",
                                              "Tiêu chí", "Loại phiếu"]
    assert lines.max_row == 1 + 2
    comments = [row[9] for row in lines.iter_rows(min_row=2) if row[9].value]
    assert comments[0].value.startswith("=HYPERLINK") and comments[0].data_type == "s"
    ranking_sheet = book.worksheets[1]
    assert ranking_sheet["A1"].value == "Hạng" and ranking_sheet.max_row == 3


def test_ranking_loads_with_a_bounded_number_of_queries(world, cworld, ctx, queries):
    campaign = _campaign(cworld)
    sc.settings_for(campaign)
    db.session.commit()
    with queries() as few:
        sc.compute(campaign)
    sc.generate_peer_assignments(SYSTEM, campaign, "all")
    sc.name_council_scorer(SYSTEM, campaign, _user("hoidong1"))
    for sheet in db.session.scalars(select(ScoreSheet)).all():
        actor = sheet.scorer_user or SYSTEM
        _fill(actor, sheet, 6)
    db.session.expire_all()
    with queries() as many:
        result = sc.compute(_campaign(cworld))
    assert all(r.final == Decimal(6) for c in result for r in c.rows)
    assert len(many) == len(few) <= 10


def test_sheet_totals_summed_by_the_database_equal_the_exact_decimal_sum(world, cworld, ctx):
    """Weights with 3 decimals, points with 2, bonus and penalty lines: the database's sum
    (binary floats on SQLite) gives exactly the Decimal total of `ranking.sheet_total`."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from emulation.campaigns import services as cs
    from emulation.scoring import ranking
    from emulation.scoring.models import Score

    campaign = db.session.get(Campaign, cworld.campaign)
    made = [cs.add_criterion(SYSTEM, campaign, code=f"W{i}", title=f"Có trọng số {i}",
                             max_points=Decimal(10), weight=weight, kind=kind)
            for i, (weight, kind) in enumerate([(Decimal("1.125"), "regular"),
                                                 (Decimal("0.333"), "regular"),
                                                 (Decimal(1), "bonus"),
                                                 (Decimal(1), "penalty")])]
    criteria = {c.id: ranking.CriterionData(c.id, Decimal(c.max_points), Decimal(c.weight),
                                            c.kind) for c in campaign.criteria}
    sheet = db.session.get(ScoreSheet, cworld.sheet)
    sheet.state = "submitted"
    db.session.commit()
    cents = st.integers(min_value=0, max_value=1000).map(lambda n: Decimal(n) / 100)

    @settings(max_examples=40, deadline=None, derandomize=True)
    @given(st.lists(cents, min_size=len(made), max_size=len(made)))
    def check(values):
        db.session.execute(Score.__table__.delete().where(Score.sheet_id == sheet.id))
        points = {c.id: v for c, v in zip(made, values, strict=True)}
        db.session.add_all([Score(sheet_id=sheet.id, criterion_id=cid, points=v)
                            for cid, v in points.items()])
        db.session.commit()
        total, at_max = sc._sheet_totals(campaign.id)[sheet.id]
        assert total == ranking.sheet_total(points, criteria)
        assert at_max == sum(1 for v in points.values() if v >= 10)

    check()


def test_ranking_of_many_clusters_shows_one_at_a_time(world, cworld, login, monkeypatch):
    from emulation.scoring import views

    c = login("tochuc")
    url = f"/campaigns/{cworld.campaign}/ranking"
    whole = c.get(url).get_data(as_text=True)
    assert 'name="cluster"' not in whole and "Cụm 1" in whole
    monkeypatch.setattr(views, "CLUSTERS_ON_ONE_PAGE", 0)
    one = c.get(f"{url}?cluster={cworld.cluster}").get_data(as_text=True)
    assert 'name="cluster"' in one and f'value="{cworld.cluster}" selected' in one
    assert "Công đoàn Công ty DAP" in one
    assert c.get(f"{url}?cluster=999999").status_code == 200  # unknown: the first cluster
    monkeypatch.setattr(views, "CLUSTERS_ON_ONE_PAGE", 10)
    monkeypatch.setattr(views, "UNITS_ON_ONE_PAGE", 1)  # few clusters, but many units
    assert 'name="cluster"' not in c.get(url).get_data(as_text=True)  # one cluster: itself
    from emulation.campaigns.models import Cluster

    with c.application.app_context():
        db.session.add(Cluster(campaign_id=cworld.campaign, name="Cụm 2"))
        db.session.commit()
    assert 'name="cluster"' in c.get(url).get_data(as_text=True)


def test_a_submitted_sheet_keeps_its_total_until_reopened(world, cworld, ctx):
    from emulation.scoring.models import Score

    campaign = _campaign(cworld)
    sheet = db.session.get(ScoreSheet, cworld.sheet)
    _fill(_user("donvi1"), sheet, "10")
    assert sheet.total == Decimal(10) and sheet.at_max == 1
    live = {r.unit: r for c in sc.compute(campaign) for r in c.rows}
    assert live[world.unit1.id].components["self"] == Decimal(10)
    # the ranking reads the kept total (points cannot change while the sheet is submitted)
    db.session.execute(Score.__table__.update().where(Score.sheet_id == sheet.id)
                       .values(points=Decimal(1)))
    db.session.commit()
    assert {r.unit: r for c in sc.compute(campaign) for r in c.rows}[
        world.unit1.id].components["self"] == Decimal(10)
    sc.reopen_sheet(SYSTEM, sheet, sheet.version, "Chấm lại")
    assert sheet.total is None and sheet.at_max is None
    sheet.state = "submitted"  # as if written by other means: the database sums it
    db.session.commit()
    assert {r.unit: r for c in sc.compute(campaign) for r in c.rows}[
        world.unit1.id].components["self"] == Decimal(1)


def test_one_cluster_is_ranked_as_in_the_whole_ranking(world, cworld, ctx):
    """A cluster is ranked on its own: computing only it gives its rows of the whole ranking,
    with progress and adjustments, from the members' data only."""
    from emulation.campaigns.models import Cluster, ClusterMember

    campaign = _campaign(cworld)
    sc.add_adjustment(SYSTEM, campaign, db.session.get(Unit, world.unit1.id), Decimal("2"),
                      "Giải nhất hội thao")
    other = Cluster(campaign_id=campaign.id, name="Cụm 2")
    db.session.add(other)
    db.session.flush()
    db.session.add(ClusterMember(campaign_id=campaign.id, cluster_id=other.id,
                                 unit_id=world.unit3.id))
    db.session.commit()
    whole = {c.cluster: c.rows for c in sc.compute(campaign)}
    assert set(whole) == {cworld.cluster, other.id}
    only = sc.compute(campaign, cworld.cluster)
    assert [c.cluster for c in only] == [cworld.cluster] and only[0].rows
    assert only[0].rows == whole[cworld.cluster]
    assert any(r.adjustment == Decimal("2") for r in only[0].rows)


def _ranking_all_at_once(campaign):
    """The ranking as it was computed before it was read in chunks (the reference): every
    sheet, adjustment and progress of the campaign loaded at once, then `rank_clusters`."""
    from emulation.campaigns.models import ClusterMember
    from emulation.scoring import ranking
    from emulation.scoring.models import ScoreAdjustment

    settings = sc.settings_for(campaign)
    clusters = {}
    for cid, unit_id in db.session.execute(select(ClusterMember.cluster_id,
                                                  ClusterMember.unit_id).where(
            ClusterMember.campaign_id == campaign.id)):
        clusters.setdefault(cid, []).append(unit_id)
    rows = db.session.execute(select(ScoreSheet.id, ScoreSheet.unit_id, ScoreSheet.scorer_kind,
                                     ScoreSheet.state, ScoreSheet.total, ScoreSheet.at_max)
                              .where(ScoreSheet.campaign_id == campaign.id)).all()
    totals = sc._sheet_totals(campaign.id)
    sheets = [ranking.SheetData(unit_id, kind, {}, state == "submitted",
                                *((Decimal(total), at_max) if total is not None
                                  else totals.get(sheet_id, (Decimal(0), 0))))
              for sheet_id, unit_id, kind, state, total, at_max in rows]
    adjustments = dict(db.session.execute(
        select(ScoreAdjustment.unit_id, func.sum(ScoreAdjustment.points))
        .where(ScoreAdjustment.campaign_id == campaign.id)
        .group_by(ScoreAdjustment.unit_id)).all())
    return ranking.rank_clusters(clusters, sheets, sc._criteria_data(campaign),
                                 sc._pure_settings(settings),
                                 {u: Decimal(v) for u, v in adjustments.items()},
                                 sc._progress_by_unit(campaign))


def test_chunked_ranking_and_freeze_equal_the_whole_campaign_at_once(world, cworld, ctx):
    """Random clusters, sheets (kept totals, totals summed from score lines, drafts), ties,
    adjustments and settings: the ranking read 1, 2 or 3 units at a time — and the rows the
    freeze writes — equal the ranking computed over the whole campaign at once."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from emulation.campaigns import services as cs
    from emulation.campaigns.models import Cluster, ClusterMember
    from emulation.scoring.models import Score, ScoreAdjustment
    from tests.factories import gen_unit

    campaign = _campaign(cworld)
    parent = db.session.get(Unit, world.branch_b.id)
    units = [world.unit1.id, world.unit2.id] + [
        gen_unit(f"CH-{i}", f"Đơn vị chấm {i}", parent).id for i in range(8)]
    bonus = cs.add_criterion(SYSTEM, campaign, code="TC-B", title="Điểm thưởng",
                             max_points=Decimal(5), kind="bonus")
    criteria = [c.id for c in campaign.criteria]
    clusters = [cworld.cluster]
    for n in (2, 3):
        cluster = Cluster(campaign_id=campaign.id, name=f"Cụm {n}")
        db.session.add(cluster)
        db.session.flush()
        clusters.append(cluster.id)
    scorer = gen_user("hoidong-chunk").id
    db.session.commit()
    assert bonus.id in criteria

    points = st.sampled_from([Decimal(0), Decimal(5), Decimal("7.5"), Decimal(10)])
    sheet = st.tuples(st.sampled_from(["self", "peer", "council"]), st.booleans(),
                      st.one_of(points, st.lists(points, min_size=1, max_size=2)))
    unit_data = st.tuples(st.sampled_from([None, 0, 1, 2]),  # its cluster (None: in none)
                          st.lists(sheet, max_size=4),
                          st.sampled_from([None, Decimal(-2), Decimal("1.5")]))

    @settings(max_examples=30, deadline=None, derandomize=True)
    @given(st.lists(unit_data, min_size=len(units), max_size=len(units)),
           st.sampled_from(["mean", "median", "trimmed"]), st.sampled_from(["skip", "zero"]),
           st.sampled_from([(), ("council",), ("council", "progress", "max_criteria")]),
           st.integers(min_value=1, max_value=3))
    def check(data, combine, missing, ties, chunk):
        for model in (Score, ScoreSheet, ScoreAdjustment, ClusterMember, RankingEntry):
            db.session.execute(model.__table__.delete())
        db.session.expunge_all()
        campaign = _campaign(cworld)
        s = sc.settings_for(campaign)
        s.combine, s.missing, s.tie_breaks, s.flag_leaders = combine, missing, ",".join(ties), 2
        for unit_id, (cluster, sheets, adjustment) in zip(units, data, strict=True):
            if cluster is not None:
                db.session.add(ClusterMember(cluster_id=clusters[cluster],
                                             campaign_id=campaign.id, unit_id=unit_id))
            if adjustment is not None:
                db.session.add(ScoreAdjustment(campaign_id=campaign.id, unit_id=unit_id,
                                               points=adjustment, reason="Thử"))
            for i, (kind, submitted, value) in enumerate(sheets):
                other = units[0] if unit_id != units[0] else units[1]
                row = ScoreSheet(
                    campaign_id=campaign.id, unit_id=unit_id, scorer_kind=kind,
                    scorer_unit_id={"self": unit_id, "peer": other}.get(kind),
                    scorer_user_id=scorer if kind == "council" else None,
                    scorer_key=f"x{i}", state="submitted" if submitted else "draft",
                    total=value if submitted and not isinstance(value, list) else None,
                    at_max=1 if submitted and not isinstance(value, list) else None)
                if kind == "self" and any(x[0] == "self" for x in sheets[:i]):
                    continue  # one self-sheet a unit
                db.session.add(row)
                db.session.flush()
                for criterion_id, p in zip(criteria, value if isinstance(value, list) else [],
                                           strict=False):
                    db.session.add(Score(sheet_id=row.id, criterion_id=criterion_id,
                                         points=p))
        db.session.flush()
        expected = _ranking_all_at_once(campaign)
        assert list(sc.rankings(campaign, chunk_units=chunk)) == expected
        sc._write_ranking(campaign)
        written = [(e.cluster_id, e.unit_id, e.rank, e.tied, e.leader)
                   for e in db.session.scalars(select(RankingEntry).order_by(
                       RankingEntry.cluster_id, RankingEntry.rank, RankingEntry.unit_id))]
        assert written == sorted(((c.cluster, r.unit, r.rank, r.tied, r.leader)
                                  for c in expected for r in c.rows),
                                 key=lambda row: (row[0], row[2], row[1]))
        db.session.rollback()

    check()
