import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from emulation.campaigns import services as cs
from emulation.campaigns.models import Campaign, ClusterMember
from emulation.core.audit import AuditEvent
from emulation.core.errors import InvalidState, PermissionDenied, ServiceError
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org.models import Unit
from tests.factories import gen_campaign


def _campaign(in_app, campaign_id):
    with in_app() as session:
        campaign = session.get(Campaign, campaign_id)
        data = {"state": campaign.state, "version": campaign.version,
                "movements": [(m.number, m.title) for m in campaign.movements],
                "participants": sorted(p.unit.code for p in campaign.participants),
                "title": campaign.title}
        return data


def test_organiser_creates_a_draft_campaign(world, login, in_app):
    c = login("tochuc")
    response = c.post("/campaigns/new", data={
        "issuing_unit_code": "CDCTVN", "number": "01/CTLT-BCT-CĐCT", "title": "Thi đua 2020",
        "kind": "regular", "year_start": "2020", "launch_date": "2020-01-02"})
    assert response.status_code == 302
    campaign_id = int(response.location.rsplit("/", 1)[1])
    assert _campaign(in_app, campaign_id)["state"] == "draft"
    with in_app() as session:
        assert session.scalar(select(AuditEvent).where(AuditEvent.action == "campaign.create"))


def test_organiser_cannot_issue_for_a_unit_above_them(world, login):
    response = login("tochuc_a").post("/campaigns/new", data={
        "issuing_unit_code": "CDCTVN", "title": "X", "kind": "regular", "year_start": "2026"})
    # answered as an unknown code, the unit's name unsaid
    assert response.status_code == 400
    assert "do bạn quản lý mang mã hoặc tên CDCTVN" in response.get_data(as_text=True)
    assert login("donvi1").get("/campaigns/new").status_code == 403


def test_lower_unit_cascades_its_own_campaign(world, ctx):
    branch = db.session.get(Unit, world.branch_a.id)
    campaign = gen_campaign(branch, participants=[], publish=False)
    cs.set_participants(SYSTEM, campaign, "subtree")
    assert sorted(p.unit.code for p in campaign.participants) == ["CS-1", "CS-3"]


def test_publish_is_refused_with_every_reason(world, ctx):
    top = db.session.get(Unit, world.top.id)
    campaign = gen_campaign(top, movements=0, publish=False)
    cs.update_campaign(SYSTEM, campaign, campaign.version, {
        "title": campaign.title, "kind": "regular", "year_start": 2026, "year_end": 2026,
        "launch_date": date(2026, 5, 1), "registration_deadline": date(2026, 4, 1)})
    with pytest.raises(InvalidState) as refused:
        cs.publish(SYSTEM, campaign, campaign.version)
    message = str(refused.value.message)
    assert "chưa có nội dung thi đua" in message and "chưa có đơn vị tham gia" in message
    assert len(cs.publication_problems(campaign)) == 3  # movements, participants, dates
    assert campaign.state == "draft"


def test_participant_modes(world, ctx):
    top = db.session.get(Unit, world.top.id)
    campaign = gen_campaign(top, publish=False)
    cs.set_participants(SYSTEM, campaign, "children")
    assert sorted(p.unit.code for p in campaign.participants) == ["CD-A", "CD-B"]
    cs.set_participants(SYSTEM, campaign, "subtree")
    assert len(campaign.participants) == 5
    cs.set_participants(SYSTEM, campaign, "list", [world.unit1.id])
    assert [p.unit.code for p in campaign.participants] == ["CS-1"]
    branch = db.session.get(Unit, world.branch_a.id)
    lower = gen_campaign(branch, publish=False)
    with pytest.raises(ServiceError):
        cs.set_participants(SYSTEM, lower, "list", [world.unit2.id])  # not below CD-A


def test_movements_stay_numbered_1_to_n(world, ctx):
    top = db.session.get(Unit, world.top.id)
    campaign = gen_campaign(top, movements=3, publish=False)
    first, second, third = campaign.movements
    cs.move_movement(SYSTEM, third, -1)
    assert [(m.number, m.title[-1]) for m in campaign.movements] == [(1, "1"), (2, "3"),
                                                                      (3, "2")]
    cs.delete_movement(SYSTEM, first)
    db.session.expire_all()
    assert [m.number for m in campaign.movements] == [1, 2]


def test_movement_referenced_by_a_pledge_cannot_be_deleted(world, cworld, login, in_app):
    c = login("tochuc")
    response = c.post(f"/campaigns/movements/{cworld.movements[0]}/delete")
    assert response.status_code == 409
    assert len(_campaign(in_app, cworld.campaign)["movements"]) == 2


def test_clusters_hold_each_unit_once_and_name_members_as_leaders(world, cworld, ctx):
    campaign = db.session.get(Campaign, cworld.campaign)
    with pytest.raises(ServiceError):
        cs.save_cluster(SYSTEM, campaign, cluster=None, name="Cụm 2", kind="khoi",
                        member_ids=[world.unit1.id], leader_id=None, deputy_id=None)
    with pytest.raises(ServiceError):
        cs.save_cluster(SYSTEM, campaign, cluster=campaign.clusters[0], name="Cụm 1",
                        kind="cum", member_ids=[world.unit1.id], leader_id=world.unit2.id,
                        deputy_id=None)
    with pytest.raises(ServiceError):  # not a participant
        cs.save_cluster(SYSTEM, campaign, cluster=None, name="Cụm 3", kind="cum",
                        member_ids=[world.unit3.id], leader_id=None, deputy_id=None)
    assert db.session.scalar(select(db.func.count(ClusterMember.id))) == 2


def test_clone_copies_and_shifts_dates(world, cworld, login, in_app):
    c = login("tochuc")
    response = c.post(f"/campaigns/{cworld.campaign}/clone", data={"year_start": "2027"})
    assert response.status_code == 302
    new_id = int(response.location.rsplit("/", 1)[1])
    with in_app() as session:
        source, copy = session.get(Campaign, cworld.campaign), session.get(Campaign, new_id)
        assert copy.state == "draft" and copy.year_start == 2027 and copy.cloned_from_id == \
            source.id
        assert copy.launch_date == date(2027, 1, 5)
        assert copy.registration_deadline == date(2100, 12, 31)
        assert [m.title for m in copy.movements] == [m.title for m in source.movements]
        assert [(c.code, c.max_points) for c in copy.criteria] == [("TC1", Decimal("10.00"))]
        assert copy.periods[0].deadline == date(2027, 6, 30)
        assert copy.periods[0].label == "6 tháng 2027"
        assert {p.unit_id for p in copy.participants} == {p.unit_id for p in source.participants}
        assert [sorted(m.unit_id for m in cl.members) for cl in copy.clusters] == \
            [sorted(m.unit_id for m in cl.members) for cl in source.clusters]


def test_shift_date_handles_29_february():
    assert cs.shift_date(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert cs.shift_date(None, 3) is None


def test_close_then_nothing_changes(world, cworld, login, in_app):
    c = login("tochuc")
    version = _campaign(in_app, cworld.campaign)["version"]
    assert c.post(f"/campaigns/{cworld.campaign}/close",
                  data={"version": str(version)}).status_code == 302
    assert _campaign(in_app, cworld.campaign)["state"] == "closed"
    assert c.post(f"/campaigns/{cworld.campaign}/movements",
                  data={"title": "Mới"}).status_code == 409
    assert c.post(f"/campaigns/{cworld.campaign}/publish",
                  data={"version": str(version + 1)}).status_code == 409


def test_stale_campaign_edit_is_refused(world, cworld, login, in_app):
    c = login("tochuc")
    data = {"version": "1", "title": "Tên cũ", "kind": "regular", "year_start": "2026"}
    response = c.post(f"/campaigns/{cworld.campaign}/edit", data=data)
    assert response.status_code == 409
    assert _campaign(in_app, cworld.campaign)["title"] == "Thi đua yêu nước 2026"


def test_visibility_of_campaigns(world, cworld, login, in_app):
    with in_app():
        draft = gen_campaign(db.session.get(Unit, world.top.id), title="Bản nháp bí mật",
                             publish=False, participants=[db.session.get(Unit, world.unit1.id)])
        draft_id = draft.id
    officer = login("donvi1")
    listing = officer.get("/campaigns/").get_data(as_text=True)
    assert "Thi đua yêu nước 2026" in listing and "Bản nháp bí mật" not in listing
    assert officer.get(f"/campaigns/{draft_id}").status_code == 404
    assert "Bản nháp bí mật" in login("tochuc").get("/campaigns/").get_data(as_text=True)
    page = officer.get(f"/campaigns/{cworld.campaign}").get_data(as_text=True)
    positions = [page.index("Nội dung thi đua số 1"), page.index("Nội dung thi đua số 2")]
    assert positions == sorted(positions)


def test_attachment_checks_and_download(world, cworld, login):
    c = login("tochuc")
    url = f"/campaigns/{cworld.campaign}/attachments"
    for data, name in ((b"<html><script>x</script></html>", "chi-thi.pdf"),
                       (b"MZ\x90\x00", "setup.exe"), (b"", "empty.pdf")):
        response = c.post(url, data={"file": (io.BytesIO(data), name)},
                          content_type="multipart/form-data")
        assert response.status_code == 400, name
    download = login("donvi1").get(f"{url}/{cworld.campaign_attachment}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_criterion_validation(world, cworld, login):
    c = login("tochuc")
    url = f"/campaigns/{cworld.campaign}/criteria"
    duplicate = c.post(url, data={"code": "TC1", "title": "Trùng", "max_points": "5",
                                  "weight": "1", "kind": "regular"})
    assert duplicate.status_code == 409
    negative = c.post(url, data={"code": "TC2", "title": "Âm", "max_points": "-5",
                                 "weight": "1", "kind": "regular"})
    assert negative.status_code == 400
    no_movement = c.post(url, data={"code": "TC3", "title": "X", "max_points": "5",
                                    "weight": "1", "kind": "bonus", "movement_number": "9"})
    assert no_movement.status_code == 400
    ok = c.post(url, data={"code": "TC4", "title": "Điểm thưởng", "max_points": "2.5",
                           "weight": "1", "kind": "bonus", "movement_number": "1"})
    assert ok.status_code == 302


def test_only_the_issuer_organiser_changes_a_campaign(world, cworld, ctx):
    from emulation.auth.models import User

    other = db.session.scalar(select(User).where(User.username == "tochuc_a"))
    campaign = db.session.get(Campaign, cworld.campaign)
    with pytest.raises(PermissionDenied):
        cs.add_movement(other, campaign, "Không được")


def test_criterion_edit_keeps_scoring_fixed_once_published(world, cworld, login, in_app):
    from emulation.campaigns.models import Criterion

    c = login("tochuc")
    url = f"/campaigns/criteria/{cworld.criterion}/edit"
    base = {"code": "TC1", "title": "Tiêu chí một", "max_points": "10", "weight": "1",
            "kind": "regular", "guidance": "Chấm theo minh chứng"}
    assert c.post(url, data=base).status_code == 302
    refused = c.post(url, data={**base, "max_points": "20"})
    assert refused.status_code == 409
    with in_app() as session:
        criterion = session.get(Criterion, cworld.criterion)
        assert criterion.title == "Tiêu chí một" and criterion.max_points == Decimal("10.00")


def test_detail_page_queries_do_not_grow_with_clusters_or_participants(world, cworld, login,
                                                                       in_app, queries):
    from tests.factories import gen_unit

    c = login("tochuc")
    url = f"/campaigns/{cworld.campaign}"
    with queries() as few:
        assert c.get(url).status_code == 200
    with in_app() as session:
        branch = session.get(Unit, world.branch_a.id)
        campaign = session.get(Campaign, cworld.campaign)
        extra = [gen_unit(f"X{i}", f"Công đoàn thêm {i}", branch) for i in range(6)]
        cs.set_participants(SYSTEM, campaign, "list",
                            [world.unit1.id, world.unit2.id] + [u.id for u in extra])
        for i in range(3):
            cs.save_cluster(SYSTEM, campaign, cluster=None, name=f"Cụm {i + 2}", kind="cum",
                            member_ids=[extra[2 * i].id, extra[2 * i + 1].id],
                            leader_id=extra[2 * i].id, deputy_id=extra[2 * i + 1].id)
    with queries() as many:
        page = c.get(url).get_data(as_text=True)
    assert "Công đoàn thêm 5" in page and "Cụm 4" in page
    assert len(many) == len(few)


def test_a_unit_officer_s_links_name_its_unit_not_its_code(world, cworld, login):
    """The campaign page's and the unit dashboard's links name the unit (tester's finding:
    "Đăng ký và kết quả của CDCS-DAP")."""
    officer = login("donvi1")
    page = officer.get(f"/campaigns/{cworld.campaign}").get_data(as_text=True)
    for words in ("Đăng ký và kết quả của", "Bảng theo dõi của", "Điểm của"):
        assert f"{words} Công đoàn Công ty DAP" in page
        assert f"{words} CS-1" not in page
    dashboard = officer.get(f"/campaigns/{cworld.campaign}/units/{world.unit1.id}/dashboard")
    assert "Điểm của Công đoàn Công ty DAP" in dashboard.get_data(as_text=True)
