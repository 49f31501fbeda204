"""Parallel wrong logins cannot pass the lockout, and the answer does not tell which
accounts exist or are locked."""
import re
import threading

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from emulation.auth import services
from emulation.auth.models import User
from emulation.core.audit import AuditEvent
from tests.factories import PASSWORD

CLIENTS = 16


def test_parallel_wrong_logins_are_checked_at_most_the_threshold(world, app, in_app):
    with in_app() as session:
        user = session.scalar(select(User).where(User.username == "donvi1"))
        # the production hash: each check takes long enough for the guesses to overlap
        user.password_hash = generate_password_hash(PASSWORD, method="scrypt")
        session.commit()
    barrier = threading.Barrier(CLIENTS)
    statuses: list[int] = []

    def guess(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post("/login", data={"username": "donvi1",
                                               "password": f"wrong-guess-{i}"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [401] * CLIENTS
    with in_app() as session:
        events = session.scalars(select(AuditEvent).where(
            AuditEvent.action.in_(("auth.login_failed", "auth.login_locked")))).all()
        checked = [e for e in events if e.action == "auth.login_failed"]
        user = session.scalar(select(User).where(User.username == "donvi1"))
        assert len(checked) <= app.config["LOGIN_MAX_FAILURES"] < CLIENTS
        assert len(events) == CLIENTS  # the others were refused as locked, unchecked
        assert user.locked_until is not None
    # locked: even the right password is refused now
    assert app.test_client().post("/login", data={"username": "donvi1", "password": PASSWORD}) \
        .status_code == 401


def _answer(app, username, password):
    response = app.test_client().post("/login", data={"username": username,
                                                      "password": password})
    page = re.sub(r'name="csrf_token"[^>]*>', "", response.get_data(as_text=True))
    return response.status_code, page.replace(username, "USER")


def test_an_unknown_account_is_answered_like_a_locked_one(world, app):
    for _ in range(10):
        app.test_client().post("/login", data={"username": "donvi1", "password": "wrong!"})
    locked = _answer(app, "donvi1", PASSWORD)
    unknown = _answer(app, "khongco1", PASSWORD)
    wrong = _answer(app, "donvi2", "wrong-password")
    assert locked[0] == unknown[0] == wrong[0] == 401
    assert locked[1] == unknown[1] == wrong[1]
    assert "Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đang tạm khóa" in unknown[1]


def test_each_refusal_costs_one_password_hash(world, app, monkeypatch):
    """Comparable time: an unknown or locked account is checked against a dummy hash."""
    calls: list[str] = []
    real = services.check_password_hash

    def counted(stored, password):
        calls.append(stored)
        return real(stored, password)

    monkeypatch.setattr(services, "check_password_hash", counted)
    for _ in range(10):
        app.test_client().post("/login", data={"username": "donvi1", "password": "wrong!"})
    for username in ("donvi1", "khongco1", "donvi2"):
        calls.clear()
        _answer(app, username, "wrong-password")
        assert len(calls) == 1, username
