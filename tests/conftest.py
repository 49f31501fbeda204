"""Fixtures: one app and schema per session, every table emptied after each test; the demo
data loaded once per session, into a database of its own (`demo`).

`DATABASE_URL` chooses the database (the suite runs on SQLite and again on PostgreSQL).
"""
from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass

import pytest
from flask import Flask
from hypothesis import HealthCheck, settings
from sqlalchemy import event, make_url, text

from emulation import create_app
from emulation.extensions import db, limiter
from tests.factories import PASSWORD

# Property tests judge results, not speed: on a loaded machine (CI on 2 cores) Hypothesis's
# timing checks failed tests whose every example passed.
settings.register_profile("thidua", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("thidua")


def pytest_configure(config):
    for line in ("ignore::DeprecationWarning:flask_babel",
                 "ignore:Passing SelectField choices as tuples:DeprecationWarning"):
        config.addinivalue_line("filterwarnings", line)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = _postgres_url() or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    app = _test_app(url, tmp_path_factory)
    with app.app_context():
        if url.startswith("postgres"):
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        db.drop_all()
        db.create_all()
    yield app


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """The demo data (`flask demo`), loaded once per session for every test that reads it: a
    load takes 15 s or more, and three tests used to load it each.

    `_clean_tables` empties every table of `app`'s database after each test, so the demo lives
    in a database of its own with an app of its own: a file of its own on SQLite, the schema
    `demo` of the test database on PostgreSQL (same dialect as the rest of the suite). The one
    load is `flask demo --reset` over the test world — the path that erases and then loads, and
    plain `flask demo` on an empty database is that load without the erasing. Its output is
    kept for the tests to read; tests may add to the demo data but must not remove any.
    """
    from tests import factories

    url = _postgres_url()
    if url:
        url = make_url(url).update_query_dict({"options": "-csearch_path=demo"}) \
            .render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    demo_app = _test_app(url, tmp_path_factory)
    with demo_app.app_context():
        if url.startswith("postgres"):
            db.session.execute(text("DROP SCHEMA IF EXISTS demo CASCADE; CREATE SCHEMA demo"))
            db.session.commit()
        db.create_all()
        factories.gen_world()
        db.session.remove()
    result = demo_app.test_cli_runner().invoke(args=["demo", "--reset"])
    yield Demo(demo_app, result.output, result.exit_code)
    with demo_app.app_context():
        if url.startswith("postgres"):
            db.session.execute(text("DROP SCHEMA demo CASCADE"))
            db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_tables(app):
    yield
    with app.app_context():
        db.session.rollback()
        tables = list(reversed(db.metadata.sorted_tables))
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                if table.name == "unit":
                    # Self-referencing rows: children first.
                    db.session.execute(text("UPDATE unit SET parent_id = NULL"))
                db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()
    app.extensions["huey"].flush()  # retries a test left scheduled
    limiter.reset()  # rate-limit and refusal counts start again with each test


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def world(app):
    """A small organisation: top → two branches → grassroots units, with the usual accounts.

    Made in an app context of its own: test requests must not share one (Flask would reuse
    it, and `g` with the logged-in user, across requests).
    """
    from tests import factories as f

    with app.app_context():
        made = f.gen_world()
        db.session.remove()
    return made


@pytest.fixture
def cworld(app, world):
    """The campaign world on top of `world` (see factories.gen_campaign_world)."""
    from tests import factories as f

    with app.app_context():
        made = f.gen_campaign_world(world)
        db.session.remove()
    return made


@pytest.fixture
def in_app(app):
    """`with in_app(): ...` — database work between requests, in a fresh app context."""
    @contextlib.contextmanager
    def _ctx():
        with app.app_context():
            yield db.session
            db.session.remove()
    return _ctx


@pytest.fixture
def login(app):
    """login("donvi1") → a test client logged in as that user."""
    def _login(username: str, password: str = PASSWORD):
        c = app.test_client()
        response = c.post("/login", data={"username": username, "password": password})
        assert response.status_code == 302, response.data[:500]
        return c
    return _login


@contextlib.contextmanager
def count_queries(engine):
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


@pytest.fixture
def queries(app):
    with app.app_context():
        engine = db.engine

    def _count():
        return count_queries(engine)
    return _count


@dataclass
class Demo:
    """What the `demo` fixture gives: its app, the command's output and exit code."""

    app: Flask
    output: str
    exit_code: int

    @contextlib.contextmanager
    def session(self):
        with self.app.app_context():
            yield db.session
            db.session.remove()


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    return url if url and url.startswith("postgres") else None


def _test_app(url: str, tmp_path_factory) -> Flask:
    return create_app({
        "TESTING": True,
        "DEMO_COMMANDS": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "SECRET_KEY": "test-secret",
        # Cheap hashing keeps the suite fast; test_password_hash_default covers scrypt.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
        # the suite logs in hundreds of times from one address; test_rate_limit lowers it
        "LOGIN_RATE_LIMIT": "100000 per minute",
        # the access matrix and the crawler send hundreds of tokenless API requests;
        # test_refusal_flood sets the production limit
        "API_BAD_TOKEN_LIMIT": "100000 per minute",
        # the crawler posts to every form; tests/public lowers it to check the limit
        "PUBLIC_CHECK_RATE_LIMIT": "100000 per minute",
        "PUBLIC_ROLL_RATE_LIMIT": "100000 per minute",
        # the nav's count is recounted on every page, so that two requests run the same
        # queries (the query-count tests); tests/test_home_tasks.py sets the minute
        "NAV_TASKS_SECONDS": 0,
        # jobs run in-process where they are asked for (tests/test_jobs.py also runs a worker)
        "QUEUE_IMMEDIATE": True,
        "JOBS_FOLDER": str(tmp_path_factory.mktemp("jobs")),
    })
