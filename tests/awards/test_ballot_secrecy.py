"""The secret ballot against someone who reads the database: the attacks of issue 13.

Each attack ran against the old ballot (a counter per choice incremented in the vote's
transaction) and linked every member to every choice. Here each runs as the attacker would and
must recover nothing, while the tallies stay right:

- (a) SQLite: a copy of the database and its WAL taken after every commit, replayed one by one;
- (b) PostgreSQL, superuser: old row versions read with `pageinspect`, joined on `t_xmin`;
- (c) PostgreSQL, a read-only connection polling `xmin` and the counters after every vote.

Plus the refusals: no close before enough votes, never with one vote, a quorum of at least
half, and no second vote on a dossier without an audited reopening.
"""
from __future__ import annotations

import sqlite3
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from emulation.awards.councils import ballot_box
from emulation.awards.councils import services as cs
from emulation.awards.councils.models import AgendaItem, BallotPaper, CouncilMeeting
from emulation.core.audit import AuditEvent
from emulation.core.errors import InvalidState, PermissionDenied, ServiceError
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org.models import Unit
from tests.awards.conftest import _user, close_with

MEMBERS = ("thuky", "hoidong1", "hd2", "hd3", "hd4", "hd5")
# 12 votes: six members on two items, every choice present on each item
CHOICES = {("thuky", 0): "agree", ("hoidong1", 0): "agree", ("hd2", 0): "disagree",
           ("hd3", 0): "abstain", ("hd4", 0): "agree", ("hd5", 0): "disagree",
           ("thuky", 1): "disagree", ("hoidong1", 1): "abstain", ("hd2", 1): "agree",
           ("hd3", 1): "agree", ("hd4", 1): "agree", ("hd5", 1): "agree"}
COUNTERS = ("agree", "disagree", "abstain")


def _open(meeting):
    members = [m.id for m in meeting.council.members]
    cs.set_attendance(_user("thuky"), meeting, meeting.version, members)
    cs.open_ballot(_user("thuky"), meeting, meeting.version)


def _member_ids(meeting) -> dict[str, int]:
    return {m.user.username: m.id for m in meeting.council.members}


def _vote_all(meeting, after_each=None) -> None:
    """Cast the 12 votes; `after_each(member_id, item_id, choice)` runs after each commit."""
    members = _member_ids(meeting)
    items = list(meeting.items)
    for (name, index), choice in CHOICES.items():
        cs.cast_vote(_user(name), items[index], choice)
        if after_each:
            after_each(members[name], items[index].id, choice)


def _expected_tallies(meeting) -> dict[int, tuple[int, int, int]]:
    items = list(meeting.items)
    return {items[i].id: tuple(sum(1 for (_n, j), c in CHOICES.items() if j == i and c == k)
                               for k in COUNTERS) for i in range(2)}


def _assert_tallies(meeting) -> None:
    expected = _expected_tallies(meeting)
    cs.close_ballot(_user("thuky"), meeting, meeting.version)
    for item in meeting.items:
        db.session.refresh(item)
        assert (item.agree, item.disagree, item.abstain) == expected[item.id]


def _counter_attack(observations) -> dict[int, str]:
    """The attack that broke the old ballot: whichever counter moved with a member's vote is
    that member's choice. `observations`: [(member_id, {item_id: (agree, disagree,
    abstain)})] in commit order, the counters as read right after each vote."""
    linked: dict[int, str] = {}
    previous: dict[int, tuple] | None = None
    for member_id, counters in observations:
        if previous is not None:
            for item_id, now in counters.items():
                before = previous.get(item_id, now)
                for k, name in enumerate(COUNTERS):
                    if now[k] == before[k] + 1:
                        linked[member_id] = name
        previous = counters
    return linked


def _try_to_open(papers, salt: bytes, meeting_id: int) -> int:
    """How many papers open with keys an attacker holding the database could derive: the
    salt he sees and every secret he might guess (none of them the application's)."""
    opened = 0
    for guess in ("", "dev", "secret", "ci", "thidua", salt.hex()):
        key = ballot_box.ballot_key(guess, salt, meeting_id)
        for item_id, sealed in papers:
            try:
                ballot_box.unseal(key, item_id, sealed)
                opened += 1
            except ballot_box.UnreadablePaper:
                pass
    return opened


def _raw_copy(source: Path, target: Path) -> None:
    """Copy a live SQLite file as an attacker does: from another process (`cp`).

    Opening and closing the file in this process would drop every POSIX lock the process
    holds on it (fcntl locks belong to the process, and any close() releases them), and the
    suite's own connections to the database would then read a WAL that another connection
    reset under them (SQLITE_IOERR_SHORT_READ in the tests that followed)."""
    subprocess.run(["cp", str(source), str(target)], check=True)


def _snapshots(database: Path, folder: Path):
    """(the list of snapshots, the vote hook that adds one): after each vote's commit, a copy
    of the database file and its WAL as they stand, with the voter's id."""
    snapshots: list[tuple[int, Path]] = []

    def snapshot(member_id, item_id, choice):
        copy = folder / f"snap{len(snapshots)}"
        copy.mkdir()
        for suffix in ("", "-wal"):
            source = Path(f"{database}{suffix}")
            if source.exists():
                _raw_copy(source, copy / f"db{suffix}")
        snapshots.append((member_id, copy / "db"))

    return snapshots, snapshot


def _sqlite_file() -> Path | None:
    url = db.engine.url
    return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None


# --- (a) SQLite: the WAL replayed commit by commit ------------------------------------------------

def test_wal_replay_recovers_no_choice(meeting, tmp_path):
    database = _sqlite_file()
    if database is None:
        pytest.skip("the WAL replay attack reads an SQLite database's files")
    _open(meeting)
    snapshots, snapshot = _snapshots(database, tmp_path)

    _vote_all(meeting, snapshot)
    observations, all_papers, sizes = [], set(), set()
    salt = None
    for member_id, path in snapshots:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        counters = {row[0]: tuple(row[1:]) for row in con.execute(
            "SELECT id, agree, disagree, abstain FROM agenda_item")}
        observations.append((member_id, counters))
        papers = con.execute("SELECT item_id, sealed FROM ballot_paper").fetchall()
        all_papers.update((item_id, bytes(sealed)) for item_id, sealed in papers)
        sizes.update(len(sealed) for _i, sealed in papers)
        salt = con.execute("SELECT ballot_salt FROM council_meeting WHERE id = ?",
                           (meeting.id,)).fetchone()[0]
        # no order in the rows: no serial id, no rowid, no time
        with pytest.raises(sqlite3.OperationalError):
            con.execute("SELECT rowid FROM ballot_participation")
        with pytest.raises(sqlite3.OperationalError):
            con.execute("SELECT rowid FROM ballot_paper")
        con.close()
    assert len(all_papers) == len(CHOICES)          # the attacker has every paper…
    assert sizes == {ballot_box.PAPER_BYTES}        # …all of one size, whatever the choice
    assert _counter_attack(observations) == {}      # no counter moved with a vote
    assert _try_to_open(all_papers, bytes(salt), meeting.id) == 0
    _assert_tallies(meeting)


# hd5 is absent and gives a written opinion on CSTĐ bộ (items[1]), recorded by the secretary in
# the middle of the present members' votes; LĐTT (items[0]) takes no written opinions.
WRITTEN = ("hd5", 1)


def _open_with_hd5_absent(meeting):
    present = [m.id for m in meeting.council.members if m.user.username != "hd5"]
    cs.set_attendance(_user("thuky"), meeting, meeting.version, present)
    cs.open_ballot(_user("thuky"), meeting, meeting.version)


def _vote_with_written(meeting, after_each=None) -> None:
    """The 12 choices of CHOICES, hd5's on items[1] as a written opinion and hd5's on items[0]
    not at all; `after_each(member_id, item_id, choice)` runs after each commit."""
    members = _member_ids(meeting)
    items = list(meeting.items)
    for (name, index), choice in CHOICES.items():
        if name == "hd5" and (name, index) != WRITTEN:
            continue
        if (name, index) == WRITTEN:
            cs.record_written_opinion(_user("thuky"), items[index], members[name], choice)
        else:
            cs.cast_vote(_user(name), items[index], choice)
        if after_each:
            after_each(members[name], items[index].id, choice)


def _assert_tallies_with_written(meeting) -> None:
    items = list(meeting.items)
    expected = {items[i].id: tuple(
        sum(1 for (n, j), c in CHOICES.items()
            if j == i and c == k and (n != "hd5" or (n, j) == WRITTEN)) for k in COUNTERS)
        for i in range(2)}
    cs.close_ballot(_user("thuky"), meeting, meeting.version)
    for item in meeting.items:
        db.session.refresh(item)
        assert (item.agree, item.disagree, item.abstain) == expected[item.id]


def test_wal_replay_recovers_no_written_opinion(meeting, tmp_path):
    """The attacker replays the WAL and sees which paper arrived with the written opinion's
    participation: it is a paper like every other — same columns, same size — and it does not
    open; no counter moves."""
    database = _sqlite_file()
    if database is None:
        pytest.skip("the WAL replay attack reads an SQLite database's files")
    _open_with_hd5_absent(meeting)
    snapshots, snapshot = _snapshots(database, tmp_path)

    _vote_with_written(meeting, snapshot)
    observations, papers_seen, written_papers = [], set(), []
    salt = None
    for member_id, path in snapshots:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        observations.append((member_id, {row[0]: tuple(row[1:]) for row in con.execute(
            "SELECT id, agree, disagree, abstain FROM agenda_item")}))
        papers = {(i, bytes(p)) for i, p in con.execute("SELECT item_id, sealed "
                                                        "FROM ballot_paper")}
        new = papers - papers_seen
        assert len(new) == 1  # one paper per commit, whoever dropped it
        if con.execute("SELECT count(*) FROM ballot_participation WHERE written").fetchone()[0] \
                and not written_papers:
            written_papers = list(new)  # the paper of the written opinion's commit
        papers_seen |= papers
        assert {r[1] for r in con.execute("PRAGMA table_info(ballot_paper)")} == \
            {"id", "item_id", "sealed"}  # nothing on a paper says how it was cast
        salt = con.execute("SELECT ballot_salt FROM council_meeting WHERE id = ?",
                           (meeting.id,)).fetchone()[0]
        con.close()
    assert len(written_papers) == 1
    assert {len(p) for _i, p in papers_seen} == {ballot_box.PAPER_BYTES}
    assert _counter_attack(observations) == {}
    assert _try_to_open(papers_seen, bytes(salt), meeting.id) == 0
    _assert_tallies_with_written(meeting)


def test_a_closed_ballot_leaves_no_key_material(meeting):
    _open(meeting)
    _vote_all(meeting)
    _assert_tallies(meeting)
    assert db.session.scalar(select(func.count()).select_from(BallotPaper)) == 0
    assert db.session.scalar(select(CouncilMeeting.ballot_salt)
                             .where(CouncilMeeting.id == meeting.id)) is None


def test_the_database_file_keeps_no_trace_of_a_closed_ballot(meeting, tmp_path):
    database = _sqlite_file()
    if database is None:
        pytest.skip("reads an SQLite database's file")
    _open(meeting)
    salt = bytes(meeting.ballot_salt)
    _vote_all(meeting)
    papers = [bytes(p) for p in db.session.scalars(select(BallotPaper.sealed))]
    _assert_tallies(meeting)
    db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    _raw_copy(database, tmp_path / "copy.db")
    content = (tmp_path / "copy.db").read_bytes()
    assert salt not in content
    assert not [p for p in papers if p in content]


# --- (b) PostgreSQL superuser: old row versions with pageinspect ----------------------------------

def _postgres_or_skip():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the xmin attacks read PostgreSQL's row versions")


def test_pageinspect_recovers_no_choice(meeting):
    _postgres_or_skip()
    try:
        with db.engine.connect() as con:
            con.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
            con.commit()
    except Exception:  # noqa: BLE001 - the contrib package or the superuser may be missing
        pytest.skip("pageinspect is not available")
    _open(meeting)
    _vote_all(meeting)
    with db.engine.connect() as con:
        voted = con.execute(text("SELECT xmin::text::bigint, member_id "
                                 "FROM ballot_participation")).all()
        pages = con.execute(text("SELECT relpages FROM pg_class WHERE relname = 'agenda_item'")
                            ).scalar() or 1
        versions = []  # every version of every agenda_item row, dead ones included
        for page in range(max(pages, 1)):
            versions += con.execute(text(
                "SELECT t_xmin::text::bigint FROM heap_page_items(get_raw_page('agenda_item', "
                ":page)) WHERE t_xmin IS NOT NULL"), {"page": page}).scalars().all()
        paper_versions = con.execute(text(
            "SELECT p.xmin::text::bigint, p.item_id, p.sealed FROM ballot_paper p")).all()
        salt = con.execute(text("SELECT ballot_salt FROM council_meeting WHERE id = :id"),
                           {"id": meeting.id}).scalar()
    vote_xids = {xid for xid, _member in voted}
    # the old attack: an agenda_item version written by the vote's transaction
    assert not vote_xids & set(versions)
    # what the xmin join does give: each member's paper — sealed, and it does not open
    linked = [(item_id, bytes(sealed)) for xid, item_id, sealed in paper_versions
              if xid in vote_xids]
    assert len(linked) == len(CHOICES)
    assert _try_to_open(linked, bytes(salt), meeting.id) == 0
    _assert_tallies(meeting)


# --- (c) PostgreSQL: a read-only connection polling xmin and the counters -------------------------

def _poller(reader, observations: list):
    """The vote hook of the read-only attacker: after each vote, the counters and `xmin` of
    every agenda row as `reader` sees them, appended as (voter id, counters, xmins)."""
    def poll(member_id, item_id, choice):
        rows = reader.execute(text(
            "SELECT id, xmin::text, agree, disagree, abstain FROM agenda_item")).all()
        reader.commit()
        observations.append((member_id, {r[0]: tuple(r[2:]) for r in rows},
                             {r[0]: r[1] for r in rows}))
    return poll


def test_read_only_polling_recovers_no_choice(meeting):
    _postgres_or_skip()
    _open(meeting)
    observations = []
    # a connection of its own (not the pool's), read-only like the attacker's role
    reader_engine = create_engine(db.engine.url, poolclass=NullPool)
    with reader_engine.connect() as reader:
        reader.execute(text("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"))

        poll = _poller(reader, observations)
        poll(None, None, None)
        _vote_all(meeting, poll)
    reader_engine.dispose()
    assert _counter_attack([(m, c) for m, c, _x in observations]) == {}
    # the agenda rows are never rewritten while the ballot is open
    assert len({tuple(sorted(x.items())) for _m, _c, x in observations}) == 1
    _assert_tallies(meeting)


def test_xmin_and_polling_recover_no_written_opinion(meeting):
    """PostgreSQL: a read-only connection polling the counters and `xmin` while votes and a
    written opinion arrive sees nothing move; joining the written opinion's participation to
    its paper by `xmin` gives a sealed paper that does not open."""
    _postgres_or_skip()
    _open_with_hd5_absent(meeting)
    observations = []
    reader_engine = create_engine(db.engine.url, poolclass=NullPool)
    with reader_engine.connect() as reader:
        reader.execute(text("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"))

        poll = _poller(reader, observations)
        poll(None, None, None)
        _vote_with_written(meeting, poll)
        written_xid = reader.execute(text(
            "SELECT xmin::text::bigint FROM ballot_participation WHERE written")).scalar_one()
        linked = [(i, bytes(p)) for i, p in reader.execute(text(
            "SELECT item_id, sealed FROM ballot_paper WHERE xmin::text::bigint = :x"),
            {"x": written_xid})]
        salt = reader.execute(text("SELECT ballot_salt FROM council_meeting WHERE id = :id"),
                              {"id": meeting.id}).scalar()
        reader.commit()
    reader_engine.dispose()
    assert _counter_attack([(m, c) for m, c, _x in observations]) == {}
    assert len({tuple(sorted(x.items())) for _m, _c, x in observations}) == 1
    assert len(linked) == 1 and len(linked[0][1]) == ballot_box.PAPER_BYTES
    assert _try_to_open(linked, bytes(salt), meeting.id) == 0
    _assert_tallies_with_written(meeting)


# --- what an administrator sees in the application ------------------------------------------------

def test_the_audit_log_neither_orders_nor_reveals_votes(meeting):
    _open(meeting)
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    _vote_all(meeting)
    # a vote writes nothing to the audit log (its time would order the votes)…
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before
    _assert_tallies(meeting)
    # …the closing names who voted on what, alphabetically, and counts only
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action ==
                                                       "ballot.participation"))
    items = {i.id: str(i.nomination_id) for i in meeting.items}
    assert event.after_data == {n: sorted(MEMBERS) for n in items.values()}
    assert not any(c in (event.after or "") for c in COUNTERS)


def test_the_page_shows_counts_of_voters_not_choices(meeting_id, login, in_app):
    with in_app() as session:
        meeting = session.get(CouncilMeeting, meeting_id)
        _open(meeting)
        for name in ("hd2", "hd3"):
            cs.cast_vote(_user(name), meeting.items[0], "disagree")
    page = login("thuky").get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert "2/6 thành viên có mặt đã bỏ phiếu" in page   # item 1
    assert "0/6 thành viên có mặt đã bỏ phiếu" in page   # item 2
    assert "Không đồng ý 2" not in page and "disagree 2" not in page


# --- refusals -------------------------------------------------------------------------------------

def test_no_close_before_enough_votes(meeting):
    _open(meeting)
    items = list(meeting.items)
    needed = cs.votes_needed(meeting)
    assert needed == 5  # ⌈66.67% × 6⌉
    for name in MEMBERS[:needed - 1]:
        cs.cast_vote(_user(name), items[0], "agree")
        cs.cast_vote(_user(name), items[1], "agree")
    with pytest.raises(InvalidState, match="5"):
        cs.close_ballot(_user("thuky"), meeting, meeting.version)
    db.session.refresh(meeting)
    assert meeting.state == "voting" and meeting.ballot_salt is not None
    assert db.session.scalar(select(func.count()).select_from(BallotPaper)) == 2 * (needed - 1)
    cs.cast_vote(_user(MEMBERS[needed - 1]), items[0], "agree")
    cs.cast_vote(_user(MEMBERS[needed - 1]), items[1], "agree")
    cs.close_ballot(_user("thuky"), meeting, meeting.version)
    assert meeting.state == "closed"


@pytest.mark.parametrize(("pct", "members", "needed"), [
    ("50", 1, 3), ("50", 2, 3), ("50", 3, 3), ("50", 5, 3), ("50", 7, 4), ("66.67", 6, 5),
    ("66.67", 9, 7), ("100", 7, 7)])
def test_never_fewer_than_three_votes(pct, members, needed):
    # with two, each voter would read the other's choice off the totals
    assert cs.min_votes(Decimal(pct), members) == needed


def test_open_needs_three_members_present(meeting):
    council = meeting.council
    council.quorum_pct = Decimal(50)
    keep = {"thuky", "hd2", "hd3"}
    present = [m.id for m in council.members if m.user.username in ("thuky", "hd2")]
    cs.set_attendance(_user("thuky"), meeting, meeting.version, present)
    council.members[:] = [m for m in council.members if m.user.username in keep]
    db.session.commit()  # 2 of 3 present: a quorum of 50%, yet too few to keep a secret
    with pytest.raises(InvalidState, match="3"):
        cs.open_ballot(_user("thuky"), meeting, meeting.version)
    assert meeting.state == "scheduled"


def test_a_vote_stamps_no_time(meeting):
    _open(meeting)
    stamped = db.session.scalar(select(CouncilMeeting.updated_at)
                                .where(CouncilMeeting.id == meeting.id))
    _vote_all(meeting)
    db.session.expire_all()
    assert db.session.scalar(select(CouncilMeeting.updated_at)
                             .where(CouncilMeeting.id == meeting.id)) == stamped


@pytest.mark.parametrize("tamper", ["delete", "copy"])
def test_a_tampered_box_is_not_counted(meeting, tamper):
    """Someone who can write to the database keeps only the victim's paper (or copies it over
    the others) so that the totals would tell the victim's choice: the close refuses."""
    _open(meeting)
    _vote_all(meeting)
    item = meeting.items[0]
    victim = db.session.scalar(select(BallotPaper).where(BallotPaper.item_id == item.id)
                               .limit(1))
    others = select(BallotPaper.id).where(BallotPaper.item_id == item.id,
                                          BallotPaper.id != victim.id)
    table = BallotPaper.__table__
    if tamper == "delete":
        db.session.execute(table.delete().where(table.c.id.in_(others)))
    else:
        db.session.execute(table.update().where(table.c.id.in_(others))
                           .values(sealed=victim.sealed))
    db.session.commit()
    with pytest.raises(InvalidState, match="không khớp"):
        cs.close_ballot(_user("thuky"), meeting, meeting.version)
    db.session.refresh(meeting)
    assert meeting.state == "voting"
    for item in meeting.items:
        db.session.refresh(item)
    assert {(i.agree, i.disagree, i.abstain) for i in meeting.items} == {(0, 0, 0)}


def test_annulling_destroys_the_papers_uncounted(meeting):
    from emulation.awards.councils.models import BallotParticipation

    _open(meeting)
    for name in MEMBERS[:2]:
        cs.cast_vote(_user(name), meeting.items[0], "agree")
    with pytest.raises(PermissionDenied):
        cs.annul_ballot(_user("tochuc"), meeting, meeting.version, "Không đủ phiếu")
    with pytest.raises(ServiceError):
        cs.annul_ballot(_user("thuky"), meeting, meeting.version, " ")
    cs.annul_ballot(_user("thuky"), meeting, meeting.version, "Hai thành viên phải về sớm")
    assert meeting.state == "scheduled" and meeting.ballot_salt is None
    for model in (BallotPaper, BallotParticipation):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ballot.annul"))
    assert "Hai thành viên phải về sớm" in event.after
    with pytest.raises(InvalidState):  # not open any more
        cs.annul_ballot(_user("thuky"), meeting, meeting.version, "Lần nữa")
    cs.open_ballot(_user("thuky"), meeting, meeting.version)  # a new ballot, a new salt
    _vote_all(meeting)
    _assert_tallies(meeting)


def test_a_vote_posts_one_digit_whatever_the_choice(meeting_id, login, in_app):
    from emulation.awards.councils.forms import VOTE_CODES

    assert sorted(VOTE_CODES.values()) == sorted(COUNTERS)
    assert {len(code) for code in VOTE_CODES} == {1}
    with in_app() as session:
        meeting = session.get(CouncilMeeting, meeting_id)
        _open(meeting)
        item_id = meeting.items[0].id
    member = login("hd2")
    page = member.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert 'name="choice" value="1"' in page and 'value="agree"' not in page
    assert member.post(f"/agenda/{item_id}/vote", data={"choice": "agree"}).status_code == 400
    assert member.post(f"/agenda/{item_id}/vote", data={"choice": "2"}).status_code == 302
    with in_app() as session:
        assert session.scalar(select(func.count()).select_from(BallotPaper)) == 1


def test_voted_dossiers_are_not_offered_for_the_agenda(meeting):
    close_with(meeting, "disagree")
    again = _next_meeting(meeting)
    assert cs.agenda_candidates(_user("thuky"), again) == []
    cs.reopen_item(_user("tochuc"), meeting.items[0], "Bổ sung hồ sơ")
    assert [n.id for n in cs.agenda_candidates(_user("thuky"), again)] == \
        [meeting.items[0].nomination_id]


def test_the_minutes_say_a_vote_was_reopened(meeting_id, login, in_app):
    import io

    from docx import Document

    with in_app() as session:
        meeting = session.get(CouncilMeeting, meeting_id)
        close_with(meeting, "disagree")
        cs.reopen_item(_user("tochuc"), meeting.items[0], "Bổ sung minh chứng")
    response = login("tochuc").get(f"/meetings/{meeting_id}/minutes.docx")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Bổ sung minh chứng" in " ".join(cells + [p.text for p in document.paragraphs])


def test_a_weak_secret_key_is_warned(caplog):
    from emulation import create_app

    with caplog.at_level("WARNING"):
        create_app({"SECRET_KEY": "ci", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "SECRET_KEY is shorter than 32" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING"):
        create_app({"SECRET_KEY": "x" * 64, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "SECRET_KEY" not in caplog.text


@pytest.mark.parametrize("pct", ["1", "49.99", "100.01"])
def test_quorum_is_at_least_half(world, ctx, pct):
    top = db.session.get(Unit, world.top.id)
    with pytest.raises(ServiceError):
        cs.create_council(SYSTEM, top, "Hội đồng", Decimal(pct))
    assert db.session.scalar(select(func.count()).select_from(
        cs.Council)) == 0


def test_quorum_bound_holds_in_the_database(world, ctx):
    top = db.session.get(Unit, world.top.id)
    council = cs.create_council(SYSTEM, top, "Hội đồng", Decimal(50))
    council.quorum_pct = Decimal(1)
    with pytest.raises(Exception, match="(?i)check"):
        db.session.commit()
    db.session.rollback()


def test_quorum_refused_through_the_form(world, login):
    response = login("tochuc").post("/councils/", data={"unit_code": world.top.code,
                                                        "name": "Hội đồng", "quorum_pct": "1"})
    assert response.status_code == 400


def _next_meeting(meeting):
    from datetime import date

    return cs.schedule(_user("thuky"), meeting.council, "Phiên họp lại", date(2026, 12, 28))


def test_a_voted_dossier_needs_a_reopening_to_be_voted_again(meeting):
    close_with(meeting, "disagree")  # both rejected
    item = meeting.items[0]
    again = _next_meeting(meeting)
    with pytest.raises(InvalidState):
        cs.add_to_agenda(_user("thuky"), again, item.nomination)
    # only an organiser reopens, and only with a reason
    with pytest.raises(PermissionDenied):
        cs.reopen_item(_user("thuky"), item, "Bổ sung hồ sơ")
    with pytest.raises(ServiceError):
        cs.reopen_item(_user("tochuc"), item, "   ")
    assert item.reopened_at is None
    cs.reopen_item(_user("tochuc"), item, "Bổ sung minh chứng sáng kiến")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "ballot.reopen"))
    assert event.actor_name == "tochuc" and "Bổ sung minh chứng" in event.after
    with pytest.raises(InvalidState):  # once
        cs.reopen_item(_user("tochuc"), item, "Lần nữa")
    added = cs.add_to_agenda(_user("thuky"), again, item.nomination)
    assert added.nomination_id == item.nomination_id


def test_a_reopened_pass_is_neither_published_nor_granted(meeting):
    from datetime import date

    from emulation.awards.decisions import services as ds

    close_with(meeting, "agree")
    first, second = meeting.items
    cs.reopen_item(_user("tochuc"), first, "Có đơn thư phản ánh")
    publication = ds.publish(_user("tochuc"), meeting, date(2026, 12, 21))
    assert publication is not None
    assert ds.grantable(first.nomination, date(2027, 3, 1)) is not None
    rows, _objections = ds.publications()
    assert [item.id for _p, item in rows] == [second.id]


def test_reopen_through_the_page(meeting_id, login, in_app):
    with in_app() as session:
        meeting = session.get(CouncilMeeting, meeting_id)
        close_with(meeting, "disagree")
        item_id = meeting.items[0].id
    organiser = login("tochuc")
    page = organiser.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert f"/agenda/{item_id}/reopen" in page
    member = login("hoidong1")
    assert f"/agenda/{item_id}/reopen" not in member.get(f"/meetings/{meeting_id}").get_data(
        as_text=True)
    assert member.post(f"/agenda/{item_id}/reopen", data={"reason": "x"}).status_code == 403
    refused = organiser.post(f"/agenda/{item_id}/reopen", data={"reason": ""})
    assert refused.status_code == 400
    done = organiser.post(f"/agenda/{item_id}/reopen", data={"reason": "Bổ sung hồ sơ"})
    assert done.status_code == 302
    with in_app() as session:
        assert session.get(AgendaItem, item_id).reopen_reason == "Bổ sung hồ sơ"
