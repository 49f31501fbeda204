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


@dataclass
class CampaignWorld:
    campaign: int
    movements: list[int]
    period: int
    pledge: int
    report: int
    report_item: int
    cluster: int
    criterion: int
    campaign_attachment: int
    evidence: int
    sheet: int


def gen_campaign(issuer: Unit, *, title: str = "Thi đua yêu nước 2026", year: int = 2026,
                 movements: int = 2, participants: list[Unit] = (), publish: bool = True,
                 registration_deadline: date | None = None):
    """A campaign made through the services, as an organiser would (SYSTEM acts)."""
    from emulation.campaigns import services as cs
    from emulation.core.permissions import SYSTEM

    campaign = cs.create_campaign(SYSTEM, issuer, {
        "number": f"01/CT-{year}", "title": title, "kind": "regular", "year_start": year,
        "year_end": year, "launch_date": date(year, 1, 5),
        "registration_deadline": registration_deadline or date(year, 3, 31)})
    for n in range(1, movements + 1):
        cs.add_movement(SYSTEM, campaign, f"Nội dung thi đua số {n}")
    cs.add_period(SYSTEM, campaign, kind="midyear", label=f"6 tháng {year}", year=year,
                  deadline=date(year, 6, 30))
    if participants:
        cs.set_participants(SYSTEM, campaign, "list", [u.id for u in participants])
    if publish:
        cs.publish(SYSTEM, campaign, campaign.version)
    return campaign


def gen_campaign_world(world: World) -> CampaignWorld:
    """A published campaign of the top unit with CS-1 and CS-2 taking part; CS-1 has an
    approved pledge and a draft mid-year report with evidence."""
    import io
    from decimal import Decimal

    from werkzeug.datastructures import FileStorage

    from emulation.campaigns import services as cs
    from emulation.core import uploads
    from emulation.core.permissions import SYSTEM
    from emulation.pledges import reports as pledge_reports
    from emulation.pledges import services as ps

    top = db.session.get(Unit, world.top.id)
    unit1 = db.session.get(Unit, world.unit1.id)
    unit2 = db.session.get(Unit, world.unit2.id)
    campaign = gen_campaign(top, participants=[unit1, unit2], publish=False,
                            registration_deadline=date(2099, 12, 31))
    criterion = cs.add_criterion(SYSTEM, campaign, code="TC1", title="Tiêu chí 1",
                                 max_points=Decimal(10))
    cluster = cs.save_cluster(SYSTEM, campaign, cluster=None, name="Cụm 1", kind="cum",
                              member_ids=[unit1.id, unit2.id], leader_id=unit1.id,
                              deputy_id=unit2.id)
    cs.publish(SYSTEM, campaign, campaign.version)
    movements = [m.id for m in campaign.movements]
    pledge = ps.save_pledge(SYSTEM, campaign, unit1, 0, {
        movements[0]: {"commitment": "Hoàn thành 10 sáng kiến", "indicator": "Sáng kiến",
                       "unit_of_measure": "sáng kiến", "target_value": "10"},
        movements[1]: {"commitment": "Tham gia đầy đủ"}})
    ps.submit(SYSTEM, pledge, pledge.version, date(2026, 2, 1))
    ps.approve(SYSTEM, pledge, pledge.version)
    period = campaign.periods[0]
    report = pledge_reports.save_report(SYSTEM, campaign, unit1, period, 0,
                                        {"integration": "Đã lồng ghép"},
                                        {pledge.items[0].id: {"achieved_value": "5"}})
    attachment = uploads.store(FileStorage(io.BytesIO(b"%PDF-1.4 chi thi"), "chỉ thị.pdf"),
                               owner_type="campaign", owner_id=campaign.id, actor=SYSTEM)
    evidence = uploads.store(FileStorage(io.BytesIO(b"%PDF-1.4 minh chung"), "minh chứng.pdf"),
                             owner_type="report_item", owner_id=report.items[0].id,
                             actor=SYSTEM)
    from emulation.scoring import services as scoring

    sheet = scoring.open_self_sheet(SYSTEM, campaign, unit1, date(2026, 11, 20))
    db.session.commit()
    return CampaignWorld(campaign.id, movements, period.id, pledge.id, report.id,
                         report.items[0].id, cluster.id, criterion.id, attachment.id,
                         evidence.id, sheet.id)
