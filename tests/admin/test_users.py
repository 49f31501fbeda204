import re

import pytest
from sqlalchemy import func, select

from emulation.auth.models import RoleGrant, User
from emulation.core.audit import AuditEvent, AuditImmutableError
from emulation.extensions import db
from tests.factories import PASSWORD


def _user(in_app, username):
    with in_app() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is not None:
            user.grants  # noqa: B018 - load before the session closes
        session.expunge_all()
        return user


def _actions(in_app):
    with in_app() as session:
        return [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_admin_creates_user_with_grant_covering_subtree(world, login, in_app, app):
    c = login("admin")
    created = c.post("/admin/users/new", data={"username": "Moi", "full_name": "Người Mới",
                                               "password": "mot-mat-khau-dai", "locale": ""})
    assert created.status_code == 302
    user = _user(in_app, "moi")
    granted = c.post(f"/admin/users/{user.id}/grants", data={"role": "unit_officer",
                                                             "unit_code": "CD-A"})
    assert granted.status_code == 302
    officer = app.test_client()
    officer.post("/login", data={"username": "moi", "password": "mot-mat-khau-dai"})
    assert officer.get(f"/people/{world.person1.id}").status_code == 200   # CS-1 is under CD-A
    assert officer.get(f"/people/{world.person2.id}").status_code == 404   # CS-2 is not
    assert {"user.create", "grant.add"} <= set(_actions(in_app))


def test_grants_are_named_and_chosen_by_the_units_name(world, login, in_app):
    """The grant form's unit is a searchable picker and the list of users names each
    grant's unit, not its code (tester's findings)."""
    c = login("admin")
    donvi1 = _user(in_app, "donvi1")
    form = c.get(f"/admin/users/{donvi1.id}").get_data(as_text=True)
    grant_field = re.search(r'<input[^>]*name="unit_code"[^>]*>', form).group(0)
    assert 'data-pick="/pick/units"' in grant_field
    listing = c.get("/admin/users/").get_data(as_text=True)
    assert "Cán bộ đơn vị · <span title=\"CS-1\">Công đoàn Công ty DAP</span>" in listing


def test_user_creation_refusals(world, login, in_app):
    c = login("admin")
    short = c.post("/admin/users/new", data={"username": "ngan", "password": "short"})
    assert short.status_code == 400
    taken = c.post("/admin/users/new", data={"username": "DONVI1", "password": "x" * 12})
    assert taken.status_code == 400
    assert "đã có người dùng" in taken.get_data(as_text=True)
    assert _user(in_app, "ngan") is None


def test_grant_refusals(world, login, in_app):
    c = login("admin")
    user = _user(in_app, "xem")
    unknown = c.post(f"/admin/users/{user.id}/grants", data={"role": "organiser",
                                                            "unit_code": "NOPE"})
    assert unknown.status_code == 400
    no_unit = c.post(f"/admin/users/{user.id}/grants", data={"role": "organiser"})
    assert no_unit.status_code == 400
    twice = c.post(f"/admin/users/{user.id}/grants", data={"role": "viewer",
                                                          "unit_code": "CDCTVN"})
    assert twice.status_code == 400
    assert len(_user(in_app, "xem").grants) == 1


def test_deactivate_ends_sessions_and_blocks_login(world, login, in_app, app):
    officer = login("donvi1")
    c = login("admin")
    user = _user(in_app, "donvi1")
    assert c.post(f"/admin/users/{user.id}/active", data={"active": "0"}).status_code == 302
    assert officer.get("/").status_code == 302
    again = app.test_client().post("/login", data={"username": "donvi1", "password": PASSWORD})
    assert again.status_code == 401
    assert "user.deactivate" in _actions(in_app)


def test_last_admin_is_protected(world, login, in_app):
    c = login("admin")
    admin = _user(in_app, "admin")
    assert c.post(f"/admin/users/{admin.id}/active", data={"active": "0"}).status_code == 409
    grant_id = admin.grants[0].id
    refused = c.post(f"/admin/grants/{grant_id}/delete")
    assert refused.status_code == 409
    assert "quản trị hệ thống cuối cùng" in refused.get_data(as_text=True)
    with in_app() as session:
        assert session.get(RoleGrant, grant_id) is not None


def test_reset_password_ends_sessions(world, login, in_app, app):
    officer = login("donvi1")
    user = _user(in_app, "donvi1")
    c = login("admin")
    assert c.post(f"/admin/users/{user.id}/password",
                  data={"new_password": "short"}).status_code == 400
    assert c.post(f"/admin/users/{user.id}/password",
                  data={"new_password": "mat-khau-moi-dai"}).status_code == 302
    assert officer.get("/").status_code == 302
    fresh = app.test_client()
    assert fresh.post("/login", data={"username": "donvi1",
                                      "password": "mat-khau-moi-dai"}).status_code == 302


def test_user_edit_with_stale_version(world, login, in_app):
    c = login("admin")
    user = _user(in_app, "xem")
    ok = c.post(f"/admin/users/{user.id}", data={"version": str(user.version),
                                                 "full_name": "Người Xem Mới", "email": ""})
    assert ok.status_code == 302
    stale = c.post(f"/admin/users/{user.id}", data={"version": str(user.version),
                                                    "full_name": "Cũ", "email": ""})
    assert stale.status_code == 409
    assert _user(in_app, "xem").full_name == "Người Xem Mới"


def test_audit_log_filters_and_shows_before_after(world, login, in_app):
    c = login("admin")
    user = _user(in_app, "xem")
    c.post(f"/admin/users/{user.id}", data={"version": str(user.version),
                                            "full_name": "Tên Mới", "email": ""})
    html = c.get("/admin/audit/?action=user.update&actor=admin").get_data(as_text=True)
    assert "Tên Mới" in html and "Xem" in html
    none = c.get("/admin/audit/?action=user.update&actor=donvi1").get_data(as_text=True)
    assert "Tên Mới" not in none
    dated = c.get("/admin/audit/?from=2000-01-01&to=2000-01-02").get_data(as_text=True)
    assert "Tên Mới" not in dated


def test_audit_events_cannot_be_changed_or_deleted(world, ctx):
    db.session.add(AuditEvent(action="test.event", summary="x"))
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "test.event"))
    event.summary = "rewritten"
    with pytest.raises(AuditImmutableError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(event)
    with pytest.raises(AuditImmutableError):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "test.event")) == 1


def test_no_route_edits_or_deletes_audit_events(app):
    audit_rules = [r for r in app.url_map.iter_rules() if "audit" in r.rule]
    assert audit_rules and all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in audit_rules)


def test_audit_filter_with_an_unreadable_date_says_so_and_ignores_it(world, login):
    c = login("admin")
    response = c.get("/admin/audit/?from=hôm-qua&action=user.update")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Nhập ngày theo dạng dd/mm/yyyy" in html  # the field's own message, in Vietnamese
