"""The multi-server rehearsal, on this machine and on loopback only: two application servers
(gunicorn on two ports) and two job workers sharing one PostgreSQL database, Redis (rate
limits and the job queue; sessions are cookies signed with the one SECRET_KEY) and one file
store folder, behind nginx terminating HTTPS with a throw-away certificate.

    .venv/bin/python bench/rehearsal.py [--users 50] [--seconds 60] [--keep]

It makes a fresh database `rehearsal` (migrated, demo data), then proves, each printed as
PASS or FAIL:

1. a session opened on server A is still open on server B;
2. a rate limit (bad API tokens, API_BAD_TOKEN_LIMIT) is counted across both servers, and a
   client cannot escape it with its own X-Forwarded-For;
3. an export started on A runs as a job on either worker, and its file downloads from B;
4. a file uploaded through A downloads, the same bytes, from B;

then runs bench/load.py against the proxy and prints requests/s, latencies, the servers' CPU
per request and the load average. Exits 1 if a check failed or the load run had errors.
Needs nginx (`apt-get install nginx`), redis-server on 127.0.0.1:6379 (it empties its
databases 13 and 14) and PostgreSQL on 127.0.0.1:5432 (user postgres)."""
from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import load
import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HERE = Path("/tmp/thidua-rehearsal")
PORT, PORT_A, PORT_B = 8443, 8444, 8445  # the proxy: both servers, A only, B only
APP_A, APP_B = 8101, 8102  # gunicorn
MAX_UPLOAD_MB = 20
GUNICORN_TIMEOUT = 120
RESULTS: list[tuple[bool, str]] = []


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers a server")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--keep", action="store_true", help="leave everything running")
    args = parser.parse_args()
    if HERE.exists():
        shutil.rmtree(HERE)
    (HERE / "logs").mkdir(parents=True)
    store = HERE / "store"  # the shared folder (an NFS or SMB mount in production)
    env = {**os.environ,
           "DATABASE_URL": f"{args.postgres}/rehearsal",
           "SECRET_KEY": secrets.token_hex(32),  # the same on every server: one session
           "FILE_STORE": str(store),
           "RATELIMIT_STORAGE_URI": f"{args.redis}/13",
           "QUEUE_REDIS_URL": f"{args.redis}/14",
           "TRUSTED_PROXIES": "1",
           "MAX_UPLOAD_MB": str(MAX_UPLOAD_MB),
           "GUNICORN_TIMEOUT": str(GUNICORN_TIMEOUT),
           "GUNICORN_WORKERS": str(args.web_workers),
           "GUNICORN_ACCESS_LOG": "/dev/null",
           # as bench/load.py: 50 users log in from this one address within a second
           "LOGIN_RATE_LIMIT": "100000 per minute",
           "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
           "API_BAD_TOKEN_LIMIT": "6 per minute",  # check 2 counts past it
           "EXPORT_JOB_ROWS": "10",  # every export of the demo is a job (check 3)
           "REQUESTS_CA_BUNDLE": str(HERE / "cert.pem")}
    env.pop("THIDUA_ENV", None)  # production: Secure cookies, served over the proxy's HTTPS
    prepare(args, env)
    os.environ["REQUESTS_CA_BUNDLE"] = env["REQUESTS_CA_BUNDLE"]  # this script's requests
    processes = start(env)
    try:
        for port in (PORT, PORT_A, PORT_B):
            load.wait_until_up(f"https://127.0.0.1:{port}")
        check_session()
        check_rate_limit()
        check_job()
        check_upload()
        ok = report_checks()
        ok = run_load(args, env, processes) and ok
    finally:
        if not args.keep:
            stop(processes)
    sys.exit(0 if ok else 1)


# --- the installation ----------------------------------------------------------------------

def prepare(args, env: dict) -> None:
    """A fresh `rehearsal` database with the demo, empty Redis databases, the certificate
    and nginx's configuration."""
    admin = f"{args.postgres}/postgres"
    for sql in ("DROP DATABASE IF EXISTS rehearsal WITH (FORCE)", "CREATE DATABASE rehearsal"):
        subprocess.run(["psql", admin, "-qc", sql], check=True)
    for number in ("13", "14"):
        subprocess.run(["redis-cli", "-n", number, "FLUSHDB"], check=True,
                       capture_output=True)
    for command in (["db", "upgrade"], ["demo", "--reset"]):
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", *command], cwd=ROOT,
                       env={**env, "THIDUA_DEMO": "1"}, check=True, capture_output=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(HERE / "key.pem"), "-out", str(HERE / "cert.pem")],
                   check=True, capture_output=True)
    conf = (ROOT / "bench" / "rehearsal" / "nginx.conf").read_text()
    for key, value in {"PREFIX": HERE, "PORT": PORT, "PORT_A": PORT_A, "PORT_B": PORT_B,
                       "APP_A": APP_A, "APP_B": APP_B, "BODY_MB": MAX_UPLOAD_MB + 1,
                       "READ_TIMEOUT": GUNICORN_TIMEOUT + 5}.items():
        conf = conf.replace(f"@{key}@", str(value))
    (HERE / "nginx.conf").write_text(conf)


def start(env: dict) -> dict[str, subprocess.Popen]:
    """gunicorn A and B, worker 1 (with the periodic tasks) and 2, nginx."""
    commands = {
        "server A": ([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                     {"GUNICORN_BIND": f"127.0.0.1:{APP_A}"}),
        "server B": ([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                     {"GUNICORN_BIND": f"127.0.0.1:{APP_B}"}),
        "worker 1": ([str(BIN / "flask"), "--app", "wsgi", "worker"], {}),
        "worker 2": ([str(BIN / "flask"), "--app", "wsgi", "worker", "--no-periodic"], {}),
        "nginx": (["nginx", "-p", str(HERE), "-c", str(HERE / "nginx.conf")], {}),
    }
    processes = {}
    for name, (command, extra) in commands.items():
        log = (HERE / "logs" / f"{name.replace(' ', '-')}.log").open("w")
        processes[name] = subprocess.Popen(command, cwd=ROOT, env={**env, **extra},
                                           stdout=log, stderr=subprocess.STDOUT)
    return processes


def stop(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        process.terminate()
    for process in processes.values():
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


# --- the checks ------------------------------------------------------------------------------

def url(port: int, path: str) -> str:
    return f"https://127.0.0.1:{port}{path}"


def login(port: int, username: str) -> requests.Session:
    session = requests.Session()
    session.headers["Referer"] = url(port, "/")  # over HTTPS the CSRF check wants it
    page = session.get(url(port, "/login"))
    session.post(url(port, "/login"), data={"csrf_token": load.csrf(page.text),
                                            "username": username, "password": load.PASSWORD})
    return session


def result(ok: bool, text: str) -> None:
    RESULTS.append((ok, text))
    print(f"{'PASS' if ok else 'FAIL'}  {text}", flush=True)


def check_session() -> None:
    session = login(PORT_A, "tochuc")
    on_a = session.get(url(PORT_A, "/"), allow_redirects=False)
    on_b = session.get(url(PORT_B, "/notifications/"), allow_redirects=False)
    result(on_a.status_code == 200 and on_b.status_code == 200
           and on_a.headers["X-Upstream"].endswith(f":{APP_A}")
           and on_b.headers["X-Upstream"].endswith(f":{APP_B}"),
           f"session: logged in on A ({on_a.headers.get('X-Upstream')}), next request on B "
           f"({on_b.headers.get('X-Upstream')}) answered {on_b.status_code}, not the login page")


def check_rate_limit() -> None:
    statuses = []
    for n in range(8):
        port = PORT_A if n % 2 == 0 else PORT_B
        response = requests.get(url(port, "/api/v1/units"), headers={
            "Authorization": "Bearer not-a-token",
            "X-Forwarded-For": f"198.51.100.{n}"})  # a client's own claim: ignored
        statuses.append(response.status_code)
    result(statuses[:6] == [401] * 6 and statuses[6:] == [429, 429],
           f"rate limit: bad API tokens alternately on A and B, each with another "
           f"X-Forwarded-For, limit 6 a minute: {statuses}")


def check_job() -> None:
    session = login(PORT_A, "tochuc")
    started = session.get(url(PORT_A, "/people/export.xlsx"), allow_redirects=False)
    found = re.search(r"/jobs/([A-Za-z0-9_-]+)$", started.headers.get("Location", ""))
    if started.status_code != 302 or not found:
        result(False, f"job: the export did not start a job ({started.status_code})")
        return
    token = found.group(1)
    status = {}
    for _ in range(240):
        status = session.get(url(PORT_B, f"/jobs/{token}/status")).json()
        if status["finished"]:
            break
        time.sleep(0.5)
    file = session.get(url(PORT_B, f"/jobs/{token}/file"))
    runners = [name for name in ("worker-1", "worker-2") if "Executing emulation.jobs.tasks."
               "run_job" in (HERE / "logs" / f"{name}.log").read_text()]
    result(status.get("state") == "done" and file.status_code == 200
           and file.content.startswith(b"PK") and file.headers["X-Upstream"].endswith(
               f":{APP_B}"),
           f"job: people export started on A, state {status.get('state')} "
           f"({status.get('rows_done')} rows) run by {', '.join(runners) or '?'}, "
           f"its file downloaded from B: {file.status_code}, {len(file.content):,} bytes")


def check_upload() -> None:
    session = login(PORT_A, "tochuc")
    hub = session.get(url(PORT_A, "/campaigns/")).text
    campaign = re.search(r'href="/campaigns/(\d+)"', hub).group(1)
    page = session.get(url(PORT_A, f"/campaigns/{campaign}")).text
    content = b"%PDF-1.4 rehearsal " + secrets.token_bytes(200_000)
    sent = session.post(url(PORT_A, f"/campaigns/{campaign}/attachments"),
                        data={"csrf_token": load.csrf(page)},
                        files={"file": ("kế hoạch.pdf", content, "application/pdf")},
                        allow_redirects=False)
    page_b = session.get(url(PORT_B, f"/campaigns/{campaign}")).text
    links = re.findall(rf'href="(/campaigns/{campaign}/attachments/\d+)"', page_b)
    got = session.get(url(PORT_B, links[-1])) if links else None
    too_big = session.post(url(PORT_A, f"/campaigns/{campaign}/attachments"),
                           data={"csrf_token": load.csrf(page)},
                           files={"file": ("lớn.pdf", b"%PDF-" + bytes(
                               MAX_UPLOAD_MB * 1024 * 1024 + 1000), "application/pdf")},
                           allow_redirects=False)
    result(sent.status_code == 302 and got is not None and got.content == content
           and got.headers["X-Upstream"].endswith(f":{APP_B}"),
           f"upload: {len(content):,} bytes sent to A ({sent.status_code}), read from B: "
           f"{'the same bytes' if got is not None and got.content == content else 'NOT'}")
    result(too_big.status_code == 413 and "<html" in too_big.text.lower()
           and "nginx" not in too_big.text,
           f"upload over MAX_UPLOAD_MB: {too_big.status_code} answered by the app "
           f"(its page), not by the proxy")


def report_checks() -> bool:
    failed = [text for ok, text in RESULTS if not ok]
    print(f"{len(RESULTS) - len(failed)} of {len(RESULTS)} checks passed", flush=True)
    return not failed


def run_load(args, env: dict, processes: dict[str, subprocess.Popen]) -> bool:
    """bench/load.py through the proxy; the CPU counted is both servers' (gunicorn)."""
    print(f"load run: {args.users} users, {args.seconds} s, through nginx to 2 servers × "
          f"{args.web_workers} workers; load average before "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    pids = [str(processes[name].pid) for name in ("server A", "server B")]
    command = [sys.executable, str(ROOT / "bench" / "load.py"), "--url", url(PORT, ""),
               "--users", str(args.users), "--seconds", str(args.seconds),
               "--workers", str(2 * args.web_workers)]
    for pid in pids:
        command += ["--cpu-pid", pid]
    output = subprocess.run(command, env=env, capture_output=True, text=True)
    print(output.stdout, output.stderr, flush=True)
    errors = re.search(r"^errors (\d+);", output.stdout, re.M)
    return output.returncode == 0 and errors is not None and errors.group(1) == "0"


if __name__ == "__main__":
    main()
