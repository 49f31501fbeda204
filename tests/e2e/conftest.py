"""Browser tests: Playwright drives Debian's Chromium against a live server.

When Chromium or Playwright is missing each browser test is reported skipped, with the reason —
except under `CI=true`, where each one fails: CI must run them (`.ci/run` installs Chromium).
A failing test leaves a screenshot in `tests/e2e/screenshots/`.
"""
from __future__ import annotations

import os
import shutil
import socket
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - requirements-dev installs it
    sync_playwright = None

MISSING = None
if sync_playwright is None:
    MISSING = "playwright is not installed"
elif not Path(CHROMIUM).exists():
    MISSING = f"Chromium not found at {CHROMIUM} (apt install chromium)"
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session", autouse=True)
def _browser():
    """First of every browser test's fixtures (autouse, session scope): without a browser the
    test is skipped, or fails under CI=true, before the live server or the world is made."""
    if MISSING and IN_CI:
        pytest.fail(f"CI=true and the browser tests cannot run: {MISSING}", pytrace=False)
    if MISSING:
        pytest.skip(f"browser tests: {MISSING}")


def pytest_terminal_summary(terminalreporter):
    if MISSING and not IN_CI:
        terminalreporter.write_line(f"*** browser tests (tests/e2e) SKIPPED: {MISSING} ***",
                                    yellow=True, bold=True)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    from emulation import create_app
    from emulation.extensions import db

    folder = tmp_path_factory.mktemp("e2e")
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'e2e.db'}",
        "SECRET_KEY": "e2e", "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "UPLOAD_FOLDER": str(folder / "up"),
        "LOGIN_RATE_LIMIT": "100000 per minute", "JOBS_FOLDER": str(folder / "jobs"),
        "QUEUE_FILE": str(folder / "queue.db"),  # no worker here: nothing is consumed
    })
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture(scope="session")
def server(live_app):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    httpd = make_server("127.0.0.1", port, live_app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def open_as(browser, server, request):
    """open_as("donvi1") → a page logged in as that user (a fresh browser context)."""
    from tests.factories import PASSWORD

    contexts = []

    def _open(username: str | None, locale: str = "vi-VN"):
        context = browser.new_context(base_url=server, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10000)
        page.on("dialog", lambda dialog: dialog.accept())  # data-confirm questions: yes
        if username:
            page.goto("/login")
            page.fill("#username", username)
            page.fill("#password", PASSWORD)
            page.click("form:has(#password) button[type=submit]")
            page.wait_for_url(lambda url: "/login" not in url)
        return page

    yield _open
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        for i, context in enumerate(contexts):
            for j, page in enumerate(context.pages):
                page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}-{i}-{j}.png"),
                                full_page=True)
    for context in contexts:
        context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


@pytest.fixture(scope="session")
def e2e_world(live_app):
    """The small organisation of the unit tests (users with the test password) and the award
    catalogue, made once for the browser session."""
    from emulation.awards.catalogue.data import seed
    from emulation.extensions import db
    from tests import factories

    with live_app.app_context():
        world = factories.gen_world()
        from emulation.org.models import Unit

        top = db.session.get(Unit, world.top.id)
        for i in range(2, 8):  # the council: hoidong1 and hd2 … hd7 vote, thuky is secretary
            factories.gen_user(f"hd{i}", "council_member", top)
        # the council's scorer sits in the emulation board, above none of the scored units
        board = factories.gen_unit("BAN-TD", "Ban Thi đua - Khen thưởng", top, kind="department")
        factories.gen_user("giamkhao", "scorer", board)
        seed(db.session)
        db.session.commit()
        db.session.remove()
    return world


def pages_wider_than_a_phone(page, paths: list[str], width: int = 390) -> list[str]:
    """Open each of `paths` at `width` px (a phone) and list those that scroll sideways, as
    "path: N px wide in 390 px"; a path that answers an error fails at once."""
    page.set_viewport_size({"width": width, "height": 844})
    wide = []
    for path in paths:
        response = page.goto(path)
        assert response.status < 400, (path, response.status)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
        if widths[0] > widths[1]:
            wide.append(f"{path}: {widths[0]} px wide in {widths[1]} px")
    return wide
