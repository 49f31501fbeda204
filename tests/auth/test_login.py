from datetime import timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash

from emulation.auth import services
from emulation.auth.models import User
from emulation.core.audit import AuditEvent
from emulation.core.models import utcnow
from emulation.extensions import db
from tests.factories import PASSWORD, gen_user


def _events(app, action):
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
        db.session.expunge_all()
        return events


def test_login_redirects_home_and_audits(world, client, app):
    response = client.post("/login", data={"username": "donvi1", "password": PASSWORD})
    assert response.status_code == 302
    assert response.location == "/"
    assert client.get("/").status_code == 200
    assert [e.actor_name for e in _events(app, "auth.login")] == ["donvi1"]


def test_login_page_has_the_contract_fields(client, app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        html = client.get("/login").get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    for name in ('name="username"', 'name="password"', 'name="csrf_token"'):
        assert name in html


def test_wrong_password_is_refused_and_audited(world, client, app):
    response = client.post("/login", data={"username": "donvi1", "password": "wrong-password!"})
    assert response.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.get_data(as_text=True)
    assert len(_events(app, "auth.login_failed")) == 1
    assert client.get("/").status_code == 302


def test_unknown_user_failure_is_audited(world, client, app):
    response = client.post("/login", data={"username": "nobody", "password": "whatever-pass"})
    assert response.status_code == 401
    [event] = _events(app, "auth.login_failed")
    assert "nobody" in event.summary


def test_lockout_after_ten_failures_holds_even_with_right_password(world, client, app):
    for _ in range(10):
        client.post("/login", data={"username": "donvi1", "password": "wrong-password!"})
    response = client.post("/login", data={"username": "donvi1", "password": PASSWORD})
    assert response.status_code == 401
    assert "tạm khóa" in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "donvi1"))
        assert user.locked_until is not None and user.locked_until > utcnow()
    assert _events(app, "auth.login_locked")


def test_nine_failures_do_not_lock(world, client):
    for _ in range(9):
        client.post("/login", data={"username": "donvi1", "password": "wrong-password!"})
    assert client.post("/login", data={"username": "donvi1",
                                       "password": PASSWORD}).status_code == 302


def test_lock_expires(world, client, in_app):
    with in_app() as session:
        user = session.scalar(select(User).where(User.username == "donvi1"))
        user.locked_until = utcnow() - timedelta(seconds=1)
        session.commit()
    assert client.post("/login", data={"username": "donvi1",
                                       "password": PASSWORD}).status_code == 302


def test_failures_outside_the_window_start_a_new_count(world, app):
    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.username == "donvi1"))
        user.failed_logins = 9
        user.first_failed_at = utcnow() - timedelta(minutes=16)
        db.session.commit()
        services.authenticate("donvi1", "wrong-password!")
        db.session.refresh(user)
        assert user.failed_logins == 1 and user.locked_until is None


def test_inactive_user_cannot_log_in(world, client, in_app):
    with in_app():
        gen_user("gone", None, None, active=False)
    response = client.post("/login", data={"username": "gone", "password": PASSWORD})
    assert response.status_code == 401


def test_next_redirects_only_to_local_paths(world, client):
    ok = client.post("/login?next=/units/", data={"username": "admin", "password": PASSWORD})
    assert ok.location == "/units/"
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example",
                   "javascript:alert(1)"):
        c = client.application.test_client()
        r = c.post("/login", query_string={"next": target},
                   data={"username": "admin", "password": PASSWORD})
        assert r.location == "/", target


def test_protected_page_sends_to_login_with_next(client):
    response = client.get("/units/")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")


def test_logout_is_post_only_and_ends_the_session(world, login, app):
    c = login("donvi1")
    assert c.get("/logout").status_code == 405
    assert c.post("/logout").status_code == 302
    assert c.get("/").status_code == 302
    assert _events(app, "auth.logout")


def test_session_is_rotated_at_login(world, client):
    with client.session_transaction() as sess:
        sess["planted"] = "attacker value"
    client.post("/login", data={"username": "donvi1", "password": PASSWORD})
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess.permanent


def test_session_cookie_flags(world, client, app):
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=12)
    response = client.post("/login", data={"username": "donvi1", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookie_outside_development(monkeypatch, tmp_path):
    from emulation.config import load_config

    monkeypatch.delenv("THIDUA_ENV", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x")
    assert load_config(tmp_path)["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("THIDUA_ENV", "development")
    assert load_config(tmp_path)["SESSION_COOKIE_SECURE"] is False


def test_password_hash_default_is_scrypt(app, ctx, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "scrypt")
    hashed = services.hash_password("a long enough password")
    assert hashed.startswith("scrypt:")
    assert check_password_hash(hashed, "a long enough password")


def test_password_change_ends_other_sessions(world, login, app):
    first, second = login("donvi1"), login("donvi1")
    response = first.post("/profile", data={"current_password": PASSWORD,
                                            "new_password": "a-brand-new-passphrase",
                                            "confirm": "a-brand-new-passphrase"})
    assert response.status_code == 302
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302
    assert _events(app, "user.change_password")


def test_password_change_refusals(world, login):
    c = login("donvi1")
    short = c.post("/profile", data={"current_password": PASSWORD, "new_password": "short",
                                     "confirm": "short"})
    assert short.status_code == 400
    wrong = c.post("/profile", data={"current_password": "not-the-password",
                                     "new_password": "a-brand-new-passphrase",
                                     "confirm": "a-brand-new-passphrase"})
    assert wrong.status_code == 400
    assert "Mật khẩu hiện tại không đúng" in wrong.get_data(as_text=True)


def test_sign_out_everywhere(world, login):
    first, second = login("donvi1"), login("donvi1")
    assert first.post("/profile/sign-out-everywhere").status_code == 302
    assert second.get("/").status_code == 302
    assert first.get("/").status_code == 302
