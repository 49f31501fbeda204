import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from emulation.auth.models import User
from emulation.demo import DEMO_PASSWORD
from emulation.org.models import Person, Unit

ROOT = Path(__file__).resolve().parent.parent


def test_demo_loads_once_and_keeps_data(demo):
    assert demo.exit_code == 0, demo.output
    assert "donvi1" in demo.output and DEMO_PASSWORD in demo.output
    with demo.session() as session:
        top = session.scalar(select(Unit).where(Unit.name == "Công đoàn Công Thương Việt Nam"))
        assert top is not None and top.parent_id is None
        assert session.scalar(select(func.count(Unit.id))) >= 20
        assert session.scalar(select(func.max(Unit.depth))) >= 2
        assert session.scalar(select(func.count(Person.id))) >= 300
        users = {u.username: u for u in session.scalars(select(User))}
        expected = {"admin", "tochuc", "donvi1", "donvi2", "thuky", "xem",
                    *{f"hoidong{i}" for i in range(1, 8)}}
        assert expected <= set(users)
        assert check_password_hash(users["donvi1"].password_hash, DEMO_PASSWORD)
        unit1 = users["donvi1"].grants[0].unit_id
        unit2 = users["donvi2"].grants[0].unit_id
        assert unit1 != unit2
        count = session.scalar(select(func.count(Person.id)))
    again = demo.app.test_cli_runner().invoke(args=["demo"])
    assert again.exit_code == 0 and "already holds data" in again.output
    with demo.session() as session:
        assert session.scalar(select(func.count(Person.id))) == count


def test_demo_logins_work(demo):
    for username in ("admin", "tochuc", "donvi1", "hoidong7", "xem"):
        c = demo.app.test_client()
        response = c.post("/login", data={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username


def test_create_admin_command(runner, in_app, world):
    result = runner.invoke(args=["create-admin", "--username", "boss", "--password",
                                 "a-long-admin-password"])
    assert result.exit_code == 0, result.output
    short = runner.invoke(args=["create-admin", "--username", "boss2", "--password", "short"])
    assert short.exit_code == 1
    with in_app() as session:
        boss = session.scalar(select(User).where(User.username == "boss"))
        assert boss.is_admin
        assert session.scalar(select(User).where(User.username == "boss2")) is None


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="migrations are checked on PostgreSQL by .ci/run itself")
def test_migrations_match_the_models(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}",
           "SECRET_KEY": "x"}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "db"]
    upgrade = subprocess.run([*flask, "upgrade"], cwd=ROOT, env=env, capture_output=True,
                             text=True)
    assert upgrade.returncode == 0, upgrade.stderr
    check = subprocess.run([*flask, "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_demo_reset_replaces_the_data(demo):
    """The `demo` fixture loads the demo with --reset over the test world."""
    assert demo.exit_code == 0, demo.output
    with demo.session() as session:
        assert session.scalar(select(Unit).where(Unit.code == "CS-1")) is None  # world is gone
        assert session.scalar(select(func.count(Person.id))) >= 300


def test_demo_command_exists_only_where_demo_data_belongs(monkeypatch, tmp_path):
    from emulation import create_app

    monkeypatch.delenv("THIDUA_DEMO", raising=False)
    settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}", "SECRET_KEY": "x"}
    monkeypatch.setenv("THIDUA_ENV", "production")
    assert "demo" not in create_app(dict(settings)).cli.commands
    monkeypatch.setenv("THIDUA_DEMO", "1")
    assert "demo" in create_app(dict(settings)).cli.commands
    monkeypatch.delenv("THIDUA_DEMO")
    monkeypatch.setenv("THIDUA_ENV", "development")
    assert "demo" in create_app(dict(settings)).cli.commands


def test_the_demo_2026_campaign_reads_as_2026(demo):
    """The 2026 campaign is cloned from the 2020 directive: its summary, movements, compacts
    and periods name 2026, never 2020 (issue 16's fresh-user test read "năm 2020" in it)."""
    from emulation.campaigns.models import Campaign

    with demo.session() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.year_start == 2026))
        texts = [campaign.title, campaign.summary, *(m.title for m in campaign.movements),
                 *(m.description for m in campaign.movements),
                 *(c.compact_text or "" for c in campaign.clusters),
                 *(p.label for p in campaign.periods)]
        assert not [t for t in texts if "2020" in t]
        assert "Năm 2026" in campaign.summary
        assert any("2026" in (c.compact_text or "") for c in campaign.clusters)
        old = session.scalar(select(Campaign).where(Campaign.year_start == 2020))
        assert "Năm 2020" in old.summary  # the 2020 directive keeps its own words
