"""Fixtures: one app and schema per session, every table emptied after each test.

`DATABASE_URL` chooses the database (the suite runs on SQLite and again on PostgreSQL).
"""
from __future__ import annotations

import contextlib
import os

import pytest
from sqlalchemy import event, text

from emulation import create_app
from emulation.extensions import db
from tests.factories import PASSWORD


def pytest_configure(config):
    for line in ("ignore::DeprecationWarning:flask_babel",
                 "ignore:Passing SelectField choices as tuples:DeprecationWarning"):
        config.addinivalue_line("filterwarnings", line)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url or not url.startswith("postgres"):
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    app = create_app({
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
        # jobs run in-process where they are asked for (tests/test_jobs.py also runs a worker)
        "QUEUE_IMMEDIATE": True,
        "JOBS_FOLDER": str(tmp_path_factory.mktemp("jobs")),
    })
    with app.app_context():
        if url.startswith("postgres"):
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        db.drop_all()
        db.create_all()
    yield app


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
