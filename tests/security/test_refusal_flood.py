"""No request made without signing in can write unbounded audit rows: bad API tokens are
rate-limited per IP (429), and refusals of anonymous requests are audited in aggregate.
Several web workers counting in memory:// are warned about at start."""
import logging
import os
import runpy
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import func, select

from emulation import create_app, warn_unshared_limits
from emulation.api.services import create_token
from emulation.auth.models import User
from emulation.config import load_config
from emulation.core.audit import AuditEvent
from emulation.core.permissions import SYSTEM

ROOT = Path(__file__).resolve().parents[2]
ATTACKER = {"REMOTE_ADDR": "203.0.113.9"}


def _rows(in_app, ip=None):
    with in_app() as session:
        stmt = select(AuditEvent).where(AuditEvent.action.startswith("access."))
        if ip:
            stmt = stmt.where(AuditEvent.ip == ip)
        events = session.scalars(stmt.order_by(AuditEvent.id)).all()
        session.expunge_all()
        return events


def _token(in_app, username) -> dict:
    with in_app() as session:
        user = session.scalar(select(User).where(User.username == username))
        return {"Authorization": f"Bearer {create_token(SYSTEM, user, 'test')[1]}"}


def test_bad_tokens_are_rate_limited_and_audited_in_aggregate(world, client, in_app, app,
                                                              monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.delenv("API_BAD_TOKEN_LIMIT", raising=False)
    production = load_config(tmp_path)["API_BAD_TOKEN_LIMIT"]
    assert production == "10 per minute;100 per hour"
    monkeypatch.setitem(app.config, "API_BAD_TOKEN_LIMIT", production)
    statuses = [client.get("/api/v1/units", headers={"Authorization": f"Bearer td_bad{i}"},
                           environ_base=ATTACKER).status_code for i in range(400)]
    assert statuses[:10] == [401] * 10  # API_BAD_TOKEN_LIMIT: 10 per minute
    assert set(statuses[10:]) == {429}
    limited = client.get("/api/v1/units", headers={"Authorization": "Bearer td_bad"},
                         environ_base=ATTACKER)
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.mimetype == "application/problem+json"
    rows = _rows(in_app, ATTACKER["REMOTE_ADDR"])
    # 10 refusals: the 1st and 10th; 391 rate-limited: the 1st, 10th and 100th
    assert [(e.action, e.summary.split(" (")[-1]) for e in rows] == [
        ("access.unauthenticated", "GET /api/v1/units"),
        ("access.unauthenticated", "10 refusals from this address in 15 min)"),
        ("access.rate_limited", "GET /api/v1/units 10 per 1 minute"),
        ("access.rate_limited", "10 refusals from this address in 15 min)"),
        ("access.rate_limited", "100 refusals from this address in 15 min)"),
    ]
    # another address, and a good token from it, are unaffected
    assert client.get("/api/v1/units", headers=_token(in_app, "donvi1")).status_code == 200


def test_a_login_flood_writes_a_bounded_audit(world, app, client, in_app):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [client.post("/login", data={"username": "khongco", "password": "x"},
                                environ_base=ATTACKER).status_code for _ in range(60)]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "100000 per minute"
    assert statuses.count(429) == 57
    assert len(_rows(in_app, ATTACKER["REMOTE_ADDR"])) == 2  # the 1st and the 10th


def test_signed_in_refusals_are_still_audited_one_by_one(world, login, in_app):
    viewer = login("xem")
    for _ in range(3):
        assert viewer.get("/admin/users/").status_code == 403
    assert [e.actor_name for e in _rows(in_app)] == ["xem"] * 3


def test_several_workers_on_memory_storage_are_warned_about(app, tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        create_app({"TESTING": True, "SECRET_KEY": "x", "WEB_WORKERS": 4,
                    "RATELIMIT_STORAGE_URI": "memory://",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'w.db'}"})
    [warning] = [r for r in caplog.records if "RATELIMIT_STORAGE_URI" in r.getMessage()]
    assert warning.levelno == logging.WARNING
    assert "4 web workers" in warning.getMessage() and "redis://" in warning.getMessage()
    caplog.clear()
    for workers, storage in ((1, "memory://"), (4, "redis://127.0.0.1:6379/0")):
        with caplog.at_level(logging.WARNING):
            warn_unshared_limits(SimpleNamespace(
                config={"WEB_WORKERS": workers, "RATELIMIT_STORAGE_URI": storage},
                logger=logging.getLogger("emulation")))
        assert not caplog.records, (workers, storage)


def test_gunicorn_tells_the_app_how_many_workers_run(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("THIDUA_WEB_WORKERS", "1")  # restored after the test
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["workers"] == 3 and os.environ["THIDUA_WEB_WORKERS"] == "3"
    conf["on_starting"](SimpleNamespace(cfg=SimpleNamespace(workers=5)))  # `-w 5` given
    assert os.environ["THIDUA_WEB_WORKERS"] == "5"


def test_the_first_refusal_of_each_address_is_written(world, client, in_app):
    for ip in ("198.51.100.1", "198.51.100.2"):
        client.get("/api/v1/units", environ_base={"REMOTE_ADDR": ip})
    assert [e.ip for e in _rows(in_app)] == ["198.51.100.1", "198.51.100.2"]
    with in_app() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 2
