"""Thi đua: the yearly emulation cycle and the recognition that closes it."""
from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path
from urllib.parse import unquote

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from emulation.config import load_config
from emulation.core.files import ensure_private_file, private_dir
from emulation.core.web import local_today
from emulation.extensions import babel, csrf, db, limiter, login_manager, migrate, queue
from emulation.main.services import task_count

ROOT = Path(__file__).resolve().parent.parent


class RowIdConverter(IntegerConverter):
    """`int` in URLs, bounded to the ids the database can hold."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(ROOT / "instance"),
                template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.update(load_config(Path(app.instance_path)))
    if overrides:
        app.config.update(overrides)
    _warn_weak_secret(app)
    # every <int:…> in a URL is a row id: one past the 32-bit range is a 404, not a database
    # overflow (500) on SQLite or PostgreSQL
    app.url_map.converters["int"] = RowIdConverter
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES",
                          str(Path(__file__).parent / "translations"))

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
                     compare_type=True, render_item=_render_migration_item)
    csrf.init_app(app)
    limiter.init_app(app)
    warn_unshared_limits(app)
    babel.init_app(app, locale_selector=select_locale)
    _init_login(app)
    _register_models()
    _register_blueprints(app)
    _register_template_helpers(app)
    _register_tasks()
    app.config["QUEUE_FILE"] = app.config.get("QUEUE_FILE") or _queue_file(app)
    queue.init_app(app)

    from emulation.api.views import init_api
    init_api(app)

    # After init_api: the app's HTTPException handler replaces the one flask-smorest registers.
    from emulation.core.web import register_error_handlers
    register_error_handlers(app)

    from emulation.core.security import init_security_headers, install_one_line_logging
    init_security_headers(app)
    install_one_line_logging()
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:  # behind nginx: trust its X-Forwarded-For/-Proto for the client IP and https
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    from emulation.notify import subscribers
    subscribers.connect()  # notifications follow the areas' signals

    from emulation.cli import register_cli
    register_cli(app)
    if app.config["DEMO_COMMANDS"]:
        from emulation.demo import commands as demo_commands

        demo_commands.register(app)

    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    return app


def warn_unshared_limits(app: Flask) -> None:
    """Several web workers counting in `memory://` each keep their own counts: the login
    limit and the bad-token limit are then as many times looser as there are workers."""
    workers = int(app.config.get("WEB_WORKERS") or 1)
    storage = str(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if workers > 1 and storage.startswith("memory://"):
        app.logger.warning(
            "RATELIMIT_STORAGE_URI is memory:// with %d web workers: each worker counts "
            "login attempts and refusals on its own, so every limit is %d times looser. "
            "Start Redis and set RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 (README, "
            "Production).", workers, workers)


def select_locale() -> str:
    """A signed-in user's choice, then the session's, then the default (vi)."""
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(languages) or \
            current_app.config["BABEL_DEFAULT_LOCALE"]
    user_locale = getattr(current_user, "locale", None)
    for choice in (user_locale, session.get("locale")):
        if choice in languages:
            return choice
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@event.listens_for(Engine, "do_connect")
def _sqlite_file_owner_only(dialect, connection_record, cargs, cparams):
    """SQLite: create the database file 0600 (and a missing folder 0700) before SQLite does
    with the umask's mode; its -wal, -shm and -journal files take the database file's mode."""
    if dialect.name != "sqlite" or not cargs:
        return
    path = sqlite_path(str(cargs[0]), bool(cparams.get("uri")))
    if path is not None:
        try:
            private_dir(Path(path).parent)
            ensure_private_file(path)
        except OSError:  # a read-only place, a missing mount: SQLite says why, as before
            pass


def sqlite_path(database: str, uri: bool) -> str | None:
    """The file an SQLite connection string names; None for a memory database."""
    if uri and database.startswith("file:"):
        location, _, query = database[len("file:"):].partition("?")
        if "mode=memory" in query.split("&"):
            return None
        database = unquote(location)
    return None if database in ("", ":memory:") else database


# The secret key signs sessions and derives each ballot's key from a salt that the database
# (and so its WAL and backups) holds while the ballot is open: it must not be guessable.
MIN_SECRET_KEY_LENGTH = 32


def _warn_weak_secret(app: Flask) -> None:
    """Log a warning when SECRET_KEY is shorter than MIN_SECRET_KEY_LENGTH characters."""
    if len(app.config.get("SECRET_KEY") or "") < MIN_SECRET_KEY_LENGTH:
        app.logger.warning(
            "SECRET_KEY is shorter than %d characters: someone holding a copy of the database "
            "could guess it offline, forge sessions and open a secret ballot's papers. Set a "
            "random one, e.g. python3 -c 'import secrets; print(secrets.token_hex(32))'.",
            MIN_SECRET_KEY_LENGTH)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, WAL for concurrent readers, wait instead of failing, and
    overwrite deleted content (a closed ballot's papers and salt leave no trace in the file)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()


def _render_migration_item(type_, obj, autogen_context):
    """Migrations name plain SQLAlchemy types, so they never import the application."""
    from emulation.core.models import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


def _init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        from emulation.auth.services import SESSION_KEY, session_user

        try:
            raw_id, raw_version = user_id.split(":", 1)
            uid, version = int(raw_id), int(raw_version)
        except (ValueError, AttributeError):
            return None
        # the account's session version and this browser's server-side session must both
        # still hold: a password change, "sign out everywhere", deactivation or logout ends it
        return session_user(uid, version, session.get(SESSION_KEY))


def _register_models() -> None:
    # Import every area's models so that metadata (and Alembic) sees them all.
    import emulation.api.models
    import emulation.auth.models
    import emulation.awards.records.tally
    import emulation.campaigns.models
    import emulation.core.audit
    import emulation.core.calendar
    import emulation.core.settings
    import emulation.core.uploads
    import emulation.jobs.models
    import emulation.notify.models
    import emulation.notify.services
    import emulation.org.models
    import emulation.pledges.models
    import emulation.pledges.progress_store
    import emulation.scoring.models  # noqa: F401
    from emulation.awards import blueprints as awards

    awards.register_models()


def _register_tasks() -> None:
    # Import every area's tasks so that each app's queue (and its worker) knows them all.
    import emulation.admin.tasks
    import emulation.awards.catalogue.tasks
    import emulation.awards.certificates.tasks
    import emulation.awards.decisions.tasks
    import emulation.awards.nominations.tasks
    import emulation.awards.records.tasks
    import emulation.campaigns.tasks
    import emulation.jobs.tasks
    import emulation.notify.tasks
    import emulation.org.tasks
    import emulation.pledges.tasks
    import emulation.scoring.tasks  # noqa: F401


def _queue_file(app: Flask) -> str:
    """The queue's SQLite file: beside an SQLite database (one queue per database), else in
    the instance folder."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        database = Path(url[len("sqlite:///"):])
        return str(database.with_name(database.stem + "-queue.db"))
    return str(Path(app.instance_path) / "queue.db")


def _register_blueprints(app: Flask) -> None:
    from emulation.admin.views import bp as admin_bp
    from emulation.auth.views import bp as auth_bp
    from emulation.awards import blueprints as awards
    from emulation.campaigns.views import bp as campaigns_bp
    from emulation.jobs.views import bp as jobs_bp
    from emulation.main.views import bp as main_bp
    from emulation.notify.views import bp as notify_bp
    from emulation.org.views import bp as org_bp
    from emulation.pick.views import bp as pick_bp
    from emulation.pledges.views import bp as pledges_bp
    from emulation.public.views import bp as public_bp
    from emulation.refdata.views import bp as refdata_bp
    from emulation.scoring.views import bp as scoring_bp

    for bp in (main_bp, auth_bp, admin_bp, org_bp, campaigns_bp, pledges_bp, scoring_bp,
               jobs_bp, refdata_bp, pick_bp, public_bp):
        app.register_blueprint(bp)
    awards.register(app)
    app.register_blueprint(notify_bp)


NAV_TASKS_KEY = "_nav_tasks"


def _tasks(user) -> int:
    """The navigation's count of tasks waiting, on pages, not files, the API or an error page
    (which must render whatever failed).

    Counting is one query, but at national scale (150,000 nominations waiting) it costs
    150–250 ms of the database on every page: the count is kept in the session for
    `NAV_TASKS_SECONDS` (60 s), recounted on the home page (which lists the tasks), after
    any of the user's own changes (a POST) and when older."""
    if not getattr(user, "is_authenticated", False) or not has_request_context() or \
            request.path.startswith(("/static/", "/api/")) or g.get("error_page"):
        return 0
    now, kept = int(time.time()), session.get(NAV_TASKS_KEY)
    fresh = (isinstance(kept, list) and len(kept) == 3 and kept[2] == user.id
             and 0 <= now - kept[1] < current_app.config["NAV_TASKS_SECONDS"])
    if fresh and request.endpoint != "main.index":
        return kept[0]
    count = task_count(user, local_today())
    session[NAV_TASKS_KEY] = [count, now, user.id]
    return count


def _unread(user) -> int:
    if not getattr(user, "is_authenticated", False) or not has_request_context() or \
            request.path.startswith(("/static/", "/api/")):
        return 0
    from emulation.notify.services import unread_count

    return unread_count(user)


# each area's enums.py: TEMPLATE_LABELS = {"NAME_LABELS": {value: translated label}}
LABEL_MODULES = (
    "emulation.awards.catalogue.enums",
    "emulation.awards.councils.enums",
    "emulation.awards.decisions.enums",
    "emulation.awards.eligibility.enums",
    "emulation.awards.nominations.enums",
    "emulation.awards.records.enums",
    "emulation.awards.certificates.enums",
    "emulation.awards.documents.enums",
    "emulation.auth.enums",
    "emulation.org.enums",
    "emulation.scoring.enums",
    "emulation.campaigns.enums",
    "emulation.pledges.enums",
)


def _register_labels(app: Flask) -> None:
    """Every area's state and kind labels as template globals (`PLEDGE_STATE_LABELS[s]`)."""
    from importlib import import_module

    for name in LABEL_MODULES:
        app.jinja_env.globals.update(import_module(name).TEMPLATE_LABELS)


def _register_template_helpers(app: Flask) -> None:
    from emulation.core import formatting
    from emulation.core import permissions as perms
    from emulation.public.services import public_links

    formatting.register(app)
    _register_labels(app)
    from emulation.awards.catalogue.services import name_of

    app.jinja_env.globals["award_name"] = name_of
    from emulation.core import audit
    from emulation.core.audit_messages import MESSAGES

    audit.register_messages(MESSAGES)

    @app.context_processor
    def nav():
        user = current_user
        return {
            "nav": {
                "units": perms.can_any(user, perms.VIEW_UNITS),
                "people": perms.can_any(user, perms.VIEW_PEOPLE),
                "pledges": perms.can_any(user, ("unit_officer",)),
                "documents": perms.can_any(user, ("organiser",)),
                "scoring": user.is_authenticated,
                "admin": user.is_authenticated and user.is_admin,
            },
            "current_locale": select_locale(),
            "unread": _unread(user),
            # read only by the pages shown to visitors without an account
            "public_links": public_links,
            "tasks_waiting": _tasks(user),
        }

    @app.before_request
    def _request_start():
        g.locale = select_locale()
        if request.method not in ("GET", "HEAD") and NAV_TASKS_KEY in session:
            session.pop(NAV_TASKS_KEY)  # the user may have done a task: count again
