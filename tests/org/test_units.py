from sqlalchemy import func, select

from emulation.core.audit import AuditEvent
from emulation.extensions import db
from emulation.org.models import Unit
from tests.factories import fetch, gen_person


def _unit(in_app, code):
    return fetch(in_app, Unit, code)


def test_organiser_creates_unit_in_subtree_and_it_is_audited(world, login, in_app):
    c = login("tochuc_a")
    response = c.post("/units/new", data={"code": "CS-NEW", "name": "Công đoàn Mới",
                                          "parent_code": "CD-A", "kind": "grassroots"})
    assert response.status_code == 302
    unit = _unit(in_app, "CS-NEW")
    assert unit.path.startswith(f"/{world.top.id}/{world.branch_a.id}/") and unit.depth == 2
    with in_app() as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "unit.create"))
        assert event.actor_name == "tochuc_a" and event.after_data["code"] == "CS-NEW"


def test_organiser_cannot_create_outside_subtree_or_at_root(world, login, in_app):
    c = login("tochuc_a")
    outside = c.post("/units/new", data={"code": "X1", "name": "X", "parent_code": "CD-B",
                                         "kind": "grassroots"})
    # answered as an unknown code: whether CD-B exists is not revealed
    assert outside.status_code == 400
    root = c.post("/units/new", data={"code": "X2", "name": "X", "kind": "union"})
    assert root.status_code == 403
    assert _unit(in_app, "X1") is None and _unit(in_app, "X2") is None


def test_duplicate_code_refused(world, login):
    c = login("tochuc")
    response = c.post("/units/new", data={"code": "CS-1", "name": "Trùng mã",
                                          "parent_code": "CD-A", "kind": "grassroots"})
    assert response.status_code == 409
    assert "đã được dùng" in response.get_data(as_text=True)


def test_unit_officer_cannot_manage_units(world, login):
    c = login("donvi1")
    assert c.get("/units/new").status_code == 403
    assert c.post(f"/units/{world.unit1.id}/edit", data={"name": "x"}).status_code == 403


def test_rename_with_stale_version_is_refused(world, login, in_app):
    c = login("tochuc")
    ok = c.post(f"/units/{world.unit1.id}/edit",
                data={"version": "1", "name": "Công đoàn DAP số 2", "kind": "grassroots"})
    assert ok.status_code == 302
    stale = c.post(f"/units/{world.unit1.id}/edit",
                   data={"version": "1", "name": "Ghi đè", "kind": "grassroots"})
    assert stale.status_code == 409
    assert "Người khác đã lưu" in stale.get_data(as_text=True)
    unit = _unit(in_app, "CS-1")
    assert unit.name == "Công đoàn DAP số 2" and unit.version == 2
    assert unit.name_folded == "cong doan dap so 2"


def test_move_updates_the_subtree_paths(world, login, in_app):
    with in_app():
        from tests.factories import gen_unit
        gen_unit("TO-1", "Tổ 1", db.session.get(Unit, world.unit1.id), kind="team")
    c = login("tochuc")
    response = c.post(f"/units/{world.unit1.id}/move",
                      data={"version": "1", "parent_code": "CD-B"})
    assert response.status_code == 302
    team = _unit(in_app, "TO-1")
    assert team.path == f"/{world.top.id}/{world.branch_b.id}/{world.unit1.id}/{team.id}/"
    assert team.depth == 3
    # the officer of CS-1 still covers its people (grant follows the unit)
    assert login("donvi1").get(f"/people/{world.person1.id}").status_code == 200


def test_move_under_own_subtree_is_refused(world, login, in_app):
    c = login("tochuc")
    response = c.post(f"/units/{world.branch_a.id}/move",
                      data={"version": "1", "parent_code": "CS-1"})
    assert response.status_code == 409
    assert _unit(in_app, "CD-A").parent_id == world.top.id


def test_organiser_cannot_move_own_root_or_into_other_branch(world, login):
    c = login("tochuc_a")
    assert c.post(f"/units/{world.branch_a.id}/move",
                  data={"version": "1", "parent_code": "CS-3"}).status_code == 403
    # A unit outside the organiser's tree is not even named to them.
    other = c.post(f"/units/{world.unit1.id}/move", data={"version": "1", "parent_code": "CD-B"})
    assert other.status_code == 400
    assert "Không có đơn vị nào do bạn quản lý mang mã hoặc tên CD-B" in other.get_data(
        as_text=True)


def test_deactivate_needs_children_inactive_first(world, login, in_app):
    c = login("tochuc")
    refused = c.post(f"/units/{world.branch_a.id}/active", data={"version": "1", "active": "0"})
    assert refused.status_code == 409
    assert c.post(f"/units/{world.unit3.id}/active",
                  data={"version": "1", "active": "0"}).status_code == 302
    assert _unit(in_app, "CS-3").active is False
    # hidden from the default list, shown with inactive=1
    assert "CS-3" not in c.get("/units/").get_data(as_text=True)
    assert "CS-3" in c.get("/units/?inactive=1").get_data(as_text=True)


def test_unit_with_history_is_never_hard_deleted(world, login, in_app):
    c = login("tochuc")
    refused = c.post(f"/units/{world.unit1.id}/delete", data={"version": "1"})
    assert refused.status_code == 409
    assert _unit(in_app, "CS-1") is not None
    assert c.post(f"/units/{world.unit3.id}/delete", data={"version": "1"}).status_code == 302
    assert _unit(in_app, "CS-3") is None
    with in_app() as session:
        assert session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "unit.delete")) == 1


def test_database_refuses_deleting_a_unit_with_people(world, in_app):
    import pytest
    from sqlalchemy.exc import IntegrityError

    with in_app() as session:
        with pytest.raises(IntegrityError):
            session.execute(Unit.__table__.delete().where(Unit.id == world.unit2.id))
            session.flush()
        session.rollback()


def test_unit_list_is_scoped_and_searchable_without_accents(world, login):
    c = login("donvi1")
    html = c.get("/units/").get_data(as_text=True)
    assert "CS-1" in html and "CS-2" not in html
    html = login("tochuc").get("/units/?q=THUOC la").get_data(as_text=True)
    assert "Công đoàn Tổng công ty Thuốc lá" in html and "CS-1" not in html


def test_unit_detail_of_another_branch_is_404(world, login):
    assert login("donvi1").get(f"/units/{world.unit2.id}").status_code == 404
    assert login("donvi1").get(f"/units/{world.unit1.id}").status_code == 200


def test_unit_list_query_count_does_not_grow(world, login, in_app, queries):
    c = login("tochuc")
    with queries() as small:
        assert c.get("/units/").status_code == 200
    with in_app():
        from tests.factories import gen_unit
        parent = db.session.get(Unit, world.branch_b.id)
        for i in range(30):
            gen_unit(f"BULK-{i}", f"Đơn vị {i}", parent)
    with queries() as large:
        assert c.get("/units/").status_code == 200
    assert len(large) == len(small) <= 8


def test_people_count_on_unit_page(world, login, in_app):
    with in_app():
        gen_person("P9", db.session.get(Unit, world.unit1.id), "Lê Văn Chín")
    html = login("donvi1").get(f"/units/{world.unit1.id}").get_data(as_text=True)
    assert "2 người thuộc đơn vị này" in html
