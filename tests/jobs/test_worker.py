"""The one test with a real worker: `flask --app wsgi worker` in a subprocess, consuming a
real SqliteHuey file, runs an export a web request queued, and stops on Ctrl-C."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from emulation import create_app
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def test_a_real_worker_runs_the_export_a_page_queued(app, world, cworld, tmp_path):
    database = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if not database.startswith("postgres"):
        database = app.config["SQLALCHEMY_DATABASE_URI"]
    settings = {"QUEUE_IMMEDIATE": False, "QUEUE_FILE": str(tmp_path / "queue.db"),
                "JOBS_FOLDER": str(tmp_path / "jobs")}
    web = create_app({**app.config, **settings, "EXPORT_JOB_ROWS": 0})
    assert type(web.extensions["huey"]).__name__ == "SqliteHuey"
    client = web.test_client()
    assert client.post("/login", data={"username": "tochuc",
                                       "password": PASSWORD}).status_code == 302
    response = client.get(f"/campaigns/{cworld.campaign}/export/scores.xlsx")
    token = re.fullmatch(r"/jobs/(\S+)", response.headers["Location"]).group(1)
    assert client.get(f"/jobs/{token}/status").get_json()["state"] == "queued"  # no worker yet

    env = {**os.environ, "DATABASE_URL": database, "SECRET_KEY": "test-secret",
           "QUEUE_IMMEDIATE": "0", "QUEUE_FILE": settings["QUEUE_FILE"],
           "JOBS_FOLDER": settings["JOBS_FOLDER"]}
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--workers", "1",
         "--no-periodic"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        status = {}
        while time.monotonic() < deadline:
            status = client.get(f"/jobs/{token}/status").get_json()
            if status["finished"]:
                break
            time.sleep(0.2)
        assert status.get("state") == "done", status
        download = client.get(status["download"])
        assert download.status_code == 200 and download.data[:2] == b"PK"
        assert (tmp_path / "jobs" / f"{token}.xlsx").is_file()
    finally:
        worker.send_signal(signal.SIGINT)  # graceful: finish the task in hand, then stop
        output = worker.communicate(timeout=30)[0]
    assert worker.returncode == 0, output
    assert "run_job" in output and "executed in" in output, output
