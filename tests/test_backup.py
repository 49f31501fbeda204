"""`flask backup` / `flask restore`: a round trip gives back every table, row for row."""
from sqlalchemy import select

from emulation.core.backup import fingerprint
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.org import services as org
from emulation.org.models import Person, Unit


def test_backup_and_restore_round_trip(app, world, cworld, runner, tmp_path, in_app):
    with app.app_context():
        before = fingerprint()
    assert before["unit"][0] == 6 and before["pledge"][0] == 1 and before["audit_event"][0] > 0
    path = tmp_path / "thidua-backup.db"
    made = runner.invoke(args=["backup", str(path)])
    assert made.exit_code == 0, made.output
    assert path.stat().st_size > 0 and "backup written" in made.output

    with in_app() as session:  # work done after the backup, which a restore must undo
        parent = session.get(Unit, world.unit1.id)
        org.create_unit(SYSTEM, code="MOI", name="Đơn vị mới", parent=parent)
        person = session.scalar(select(Person).where(Person.code == "P1"))
        org.update_person(SYSTEM, person, version=person.version, full_name="Tên đã đổi",
                          unit=person.unit, gender=None, birth_date=None, position="",
                          email="")
    with app.app_context():
        changed = fingerprint()
    assert changed["unit"][0] == 7 and changed["person"] != before["person"]

    refused = runner.invoke(args=["restore", str(path)], input="n\n")
    assert refused.exit_code != 0
    restored = runner.invoke(args=["restore", str(path), "--yes"])
    assert restored.exit_code == 0, restored.output
    with app.app_context():
        assert fingerprint() == before
        assert db.session.scalar(select(Person.full_name).where(Person.code == "P1")) \
            == "Nguyễn Văn Đức"


def test_restore_refuses_a_file_that_is_not_a_backup(app, world, runner, tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"not a database at all" * 100)
    with app.app_context():
        before = fingerprint()
    result = runner.invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code != 0 and "Error" in result.output
    with app.app_context():
        assert fingerprint() == before
