"""Score sheets nobody can fill (issue 16's fresh-user test: 28 of the demo's 78 peer sheets,
those of the mid-level unions scoring each other in their khối, where no account serves a
mid-level union as unit officer or scorer): the hub lists them by scorer with the reason and
what to do, in a bounded number of queries."""
from sqlalchemy import select

from emulation.auth.models import RoleGrant, User
from emulation.campaigns import services as cs
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org.models import Unit
from emulation.scoring import queries as sq
from emulation.scoring import services as sc
from tests.factories import gen_campaign, gen_user


def _campaign(world):
    """A khối of the two branches and a cụm of CS-1 and CS-2, every member scoring the
    others: 2 + 2 peer sheets."""
    top, branch_a, branch_b, unit1, unit2 = (db.session.get(Unit, u.id) for u in (
        world.top, world.branch_a, world.branch_b, world.unit1, world.unit2))
    campaign = gen_campaign(top, title="Thi đua khối", participants=[
        branch_a, branch_b, unit1, unit2], publish=False)
    cs.save_cluster(SYSTEM, campaign, cluster=None, name="Khối cấp trên", kind="khoi",
                    member_ids=[branch_a.id, branch_b.id], leader_id=branch_a.id,
                    deputy_id=None)
    cs.save_cluster(SYSTEM, campaign, cluster=None, name="Cụm cơ sở", kind="cum",
                    member_ids=[unit1.id, unit2.id], leader_id=unit1.id, deputy_id=None)
    cs.publish(SYSTEM, campaign, campaign.version)
    assert sc.generate_peer_assignments(SYSTEM, campaign, "all") == 4
    return campaign


def test_the_branches_sheets_are_listed_with_the_reason(world, ctx, queries):
    campaign = _campaign(world)
    # the branches' only accounts: an organiser of CD-A (not a filler) and the top's scorer
    # (who sits above both); CS-1 and CS-2 have their officers
    rows = {r.scorer: r for r in sq.unfillable(campaign)}
    assert set(rows) == {world.branch_a.name, world.branch_b.name}
    assert {r.kind for r in rows.values()} == {"peer"}
    assert all(r.sheets == 1 and r.reason == "conflict" for r in rows.values())
    # an account named scorer of CD-A can fill CD-A's sheet: it leaves the list
    gen_user("cham_a", "scorer", db.session.get(Unit, world.branch_a.id))
    rows = sq.unfillable(campaign)
    assert [(r.scorer, r.reason) for r in rows] == [(world.branch_b.name, "conflict")]
    # with the top's scorer deactivated, CD-B has no account at all
    chamdiem = db.session.scalar(select(User).where(User.username == "chamdiem"))
    chamdiem.active = False
    db.session.commit()
    assert [(r.scorer, r.reason) for r in sq.unfillable(campaign)] == [
        (world.branch_b.name, "no_account")]
    # what the list says agrees with who may fill: no active account may fill CD-B's sheet
    sheet = next(s for s in campaign_sheets(campaign) if s.scorer_unit_id == world.branch_b.id)
    users = db.session.scalars(select(User).join(RoleGrant).where(User.active.is_(True))).all()
    assert not any(sc.can_fill(u, sheet) for u in users if not u.is_admin)
    # four queries whatever the number of sheets and accounts
    for i in range(5):
        gen_user(f"cs1_{i}", "unit_officer", db.session.get(Unit, world.unit1.id))
    with queries() as seen:
        sq.unfillable(campaign)
    assert len(seen) <= 4


def campaign_sheets(campaign):
    from emulation.scoring.models import ScoreSheet

    return db.session.scalars(select(ScoreSheet).where(
        ScoreSheet.campaign_id == campaign.id)).all()


def test_the_hub_shows_them_with_what_to_do(world, ctx, login, queries):
    campaign = _campaign(world)
    campaign_id = campaign.id
    page = login("tochuc").get(f"/campaigns/{campaign_id}/scoring").get_data(as_text=True)
    assert "Phiếu chấm không ai chấm được" in page
    assert world.branch_a.name in page and world.branch_b.name in page
    assert "thuộc hoặc là cấp trên của các đơn vị mà đơn vị đó chấm" in page
    assert "Người chấm điểm" in page  # the role to give
    assert "hãy đề nghị giao vai trò Người chấm điểm tại từng đơn vị" in page
