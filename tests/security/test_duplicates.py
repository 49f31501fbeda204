"""Duplicates that simultaneous requests used to write, and the unique constraints behind them.

16 parallel submissions of the same nomination made 3 (SQLite) or 4 (PostgreSQL) nominations,
and one decision then granted the same award twice with double cash; two users creating the
same unit or person code at once got a server error. The database now holds the rules (one
active nomination per subject, award and year; one award in force per subject, award and
year), and every unique constraint a user action meets answers a clean 409.
"""
from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import MetaData, func, select
from sqlalchemy.exc import IntegrityError

from emulation.auth.models import User
from emulation.awards.catalogue.data import seed
from emulation.awards.catalogue.models import AwardType
from emulation.awards.catalogue.services import award_by_code
from emulation.awards.councils.models import AgendaItem, Council, CouncilMeeting
from emulation.awards.decisions import services as ds
from emulation.awards.decisions.models import Decision, Publication
from emulation.awards.nominations import services as nom
from emulation.awards.nominations.models import Nomination
from emulation.awards.records.models import AwardRecord
from emulation.core.audit import AuditEvent
from emulation.core.errors import Conflict
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org.models import Person, Unit

CLIENTS = 16


def _parallel(app, login, username: str, url: str, data: dict) -> list[int]:
    """CLIENTS clients, each logged in, post the same form at the same instant."""
    clients = [login(username) for _ in range(CLIENTS)]
    barrier = threading.Barrier(CLIENTS)
    statuses: list[int] = []
    lock = threading.Lock()

    def post(client):
        barrier.wait()
        response = client.post(url, data=data)
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=post, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def _count(in_app, model, *where) -> int:
    with in_app() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def test_sixteen_parallel_submissions_make_one_nomination(app, world, login, in_app):
    with in_app() as session:
        seed(session)
        session.commit()
        award = session.scalar(select(AwardType.id).where(AwardType.code == "CSTDCS"))
    statuses = _parallel(app, login, "donvi1", "/nominations/new", {
        "award": str(award), "year": "2026", "proposing_unit_code": "CS-1",
        "person_code": "P1", "campaign_id": "0", "summary": "Thành tích"})
    assert sorted(statuses) == [302] + [409] * (CLIENTS - 1), statuses
    assert _count(in_app, Nomination) == 1
    assert _count(in_app, AuditEvent, AuditEvent.action == "nomination.create") == 1


@pytest.mark.parametrize("url, data, model", [
    ("/units/new", {"code": "CS-9", "name": "Công đoàn mới", "parent_code": "CD-A",
                    "kind": "grassroots"}, Unit),
    ("/people/new", {"code": "P9", "full_name": "Lê Văn Mới", "unit_code": "CS-1"}, Person),
], ids=["unit", "person"])
def test_the_same_code_created_at_once_is_one_record_and_clean_conflicts(url, data, model, app,
                                                                        world, login, in_app):
    statuses = _parallel(app, login, "tochuc_a", url, data)
    assert sorted(statuses) == [302] + [409] * (CLIENTS - 1), statuses
    assert _count(in_app, model, model.code == data["code"]) == 1


def test_a_duplicate_past_the_check_is_a_clean_conflict(world, login, in_app, monkeypatch):
    """What the threads above may or may not catch: the service's check has just passed for
    both requests; the database refuses the second, answered as a 409 with the reason."""
    from emulation.org import services as org

    with in_app() as session:
        seed(session)
        session.commit()
        award = session.scalar(select(AwardType.id).where(AwardType.code == "CSTDCS"))
    officer = login("donvi1")
    form = {"award": str(award), "year": "2026", "proposing_unit_code": "CS-1",
            "person_code": "P1", "campaign_id": "0", "summary": "x"}
    assert officer.post("/nominations/new", data=form).status_code == 302
    monkeypatch.setattr(nom, "active_nomination", lambda *args: None)  # the race's window
    second = officer.post("/nominations/new", data=form)
    assert second.status_code == 409
    assert "đã được đề nghị" in second.get_data(as_text=True)
    assert _count(in_app, Nomination) == 1
    monkeypatch.setattr(org, "unit_by_code", lambda code: None)
    again = login("admin").post("/units/new", data={"code": "CS-1", "name": "Trùng",
                                                    "parent_code": "", "kind": "grassroots"})
    assert again.status_code == 409
    assert "CS-1" in again.get_data(as_text=True)
    assert _count(in_app, Unit, Unit.code == "CS-1") == 1


def test_the_database_keeps_one_active_nomination_and_one_award_in_force(world, in_app):
    with in_app() as session:
        seed(session)
        award = award_by_code("CSTDCS")
        fields = {"award_type_id": award.id, "year": 2026, "person_id": world.person1.id,
                  "proposing_unit_id": world.unit1.id, "level_unit_id": world.unit1.id}
        session.add(Nomination(**fields, state="withdrawn"))
        session.add(Nomination(**fields, state="draft"))
        session.commit()  # a withdrawn one does not count
        session.add(Nomination(**fields, state="submitted"))
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
        record = {"award_code": "LDTT", "year": 2026, "unit_id": world.unit2.id}
        session.add(AwardRecord(**record, decision_number="1", revoked=True))
        session.add(AwardRecord(**record, decision_number="2"))
        session.commit()  # a revoked one does not count
        session.add(AwardRecord(**record, decision_number="3"))
        with pytest.raises(IntegrityError):
            session.commit()


@pytest.fixture
def granted(world, ctx):
    """A nomination of P1 for LĐTT 2026, passed by the top council and published."""
    seed(db.session)
    n = nom.create(SYSTEM, award=award_by_code("LDTT"), year=2026,
                   proposing_unit=db.session.get(Unit, world.unit1.id),
                   person=db.session.get(Person, world.person1.id), texts={"summary": "x"})
    n.state, n.level_unit_id = "on_agenda", world.top.id
    council = Council(name="Hội đồng", unit_id=world.top.id)
    meeting = CouncilMeeting(council=council, title="Phiên", held_on=date(2026, 12, 1),
                             state="closed")
    db.session.add_all([council, meeting, AgendaItem(meeting=meeting, nomination=n,
                                                     passed=True),
                        Publication(meeting=meeting, starts_on=date(2026, 12, 2),
                                    ends_on=date(2026, 12, 5), published_by="system")])
    db.session.commit()
    return n


def _tochuc():
    return db.session.scalar(select(User).where(User.username == "tochuc"))


def _decision(n, number: str):
    return ds.create_decision(_tochuc(), db.session.get(Unit, n.level_unit_id), number=number,
                              signed_on=date(2026, 12, 30), signer="Chủ tịch",
                              nominations=[n], today=date(2026, 12, 10))


def test_a_revoked_decisions_nomination_can_be_granted_again(granted):
    """After a revocation, a corrected decision grants the nomination again (it was a 500:
    the decision item's nomination was unique across every decision)."""
    first = _decision(granted, "1/QĐ")
    ds.issue(_tochuc(), first, first.version, date(2026, 12, 30))
    assert ds.grantable(granted, date(2026, 12, 31)) is not None  # already in a decision
    ds.revoke(_tochuc(), first, first.version, "Sai số quyết định")
    assert ds.grantable(granted, date(2026, 12, 31)) is None
    corrected = _decision(granted, "1/QĐ")  # the same number again: the first is revoked
    ds.issue(_tochuc(), corrected, corrected.version, date(2026, 12, 30))
    records = db.session.scalars(select(AwardRecord).order_by(AwardRecord.id)).all()
    assert [(r.decision_number, r.revoked) for r in records] == [("1/QĐ", True),
                                                                ("1/QĐ", False)]
    # the same award, day and base salary: the same cash, paid once in force
    assert corrected.state == "issued" and corrected.total_cash == first.total_cash > 0


def test_an_award_already_held_is_not_granted_twice(granted, monkeypatch):
    """The subject holds the award for the year already (an imported record): the decision is
    refused with the subject named, no award and no cash; and when two decisions race past
    that check, the database's index refuses the second the same way."""
    db.session.add(AwardRecord(award_code="LDTT", person_id=granted.person_id, year=2026,
                               decision_number="cũ", source="import"))
    db.session.commit()
    decision = _decision(granted, "2/QĐ")
    with pytest.raises(Conflict, match="Nguyễn Văn Đức"):
        ds.issue(_tochuc(), decision, decision.version, date(2026, 12, 30))
    db.session.rollback()
    monkeypatch.setattr(ds, "_already_held", lambda n: False)  # the race's window
    decision = db.session.get(Decision, decision.id)
    with pytest.raises(Conflict, match="Nguyễn Văn Đức"):
        ds.issue(_tochuc(), decision, decision.version, date(2026, 12, 30))
    assert db.session.get(Decision, decision.id).state == "draft"
    assert db.session.scalar(select(func.count(AwardRecord.id))) == 1


def test_any_unique_refusal_in_a_form_post_is_a_clean_conflict(app, world):
    """The kind: a unique constraint without words of its own still answers 409 with a
    message, the session rolled back, never a server error."""
    from emulation.core.web import attempt

    def duplicate():
        unit = Unit(code="CS-1", kind="grassroots", path="", depth=0)
        unit.set_name("Trùng")
        db.session.add(unit)
        db.session.flush()

    with app.test_request_context():
        assert attempt(duplicate) == 409
        assert db.session.scalar(select(func.count(Unit.id)).where(Unit.code == "CS-1")) == 1
        db.session.remove()


def test_the_migration_resolves_the_duplicates_already_written(fresh_url):
    """A database written before the unique indexes may hold the duplicates the races made:
    the migration withdraws the later nominations (with a step saying why) and revokes the
    later award records, then creates the indexes."""
    import importlib.util
    import os
    import subprocess
    import sys
    from pathlib import Path

    from emulation import create_app
    from emulation.awards.nominations.models import NominationStep

    root = Path(__file__).resolve().parents[2]
    path = next((root / "migrations" / "versions").glob("2f07a2ca0537_*.py"))
    spec = importlib.util.spec_from_file_location("migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    url = fresh_url
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "x"}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"]

    def upgrade(*target):
        done = subprocess.run([*flask, *target], cwd=root, env=env, capture_output=True,
                              text=True)
        assert done.returncode == 0, done.stderr
        return done.stderr

    upgrade(migration.down_revision)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    with app.app_context():
        # the tables as they were at that revision (later ones add columns and tables the
        # models know): rows written through the reflected schema
        old = MetaData()
        old.reflect(bind=db.engine, only=["unit", "person", "award_type", "nomination",
                                          "award_record"])
        unit1, unit2 = (_insert_old(old.tables["unit"], code=code, name=code, kind="grassroots")
                        for code in ("CS-1", "CS-2"))
        person1 = _insert_old(old.tables["person"], code="P1", full_name="Nguyễn Văn Đức",
                              unit_id=unit1)
        award = _insert_old(old.tables["award_type"], code="LDTT", name="Lao động tiên tiến",
                            category="title", subject="individual", vote_base="present")
        fields = {"award_type_id": award, "year": 2026, "person_id": person1,
                  "proposing_unit_id": unit1, "level_unit_id": unit1}
        for state in ("draft", "received", "submitted"):
            _insert_old(old.tables["nomination"], **fields, state=state)
        for number in ("1", "2"):
            _insert_old(old.tables["award_record"], award_code="LDTT", unit_id=unit2,
                        year=2025, decision_number=number, revoked=False)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    log = upgrade()
    assert "withdrawn: a duplicate of nomination 2" in log
    with app.app_context():
        states = db.session.execute(select(Nomination.id, Nomination.state)
                                    .order_by(Nomination.id)).all()
        assert states == [(1, "withdrawn"), (2, "received"), (3, "withdrawn")]
        steps = db.session.scalars(select(NominationStep)
                                   .order_by(NominationStep.nomination_id)).all()
        assert [(s.nomination_id, s.actor_name, s.to_state) for s in steps] == [
            (1, "migration", "withdrawn"), (3, "migration", "withdrawn")]
        assert all("#2" in s.reason for s in steps)
        assert db.session.execute(select(AwardRecord.decision_number, AwardRecord.revoked)
                                  .order_by(AwardRecord.id)).all() == [("1", False),
                                                                       ("2", True)]
        db.session.add(Nomination(**fields, state="draft"))
        with pytest.raises(IntegrityError):
            db.session.commit()  # and the index is there
        db.session.remove()
        db.engine.dispose()


def _insert_old(table, **values) -> int:
    """Insert a row into a reflected table, every other required column given a plain value
    of its type (an old schema's NOT NULL columns the test does not care about)."""
    import datetime

    from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric

    for column in table.columns:
        if column.name in values or column.nullable or column.primary_key \
                or column.server_default is not None:
            continue
        kind = column.type
        values[column.name] = (
            False if isinstance(kind, Boolean)
            else datetime.datetime(2026, 1, 1) if isinstance(kind, DateTime)
            else datetime.date(2026, 1, 1) if isinstance(kind, Date)
            else 0 if isinstance(kind, (Integer, Numeric)) else "")
    return db.session.execute(table.insert().values(**values)).inserted_primary_key[0]


@pytest.fixture
def fresh_url(tmp_path):
    """An empty database of the suite's kind: a file on SQLite; on PostgreSQL one named
    after the suite's (test_x → test_x_migration), made anew and dropped afterwards."""
    import os

    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    name = name.split("?")[0] + "_migration"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{base}/{name}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
