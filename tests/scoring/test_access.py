"""Who may open a campaign's scoring pages: the council-scorer rule and the loaders."""
import pytest
from sqlalchemy import func, select

from emulation.campaigns.models import Campaign
from emulation.core.audit import AuditEvent
from emulation.core.errors import NotFound, ServiceError
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.scoring import services as sc
from emulation.scoring.models import ScoreSheet
from tests.factories import gen_user


def _council_scorer(cworld, username="giamkhao"):
    """A user with no grant at all, named council scorer of the campaign."""
    scorer = gen_user(username)
    sc.name_council_scorer(SYSTEM, db.session.get(Campaign, cworld.campaign), scorer)
    return scorer


def test_council_scorer_sees_the_campaign_without_a_grant(world, cworld, ctx):
    scorer = _council_scorer(cworld)
    stranger = gen_user("nguoila")
    campaign = db.session.get(Campaign, cworld.campaign)
    assert sc.scores_for_council(scorer, campaign)
    assert not sc.scores_for_council(stranger, campaign)
    assert sc.campaign_for(scorer, cworld.campaign) is campaign
    with pytest.raises(NotFound):
        sc.campaign_for(stranger, cworld.campaign)


def test_council_scorer_does_not_see_a_draft_campaign(world, cworld, ctx):
    scorer = _council_scorer(cworld)
    campaign = db.session.get(Campaign, cworld.campaign)
    campaign.state = "draft"
    db.session.flush()
    assert not sc.scores_for_council(scorer, campaign)
    with pytest.raises(NotFound):
        sc.campaign_for(scorer, cworld.campaign)


def test_council_scorer_reads_the_campaign_and_another_user_gets_404(world, cworld, login,
                                                                     in_app):
    with in_app():
        _council_scorer(cworld)
        gen_user("nguoila")
        sheet_id = db.session.scalar(select(ScoreSheet.id).where(
            ScoreSheet.campaign_id == cworld.campaign, ScoreSheet.scorer_kind == "council"))
    scorer, stranger = login("giamkhao"), login("nguoila")
    assert scorer.get(f"/campaigns/{cworld.campaign}/ranking").status_code == 200
    assert scorer.get(f"/sheets/{sheet_id}").status_code == 200
    assert stranger.get(f"/campaigns/{cworld.campaign}/ranking").status_code == 404
    assert stranger.get(f"/sheets/{sheet_id}").status_code == 404
    # seeing a campaign is not managing it
    assert scorer.get(f"/campaigns/{cworld.campaign}/scoring").status_code == 403


def test_sheet_loader_hides_what_the_user_may_not_read(world, cworld, ctx):
    from emulation.auth.models import User

    donvi2 = db.session.scalar(select(User).where(User.username == "donvi2"))
    with pytest.raises(NotFound):
        sc.sheet_for(donvi2, cworld.sheet)
    with pytest.raises(NotFound):
        sc.sheet_for(SYSTEM, 2**31 - 1)
    sheet, campaign = sc.sheet_for(SYSTEM, cworld.sheet)
    assert sheet.id == cworld.sheet and campaign.id == cworld.campaign


def test_refused_peer_assignment_writes_nothing(world, cworld, ctx):
    """A bulk assignment is one unit of work: refused, no sheet and no audit event remain."""
    campaign = db.session.get(Campaign, cworld.campaign)
    sheets = db.session.scalar(select(func.count(ScoreSheet.id)))
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    with pytest.raises(ServiceError):
        sc.generate_peer_assignments(SYSTEM, campaign, "k", 2)  # a cluster of 2: at most 1
    db.session.rollback()
    assert db.session.scalar(select(func.count(ScoreSheet.id))) == sheets
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events


def test_scorers_open_the_evidence_beside_their_sheet(world, cworld, in_app, login):
    """A peer or council scorer may not read the scored unit's reports, yet the sheet lists
    their evidence: each file opens through the sheet (tester's finding: the links led to
    a 404); another file, or a sheet the user may not read, is a 404."""
    from emulation.core.web import local_today
    from emulation.pledges import reports as pledge_reports
    from emulation.pledges.models import Report

    with in_app():
        campaign = db.session.get(Campaign, cworld.campaign)
        report = db.session.get(Report, cworld.report)
        pledge_reports.submit_report(SYSTEM, report, report.version, local_today())
        sc.generate_peer_assignments(SYSTEM, campaign, "all")
        _council_scorer(cworld)
        db.session.commit()
        peer = db.session.scalar(select(ScoreSheet.id).where(
            ScoreSheet.campaign_id == cworld.campaign, ScoreSheet.scorer_kind == "peer",
            ScoreSheet.unit_id == world.unit1.id))
        council = db.session.scalar(select(ScoreSheet.id).where(
            ScoreSheet.campaign_id == cworld.campaign, ScoreSheet.scorer_kind == "council",
            ScoreSheet.unit_id == world.unit1.id))
    direct = f"/reports/{cworld.report}/evidence/{cworld.evidence}"
    for username, sheet in (("donvi2", peer), ("giamkhao", council)):
        client = login(username)
        page = client.get(f"/sheets/{sheet}").get_data(as_text=True)
        link = f"/sheets/{sheet}/evidence/{cworld.evidence}"
        assert link in page and direct not in page
        assert "</strong>: đạt 5" in page and ": · " not in page  # no stray separator
        response = client.get(link)
        assert response.status_code == 200 and response.data == b"%PDF-1.4 minh chung"
        assert client.get(direct).status_code == 404  # the reports stay the unit's
        other = f"/sheets/{sheet}/evidence/{cworld.campaign_attachment}"
        assert client.get(other).status_code == 404
    assert login("donvi2").get(f"/sheets/{council}/evidence/{cworld.evidence}"
                               ).status_code == 404
