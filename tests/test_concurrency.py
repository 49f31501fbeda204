"""Concurrent saves against a live gunicorn server (4 workers): SQLite in WAL always, and
PostgreSQL when the suite runs on it (DATABASE_URL=postgresql://…).

16 clients save the same pledge, score sheet and nomination repeatedly: every request is a
success or a clean 409 conflict, the record ends equal to the last successful save, and the
audit trail holds one event per success. Two members voting at the same instant both count;
a vote racing the ballot's closing is either counted in the result or refused."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select, text

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 16
ROUNDS = 3


def _pg_base() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    return url.rsplit("/", 1)[0] if url.startswith("postgres") else None


def _pg_live_name() -> str:
    """The live server's database, named after the suite's (test → test_concurrency), so that
    suites run side by side on one PostgreSQL server never drop each other's."""
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    return url.rsplit("/", 1)[1].split("?")[0] + "_concurrency"


BACKENDS = ["sqlite"] + (["postgresql"] if _pg_base() else [])


def _prepare(url: str) -> dict:
    """Build the organisation, a campaign, a draft pledge, a score sheet, a draft nomination
    and a council meeting with its ballot open, through the services."""
    from emulation import create_app
    from emulation.awards.catalogue.data import seed
    from emulation.awards.catalogue.services import award_by_code
    from emulation.awards.councils import services as cs
    from emulation.awards.nominations import services as nom
    from emulation.awards.records.models import Appraisal
    from emulation.campaigns.models import Campaign
    from emulation.core.permissions import SYSTEM
    from emulation.extensions import db
    from emulation.org.models import Person, Unit
    from emulation.pledges import services as ps
    from tests import factories as f

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "c",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "UPLOAD_FOLDER": str(ROOT / "instance" / "concurrency-uploads")})
    with app.app_context():
        db.create_all()
        world = f.gen_world()
        cworld = f.gen_campaign_world(world)
        seed(db.session)
        campaign = db.session.get(Campaign, cworld.campaign)
        unit1 = db.session.get(Unit, world.unit1.id)
        unit2 = db.session.get(Unit, world.unit2.id)
        person = db.session.get(Person, world.person1.id)
        pledge = ps.save_pledge(SYSTEM, campaign, unit2, 0,
                                {cworld.movements[0]: {"commitment": "ban đầu"}})
        draft = nom.create(SYSTEM, award=award_by_code("BK_BO"), year=2026,
                           proposing_unit=unit1, person=person, texts={"summary": "ban đầu"})
        top = db.session.get(Unit, world.top.id)
        council = cs.create_council(SYSTEM, top, "Hội đồng", Decimal(50))
        users = {"thuky": "secretary", "hoidong1": "chair"}
        for name, role in users.items():
            cs.add_member(SYSTEM, council, _user(name), role)
        for name in ("tv2", "tv3", "tv4"):
            cs.add_member(SYSTEM, council, f.gen_user(name, "council_member", top), "member")
        db.session.add(Appraisal(person_id=person.id, year=2026, level="good"))
        db.session.commit()
        n = nom.create(SYSTEM, award=award_by_code("LDTT"), year=2026, proposing_unit=unit1,
                       person=person, texts={"summary": "Thành tích"})
        nom.submit(SYSTEM, n, n.version)
        nom.receive(SYSTEM, n, n.version)
        nom.put_on_agenda(SYSTEM, n, n.version)
        secretary = _user("thuky")
        meeting = cs.schedule(secretary, council, "Phiên họp", date(2026, 12, 1))
        item = cs.add_to_agenda(secretary, meeting, n)
        cs.set_attendance(secretary, meeting, meeting.version, [m.id for m in council.members])
        cs.open_ballot(secretary, meeting, meeting.version)
        ids = {"campaign": campaign.id, "unit2": unit2.id, "pledge": pledge.id,
               "movement": cworld.movements[0], "sheet": cworld.sheet,
               "criterion": cworld.criterion, "nomination": draft.id, "meeting": meeting.id,
               "item": item.id}
        db.session.remove()
        db.engine.dispose()
    return ids


def _user(name):
    from emulation.auth.models import User
    from emulation.extensions import db

    return db.session.scalar(select(User).where(User.username == name))


@pytest.fixture(params=BACKENDS)
def live(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'live.db'}"
    else:
        import psycopg

        base, name = _pg_base(), _pg_live_name()
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"{base}/{name}"
    ids = _prepare(url)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "concurrency",
           "THIDUA_ENV": "development", "LOGIN_RATE_LIMIT": "100000 per minute",
           "UPLOAD_FOLDER": str(tmp_path / "uploads")}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", "4", "-b", f"127.0.0.1:{port}",
         "--timeout", "60", "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE)
    base_url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if requests.get(f"{base_url}/healthz", timeout=5).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.1)
    else:
        server.kill()
        pytest.fail(server.stderr.read().decode()[-2000:])
    yield base_url, ids, url
    server.terminate()
    server.wait(timeout=10)
    if request.param == "postgresql":
        import psycopg

        with psycopg.connect(f"{_pg_base()}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{_pg_live_name()}" WITH (FORCE)')


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _login(base_url: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base_url}/login")
    response = session.post(f"{base_url}/login", allow_redirects=False, data={
        "csrf_token": _csrf(page.text), "username": username, "password": PASSWORD})
    assert response.status_code == 302, response.text[:500]
    return session


def _version(html: str) -> str:
    return re.search(r'name="version"[^>]*value="(\d+)"', html).group(1)


def _db(url: str):
    from emulation import create_app
    from emulation.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "c"})
    return app, db


def test_concurrent_saves_end_in_success_or_conflict(live):
    base_url, ids, url = live
    targets = {
        "pledge": ("donvi2", f"/campaigns/{ids['campaign']}/units/{ids['unit2']}/pledge",
                   lambda text: {f"m{ids['movement']}-commitment": text}, "pledge.save"),
        "sheet": ("donvi1", f"/sheets/{ids['sheet']}",
                  lambda text: {f"c{ids['criterion']}-points": "7",
                                f"c{ids['criterion']}-comment": text}, "sheet.save"),
        "nomination": ("donvi1", f"/nominations/{ids['nomination']}",
                       lambda text: {"summary": text}, "nomination.update"),
    }
    app, db = _db(url)
    from emulation.core.audit import AuditEvent

    with app.app_context():
        first_event = db.session.scalar(select(func.max(AuditEvent.id)))
        db.session.remove()
    results: dict[str, list] = {name: [] for name in targets}
    failures: list[str] = []
    lock = threading.Lock()
    sessions = {(name, i): _login(base_url, targets[name][0])
                for name in targets for i in range(CLIENTS)}
    barrier = threading.Barrier(CLIENTS * len(targets))

    def client(name: str, i: int) -> None:
        username, path, fields, _action = targets[name]
        session = sessions[(name, i)]
        barrier.wait()
        for round_ in range(ROUNDS):
            page = session.get(base_url + path)
            text_ = f"lưu {name} {i}-{round_}"
            response = session.post(base_url + path, allow_redirects=False, data={
                "csrf_token": _csrf(page.text), "version": _version(page.text),
                **fields(text_)})
            with lock:
                if response.status_code == 302:
                    results[name].append(text_)
                elif response.status_code == 409 and "tải lại trang" in response.text:
                    pass  # the clean conflict message: reload and save again
                else:
                    failures.append(f"{name} {i}: {response.status_code}")

    threads = [threading.Thread(target=client, args=(name, i))
               for name in targets for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    print({name: f"{len(saved)} of {CLIENTS * ROUNDS} saves succeeded, the rest were conflicts"
           for name, saved in results.items()})

    from emulation.awards.nominations.models import Nomination
    from emulation.pledges.models import PledgeItem
    from emulation.scoring.models import Score

    with app.app_context():
        finals = {
            "pledge": db.session.scalar(select(PledgeItem.commitment).where(
                PledgeItem.pledge_id == ids["pledge"])),
            "sheet": db.session.scalar(select(Score.comment).where(
                Score.sheet_id == ids["sheet"])),
            "nomination": db.session.scalar(select(Nomination.summary).where(
                Nomination.id == ids["nomination"])),
        }
        for name, target in targets.items():
            action = target[3]
            events = db.session.scalars(select(AuditEvent).where(
                AuditEvent.id > first_event, AuditEvent.action == action)
                .order_by(AuditEvent.id)).all()
            assert results[name], f"no {name} save succeeded"
            assert len(events) == len(results[name]), name  # one event per success
            assert finals[name] in results[name]
            assert finals[name] in (events[-1].after or ""), (name, events[-1].after,
                                                              events[-1].summary)
        db.session.remove()


def test_simultaneous_votes_and_a_vote_racing_the_closing(live):
    base_url, ids, url = live
    meeting = f"{base_url}/meetings/{ids['meeting']}"
    voters = {name: _login(base_url, name) for name in ("hoidong1", "tv2", "tv3", "tv4")}
    secretary = _login(base_url, "thuky")
    forms = {name: session.get(meeting).text for name, session in voters.items()}
    outcome: dict[str, int] = {}

    def vote(name: str, barrier: threading.Barrier) -> None:
        barrier.wait()
        response = voters[name].post(f"{base_url}/agenda/{ids['item']}/vote",
                                     allow_redirects=False,  # choice 1: agree
                                     data={"csrf_token": _csrf(forms[name]), "choice": "1"})
        outcome[name] = response.status_code

    # three at once: the fewest votes a ballot may close with (MIN_VOTES)
    together = threading.Barrier(3)
    first = [threading.Thread(target=vote, args=(n, together))
             for n in ("hoidong1", "tv2", "tv3")]
    for thread in first:
        thread.start()
    for thread in first:
        thread.join()
    assert outcome == {"hoidong1": 302, "tv2": 302, "tv3": 302}

    page = secretary.get(meeting).text
    race = threading.Barrier(2)
    closing: dict[str, int] = {}

    def close() -> None:
        race.wait()
        response = secretary.post(f"{meeting}/close", allow_redirects=False, data={
            "csrf_token": _csrf(page), "version": _version(page)})
        closing["status"] = response.status_code

    threads = [threading.Thread(target=vote, args=("tv4", race)),
               threading.Thread(target=close)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert closing["status"] == 302
    assert outcome["tv4"] in (302, 409)  # counted before the closing, or refused after it

    app, db = _db(url)
    from emulation.awards.councils.models import AgendaItem, BallotParticipation
    from emulation.core.audit import AuditEvent

    with app.app_context():
        item = db.session.get(AgendaItem, ids["item"])
        voted = db.session.scalar(select(func.count()).select_from(BallotParticipation)
                                  .where(BallotParticipation.item_id == item.id))
        expected = 4 if outcome["tv4"] == 302 else 3
        assert item.agree == voted == expected
        closed = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "meeting.close_ballot"))
        assert f"[{expected}, 0, 0," in closed.after  # the result counted what was voted
        assert db.session.scalar(text("SELECT state FROM council_meeting WHERE id = :m"),
                                 {"m": ids["meeting"]}) == "closed"
        db.session.remove()
