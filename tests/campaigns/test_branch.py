"""Each level follows its branch (issue 16): an organiser of a unit below the issuing unit reads
the parent campaign's overview, dashboard and exports for its subtree only, reminds only its
units, changes nothing of the campaign; a lower unit's campaign answers the parent (hưởng
ứng); cluster members sign the compact once."""
import io

import openpyxl
import pytest
from sqlalchemy import func, select

from emulation.auth.models import User
from emulation.campaigns import services as cs
from emulation.campaigns.models import Campaign, Cluster, ClusterMember
from emulation.core.audit import AuditEvent
from emulation.core.errors import InvalidState, NotFound, ServiceError
from emulation.core.permissions import SYSTEM
from emulation.demo import DEMO_PASSWORD
from emulation.extensions import db
from emulation.notify.models import Notification
from emulation.org.models import Unit
from emulation.pledges.models import Report
from tests.factories import gen_campaign, gen_user

CS1 = "Công đoàn Công ty DAP"  # CS-1, under CD-A
CS2 = "Công đoàn Công ty Thuốc lá Sài Gòn"  # CS-2, under CD-B


def _notes(in_app, username):
    """The user's reminders of what is overdue."""
    with in_app() as session:
        user = session.scalar(select(User).where(User.username == username))
        return session.scalars(select(Notification).where(
            Notification.user_id == user.id, Notification.kind == "overdue")).all()


def _version(in_app, campaign_id):
    with in_app() as session:
        return session.get(Campaign, campaign_id).version


def test_branch_organiser_sees_only_its_branch(world, cworld, login):
    branch, issuer = login("tochuc_a"), login("tochuc")
    overview = branch.get(f"/campaigns/{cworld.campaign}/pledges")
    html = overview.get_data(as_text=True)
    assert overview.status_code == 200
    assert CS1 in html and CS2 not in html
    assert "Công đoàn Tập đoàn Hóa chất" in html  # names the branch it shows
    assert 'name="pledge"' not in html and "/extensions" not in html  # nothing to decide
    full = issuer.get(f"/campaigns/{cworld.campaign}/pledges").get_data(as_text=True)
    assert CS1 in full and CS2 in full and "/extensions" in full

    dashboard = branch.get(f"/campaigns/{cworld.campaign}/dashboard").get_data(as_text=True)
    assert CS1 in dashboard and CS2 not in dashboard
    assert CS2 in issuer.get(f"/campaigns/{cworld.campaign}/dashboard").get_data(as_text=True)

    hub = branch.get(f"/campaigns/{cworld.campaign}").get_data(as_text=True)
    assert "/dashboard" in hub and f"/campaigns/{cworld.campaign}/edit" not in hub


def test_branch_exports_hold_only_the_branch(world, cworld, login):
    branch, issuer = login("tochuc_a"), login("tochuc")

    def codes(client, which):
        response = client.get(f"/campaigns/{cworld.campaign}/export/{which}.xlsx")
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
        return {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}

    assert codes(branch, "pledges") == {"CS-1"}
    assert codes(issuer, "pledges") == {"CS-1", "CS-2"}
    assert codes(branch, "results") == {"CS-1"}
    assert login("donvi1").get(
        f"/campaigns/{cworld.campaign}/export/pledges.xlsx").status_code == 403


def test_branch_organiser_is_refused_outside_its_branch_and_on_the_campaign(world, cworld,
                                                                           login, in_app):
    c = login("tochuc_a")
    base = f"/campaigns/{cworld.campaign}"
    # its own units: read-only
    assert c.get(f"{base}/units/{world.unit1.id}/pledge").status_code == 200
    assert c.get(f"{base}/units/{world.unit1.id}/reports/{cworld.period}").status_code == 200
    assert c.get(f"{base}/units/{world.unit1.id}/scores").status_code == 200
    assert c.get(f"{base}/units/{world.unit1.id}/dashboard").status_code == 200
    # a unit of another branch: as if it did not exist
    for url in (f"{base}/units/{world.unit2.id}/pledge", f"{base}/units/{world.unit2.id}/scores",
                f"{base}/units/{world.unit2.id}/dashboard",
                f"{base}/units/{world.unit2.id}/reports/{cworld.period}"):
        assert c.get(url).status_code == 404, url
    version = _version(in_app, cworld.campaign)
    assert c.get(f"{base}/edit").status_code == 403
    assert c.post(f"{base}/edit", data={"version": version, "title": "X",
                                        "year_start": "2026"}).status_code == 403
    assert c.post(f"{base}/publish", data={"version": version}).status_code == 403
    assert c.post(f"{base}/close", data={"version": version}).status_code == 403
    assert c.post(f"/pledges/{cworld.pledge}/return",
                  data={"version": "1", "reason": "x"}).status_code == 403
    assert c.post(f"{base}/extensions", data={"unit_code": "CS-1", "until": "2100-01-01",
                                              "kind": "registration"}).status_code == 403
    assert c.post(f"{base}/pledges/bulk-approve", data={"pledge": [str(cworld.pledge)],
                                                        "confirm": "1"}).status_code == 403
    with in_app() as session:
        assert session.get(Campaign, cworld.campaign).state == "published"


def test_an_organiser_outside_the_campaign_gets_no_branch(world, cworld, login, in_app):
    with in_app():
        branch_b = db.session.get(Unit, world.branch_b.id)
        gen_user("tochuc_b", "organiser", branch_b)
        own = gen_campaign(db.session.get(Unit, world.branch_a.id), title="Phong trào CĐ A",
                           participants=[db.session.get(Unit, world.unit1.id),
                                         db.session.get(Unit, world.unit3.id)])
        own_id = own.id
    # the campaign of CD-A: CD-B's organiser neither sees it nor follows a branch of it
    assert login("tochuc_b").get(f"/campaigns/{own_id}/dashboard").status_code == 404
    # the confederation's campaign: CD-B follows its own branch (CS-2), not CD-A's
    page = login("tochuc_b").get(f"/campaigns/{cworld.campaign}/dashboard")
    assert CS2 in page.get_data(as_text=True) and CS1 not in page.get_data(as_text=True)
    # a unit officer follows nothing
    assert login("donvi1").get(f"/campaigns/{cworld.campaign}/dashboard").status_code == 403


def test_reminders_reach_only_the_branch_once_a_day(world, cworld, login, in_app):
    # both CS-1 (draft report) and CS-2 (no pledge, no report) missed the mid-year deadline
    with in_app():
        gen_user("donvi2b", "unit_officer", db.session.get(Unit, world.unit2.id))
    branch, issuer = login("tochuc_a"), login("tochuc")
    url = f"/campaigns/{cworld.campaign}/reminders"
    stale = branch.post(url, data={"version": "0"})
    assert stale.status_code == 409 and not _notes(in_app, "donvi1")
    sent = branch.post(url, data={"version": _version(in_app, cworld.campaign)})
    assert sent.status_code == 302
    assert len(_notes(in_app, "donvi1")) == 1
    assert _notes(in_app, "donvi2") == [] and _notes(in_app, "donvi2b") == []
    again = branch.post(url, data={"version": _version(in_app, cworld.campaign)},
                        follow_redirects=True)
    assert "Đã nhắc nhở 0 trong số 1 đơn vị" in again.get_data(as_text=True)
    assert len(_notes(in_app, "donvi1")) == 1
    issuer.post(url, data={"version": _version(in_app, cworld.campaign)})
    assert len(_notes(in_app, "donvi1")) == 1  # reminded today already
    assert len(_notes(in_app, "donvi2")) == len(_notes(in_app, "donvi2b")) == 1
    with in_app() as session:
        from emulation.notify.services import text

        note = _notes(in_app, "donvi2")[0]
        assert "6 tháng 2026" in text(note) and note.link.endswith(
            f"/units/{world.unit2.id}/dashboard")
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "campaign.remind").order_by(AuditEvent.id)).all()
        assert [e.after_data["units"] for e in events] == [["CS-1"], ["CS-1"],
                                                           ["CS-1", "CS-2"]]
        assert "branch" in events[0].after_data and "branch" not in events[2].after_data
    assert login("donvi1").post(url, data={"version": "1"}).status_code == 403


def test_a_lower_units_campaign_answers_the_parent(world, login, in_app):
    with in_app():
        top = db.session.get(Unit, world.top.id)
        parent = gen_campaign(top, title="Phong trào Công đoàn ngành 2026",
                              participants=[db.session.get(Unit, world.branch_a.id),
                                            db.session.get(Unit, world.branch_b.id)])
        other = gen_campaign(top, title="Phong trào chỉ cho cơ sở",
                             participants=[db.session.get(Unit, world.unit2.id)])
        parent_id, other_id = parent.id, other.id
    c = login("tochuc_a")
    form = c.get("/campaigns/new").get_data(as_text=True)
    assert "Phong trào Công đoàn ngành 2026" in form  # offered as the parent
    fields = {"issuing_unit_code": "CD-A", "title": "Hưởng ứng phong trào ngành",
              "kind": "regular", "year_start": "2026"}
    refused = c.post("/campaigns/new", data={**fields, "parent_campaign_id": str(other_id)})
    assert refused.status_code == 400  # not offered: CD-A does not take part in it
    made = c.post("/campaigns/new", data={**fields, "parent_campaign_id": str(parent_id)})
    assert made.status_code == 302
    child_id = int(made.location.rsplit("/", 1)[1])
    with in_app() as session:
        child = session.get(Campaign, child_id)
        assert child.parent_campaign_id == parent_id
        with pytest.raises(ServiceError):
            cs.update_campaign(SYSTEM, child, child.version, {
                **{k: getattr(child, k) for k in cs.CAMPAIGN_FIELDS},
                "parent_campaign_id": other_id})
        session.rollback()
    organiser = login("tochuc")
    # a draft answer is the lower unit's own business
    assert "Hưởng ứng phong trào ngành" not in organiser.get(
        f"/campaigns/{parent_id}/dashboard").get_data(as_text=True)
    with in_app():
        child = db.session.get(Campaign, child_id)
        cs.add_movement(SYSTEM, child, "Nội dung 1")
        cs.set_participants(SYSTEM, child, "subtree")
        cs.publish(SYSTEM, child, child.version)
    for url in (f"/campaigns/{parent_id}/dashboard", f"/campaigns/{parent_id}"):
        html = organiser.get(url).get_data(as_text=True)
        assert "Hưởng ứng phong trào ngành" in html and "Công đoàn Tập đoàn Hóa chất" in html
    assert "Phong trào Công đoàn ngành 2026" in c.get(f"/campaigns/{child_id}").get_data(
        as_text=True)
    # CD-B's organiser follows its own branch of the parent: CD-A's answer is not in it
    with in_app():
        gen_user("tochuc_b", "organiser", db.session.get(Unit, world.branch_b.id))
    assert "Hưởng ứng phong trào ngành" not in login("tochuc_b").get(
        f"/campaigns/{parent_id}/dashboard").get_data(as_text=True)


def test_parent_choice_refusals(world, cworld, ctx):
    branch = db.session.get(Unit, world.branch_a.id)
    fields = {"title": "Con", "kind": "regular", "year_start": 2026}
    # CD-A takes no part in the confederation's campaign (CS-1 and CS-2 do)
    with pytest.raises(ServiceError, match="không tham gia"):
        cs.create_campaign(SYSTEM, branch, {**fields, "parent_campaign_id": cworld.campaign})
    db.session.rollback()
    with pytest.raises(NotFound):
        cs.create_campaign(SYSTEM, branch, {**fields, "parent_campaign_id": 999999})
    db.session.rollback()
    unit1 = db.session.get(Unit, world.unit1.id)
    child = cs.create_campaign(SYSTEM, unit1, {**fields, "parent_campaign_id": cworld.campaign})
    assert child.parent_campaign_id == cworld.campaign
    with pytest.raises(ServiceError):
        cs.update_campaign(SYSTEM, child, child.version, {**fields,
                                                          "parent_campaign_id": child.id})


def _with_compact(in_app, cworld, text="Cùng cam kết hoàn thành 9 nội dung."):
    with in_app():
        cluster = db.session.get(Cluster, cworld.cluster)
        cs.save_cluster(SYSTEM, cluster.campaign, cluster=cluster, name=cluster.name,
                        kind=cluster.kind, member_ids=[m.unit_id for m in cluster.members],
                        leader_id=cluster.leader_unit_id, deputy_id=cluster.deputy_unit_id,
                        compact_text=text)


def test_members_see_the_compact_and_sign_it_once(world, cworld, login, in_app):
    _with_compact(in_app, cworld)
    officer = login("donvi1")
    hub = officer.get(f"/campaigns/{cworld.campaign}").get_data(as_text=True)
    assert "Cùng cam kết hoàn thành 9 nội dung." in hub and "Ký thay mặt" in hub
    assert "Cùng cam kết" not in login("xem").get(
        f"/campaigns/{cworld.campaign}").get_data(as_text=True)  # not a member
    url = f"/campaigns/clusters/{cworld.cluster}/sign"
    assert officer.post(url, data={"unit": str(world.unit2.id)}).status_code == 404
    assert officer.post(url, data={"unit": str(world.unit1.id)}).status_code == 302
    again = officer.post(url, data={"unit": str(world.unit1.id)})
    assert again.status_code == 409 and "đã ký giao ước" in again.get_data(as_text=True)
    with in_app() as session:
        member = session.scalar(select(ClusterMember).where(
            ClusterMember.cluster_id == cworld.cluster, ClusterMember.unit_id == world.unit1.id))
        assert member.compact_signed_by == "Donvi1" and member.compact_signed_at is not None
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "cluster.compact_signed")).all()
        assert len(events) == 1 and events[0].after_data["unit"] == "CS-1"
    hub = officer.get(f"/campaigns/{cworld.campaign}").get_data(as_text=True)
    assert "Donvi1 ký lúc" in hub
    organiser = login("tochuc")
    organiser_hub = organiser.get(f"/campaigns/{cworld.campaign}").get_data(as_text=True)
    assert "1 trong 2 đơn vị đã ký giao ước" in organiser_hub
    # every member's signature is on the cluster's page
    members = organiser.get(f"/campaigns/clusters/{cworld.cluster}").get_data(as_text=True)
    assert "Donvi1 ký lúc" in members and "chưa ký" in members  # CS-2 has not
    # once signed, the text stays as it was signed
    with pytest.raises(InvalidState):
        _with_compact(in_app, cworld, "Nội dung khác")


def test_compact_signing_refusals(world, cworld, ctx):
    cluster = db.session.get(Cluster, cworld.cluster)
    donvi1 = db.session.scalar(select(User).where(User.username == "donvi1"))
    unit1 = db.session.get(Unit, world.unit1.id)
    with pytest.raises(InvalidState):
        cs.sign_compact(donvi1, cluster, unit1)  # no compact text yet
    db.session.rollback()
    cluster.compact_text = "Giao ước"
    cluster.campaign.state = "closed"
    db.session.commit()
    with pytest.raises(InvalidState):
        cs.sign_compact(donvi1, cluster, unit1)
    db.session.rollback()
    assert db.session.scalar(select(ClusterMember.compact_signed_at).where(
        ClusterMember.unit_id == unit1.id)) is None


def test_the_demo_branch_organiser_follows_its_units(demo):
    with demo.session() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.year_start == 2026))
        campaign_id, version = campaign.id, campaign.version
        late = session.scalar(select(func.count(Report.id)).where(Report.late_days > 0))
    assert late  # the demo has late mid-year reports to show
    c = demo.app.test_client()
    assert c.post("/login", data={"username": "tochuc_hc", "password": DEMO_PASSWORD}
                  ).status_code == 302
    page = c.get(f"/campaigns/{campaign_id}/dashboard").get_data(as_text=True)
    assert "Công ty CP DAP - Vinachem" in page and "Văn phòng Bộ" not in page
    overview = c.get(f"/campaigns/{campaign_id}/pledges").get_data(as_text=True)
    assert "CDCS-DAP" in overview and "CDCS-VP" not in overview
    assert c.post(f"/campaigns/{campaign_id}/close", data={"version": version}
                  ).status_code == 403


def test_the_campaign_page_counts_cluster_members_and_pages_them(world, cworld, login, in_app,
                                                                  queries):
    """Clusters show their member counts (one aggregate query); their members are a page at
    a time on the cluster's page, in a fixed number of queries."""
    from emulation.campaigns import services as cs
    from emulation.campaigns.models import Campaign, Cluster
    from emulation.campaigns.queries import PER_PAGE
    from emulation.core.permissions import SYSTEM
    from emulation.org.models import Unit
    from tests.factories import gen_unit

    _with_compact(in_app, cworld)
    c = login("tochuc")
    with queries() as small:
        page = c.get(f"/campaigns/{cworld.campaign}").get_data(as_text=True)
    assert "2 đơn vị thành viên" in page and "0 trong 2 đơn vị đã ký giao ước" in page
    with in_app() as session:
        campaign = session.get(Campaign, cworld.campaign)
        cluster = session.get(Cluster, cworld.cluster)
        parent = session.get(Unit, world.branch_b.id)
        added = [gen_unit(f"CM-{i}", f"Đơn vị cụm {i}", parent) for i in range(PER_PAGE + 5)]
        ids = [world.unit1.id, world.unit2.id, *[u.id for u in added]]
        cs.set_participants(SYSTEM, campaign, "list", ids)
        cs.save_cluster(SYSTEM, campaign, cluster=cluster, name=cluster.name, kind=cluster.kind,
                        member_ids=ids, leader_id=None, deputy_id=None,
                        compact_text=cluster.compact_text)
        session.commit()
    with queries() as large:
        page = c.get(f"/campaigns/{cworld.campaign}").get_data(as_text=True)
    assert f"{PER_PAGE + 7} đơn vị thành viên" in page
    assert len(large) == len(small)
    members = c.get(f"/campaigns/clusters/{cworld.cluster}").get_data(as_text=True)
    assert members.count("<tr><td>") == PER_PAGE and "chưa ký" in members
    rest = c.get(f"/campaigns/clusters/{cworld.cluster}?page=2").get_data(as_text=True)
    assert rest.count("<tr><td>") == 7
    assert login("xem").get(f"/campaigns/clusters/{cworld.cluster}").status_code == 200
    assert c.get("/campaigns/clusters/999999").status_code == 404
