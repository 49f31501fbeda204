"""Logging out ends the session server-side; every form that checks a password (login,
reauth, password change) counts failures, locks, audits and is rate-limited alike."""
from sqlalchemy import select

from emulation.auth.models import LoginSession, User
from emulation.core.audit import AuditEvent
from emulation.extensions import limiter
from tests.factories import PASSWORD

COOKIE = "thidua_session"
NEW_PASSWORD = "a-brand-new-passphrase"


def _copy(client, app):
    """A second browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return thief


def test_a_copied_cookie_stops_working_at_logout(world, login, app, in_app):
    c = login("donvi1")
    thief = _copy(c, app)
    assert thief.get("/").status_code == 200  # the copy works while the session lives
    assert c.post("/logout").status_code == 302
    after = thief.get("/")
    assert after.status_code == 302 and after.location.startswith("/login")
    with in_app() as session:
        assert session.scalar(select(LoginSession.id)) is None


def test_logging_out_ends_only_that_session(world, login, app):
    first, second = login("donvi1"), login("donvi1")
    first.post("/logout")
    assert second.get("/").status_code == 200


def test_a_session_without_its_server_side_record_is_refused(world, login, app, in_app):
    c = login("donvi1")
    with in_app() as session:
        session.query(LoginSession).delete()
        session.commit()
    assert c.get("/").status_code == 302


def _change(client, current):
    return client.post("/profile", data={"current_password": current,
                                         "new_password": NEW_PASSWORD,
                                         "confirm": NEW_PASSWORD})


def _failures(in_app, where):
    with in_app() as session:
        return [e.summary for e in session.scalars(
            select(AuditEvent).where(AuditEvent.action == "auth.login_failed")
            .order_by(AuditEvent.id)) if where in e.summary]


def test_the_password_change_form_locks_like_the_login(world, login, app, in_app):
    c = login("donvi1")
    for _ in range(10):
        assert _change(c, "not-the-password").status_code == 400
    assert len(_failures(in_app, "at password change")) == 10
    refused = _change(c, PASSWORD)  # the right password no longer gets through
    assert refused.status_code == 400
    assert "tạm khóa" in refused.get_data(as_text=True)
    with in_app() as session:
        user = session.scalar(select(User).where(User.username == "donvi1"))
        assert user.locked_until is not None
        assert user.password_hash.startswith("pbkdf2")  # unchanged
    assert app.test_client().post("/login", data={"username": "donvi1",
                                                 "password": PASSWORD}).status_code == 401


def test_the_reauth_form_counts_with_the_same_counter(world, login, in_app):
    c = login("donvi1")
    for _ in range(5):
        assert _change(c, "not-the-password").status_code == 400
    for _ in range(5):
        assert c.post("/reauth", data={"password": "not-the-password"}).status_code == 401
    assert c.post("/reauth", data={"password": PASSWORD}).status_code == 401  # locked
    assert len(_failures(in_app, "at reauth")) == 5


def test_a_right_password_clears_the_count(world, login, in_app):
    c = login("donvi1")
    for _ in range(9):
        _change(c, "not-the-password")
    assert c.post("/reauth", data={"password": PASSWORD}).status_code == 302
    with in_app() as session:
        user = session.scalar(select(User).where(User.username == "donvi1"))
        assert user.failed_logins == 0 and user.locked_until is None


def test_every_password_form_shares_one_rate_limit_per_ip(world, login, app):
    c = login("donvi1")
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    try:
        assert _change(c, "not-the-password").status_code == 400
        assert c.post("/reauth", data={"password": "not-the-password"}).status_code == 401
        assert c.post("/login", data={"username": "x", "password": "y"}).status_code == 302
        limited = _change(c, PASSWORD)
        assert limited.status_code == 429 and "Retry-After" in limited.headers
        assert c.post("/reauth", data={"password": PASSWORD}).status_code == 429
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "100000 per minute"
        limiter.reset()
