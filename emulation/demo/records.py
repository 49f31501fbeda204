"""Demo records 2016–2025 (appraisals, initiatives, a few disciplines, award history), then the
award cycle: the 2020 campaign's nominations through the council, publication and decision, and
the 2026 campaign's nominations submitted with a council meeting scheduled."""
from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select

from emulation.awards.catalogue.data import seed
from emulation.awards.nominations.models import Nomination
from emulation.awards.records.models import Appraisal, AwardRecord, Discipline, Initiative
from emulation.extensions import db
from emulation.org.models import Person, Unit

YEARS = range(2016, 2026)


def load() -> dict:
    seed(db.session)
    rng = random.Random(2025)
    people = db.session.scalars(select(Person).order_by(Person.id)).all()
    counts = {"appraisals": 0, "awards": 0, "initiatives": 0, "disciplines": 0}
    for index, person in enumerate(people):
        profile = index % 6  # 0: star, 1–3: solid, 4: uneven, 5: disciplined once
        for year in YEARS:
            level = ("excellent" if profile == 0 or rng.random() < 0.25 else "good")
            if profile == 4 and year in (2019, 2023):
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
            db.session.add(Initiative(person_id=person.id, year=2019, scope="ministry",
                                      title="Hợp lý hóa quy trình kiểm tra chất lượng",
                                      recognised_by="Bộ Công Thương"))
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
    return counts


def load_cycle() -> int:
    """After the campaigns exist: the 2020 cycle done, the 2026 nominations submitted."""
    from emulation.campaigns.models import Campaign
    from emulation.core.web import as_of

    campaigns = {c.year_start: c for c in db.session.scalars(select(Campaign))}
    people = db.session.scalars(select(Person).order_by(Person.id)).all()
    # each cycle's dossiers are filed on a day inside its campaign's nomination deadline
    with as_of(date(2020, 12, 1)):
        made = _nominations(people, campaigns[2020], 2020)
    with as_of(date(2026, 12, 1)):
        made += _nominations_2026(campaigns[2026])
    _council(campaigns[2020])
    return made


def _nominations(people, campaign, year) -> int:
    """Nominations of the 2020 campaign: individuals from two units (eligible ones and one
    flagged with an explanation) and the flag candidates of the frozen ranking."""
    from emulation.awards.catalogue.services import award_by_code
    from emulation.awards.nominations import services as nominations
    from emulation.core.permissions import SYSTEM

    made = 0
    for unit_code in ("CDCS-DAP", "CDCS-TLSG"):
        unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
        members = [p for p in people if p.unit_id == unit.id][:4]
        for person, code in zip(members, ("CSTD_BO", "BK_BO", "BK_BO", "CSTD_BO"),
                                strict=False):
            n = nominations.create(SYSTEM, award=award_by_code(code), year=year,
                                   proposing_unit=unit, person=person, campaign_id=campaign.id,
                                   texts={"summary": f"{person.full_name} hoàn thành xuất sắc "
                                                     f"nhiệm vụ năm {year}, là điển hình tiên "
                                                     f"tiến của {unit.name}."})
            _submit(n)
            made += 1
    made += nominations.from_ranking(SYSTEM, campaign, year).count
    for n in db.session.scalars(select(Nomination).where(Nomination.state == "draft",
                                                         Nomination.year == year)):
        n.summary = f"{n.subject_name} dẫn đầu cụm thi đua năm {year}."
        _submit(n)
    return made


def _nominations_2026(campaign) -> int:
    """The 2026 campaign: units' own title registrations turned into submitted nominations."""
    from emulation.awards.nominations import services as nominations
    from emulation.core.permissions import SYSTEM
    from emulation.pledges.models import Pledge

    made = 0
    for pledge in db.session.scalars(select(Pledge).where(Pledge.campaign_id == campaign.id,
                                                          Pledge.state == "approved")
                                     .limit(6)):
        made += nominations.from_title_registrations(SYSTEM, campaign, pledge.unit,
                                                      2026).count
    for n in db.session.scalars(select(Nomination).where(Nomination.year == 2026)):
        n.summary = f"{n.subject_name} hoàn thành xuất sắc nhiệm vụ năm 2026."
        _submit(n)
    return made


def _submit(n) -> None:
    from emulation.awards.eligibility import services as eligibility
    from emulation.awards.nominations import services as nominations
    from emulation.core.permissions import SYSTEM

    verdict = eligibility.check_batch([n])[n.id]
    nominations.submit(SYSTEM, n, n.version, "" if verdict.eligible is not False else
                       "Có thành tích đột xuất được Bộ ghi nhận trong năm.")


def _council(campaign) -> None:
    """The council of the top unit: a meeting held on the 2020 dossiers (received and climbed
    to the top level first), votes cast and counted; and a meeting scheduled for 2026."""
    from datetime import date
    from decimal import Decimal

    from emulation.auth.models import User
    from emulation.awards.councils import services as council
    from emulation.awards.nominations import services as nominations
    from emulation.awards.nominations.models import Nomination
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
    received = db.session.scalars(select(Nomination).where(Nomination.year == 2020)
                                  .order_by(Nomination.id)).all()
    for n in received:
        nominations.receive(SYSTEM, n, n.version)
        while n.level_unit.parent_id is not None:
            nominations.forward(SYSTEM, n, n.version)
            nominations.receive(SYSTEM, n, n.version)
        nominations.put_on_agenda(SYSTEM, n, n.version)
    secretary = users["thuky"]
    held = council.schedule(secretary, body, "Phiên họp xét khen thưởng năm 2020",
                            date(2020, 12, 18))
    for n in received:
        council.add_to_agenda(secretary, held, n)
    members = list(body.members)
    council.set_attendance(secretary, held, held.version, [m.id for m in members])
    council.open_ballot(secretary, held, held.version)
    for item in held.items:
        # The council follows the eligibility check, with a minority dissenting.
        agree = len(members) if item.nomination.eligible else 2
        for index, member in enumerate(members):
            council.cast_vote(member.user, item, "agree" if index < agree else "disagree")
    council.close_ballot(secretary, held, held.version)
    council.schedule(secretary, body, "Phiên họp xét khen thưởng năm 2026", date(2026, 12, 17))
    _decision(held, top, users)


def _decision(meeting, top, users) -> None:
    """The passed list published for its working days, one objection dismissed, and the
    decision issued with its cash awards."""
    from datetime import date

    from emulation.awards.decisions import services as decisions

    organiser = users["tochuc"]
    decisions.publish(organiser, meeting, date(2020, 12, 21))
    passed = [i.nomination for i in meeting.items if i.passed]
    objection = decisions.object_to(users["xem"], passed[0],
                                    "Đề nghị làm rõ thời gian công tác tại đơn vị.",
                                    today=date(2020, 12, 21))
    decisions.resolve(organiser, objection, False, "Đã xác minh hồ sơ, đủ thời gian công tác.")
    decision = decisions.create_decision(organiser, top, number="15/QĐ-CĐCT",
                                         signed_on=date(2021, 1, 12),
                                         signer="Nguyễn Văn Hùng",
                                         nominations=passed, today=date(2021, 1, 12))
    decisions.issue(organiser, decision, decision.version, date(2021, 1, 12))
