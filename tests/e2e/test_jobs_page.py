"""A job's page in the browser: static/js/jobs.js moves the bar as the worker records
progress, then reloads the page to offer the file."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select, update

from emulation.auth.models import User
from emulation.core.models import utcnow
from emulation.extensions import db
from emulation.jobs.models import Job

TOKEN = "e2e-job-" + "t" * 35


def test_the_bar_follows_the_worker_then_the_file_is_offered(open_as, e2e_world, live_app):
    with live_app.app_context():
        user = db.session.scalar(select(User).where(User.username == "tochuc"))
        db.session.add(Job(id=TOKEN, user_id=user.id, kind="scores", state="running",
                           rows_total=1000, params='{"campaign_id": 1, "name": "Thi đua"}'))
        db.session.commit()
    page = open_as("tochuc")
    page.goto(f"/jobs/{TOKEN}")
    assert page.locator("[data-job-progress]").get_attribute("value") == "0"
    _set(live_app, rows_done=400)  # what the worker's progress callback writes
    # (no wait_for_function: the page's CSP rightly forbids evaluating strings)
    expect(page.locator("[data-job-progress]")).to_have_attribute("value", "40")
    expect(page.locator("[data-job-rows]")).to_contain_text("400")
    folder = Path(live_app.config["JOBS_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{TOKEN}.xlsx").write_bytes(b"PK")
    _set(live_app, state="done", rows_done=1000, file_path=f"{TOKEN}.xlsx",
         file_name="diem.xlsx", finished_at=utcnow(), expires_at=utcnow() + timedelta(hours=1))
    page.wait_for_selector(f"a[href='/jobs/{TOKEN}/file']")  # the page reloaded itself
    assert "Sẵn sàng tải về" in page.content()


def _set(app, **values) -> None:
    with app.app_context():
        db.session.execute(update(Job).where(Job.id == TOKEN).values(**values))
        db.session.commit()
        db.session.remove()
