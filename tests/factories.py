"""Short helpers that make records for tests (gen_*)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from emulation.auth.models import RoleGrant, User
from emulation.auth.services import hash_password
from emulation.extensions import db
from emulation.org.models import Person, Unit
from emulation.org.services import rebuild_paths

PASSWORD = "correct-horse-battery"


def fetch(in_app, model, code: str):
    """The record with this code, read in a fresh app context and detached from it."""
    from sqlalchemy import select

    with in_app() as session:
        found = session.scalar(select(model).where(model.code == code))
        session.expunge_all()
        return found


def gen_unit(code: str, name: str | None = None, parent: Unit | None = None,
             kind: str = "grassroots", active: bool = True) -> Unit:
    unit = Unit(code=code, kind=kind, parent=parent, active=active, path="", depth=0)
    unit.set_name(name or f"Đơn vị {code}")
    db.session.add(unit)
    db.session.flush()
    rebuild_paths()
    db.session.commit()
    return unit


def gen_person(code: str, unit: Unit, name: str = "Nguyễn Văn An", **fields) -> Person:
    person = Person(code=code, unit=unit, **fields)
    person.set_name(name)
    db.session.add(person)
    db.session.commit()
    return person


def gen_user(username: str, role: str | None = None, unit: Unit | None = None,
             password: str = PASSWORD, active: bool = True) -> User:
    user = User(username=username, full_name=username.title(), active=active,
                password_hash=hash_password(password))
    if role:
        user.grants.append(RoleGrant(role=role, unit=unit))
    db.session.add(user)
    db.session.commit()
    return user


@dataclass
class Ref:
    """What a test needs of a record after its session has closed."""

    id: int
    code: str
    name: str


@dataclass
class World:
    top: Ref
    branch_a: Ref
    branch_b: Ref
    unit1: Ref
    unit2: Ref
    unit3: Ref
    person1: Ref
    person2: Ref


def ref(obj) -> Ref:
    return Ref(obj.id, obj.code, getattr(obj, "name", None) or getattr(obj, "full_name", ""))


def gen_world() -> World:
    """top (CDCTVN) → A (CD-A) → u1 (CS-1), u3 (CS-3); top → B (CD-B) → u2 (CS-2)."""
    top = gen_unit("CDCTVN", "Công đoàn Công Thương Việt Nam", kind="union")
    branch_a = gen_unit("CD-A", "Công đoàn Tập đoàn Hóa chất", top, kind="upper_grassroots")
    branch_b = gen_unit("CD-B", "Công đoàn Tổng công ty Thuốc lá", top, kind="upper_grassroots")
    unit1 = gen_unit("CS-1", "Công đoàn Công ty DAP", branch_a)
    unit3 = gen_unit("CS-3", "Công đoàn Công ty Lâm Thao", branch_a)
    unit2 = gen_unit("CS-2", "Công đoàn Công ty Thuốc lá Sài Gòn", branch_b)
    person1 = gen_person("P1", unit1, "Nguyễn Văn Đức", gender="male",
                         birth_date=date(1980, 5, 1))
    person2 = gen_person("P2", unit2, "Trần Thị Hằng", gender="female")
    gen_user("admin", "admin")
    gen_user("tochuc", "organiser", top)
    gen_user("tochuc_a", "organiser", branch_a)
    gen_user("donvi1", "unit_officer", unit1)
    gen_user("donvi2", "unit_officer", unit2)
    gen_user("thuky", "council_secretary", top)
    gen_user("hoidong1", "council_member", top)
    gen_user("chamdiem", "scorer", top)
    gen_user("xem", "viewer", top)
    return World(*(ref(o) for o in (top, branch_a, branch_b, unit1, unit2, unit3, person1,
                                    person2)))
