"""Login rate limit per IP, audited refusals, and log lines nobody can forge."""
import logging

from sqlalchemy import select

from emulation.core.audit import AuditEvent
from emulation.extensions import limiter
from tests.factories import PASSWORD


def _actions(in_app, prefix: str) -> list[AuditEvent]:
    with in_app() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action.startswith(prefix))
                                 .order_by(AuditEvent.id)).all()
        session.expunge_all()
        return events


def test_login_attempts_are_limited_per_ip(app, client, world, in_app):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    try:
        for _ in range(3):
            response = client.post("/login", data={"username": "donvi1", "password": "sai"},
                                   environ_base={"REMOTE_ADDR": "203.0.113.7"})
            assert response.status_code == 401
        blocked = client.post("/login", data={"username": "donvi1", "password": PASSWORD},
                              environ_base={"REMOTE_ADDR": "203.0.113.7"})
        assert blocked.status_code == 429
        assert "Retry-After" in blocked.headers
        assert "Quá nhiều" in blocked.get_data(as_text=True)  # translated page
        other_ip = client.post("/login", data={"username": "donvi1", "password": PASSWORD},
                               environ_base={"REMOTE_ADDR": "198.51.100.1"})
        assert other_ip.status_code == 302
        fresh = app.test_client()
        assert fresh.get("/login", environ_base={"REMOTE_ADDR": "203.0.113.7"}) \
            .status_code == 200  # only attempts (POST) count
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "100000 per minute"
        limiter.reset()
    [limited] = _actions(in_app, "access.rate_limited")
    assert limited.ip == "203.0.113.7" and "/login" in limited.summary
    failures = _actions(in_app, "auth.login_failed")
    assert len(failures) == 3


def test_access_control_failures_are_audited(world, login, client, in_app):
    viewer = login("xem")
    assert viewer.get("/admin/users/").status_code == 403
    assert client.get("/api/v1/units", headers={"Authorization": "Bearer td_forged"}) \
        .status_code == 401
    denied = _actions(in_app, "access.denied")
    assert [(e.actor_name, e.summary) for e in denied] == [("xem", "GET /admin/users/")]
    [unauthenticated] = _actions(in_app, "access.unauthenticated")
    assert unauthenticated.summary == "GET /api/v1/units" and unauthenticated.actor_id is None


def test_user_supplied_line_breaks_cannot_forge_log_lines(app, caplog):
    with caplog.at_level(logging.INFO):
        app.logger.warning("login failed for %s", "bob\n2026-11-22 INFO admin logged in\r")
    [record] = [r for r in caplog.records if "login failed" in r.getMessage()]
    message = record.getMessage()
    assert "\n" not in message and "\r" not in message
    assert message == "login failed for bob\\n2026-11-22 INFO admin logged in\\r"
