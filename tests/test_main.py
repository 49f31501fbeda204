from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from emulation.extensions import db


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_database_down(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "error"


def test_database_down_shows_translated_503_page(world, login, app):
    c = login("admin")

    def broken(conn, cursor, statement, *args):
        raise OperationalError(statement, {}, Exception("database is locked"))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", broken)
    try:
        response = c.get("/admin/users/")
    finally:
        event.remove(engine, "before_cursor_execute", broken)
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "Hiện không kết nối được cơ sở dữ liệu" in html
    assert "Traceback" not in html


def test_error_pages_are_translated_without_traceback(world, login, app):
    c = login("donvi1")
    not_found = c.get("/units/999999")
    assert not_found.status_code == 404
    assert "Không tìm thấy trang" in not_found.get_data(as_text=True)
    forbidden = c.get("/admin/users/")
    assert forbidden.status_code == 403
    assert "Không có quyền truy cập" in forbidden.get_data(as_text=True)


def test_unexpected_error_gives_translated_500(world, login, monkeypatch):
    import emulation.main.views as views

    c = login("admin")
    monkeypatch.setattr(views.perms, "unit_condition", lambda *a: 1 / 0)
    response = c.get("/")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Đã xảy ra lỗi" in html and "ZeroDivisionError" not in html


def test_navigation_follows_roles(world, login):
    admin = login("admin").get("/").get_data(as_text=True)
    assert "/admin/users/" in admin and "/people/" in admin
    officer = login("donvi1").get("/").get_data(as_text=True)
    assert "/admin/users/" not in officer and "/people/" in officer and "/units/" in officer
    viewer = login("xem").get("/").get_data(as_text=True)
    assert "/people/" not in viewer and "/admin/" not in viewer and "/units/" in viewer


def test_csrf_is_required_on_every_post(world, app, login):
    c = login("admin")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for url in ("/logout", "/units/new", f"/units/{world.unit1.id}/edit", "/language",
                    "/people/import", "/admin/users/new"):
            response = c.post(url, data={"name": "x"})
            assert response.status_code == 400, url
            assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)
        fresh = app.test_client()
        assert fresh.post("/login", data={"username": "admin",
                                          "password": "x"}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_bad_query_strings_get_no_server_error(world, login):
    c = login("admin")
    for url in ("/units/?page=abc", "/units/?page=-3", "/people/?unit=abc", "/people/?unit=99999",
                "/admin/audit/?from=yesterday&to=2026-13-45&object_id=x", "/units/?q=%25_%5C",
                "/people/?q=" + "a" * 5000):
        assert c.get(url).status_code < 500, url


def test_a_change_cut_off_by_the_database_leaves_nothing_half_written(world, login, app,
                                                                      in_app):
    """The unit's UPDATE runs, then the audit INSERT fails as if the database went away:
    the page is the 503 "try again" page and, once the database is back, neither the
    rename nor its audit event exists."""
    from sqlalchemy import func, select

    from emulation.core.audit import AuditEvent
    from emulation.org.models import Unit

    c = login("tochuc")
    with in_app() as session:
        unit = session.get(Unit, world.unit1.id)
        version, name = unit.version, unit.name
        audits = session.scalar(select(func.count()).select_from(AuditEvent))

    def fail_on_audit(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("INSERT INTO AUDIT_EVENT"):
            raise OperationalError(statement, {}, Exception("server closed the connection"))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", fail_on_audit)
    try:
        response = c.post(f"/units/{world.unit1.id}/edit", data={
            "version": version, "name": "Tên mới nửa chừng", "kind": "grassroots",
            "address": ""})
    finally:
        event.remove(engine, "before_cursor_execute", fail_on_audit)
    assert response.status_code == 503
    assert "Hiện không kết nối được cơ sở dữ liệu" in response.get_data(as_text=True)
    with in_app() as session:
        unit = session.get(Unit, world.unit1.id)
        assert (unit.name, unit.version) == (name, version)
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == audits
    again = c.post(f"/units/{world.unit1.id}/edit", data={
        "version": version, "name": "Tên mới", "kind": "grassroots", "address": ""})
    assert again.status_code == 302  # the database is back: the same save goes through


def test_gunicorn_settings_and_worker_start(monkeypatch):
    """gunicorn.conf.py reads its overrides from the environment and freezes what a worker
    loaded, so garbage collections during requests stay short."""
    import gc
    import runpy
    from pathlib import Path

    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    conf = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    assert conf["workers"] == 3 and conf["timeout"] == 120
    # workers recycled at clearly different times, never all reloading the app at once
    assert conf["max_requests_jitter"] >= conf["max_requests"] // 2 > 0
    try:
        conf["post_worker_init"](None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
