"""Sensitive actions need a password typed in the last 15 minutes."""
import time
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from emulation.auth.models import RoleGrant, User
from emulation.awards.councils import services as cs
from emulation.awards.decisions.models import Decision
from emulation.core.permissions import SYSTEM
from emulation.org.models import Unit
from tests.factories import PASSWORD


def _stale(client) -> None:
    with client.session_transaction() as session:
        session["auth_at"] = int(time.time()) - 16 * 60


def _grants(in_app, username) -> int:
    with in_app() as session:
        return session.scalar(select(func.count()).select_from(RoleGrant).join(User)
                              .where(User.username == username))


def test_grant_changes_need_a_fresh_login(world, login, in_app):
    admin = login("admin")
    with in_app() as session:
        target = session.scalar(select(User).where(User.username == "xem"))
        target_id = target.id
    before = _grants(in_app, "xem")
    page = f"/admin/users/{target_id}"
    form = {"role": "scorer", "unit_code": "CS-1"}
    assert admin.post(f"{page}/grants", data=form).status_code == 302  # fresh: done
    assert _grants(in_app, "xem") == before + 1

    _stale(admin)
    refused = admin.post(f"{page}/grants", data={"role": "viewer", "unit_code": "CS-2"},
                         headers={"Referer": f"http://localhost{page}"})
    assert refused.status_code == 302
    assert refused.headers["Location"].startswith("/reauth?next=")
    assert _grants(in_app, "xem") == before + 1  # nothing written
    assert admin.post(f"{page}/password", data={"new_password": "x" * 14,
                                                "confirm": "x" * 14}).status_code == 302
    assert login("xem").get("/").status_code == 200  # the password did not change

    assert admin.post(refused.headers["Location"], data={}).status_code == 400
    wrong = admin.post(refused.headers["Location"], data={"password": "not-the-password"})
    assert wrong.status_code == 401
    confirmed = admin.post(refused.headers["Location"], data={"password": PASSWORD})
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == page
    assert admin.post(f"{page}/grants", data={"role": "viewer", "unit_code": "CS-2"}) \
        .status_code == 302
    assert _grants(in_app, "xem") == before + 2


def test_opening_a_ballot_needs_a_fresh_login(world, login, in_app):
    with in_app() as session:
        top = session.get(Unit, world.top.id)
        council = cs.create_council(SYSTEM, top, "Hội đồng", Decimal(50))
        cs.add_member(SYSTEM, council, session.scalar(
            select(User).where(User.username == "thuky")), "secretary")
        cs.add_member(SYSTEM, council, session.scalar(
            select(User).where(User.username == "hoidong1")), "member")
        meeting_id = cs.schedule(SYSTEM, council, "Phiên 1", date(2026, 12, 1)).id
    secretary = login("thuky")
    _stale(secretary)
    assert secretary.post(f"/meetings/{meeting_id}/open", data={"version": "1"}) \
        .headers["Location"].startswith("/reauth")
    assert secretary.post("/reauth", data={"password": PASSWORD}).status_code == 302
    fresh = secretary.post(f"/meetings/{meeting_id}/open", data={"version": "1"})
    assert fresh.status_code == 409  # reaches the service: the agenda is empty
    member = login("hoidong1")
    _stale(member)  # not the secretary: refused as before, not asked for a password
    assert member.post(f"/meetings/{meeting_id}/open", data={"version": "1"}) \
        .status_code == 403


def test_issuing_a_decision_needs_a_fresh_login(world, login, in_app):
    with in_app() as session:
        decision = Decision(number="9/QĐ", signed_on=date(2026, 12, 30), signer="Chủ tịch",
                            issuing_unit_id=world.top.id, state="draft")
        session.add(decision)
        session.commit()
        decision_id = decision.id
    organiser = login("tochuc")
    _stale(organiser)
    for action in ("issue", "revoke"):
        response = organiser.post(f"/decisions/{decision_id}",
                                  data={"action": action, "version": "1", "reason": "x"})
        assert response.headers["Location"].startswith("/reauth")
    with in_app() as session:
        assert session.get(Decision, decision_id).state == "draft"
