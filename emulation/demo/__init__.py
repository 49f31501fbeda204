"""Demo data: Công đoàn Công Thương Việt Nam, three levels of units, people and accounts."""
from __future__ import annotations

import random
from datetime import date

from sqlalchemy import delete

from emulation.auth.models import RoleGrant, User
from emulation.auth.services import hash_password
from emulation.core import audit
from emulation.core.audit import AuditEvent
from emulation.core.permissions import SYSTEM
from emulation.core.web import local_today
from emulation.extensions import db
from emulation.org.models import Person, Unit
from emulation.org.services import rebuild_paths

DEMO_PASSWORD = "ThiDua@2026demo"
TOP = ("CDCTVN", "Công đoàn Công Thương Việt Nam", "Số 6 Phan Đình Phùng, Ba Đình, Hà Nội")
# (code, name, [grassroots unions]) — second level and third level.
BRANCHES = [
    ("CD-BCT", "Công đoàn Cơ quan Bộ Công Thương", [
        ("CDCS-VP", "Công đoàn Văn phòng Bộ"),
        ("CDCS-VCN", "Công đoàn Vụ Công nghiệp"),
        ("CDCS-CXNK", "Công đoàn Cục Xuất nhập khẩu"),
        ("CDCS-TTTN", "Công đoàn Vụ Thị trường trong nước"),
    ]),
    ("CD-VINACHEM", "Công đoàn Tập đoàn Hóa chất Việt Nam", [
        ("CDCS-DAP", "Công đoàn Công ty CP DAP - Vinachem"),
        ("CDCS-PLC", "Công đoàn Công ty CP Supe Phốt phát và Hóa chất Lâm Thao"),
        ("CDCS-PBC", "Công đoàn Công ty CP Phân bón Bình Điền"),
        ("CDCS-CSMN", "Công đoàn Công ty CP Công nghiệp Cao su Miền Nam"),
    ]),
    ("CD-VINATABA", "Công đoàn Tổng công ty Thuốc lá Việt Nam", [
        ("CDCS-TLSG", "Công đoàn Công ty Thuốc lá Sài Gòn"),
        ("CDCS-TLTL", "Công đoàn Công ty Thuốc lá Thăng Long"),
        ("CDCS-TLBS", "Công đoàn Công ty Thuốc lá Bắc Sơn"),
    ]),
    ("CD-VEAM", "Công đoàn Tổng công ty Máy động lực và Máy nông nghiệp", [
        ("CDCS-DSS", "Công đoàn Công ty Diesel Sông Công"),
        ("CDCS-MNMN", "Công đoàn Công ty Máy nông nghiệp Miền Nam"),
        ("CDCS-DCC", "Công đoàn Công ty Động cơ và Máy nông nghiệp Miền Nam"),
    ]),
    ("CD-SABECO", "Công đoàn Tổng công ty Bia - Rượu - Nước giải khát Sài Gòn", [
        ("CDCS-BSGCT", "Công đoàn Công ty CP Bia Sài Gòn - Cần Thơ"),
        ("CDCS-BSGMT", "Công đoàn Công ty CP Bia Sài Gòn - Miền Trung"),
        ("CDCS-BSGNT", "Công đoàn Công ty CP Bia Sài Gòn - Nghệ Tĩnh"),
    ]),
    ("CD-VNSTEEL", "Công đoàn Tổng công ty Thép Việt Nam", [
        ("CDCS-TTN", "Công đoàn Công ty CP Gang thép Thái Nguyên"),
        ("CDCS-TMN", "Công đoàn Công ty Thép Miền Nam"),
        ("CDCS-TDN", "Công đoàn Công ty CP Thép Đà Nẵng"),
    ]),
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Lương", "Tạ"]
MIDDLE = {"male": ["Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Thành", "Tiến"],
          "female": ["Thị", "Thu", "Ngọc", "Thanh", "Thùy", "Mai", "Kim", "Phương", "Bích"]}
GIVEN = {"male": ["An", "Bình", "Cường", "Dũng", "Đạt", "Giang", "Hải", "Hiếu", "Hùng", "Khánh",
                  "Long", "Mạnh", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Trung", "Tuấn", "Việt"],
         "female": ["Anh", "Châu", "Diệp", "Dung", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan",
                    "Linh", "Loan", "Ngân", "Nhung", "Oanh", "Phượng", "Quyên", "Thảo", "Trang",
                    "Yến"]}
POSITIONS = ["Chủ tịch công đoàn", "Phó Chủ tịch công đoàn", "Ủy viên Ban Chấp hành",
             "Tổ trưởng công đoàn", "Kỹ sư", "Chuyên viên", "Kế toán viên", "Công nhân vận hành",
             "Công nhân kỹ thuật", "Cán sự", "Trưởng phòng", "Phó Trưởng phòng"]
PEOPLE_PER_GRASSROOTS = 15
PEOPLE_PER_UPPER = 3
# (username, full name, role, unit code)
ACCOUNTS = [
    ("admin", "Quản trị hệ thống", "admin", None),
    ("tochuc", "Nguyễn Thị Thi Đua", "organiser", "CDCTVN"),
    # an organiser of one branch: follows the Vinachem units in the confederation's campaigns
    ("tochuc_hc", "Đỗ Thị Hóa Chất", "organiser", "CD-VINACHEM"),
    ("donvi1", "Trần Văn Đơn Vị", "unit_officer", "CDCS-DAP"),
    ("donvi2", "Lê Thị Cơ Sở", "unit_officer", "CDCS-TLSG"),
    ("thuky", "Phạm Thu Hà", "council_secretary", "CDCTVN"),
    # the council: hoidong1 chairs it, hoidong2 is its vice chair (demo.records)
    *[(f"hoidong{i}", name, "council_member", "CDCTVN") for i, name in enumerate(
        ["Hoàng Văn Minh", "Vũ Thị Lan", "Đặng Quốc Bảo", "Bùi Thị Hoa", "Ngô Văn Tâm",
         "Lý Thị Mai", "Phan Văn Lộc"], start=1)],
    ("xem", "Người Xem", "viewer", "CDCTVN"),
]


def load() -> dict:
    """Create the demo tree, people and accounts; deterministic (the same every time)."""
    rng = random.Random(2020)
    top = _unit(TOP[0], TOP[1], None, "union", TOP[2])
    # what its documents print above its name and before the date (Quyết định 933/QĐ-TLĐ)
    top.letterhead, top.place_name = "Tổng Liên đoàn Lao động Việt Nam", "Hà Nội"
    units = [top]
    people = 0
    for code, name, grassroots in BRANCHES:
        branch = _unit(code, name, top, "upper_grassroots", "")
        units.append(branch)
        people += _people(rng, branch, PEOPLE_PER_UPPER, people)
        for gcode, gname in grassroots:
            unit = _unit(gcode, gname, branch, "grassroots", "")
            units.append(unit)
            people += _people(rng, unit, PEOPLE_PER_GRASSROOTS, people)
    db.session.flush()
    rebuild_paths()
    by_code = {u.code: u for u in units}
    password_hash = hash_password(DEMO_PASSWORD)
    for username, full_name, role, unit_code in ACCOUNTS:
        user = User(username=username, full_name=full_name, password_hash=password_hash,
                    email=f"{username}@congthuong.example.vn")
        user.grants.append(RoleGrant(role=role, unit=by_code.get(unit_code)))
        db.session.add(user)
    audit.record(db.session, actor=SYSTEM, action="demo.load", object_type="system",
                 summary=f"demo data loaded: {len(units)} units, {people} people, "
                         f"{len(ACCOUNTS)} accounts",
                 params={"units": len(units), "people": people, "accounts": len(ACCOUNTS)})
    db.session.commit()
    from emulation.demo import campaigns as demo_campaigns
    from emulation.demo import records as demo_records

    demo_records.load()
    campaigns = demo_campaigns.load(local_today())
    campaigns["nominations"] = demo_records.load_cycle()
    return {"units": len(units), "people": people, "users": len(ACCOUNTS), **campaigns}


def erase_all() -> None:
    """Delete every record (demo --reset only); tables stay, the schema is untouched."""
    from emulation.awards.councils.models import Council
    from emulation.awards.decisions.models import Decision
    from emulation.awards.nominations.models import Nomination
    from emulation.awards.records.models import (
        Appraisal,
        AwardRecord,
        AwardTally,
        Discipline,
        Initiative,
    )
    from emulation.campaigns.models import Campaign
    from emulation.core.uploads import Attachment
    from emulation.pledges.models import (
        DeadlineExtension,
        MovementProgress,
        Pledge,
        Report,
        UnitProgress,
    )
    from emulation.scoring.models import RankingEntry, ScoreAdjustment, ScoreSheet, SheetCount

    db.session.execute(delete(AuditEvent))
    db.session.execute(delete(Decision))
    db.session.execute(delete(Council))
    for model in (Nomination, Appraisal, AwardRecord, AwardTally, Discipline, Initiative):
        db.session.execute(delete(model))
    db.session.execute(delete(RankingEntry))
    db.session.execute(delete(ScoreAdjustment))
    db.session.execute(delete(ScoreSheet))
    db.session.execute(delete(SheetCount))  # the stored counts, which bulk SQL bypasses
    db.session.execute(delete(Attachment))
    db.session.execute(delete(MovementProgress))
    db.session.execute(delete(UnitProgress))
    db.session.execute(delete(Report))
    db.session.execute(delete(Pledge))
    db.session.execute(delete(DeadlineExtension))
    db.session.execute(Campaign.__table__.update().values(cloned_from_id=None,
                                                          parent_campaign_id=None))
    db.session.execute(delete(Campaign))
    db.session.execute(delete(RoleGrant))
    db.session.execute(delete(User))
    db.session.execute(delete(Person))
    # Children before parents: deepest first.
    for depth in sorted({d for (d,) in db.session.execute(db.select(Unit.depth).distinct())},
                        reverse=True):
        db.session.execute(delete(Unit).where(Unit.depth == depth))
    db.session.commit()


def print_accounts(echo) -> None:
    echo("")
    echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for username, _full_name, role, unit_code in ACCOUNTS:
        where = f" @ {unit_code}" if unit_code else ""
        echo(f"  {username:<10} {role}{where}")


def _unit(code, name, parent, kind, address) -> Unit:
    unit = Unit(code=code, kind=kind, address=address, parent=parent, path="", depth=0)
    unit.set_name(name)
    db.session.add(unit)
    return unit


def _people(rng: random.Random, unit: Unit, count: int, offset: int) -> int:
    for i in range(count):
        gender = rng.choice(("male", "female"))
        name = " ".join((rng.choice(SURNAMES), rng.choice(MIDDLE[gender]),
                         rng.choice(GIVEN[gender])))
        person = Person(code=f"CN{offset + i + 1:05d}", unit=unit, gender=gender,
                        birth_date=date(rng.randint(1965, 2000), rng.randint(1, 12),
                                        rng.randint(1, 28)),
                        position=POSITIONS[0] if i == 0 else rng.choice(POSITIONS[2:]),
                        email="")
        person.set_name(name)
        db.session.add(person)
    return count
