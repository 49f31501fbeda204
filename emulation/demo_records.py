"""Demo records 2021–2025: appraisals, initiatives, a few disciplines and award history, so that
some people are eligible for CSTDCS, CSTD_BO or BK_BO in 2026 and others are not."""
from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select

from emulation.awards.catalogue import seed
from emulation.awards.models import Appraisal, AwardRecord, Discipline, Initiative
from emulation.extensions import db
from emulation.org.models import Person, Unit

YEARS = range(2021, 2026)


def load() -> dict:
    seed(db.session)
    rng = random.Random(2025)
    people = db.session.scalars(select(Person).order_by(Person.id)).all()
    counts = {"appraisals": 0, "awards": 0, "initiatives": 0, "disciplines": 0}
    for index, person in enumerate(people):
        profile = index % 6  # 0: star, 1–3: solid, 4: uneven, 5: disciplined once
        for year in YEARS:
            level = ("excellent" if profile == 0 or rng.random() < 0.25 else "good")
            if profile == 4 and year == 2023:
                level = "complete"
            db.session.add(Appraisal(person_id=person.id, year=year, level=level))
            counts["appraisals"] += 1
            if level in ("good", "excellent"):
                db.session.add(AwardRecord(award_code="LDTT", person_id=person.id, year=year,
                                           decision_number=f"{year % 100:02d}/QĐ-CĐ",
                                           issuer=person.unit.name, source="import"))
                counts["awards"] += 1
            if profile == 0 or (level == "excellent" and rng.random() < 0.5):
                db.session.add(AwardRecord(award_code="CSTDCS", person_id=person.id, year=year,
                                           decision_number=f"{year % 100:02d}/QĐ-CĐ",
                                           issuer=person.unit.name, source="import"))
                counts["awards"] += 1
        if profile == 0:
            db.session.add(Initiative(person_id=person.id, year=2024, scope="ministry",
                                      title="Cải tiến quy trình vận hành dây chuyền",
                                      recognised_by="Bộ Công Thương"))
            counts["initiatives"] += 1
        elif profile in (1, 2) and rng.random() < 0.5:
            db.session.add(Initiative(person_id=person.id, year=2025, scope="grassroots",
                                      title="Sáng kiến tiết kiệm năng lượng",
                                      recognised_by=person.unit.name))
            counts["initiatives"] += 1
        if profile == 5 and index % 4 == 1:
            db.session.add(Discipline(person_id=person.id, level="khien_trach",
                                      starts_on=date(2025, 9, 1), ends_on=date(2026, 8, 31),
                                      reason="Vi phạm quy chế làm việc"))
            counts["disciplines"] += 1
    for unit in db.session.scalars(select(Unit).where(Unit.kind == "grassroots")):
        for year in YEARS:
            db.session.add(Appraisal(unit_id=unit.id, year=year,
                                     level="excellent" if rng.random() < 0.5 else "good"))
    db.session.commit()
    counts["nominations"] = _nominations(people)
    return counts


def _nominations(people) -> int:
    """Nominations for 2025 from two demo units: eligible ones and one flagged with an
    explanation; the first ones are received and put on the council's agenda."""
    from emulation.awards import nominations
    from emulation.awards.services import award_by_code
    from emulation.core.permissions import SYSTEM

    made = 0
    for unit_code in ("CDCS-DAP", "CDCS-TLSG"):
        unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
        members = [p for p in people if p.unit_id == unit.id][:4]
        for person, code in zip(members, ("CSTD_BO", "CSTDCS", "BK_BO", "CSTD_BO"),
                                strict=False):
            n = nominations.create(SYSTEM, award=award_by_code(code), year=2025,
                                   proposing_unit=unit, person=person, texts={
                                       "summary": f"{person.full_name} hoàn thành xuất sắc "
                                                  f"nhiệm vụ năm 2025, là điển hình tiên tiến "
                                                  f"của {unit.name}."})
            verdict = nominations.check_batch([n])[n.id]
            nominations.submit(SYSTEM, n, n.version, "" if verdict.eligible is not False else
                               "Có thành tích đột xuất trong phòng chống thiên tai năm 2025.")
            if made % 2 == 0:
                nominations.receive(SYSTEM, n, n.version)
            made += 1
    _council()
    return made


def _council() -> None:
    """The council of the top unit: a meeting held on the received 2025 dossiers (they climb
    to the top level first), votes cast and counted; and a meeting scheduled for 2026."""
    from datetime import date
    from decimal import Decimal

    from emulation.auth.models import User
    from emulation.awards import council, nominations
    from emulation.awards.models import Nomination
    from emulation.core.permissions import SYSTEM

    top = db.session.scalar(select(Unit).where(Unit.parent_id.is_(None)))
    users = {u.username: u for u in db.session.scalars(select(User))}
    body = council.create_council(SYSTEM, top, "Hội đồng Thi đua – Khen thưởng Công đoàn "
                                               "Công Thương Việt Nam", Decimal("66.67"))
    council.add_member(SYSTEM, body, users["thuky"], "secretary")
    council.add_member(SYSTEM, body, users["hoidong1"], "chair")
    council.add_member(SYSTEM, body, users["hoidong2"], "vice_chair")
    for i in range(3, 8):
        council.add_member(SYSTEM, body, users[f"hoidong{i}"], "member")
    received = db.session.scalars(select(Nomination).where(Nomination.state == "received")
                                  .order_by(Nomination.id)).all()
    for n in received:
        while n.level_unit.parent_id is not None:
            nominations.forward(SYSTEM, n, n.version)
            nominations.receive(SYSTEM, n, n.version)
        nominations.put_on_agenda(SYSTEM, n, n.version)
    secretary = users["thuky"]
    held = council.schedule(secretary, body, "Phiên họp xét khen thưởng năm 2025",
                            date(2025, 12, 18))
    for n in received:
        council.add_to_agenda(secretary, held, n)
    members = [m for m in body.members if m.user.username != "hoidong7"]
    council.set_attendance(secretary, held, held.version, [m.id for m in members])
    council.open_ballot(secretary, held, held.version)
    for position, item in enumerate(held.items):
        for index, member in enumerate(members):
            choice = "agree" if index < len(members) - position else "disagree"
            council.cast_vote(member.user, item, choice)
    council.close_ballot(secretary, held, held.version)
    council.schedule(secretary, body, "Phiên họp xét khen thưởng năm 2026", date(2026, 12, 17))
    _decision(held, top, users)


def _decision(meeting, top, users) -> None:
    """The passed list published for its working days, one objection dismissed, and the
    decision issued with its cash awards."""
    from datetime import date

    from emulation.awards import decisions

    organiser = users["tochuc"]
    decisions.publish(organiser, meeting, date(2025, 12, 19))
    passed = [i.nomination for i in meeting.items if i.passed]
    objection = decisions.object_to(users["xem"], passed[0],
                                    "Đề nghị làm rõ thời gian công tác tại đơn vị.")
    decisions.resolve(organiser, objection, False, "Đã xác minh hồ sơ, đủ thời gian công tác.")
    decision = decisions.create_decision(organiser, top, number="15/QĐ-CĐCT",
                                         signed_on=date(2026, 1, 12),
                                         signer="Chủ tịch Công đoàn Công Thương Việt Nam",
                                         nominations=passed, today=date(2026, 1, 12))
    decisions.issue(organiser, decision, decision.version, date(2026, 1, 12))
