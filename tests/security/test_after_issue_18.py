"""Attacks on what issues 17 and 18 added (keyset cursors, jobs and their files, exports,
searches, public pages), each answered: the file or list a job kept is refused once its
requester's reach changed, and so on. One test per kind of attack."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from emulation.auth.models import RoleGrant, User
from emulation.core.permissions import SYSTEM
from emulation.org import services as org
from emulation.org.models import Person, Unit


@pytest.fixture
def as_job(app):
    """Every export runs as a job."""
    app.config["EXPORT_JOB_ROWS"] = 0
    yield
    app.config["EXPORT_JOB_ROWS"] = 20000


def _job(response) -> str:
    assert response.status_code in (302, 303), response.status_code
    found = re.fullmatch(r"/jobs/([A-Za-z0-9_-]{43})", response.headers["Location"])
    assert found, response.headers["Location"]
    return found.group(1)


def _move_grant(session, username: str, unit_id: int) -> None:
    user = session.scalar(select(User).where(User.username == username))
    grant = session.scalar(select(RoleGrant).where(RoleGrant.user_id == user.id))
    grant.unit_id = unit_id
    session.commit()


@pytest.mark.parametrize("url", ["/people/export.xlsx", "/people/export.csv"])
def test_a_job_file_is_refused_once_its_requester_reaches_other_units(world, login, in_app,
                                                                     as_job, url):
    """A unit officer moved to another unit still reads people (the export's own check
    passes) but must not download the file listing the people of the unit they left."""
    officer = login("donvi1")
    token = _job(officer.get(url))
    first = officer.get(f"/jobs/{token}/file")
    assert first.status_code == 200
    if url.endswith(".csv"):
        assert "Nguyễn Văn Đức" in first.data.decode("utf-8-sig")
    with in_app() as session:
        _move_grant(session, "donvi1", world.unit2.id)
    officer = login("donvi1")
    assert officer.get(f"/jobs/{token}/file").status_code == 404
    assert officer.get(f"/jobs/{token}/status").get_json()["download"] is None


def test_a_job_file_is_refused_once_a_unit_moved_out_of_the_requester_reach(world, login,
                                                                           in_app, as_job):
    """An organiser of branch A exported its people; CS-1 then moved under branch B: the
    file (which lists CS-1's people) is no longer theirs to read."""
    organiser = login("tochuc_a")
    token = _job(organiser.get("/people/export.xlsx"))
    assert organiser.get(f"/jobs/{token}/file").status_code == 200
    with in_app() as session:
        unit = session.get(Unit, world.unit1.id)
        org.move_unit(SYSTEM, unit, version=unit.version,
                      new_parent=session.get(Unit, world.branch_b.id))
    assert organiser.get(f"/jobs/{token}/file").status_code == 404


def _transfer(session, code: str, unit_id: int) -> None:
    person = session.scalar(select(Person).where(Person.code == code))
    org.update_person(SYSTEM, person, version=person.version, full_name=person.full_name,
                      unit=session.get(Unit, unit_id), gender=person.gender,
                      birth_date=person.birth_date, position=person.position,
                      email=person.email)


def test_a_job_file_is_refused_once_a_person_it_lists_moved_to_another_unit(
        world, login, in_app, as_job):
    """CS-1's officer exported its people; one of them then moved to CS-2: the file still
    lists them under CS-1, so it is refused (with a message to export again); an edit that
    keeps the unit does not refuse it; an administrator still reads their own file."""
    officer = login("donvi1")
    token = _job(officer.get("/people/export.csv"))
    admin = login("admin")
    admin_token = _job(admin.get("/people/export.csv"))
    with in_app() as session:
        _transfer(session, "P1", world.unit1.id)  # same unit: nothing moved
    assert officer.get(f"/jobs/{token}/file").status_code == 200
    with in_app() as session:
        _transfer(session, "P1", world.unit2.id)
    refused = officer.get(f"/jobs/{token}/file")
    assert refused.status_code == 404
    assert "Xuất lại" in refused.get_data(as_text=True)
    assert officer.get(f"/jobs/{token}/status").get_json()["download"] is None
    assert admin.get(f"/jobs/{admin_token}/file").status_code == 200
    fresh = officer.get("/people/export.csv")  # what export again gives: a current file
    if fresh.status_code in (302, 303):
        fresh = officer.get(f"/jobs/{_job(fresh)}/file")
    assert fresh.status_code == 200


def test_an_import_that_moves_a_person_marks_the_move(world, in_app):
    """The people import writes in batches; a row that moves someone marks them moved (and
    one that only renames marks nobody), so the job files check sees the move."""
    from emulation.core.tabular import Row
    from emulation.org.importers import import_people

    with in_app() as session:
        admin = session.scalar(select(User).where(User.username == "admin"))
        p2 = session.scalar(select(Person).where(Person.code == "P2"))
        rows = [Row(2, {"code": "P1", "full_name": "Nguyễn Văn Đức", "unit_code": "CS-2"}),
                Row(3, {"code": "P2", "full_name": "Tên Mới", "unit_code": p2.unit.code})]
        result = import_people(admin, rows)
        assert not result.errors and result.updated == 2
        moved = {p.code: p.unit_changed_at for p in session.scalars(
            select(Person).where(Person.code.in_(["P1", "P2"])))}
        assert moved["P1"] is not None and moved["P2"] is None


def test_eligibility_results_are_refused_once_the_requester_lost_the_role(world, login,
                                                                          in_app):
    from tests.awards.test_eligibility_batch import _make

    with in_app():
        _make(world, 3)
    organiser = login("tochuc_a")
    token = _job(organiser.post("/nominations/eligibility-check", data={"year": "2026"}))
    results = f"/nominations/eligibility-check/{token}"
    assert "Lê Văn Lô 0" in organiser.get(results).get_data(as_text=True)
    with in_app() as session:
        _move_grant(session, "tochuc_a", world.branch_b.id)
    organiser = login("tochuc_a")
    page = organiser.get(results)
    assert page.status_code == 404 and "Lê Văn Lô" not in page.get_data(as_text=True)


SIGNS = "=+-@\uff1d\uff0b\uff0d\uff20"
HOSTILE_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", " =", "\u00a0=", "\uff1d", "\uff0b",
                  "\uff0d", "\uff20")


@pytest.mark.parametrize("start", HOSTILE_STARTS)
def test_every_csv_export_neutralises_text_a_spreadsheet_reads_as_a_formula(
        world, cworld, login, in_app, start):
    """Each CSV export (the same rows as its spreadsheet, issue 18) with a person, a unit and
    an award whose text starts like a formula — including after spaces, or with the
    full-width signs some spreadsheets read as the ASCII ones — writes that field starting
    with an apostrophe."""
    import csv
    import io

    from emulation.awards.records.models import AwardRecord
    from emulation.org.models import Person
    from tests.security.test_exports_and_uploads import _make_hostile
    from tests.test_access_matrix import MATRIX, probe_ids

    text = start + "HYPERLINK(\"http://x\";\"y\")"
    with in_app() as session:
        ids = probe_ids(world, cworld)
        _make_hostile(session, world, ids)
        session.get(Person, world.person1.id).set_name(text)
        session.get(Unit, world.unit1.id).set_name(text)
        session.add(AwardRecord(award_code="CSTDCS", person_id=world.person1.id, year=2024,
                                decision_number=text, source="import"))
        session.commit()
    admin = login("admin")
    exports = {e: t for e, (_m, t, _a) in MATRIX.items() if t.split("?")[0].endswith(".csv")}
    assert len(exports) >= 5
    found = 0
    for endpoint, template in exports.items():
        response = admin.get(template.format(**ids))
        assert response.status_code == 200, endpoint
        for row in csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"):
            for field in row:
                bare = field.removeprefix("'").lstrip(" \u00a0\t\r\n")
                if "HYPERLINK" in field and (bare[:1] in SIGNS
                                             or field.removeprefix("'")[:1] in "\t\r\n"):
                    found += 1
                    assert field.startswith("'"), (endpoint, field)
    assert found >= 1


def test_the_public_honour_roll_is_rate_limited_and_not_when_off(world, client, in_app, app):
    """A visitor without an account cannot search the roll without end (each search reads
    its index): past PUBLIC_ROLL_RATE_LIMIT, 429 with Retry-After. Turned off, the page is a
    404 however often it is asked for (the limit does not reveal it)."""
    from emulation.extensions import limiter
    from emulation.public import services as public

    app.config["PUBLIC_ROLL_RATE_LIMIT"] = "2 per minute"
    limiter.reset()
    try:
        for _ in range(4):
            assert client.get("/public/honours/?q=a").status_code == 404
        with in_app():
            public.set_switches(SYSTEM, {public.HONOUR_ROLL: True})
        assert client.get("/public/honours/?q=a").status_code == 200
        assert client.get("/public/honours/?q=b").status_code == 200
        limited = client.get("/public/honours/?q=c")
        assert limited.status_code == 429 and "Retry-After" in limited.headers
    finally:
        app.config["PUBLIC_ROLL_RATE_LIMIT"] = "100000 per minute"
        limiter.reset()
