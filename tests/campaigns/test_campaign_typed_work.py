"""The campaign page never loses typed work (issue 16): Publish saves the participants shown
first; a refused form of the page comes back with what was typed, marked as not saved."""
import re

from sqlalchemy import select

from emulation.campaigns.models import Campaign, CampaignParticipant
from emulation.extensions import db
from emulation.org.models import Unit
from tests.factories import gen_campaign


def _draft(in_app, world, participants=(), movements=2) -> int:
    with in_app():
        top = db.session.get(Unit, world.top.id)
        campaign = gen_campaign(top, title="Thi đua chưa phát động", publish=False,
                                movements=movements,
                                participants=[db.session.get(Unit, u.id)
                                              for u in participants])
        return campaign.id


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def test_publish_saves_the_participants_shown_first(world, login, in_app):
    campaign_id = _draft(in_app, world)  # no participant yet: publishing alone is refused
    client = login("tochuc")
    page = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    button = re.search(r'<button[^>]*id="campaign-publish"[^>]*>', page).group(0)
    assert 'form="participants-form"' in button
    assert f'formaction="/campaigns/{campaign_id}/publish"' in button
    response = client.post(f"/campaigns/{campaign_id}/publish", data={
        "csrf_token": _csrf(page), "mode": "list", "unit_codes": "CS-1\nCS-2"})
    assert response.status_code == 302
    with in_app():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign.state == "published"
        assert set(db.session.scalars(select(CampaignParticipant.unit_id).where(
            CampaignParticipant.campaign_id == campaign_id))) == {world.unit1.id,
                                                                  world.unit2.id}


def test_a_refused_publication_keeps_the_participants_saved(world, login, in_app):
    campaign_id = _draft(in_app, world, movements=0)  # nothing to publish
    client = login("tochuc")
    page = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    response = client.post(f"/campaigns/{campaign_id}/publish", data={
        "csrf_token": _csrf(page), "mode": "list", "unit_codes": "CS-1"})
    assert response.status_code >= 400
    assert "chưa được phát động" in response.get_data(as_text=True)
    with in_app():
        assert db.session.get(Campaign, campaign_id).state == "draft"
        assert list(db.session.scalars(select(CampaignParticipant.unit_id).where(
            CampaignParticipant.campaign_id == campaign_id))) == [world.unit1.id]


def test_publishing_a_list_campaign_with_the_list_untouched_keeps_its_list(world, login,
                                                                          in_app):
    campaign_id = _draft(in_app, world, [world.unit1])
    client = login("tochuc")
    page = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert client.post(f"/campaigns/{campaign_id}/publish", data={
        "csrf_token": _csrf(page), "mode": "list", "unit_codes": ""}).status_code == 302
    with in_app():
        assert list(db.session.scalars(select(CampaignParticipant.unit_id).where(
            CampaignParticipant.campaign_id == campaign_id))) == [world.unit1.id]


def test_a_refused_form_of_the_campaign_page_comes_back_as_typed(world, login, in_app):
    campaign_id = _draft(in_app, world, [world.unit1])
    client = login("tochuc")
    page = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    response = client.post(f"/campaigns/{campaign_id}/criteria", data={
        "csrf_token": _csrf(page), "code": "TC9", "title": "Tiêu chí gõ dở",
        "max_points": "mười", "weight": "1", "kind": "regular"})
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="TC9"' in text and 'value="Tiêu chí gõ dở"' in text
    assert re.search(r"campaigns/\d+/criteria\"[^>]*data-unsaved", text)
    assert not re.search(r"campaigns/\d+/movements\"[^>]*data-unsaved", text)
