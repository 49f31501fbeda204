"""An API token dies with its owner's security events (password change or reset, sign out
everywhere, deactivation — and stays dead after reactivation), expires, and is made only
after a fresh login."""
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from emulation.api.models import ApiToken
from emulation.auth import services
from emulation.auth.models import User
from emulation.core.models import utcnow
from emulation.core.permissions import SYSTEM
from tests.factories import PASSWORD

NEW_PASSWORD = "a-brand-new-passphrase"


def _works(client, headers) -> bool:
    status = client.get("/api/v1/units", headers=headers).status_code
    assert status in (200, 401)
    return status == 200


def _user(session, username) -> User:
    return session.scalar(select(User).where(User.username == username))


def test_a_password_change_ends_the_token(client, token, login):
    headers = token("donvi1")
    assert _works(client, headers)
    changed = login("donvi1").post("/profile", data={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert changed.status_code == 302
    assert not _works(client, headers)


def test_signing_out_everywhere_ends_the_token(client, token, login):
    headers = token("donvi1")
    assert login("donvi1").post("/profile/sign-out-everywhere").status_code == 302
    assert not _works(client, headers)


def test_an_admin_reset_ends_the_token(client, token, in_app):
    headers = token("donvi1")
    with in_app() as session:
        services.reset_password(SYSTEM, _user(session, "donvi1"), NEW_PASSWORD)
    assert not _works(client, headers)


def test_a_deactivated_then_reactivated_account_does_not_revive_its_token(client, token,
                                                                         in_app, login):
    headers = token("donvi1")
    with in_app() as session:
        services.set_active(SYSTEM, _user(session, "donvi1"), False)
    assert not _works(client, headers)
    with in_app() as session:
        services.set_active(SYSTEM, _user(session, "donvi1"), True)
    assert not _works(client, headers)
    page = login("donvi1").get("/profile").get_data(as_text=True)
    assert "đã hết hiệu lực" in page  # the list says why it no longer works


def test_a_new_token_after_the_event_works(client, token, login):
    token("donvi1")
    login("donvi1").post("/profile/sign-out-everywhere")
    assert _works(client, token("donvi1"))


def test_creating_a_token_needs_a_fresh_login(world, login, in_app):
    c = login("donvi1")
    with c.session_transaction() as session:
        session["auth_at"] = int(time.time()) - 16 * 60
    refused = c.post("/profile/tokens", data={"name": "HR"},
                     headers={"Referer": "http://localhost/profile"})
    assert refused.status_code == 302
    assert refused.headers["Location"] == "/reauth?next=/profile"
    with in_app() as session:
        assert session.scalar(select(ApiToken.id)) is None
    assert c.post(refused.headers["Location"], data={"password": PASSWORD}).status_code == 302
    made = c.post("/profile/tokens", data={"name": "HR"})
    assert made.status_code == 200 and "td_" in made.get_data(as_text=True)


def _expiry_days(in_app, name) -> float:
    with in_app() as session:
        token = session.scalar(select(ApiToken).where(ApiToken.name == name))
        return (token.expires_at - token.created_at) / timedelta(days=1)


def test_tokens_expire_after_the_configured_days_or_fewer(world, login, in_app, app, client):
    c = login("donvi1")
    assert c.post("/profile/tokens", data={"name": "default"}).status_code == 200
    assert _expiry_days(in_app, "default") == pytest.approx(90, abs=0.01)
    made = c.post("/profile/tokens", data={"name": "week", "days": "7"})
    assert made.status_code == 200
    assert _expiry_days(in_app, "week") == pytest.approx(7, abs=0.01)
    too_long = c.post("/profile/tokens", data={"name": "long", "days": "366"})
    assert too_long.status_code == 400
    assert "từ 1 đến 365 ngày" in too_long.get_data(as_text=True)
    assert c.post("/profile/tokens", data={"name": "none", "days": "0"}).status_code == 400
    with in_app() as session:
        names = set(session.scalars(select(ApiToken.name)))
    assert names == {"default", "week"}

    secret = made.get_data(as_text=True).split('user-select-all">')[1].split("<")[0]
    headers = {"Authorization": f"Bearer {secret}"}
    assert _works(client, headers)
    with in_app() as session:
        week = session.scalar(select(ApiToken).where(ApiToken.name == "week"))
        week.expires_at = utcnow() - timedelta(seconds=1)
        session.commit()
    assert not _works(client, headers)


def test_the_maximum_comes_from_the_configuration(world, login, in_app, app, monkeypatch):
    monkeypatch.setitem(app.config, "API_TOKEN_DAYS", 30)
    monkeypatch.setitem(app.config, "API_TOKEN_MAX_DAYS", 60)
    c = login("donvi1")
    assert c.post("/profile/tokens", data={"name": "default"}).status_code == 200
    assert _expiry_days(in_app, "default") == pytest.approx(30, abs=0.01)
    assert c.post("/profile/tokens", data={"name": "x", "days": "61"}).status_code == 400


def test_create_token_command_takes_days(runner, world, in_app):
    assert runner.invoke(args=["create-token", "donvi1", "--name", "HR", "--days", "5"]) \
        .exit_code == 0
    assert _expiry_days(in_app, "HR") == pytest.approx(5, abs=0.01)
    refused = runner.invoke(args=["create-token", "donvi1", "--days", "1000"])
    assert refused.exit_code == 2 and "365" in refused.output
