"""Attacks on what issues 17 and 18 added (keyset cursors, jobs and their files, exports,
searches, public pages), each answered: the file or list a job kept is refused once its
requester's reach changed, and so on. One test per kind of attack."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from emulation.auth.models import RoleGrant, User
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org import services as org
from emulation.org.models import Unit


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
