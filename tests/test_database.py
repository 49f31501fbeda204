import io

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm.exc import StaleDataError

from emulation.extensions import db
from emulation.org.models import Unit


def test_sqlite_runs_with_foreign_keys_wal_and_busy_timeout(ctx):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_naming_convention_names_every_constraint(app):
    for table in db.metadata.tables.values():
        for constraint in table.constraints:
            assert constraint.name, (table.name, constraint)


def test_concurrent_flush_of_a_stale_row_is_refused(world, app):
    """Two sessions load the same unit; the second save is refused, not silently lost."""
    with app.app_context():
        first = db.session.get(Unit, world.unit1.id)
        other = db.session.get_bind()
        from sqlalchemy.orm import Session

        with Session(other) as second_session:
            second = second_session.get(Unit, world.unit1.id)
            first.set_name("Lần lưu thứ nhất")
            db.session.commit()
            second.set_name("Lần lưu thứ hai")
            with pytest.raises(StaleDataError):
                second_session.commit()
        db.session.expire_all()
        assert db.session.get(Unit, world.unit1.id).name == "Lần lưu thứ nhất"
        db.session.remove()


def test_upload_over_the_limit_gets_413(world, login, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    response = login("admin").post("/units/import", data={
        "file": (io.BytesIO(b"x" * 4096), "big.csv")}, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Tệp lớn hơn dung lượng cho phép" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Unit).where(Unit.code == "x")) is None
