"""Bulk approval is all or nothing; loaders answer 404 for another unit's records."""
from datetime import date

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound as HTTPNotFound

from emulation.auth.models import User
from emulation.campaigns import services as cs
from emulation.campaigns.models import Campaign
from emulation.core.audit import AuditEvent
from emulation.core.errors import InvalidState
from emulation.core.permissions import SYSTEM
from emulation.core.web import load_or_404
from emulation.extensions import db
from emulation.org.models import Unit
from emulation.pledges import reports
from emulation.pledges import services as ps
from emulation.pledges.models import Pledge, PledgeStep


def _submitted(in_app, cworld, unit_ids):
    ids = []
    with in_app():
        campaign = db.session.get(Campaign, cworld.campaign)
        for unit_id in unit_ids:
            pledge = ps.save_pledge(SYSTEM, campaign, db.session.get(Unit, unit_id), 0,
                                    {cworld.movements[0]: {"commitment": "A"}})
            ps.submit(SYSTEM, pledge, pledge.version, date(2026, 1, 10))
            ids.append(pledge.id)
    return ids


def test_bulk_approve_with_one_refused_pledge_writes_nothing(world, cworld, login, in_app,
                                                              monkeypatch):
    with in_app():
        campaign = db.session.get(Campaign, cworld.campaign)
        cs.set_participants(SYSTEM, campaign, "list",
                            [p.unit_id for p in campaign.participants] + [world.unit3.id])
        third_id = world.unit3.id
    chosen = _submitted(in_app, cworld, [world.unit2.id, third_id])
    with in_app() as session:
        steps_before = session.scalar(select(func.count(PledgeStep.id)))
        events_before = session.scalar(select(func.count(AuditEvent.id)))
    approve = ps._approve

    def refuse_the_second(actor, pledge):
        if pledge.id == chosen[1]:
            raise InvalidState("refused")
        approve(actor, pledge)

    monkeypatch.setattr(ps, "_approve", refuse_the_second)
    response = login("tochuc").post(f"/campaigns/{cworld.campaign}/pledges/bulk-approve",
                                    data={"pledge": [str(i) for i in chosen], "confirm": "1"})
    assert response.status_code == 409
    with in_app() as session:
        states = session.scalars(select(Pledge.state).where(Pledge.id.in_(chosen))).all()
        assert sorted(states) == ["submitted", "submitted"]
        assert session.scalar(select(func.count(PledgeStep.id))) == steps_before
        # only the refusal itself may be recorded, never an approval
        assert not session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.id > events_before, AuditEvent.action == "pledge.approved"))


def test_bulk_approve_skips_what_is_not_submitted_and_approves_the_rest(world, cworld, in_app):
    [chosen] = _submitted(in_app, cworld, [world.unit2.id])
    with in_app():
        steps_of_approved = len(db.session.get(Pledge, cworld.pledge).steps)
        campaign = db.session.get(Campaign, cworld.campaign)
        approved = ps.bulk_approve(SYSTEM, campaign, [chosen, cworld.pledge])
        assert [p.id for p in approved] == [chosen]
    with in_app() as session:
        assert session.get(Pledge, chosen).state == "approved"
        assert len(session.get(Pledge, cworld.pledge).steps) == steps_of_approved


def test_loaders_answer_404_for_another_units_records(world, cworld, app, in_app):
    with in_app(), app.test_request_context():
        other = db.session.scalar(select(User).where(User.username == "donvi2"))
        with pytest.raises(HTTPNotFound):
            load_or_404(ps.pledge_for, other, cworld.pledge)
        with pytest.raises(HTTPNotFound):
            load_or_404(reports.report_for, other, cworld.report)
        with pytest.raises(HTTPNotFound):
            load_or_404(ps.campaign_unit_for, other, cworld.campaign, world.unit1.id)
        own = db.session.scalar(select(User).where(User.username == "donvi1"))
        assert load_or_404(ps.pledge_for, own, cworld.pledge).id == cworld.pledge


def test_another_units_pledge_and_report_are_404_over_http(world, cworld, login):
    c = login("donvi2")
    assert c.post(f"/pledges/{cworld.pledge}/approve", data={"version": "1"}).status_code == 404
    assert c.post(f"/reports/{cworld.report}/items/{cworld.report_item}/evidence",
                  data={}).status_code == 404
