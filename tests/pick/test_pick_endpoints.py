"""The pickers' JSON searches: results, scope per role, no diacritics needed, bounded size,
refusals of bad parameters."""
from emulation.extensions import db
from emulation.org.models import Unit
from emulation.pick.queries import LIMIT
from tests.factories import gen_person, gen_user


def _results(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.data[:300]
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()["results"]


def test_people_found_without_accents_with_name_unit_and_code(world, login):
    found = _results(login("tochuc"), "/pick/people?q=van duc")
    assert found == [{"id": world.person1.id, "code": "P1", "label": "Nguyễn Văn Đức",
                      "detail": "Công đoàn Công ty DAP · P1"}]
    # the code matches too, and accents typed are accepted
    assert [r["code"] for r in _results(login("tochuc"), "/pick/people?q=p2")] == ["P2"]
    assert [r["code"] for r in _results(login("tochuc"), "/pick/people?q=Hằng")] == ["P2"]


def test_unit_officer_finds_only_own_units_people(world, login):
    c = login("donvi1")
    assert _results(c, "/pick/people?q=hang") == []
    assert [r["code"] for r in _results(c, "/pick/people?q=")] == ["P1"]
    # another unit's people are not reachable by asking for that unit either
    assert c.get(f"/pick/people?q=&unit={world.unit2.id}").status_code == 404
    assert [r["code"] for r in _results(c, f"/pick/people?unit={world.unit1.id}")] == ["P1"]


def test_people_limited_to_a_unit_subtree(world, login):
    c = login("tochuc")
    assert [r["code"] for r in _results(c, f"/pick/people?unit={world.branch_b.id}")] == ["P2"]
    assert {r["code"] for r in _results(c, "/pick/people")} == {"P1", "P2"}


def test_results_are_bounded(world, login, in_app):
    with in_app():
        unit = db.session.get(Unit, world.unit1.id)
        for n in range(LIMIT + 5):
            gen_person(f"PB{n:02d}", unit, f"Lê Văn Bình {n}")
        for n in range(LIMIT + 5):
            gen_user(f"binh{n:02d}", "scorer", unit)
    c = login("tochuc")
    assert len(_results(c, "/pick/people?q=binh")) == LIMIT
    assert len(_results(c, "/pick/people?q=")) == LIMIT
    assert len(_results(c, "/pick/users?q=binh")) == LIMIT


def test_units_by_folded_name_and_code_within_scope(world, login):
    tochuc_a = login("tochuc_a")
    assert [r["code"] for r in _results(tochuc_a, "/pick/units?q=lam thao")] == ["CS-3"]
    assert _results(tochuc_a, "/pick/units?q=thuoc la") == []  # branch B is not theirs
    found = _results(login("tochuc"), "/pick/units?q=thuoc la")
    assert [(r["code"], r["label"]) for r in found] == [
        ("CD-B", "Công đoàn Tổng công ty Thuốc lá"), ("CS-2", "Công đoàn Công ty Thuốc lá Sài Gòn")]
    assert [r["code"] for r in _results(login("donvi1"), "/pick/units?q=")] == ["CS-1"]
    assert [r["code"] for r in _results(login("tochuc"), "/pick/units?q=cs-2")] == ["CS-2"]


def test_units_of_a_campaign_are_its_participants(world, cworld, login):
    c = login("tochuc")
    found = _results(c, f"/pick/units?campaign={cworld.campaign}&q=cong ty")
    assert [r["code"] for r in found] == ["CS-1", "CS-2"]
    # only an organiser of the campaign asks for its participants
    assert login("tochuc_a").get(f"/pick/units?campaign={cworld.campaign}").status_code == 404
    assert login("donvi1").get(f"/pick/units?campaign={cworld.campaign}").status_code == 404


def test_users_for_organisers_within_their_branch(world, login):
    found = _results(login("tochuc"), "/pick/users?q=chamdiem")
    assert [(r["code"], r["label"]) for r in found] == [("chamdiem", "Chamdiem")]
    assert [r["code"] for r in _results(login("tochuc"), "/pick/users?q=&role=scorer")] == [
        "chamdiem"]
    # an organiser of branch A sees the accounts of branch A only
    branch_a = {r["code"] for r in _results(login("tochuc_a"), "/pick/users?q=")}
    assert branch_a == {"tochuc_a", "donvi1"}
    assert "donvi2" in {r["code"] for r in _results(login("admin"), "/pick/users?q=donvi")}


def test_roles_without_the_data_are_refused(world, login):
    assert login("donvi1").get("/pick/users?q=a").status_code == 403
    assert login("xem").get("/pick/people?q=a").status_code == 403
    assert login("chamdiem").get("/pick/people?q=a").status_code == 403


def test_bad_parameters_are_refused(world, login):
    c = login("tochuc")
    assert c.get("/pick/people?q=" + "a" * 101).status_code == 400
    assert c.get("/pick/people?unit=abc").status_code == 400
    assert c.get("/pick/people?unit=99999999999").status_code == 400
    assert c.get("/pick/people?unit=424242").status_code == 404
    assert c.get("/pick/units?campaign=-1").status_code == 400
    assert c.get("/pick/users?role=emperor").status_code == 400


def test_anonymous_is_sent_to_log_in(world, client):
    response = client.get("/pick/people?q=duc")
    assert response.status_code in (302, 401)
    assert b"Nguy" not in response.data
