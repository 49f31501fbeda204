"""A load run: simulated users browsing and saving through gunicorn.

Builds the demo database (`flask db upgrade` + `flask demo`), starts gunicorn with 2 workers,
then 50 users — organisers, unit officers, council members, a viewer — log in and for 60 s
open pages, read the API and save (a unit officer saves its pledge draft; a clean 409 conflict
counts as handled, not as an error). Prints requests/s, p50/p95/p99 latency and the errors.
Target: zero errors and p95 under 300 ms on SQLite.

    .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--workers 2]
    .venv/bin/python bench/load.py --database postgresql://postgres@127.0.0.1/load
    .venv/bin/python bench/load.py --url https://127.0.0.1:8443   # a running installation

It also prints the CPU time the server's processes spent per request (user + system, read
from /proc: comparable on a machine loaded by other work, unlike requests/s) and the load
average. With `--url` nothing is started: the installation must hold the demo data (with
PASSWORD_HASH_METHOD and LOGIN_RATE_LIMIT as below), and `--cpu-pid` names the processes
(with their children) whose CPU is counted.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "ThiDua@2026demo"
ROLES = ["donvi1", "donvi2", "tochuc", "xem", "thuky"] + [f"hoidong{i}" for i in range(1, 8)]
PAGES = {
    "all": ["/", "/campaigns/", "/honours/", "/notifications/", "/units/", "/decisions/",
            "/nominations/", "/awards/"],
    "tochuc": ["/people/", "/people/?q=nguyen", "/campaigns/{campaign}/pledges",
               "/campaigns/{campaign}/dashboard", "/campaigns/{campaign}/ranking",
               "/campaigns/{campaign}/scoring"],
    "donvi1": ["/pledges/", "/people/", "/scoring/"],
    "donvi2": ["/pledges/", "/people/"],
    "thuky": ["/councils/"],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", help="DATABASE_URL (default: a temporary SQLite file)")
    parser.add_argument("--url", help="run against this running server; start nothing")
    parser.add_argument("--cpu-pid", type=int, action="append", default=[],
                        help="with --url: a server process whose CPU (children too) is counted")
    args = parser.parse_args()
    if args.url:
        wait_until_up(args.url)
        run(args.url.rstrip("/"), args, args.cpu_pid)
        return
    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/load.db"
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "load", "THIDUA_ENV": "development",
           # 50 users log in from this one address within a second
           "LOGIN_RATE_LIMIT": "100000 per minute", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}
    for command in (["db", "upgrade"], ["demo", "--reset"]):
        subprocess.run([str(BIN / "flask"), "--app", "wsgi", *command], cwd=ROOT, env=env,
                       check=True, capture_output=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**env, "GUNICORN_WORKERS": str(args.workers),
                                   "GUNICORN_BIND": f"127.0.0.1:{port}",
                                   "GUNICORN_ACCESS_LOG": "/dev/null"})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base)
        run(base, args, [server.pid])
    finally:
        server.terminate()
        server.wait(timeout=20)


def wait_until_up(base: str) -> None:
    for _ in range(200):
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def run(base: str, args, cpu_pids: list[int]) -> None:
    latencies: list[float] = []
    by_path: dict[str, list[float]] = {}
    errors: list[str] = []
    conflicts = [0]
    lock = threading.Lock()
    deadline = [0.0]
    ready = threading.Barrier(args.users + 1)

    def user(n: int) -> None:
        rng = random.Random(n)
        username = ROLES[n % len(ROLES)]
        session = requests.Session()
        session.headers["Referer"] = f"{base}/"  # Flask-WTF checks it over HTTPS
        login_page = session.get(f"{base}/login")
        session.post(f"{base}/login", data={"csrf_token": csrf(login_page.text),
                                            "username": username, "password": PASSWORD})
        campaign = None
        listing = session.get(f"{base}/campaigns/").text
        found = re.search(r'href="/campaigns/(\d+)"', listing)
        if found:
            campaign = found.group(1)
        pages = PAGES["all"] + PAGES.get(username, [])
        pages = [p.format(campaign=campaign) for p in pages if campaign or "{" not in p]
        ready.wait()
        while time.monotonic() < deadline[0]:
            if username in ("donvi1", "donvi2") and rng.random() < 0.15:
                status, elapsed = save_pledge(session, base)
                path = "POST pledge"
            else:
                path = rng.choice(pages)
                start = time.perf_counter()
                try:
                    status = session.get(base + path, timeout=30).status_code
                except requests.RequestException as err:
                    status = f"{type(err).__name__}"
                elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                by_path.setdefault(re.sub(r"\d+", "N", path), []).append(elapsed * 1000)
                if status == 409:
                    conflicts[0] += 1
                elif status not in (200, 302):
                    errors.append(f"{username}: {status}")
            time.sleep(rng.uniform(0.05, 0.3))  # a person reads before clicking again

    threads = [threading.Thread(target=user, args=(n,)) for n in range(args.users)]
    for thread in threads:
        thread.start()
    deadline[0] = time.monotonic() + args.seconds + 3600  # set properly once all logged in
    ready.wait()
    cpu_before = sum(tree_cpu(pid) for pid in cpu_pids)
    started = time.monotonic()
    deadline[0] = started + args.seconds
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    cpu = sum(tree_cpu(pid) for pid in cpu_pids) - cpu_before
    ms = sorted(x * 1000 for x in latencies)

    def pct(p):
        return ms[min(len(ms) - 1, int(len(ms) * p))] if ms else 0.0

    print(f"users {args.users}, workers {args.workers}, {elapsed:.0f} s: {len(ms):,} requests, "
          f"{len(ms) / elapsed:.1f} requests/s")
    print(f"latency p50 {pct(0.50):.0f} ms, p95 {pct(0.95):.0f} ms, p99 {pct(0.99):.0f} ms, "
          f"mean {statistics.fmean(ms) if ms else 0:.0f} ms")
    print("slowest requests (path: count, p50, p95, max ms):")
    for path, values in sorted(by_path.items(), key=lambda kv: -max(kv[1]))[:6]:
        values.sort()
        print(f"  {path:<40} {len(values):6d} {values[len(values) // 2]:7.0f} "
              f"{values[int(len(values) * 0.95)]:7.0f} {values[-1]:7.0f}")
    if cpu_pids and ms:
        print(f"server CPU {cpu:.1f} s over {len(ms):,} requests: {cpu / len(ms) * 1000:.1f} ms "
              f"a request; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
              f"on {os.cpu_count()} cores")
    print(f"errors {len(errors)}; clean save conflicts (409) {conflicts[0]}")
    for error in sorted(set(errors))[:10]:
        print(f"  {error}")
    print("Target: zero errors, p95 < 300 ms on SQLite.")


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of process `pid` and its descendants, alive or reaped:
    a recycled gunicorn worker's time is in its parent's children counters once reaped."""
    parents: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry)] = fields
            parents.setdefault(int(fields[1]), []).append(int(entry))
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        fields = stats.get(current)
        if fields is None:
            continue
        # utime, stime, cutime, cstime: fields 14-17 of stat, 12-15 after the name
        total += sum(int(x) for x in fields[11:15]) / tick
        todo.extend(parents.get(current, []))
    return total


def save_pledge(session, base: str):
    """The officer opens its first pledge and saves the draft as it is (a 409 if a colleague
    saved in between; an approved pledge answers its read-only page)."""
    listing = session.get(f"{base}/pledges/").text
    found = re.search(r'href="(/campaigns/\d+/units/\d+/pledge)"', listing)
    if not found:
        return 200, 0.0
    page = session.get(base + found.group(1)).text
    version = re.search(r'name="version"[^>]*value="(\d+)"', page)
    if not version or "Lưu nháp" not in page:
        return 200, 0.0
    fields = dict(re.findall(r'name="(m\d+-commitment)"[^>]*>([^<]*)<', page))
    start = time.perf_counter()
    response = session.post(base + found.group(1), allow_redirects=False, data={
        "csrf_token": csrf(page), "version": version.group(1), **fields})
    return response.status_code, time.perf_counter() - start


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return found.group(1) if found else ""


if __name__ == "__main__":
    main()
