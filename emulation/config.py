"""Settings from the environment, with safe defaults."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from emulation.core.files import private_dir, write_private


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    private_dir(instance_path)
    # written whole under another name, then linked: a worker starting at the same moment
    # reads the one key that won, never a half-written file or a second key
    partial = instance_path / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    write_private(partial, secrets.token_hex(32).encode(), exclusive=True)
    try:
        os.link(partial, key_file)
    except FileExistsError:
        pass
    finally:
        partial.unlink()
    return key_file.read_text().strip()


def load_config(instance_path: Path) -> dict:
    env_name = os.environ.get("THIDUA_ENV", "production")
    development = env_name == "development"
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'thidua.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url[len("postgres://"):]
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    file_store = Path(os.environ.get("FILE_STORE") or instance_path)
    return {
        "ENV_NAME": env_name,
        # the demo command (and its --reset, which erases everything) exists only here
        "DEMO_COMMANDS": os.environ.get("THIDUA_DEMO", "1" if development else "0") == "1",
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not development,
        "SESSION_COOKIE_NAME": "thidua_session",
        "REMEMBER_COOKIE_SECURE": not development,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_DURATION": timedelta(hours=12),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": os.environ.get("DEFAULT_LOCALE", "vi"),
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": ("vi", "en"),
        "PER_PAGE": 50,
        # The file store (core.storage): FILE_STORE is one folder for every kind of file, shared
        # by every server and worker when there are several (an NFS or SMB mount); the two
        # areas can also be placed one by one (UPLOAD_FOLDER, JOBS_FOLDER).
        "FILE_STORE": str(file_store),
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER") or str(file_store / "uploads"),
        "IMPORT_MAX_ROWS": int(os.environ.get("IMPORT_MAX_ROWS", "200000")),
        # Lockout: after LOGIN_MAX_FAILURES failures inside the window the account is locked.
        "LOGIN_MAX_FAILURES": 10,
        "LOGIN_FAILURE_WINDOW": timedelta(minutes=15),
        "LOGIN_LOCK_DURATION": timedelta(minutes=15),
        "PASSWORD_MIN_LENGTH": 12,
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        # Email of notifications: off unless MAIL_SERVER is set.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "587")),
        "MAIL_USE_TLS": os.environ.get("MAIL_USE_TLS", "1") == "1",
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "thidua@localhost"),
        "SERVER_URL": os.environ.get("SERVER_URL", ""),
        # Login attempts per client IP, on top of the per-account lockout.
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "30 per minute;300 per hour"),
        # Public eligibility self-checks per client IP (when the page is turned on).
        "PUBLIC_CHECK_RATE_LIMIT": os.environ.get("PUBLIC_CHECK_RATE_LIMIT",
                                                  "10 per minute;100 per hour"),
        # Pages of the public honour roll per client IP (when it is turned on).
        "PUBLIC_ROLL_RATE_LIMIT": os.environ.get("PUBLIC_ROLL_RATE_LIMIT",
                                                 "60 per minute;1000 per hour"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # gunicorn.conf.py tells the app how many web workers run: with more than one the
        # counts above must be shared (redis://…), and the app warns at start when they are not.
        "WEB_WORKERS": int(os.environ.get("THIDUA_WEB_WORKERS", "1")),
        # Requests with a missing or bad API token, per client IP: past this, 429.
        "API_BAD_TOKEN_LIMIT": os.environ.get("API_BAD_TOKEN_LIMIT",
                                              "10 per minute;100 per hour"),
        # Refusals of requests nobody is signed in for (401, 429, 403) are audited once per
        # client IP and kind in this many minutes, then again at the 10th, 100th, … with the
        # count, so that no flood of requests writes a flood of audit rows.
        "REFUSAL_AUDIT_MINUTES": int(os.environ.get("REFUSAL_AUDIT_MINUTES", "15")),
        # API tokens: valid API_TOKEN_DAYS days unless their owner chooses fewer; never more
        # than API_TOKEN_MAX_DAYS.
        "API_TOKEN_DAYS": int(os.environ.get("API_TOKEN_DAYS", "90")),
        "API_TOKEN_MAX_DAYS": int(os.environ.get("API_TOKEN_MAX_DAYS", "365")),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (0: none).
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        # The job queue (huey), run by `flask --app wsgi worker`: an SQLite file by default
        # (QUEUE_FILE; empty = beside an SQLite database, else instance/queue.db), Redis when
        # QUEUE_REDIS_URL is set (several machines); QUEUE_IMMEDIATE=1 runs every job at once
        # in the process that asks (the test suite).
        "QUEUE_NAME": os.environ.get("QUEUE_NAME", "thidua"),
        "QUEUE_REDIS_URL": os.environ.get("QUEUE_REDIS_URL", ""),
        "QUEUE_FILE": os.environ.get("QUEUE_FILE", ""),
        "QUEUE_IMMEDIATE": os.environ.get("QUEUE_IMMEDIATE", "0") == "1",
        "QUEUE_WORKERS": int(os.environ.get("QUEUE_WORKERS", "2")),
        # A mail that fails is tried again MAIL_RETRIES times, MAIL_RETRY_DELAY seconds apart,
        # then shown to administrators as failed (/notifications/mail/).
        "MAIL_RETRIES": int(os.environ.get("MAIL_RETRIES", "5")),
        "MAIL_RETRY_DELAY": int(os.environ.get("MAIL_RETRY_DELAY", "300")),
        # Exports of more than EXPORT_JOB_ROWS rows run as jobs; their files are kept in
        # JOBS_FOLDER for JOB_FILE_HOURS hours (shared storage when the worker runs elsewhere).
        "EXPORT_JOB_ROWS": int(os.environ.get("EXPORT_JOB_ROWS", "20000")),
        "JOBS_FOLDER": os.environ.get("JOBS_FOLDER") or str(file_store / "jobs"),
        "JOB_FILE_HOURS": int(os.environ.get("JOB_FILE_HOURS", "24")),
        # how long the navigation's "to do" count is kept in the session (recounted on the
        # home page and after the user's own changes)
        "NAV_TASKS_SECONDS": int(os.environ.get("NAV_TASKS_SECONDS", "60")),
        # Imports of more rows than this run as jobs too (20,000 changed people take ~3 s).
        "IMPORT_JOB_ROWS": int(os.environ.get("IMPORT_JOB_ROWS", "10000")),
        # an uploaded file waits this long for its preview to be confirmed
        "IMPORT_KEEP_HOURS": float(os.environ.get("IMPORT_KEEP_HOURS", "2")),
        # Deadline reminders, sent by the worker every morning: this many days ahead.
        "REMIND_DAYS": int(os.environ.get("REMIND_DAYS", "3")),
    }
