"""The API shows a report's late mark and keeps a unit away from a period not asked of it."""
from datetime import date

from emulation.campaigns import services as cs
from emulation.campaigns.models import Campaign
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.pledges import reports as pledge_reports
from emulation.pledges.models import Report


def test_the_api_shows_the_late_mark(app, world, cworld, token):
    with app.app_context():
        report = db.session.get(Report, cworld.report)  # due 30/06/2026
        pledge_reports.submit_report(SYSTEM, report, report.version, date(2026, 7, 2))
    client = app.test_client()
    base = f"/api/v1/campaigns/{cworld.campaign}/units/{world.unit1.id}/reports"
    body = client.get(f"{base}/{cworld.period}", headers=token("donvi1")).get_json()
    assert body["late_days"] == 2
    assert client.get(base, headers=token("donvi1")).get_json()[0]["late_days"] == 2


def test_a_period_not_asked_of_the_unit_is_a_404(app, world, cworld, token):
    with app.app_context():
        campaign = db.session.get(Campaign, cworld.campaign)
        period = cs.add_period(SYSTEM, campaign, kind="adhoc", label="Đột xuất", year=2026,
                               deadline=date(2026, 10, 10), unit_ids=[world.unit2.id])
        period_id = period.id
    url = f"/api/v1/campaigns/{cworld.campaign}/units/{world.unit1.id}/reports/{period_id}"
    assert app.test_client().put(url, json={"version": None, "items": []},
                                 headers=token("donvi1")).status_code == 404
