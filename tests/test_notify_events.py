"""Notifications of a campaign launched, a pledge, report or dossier submitted and a meeting
scheduled: one per event and reader, not one per level a thing passes through (issue 16);
e-mail subjects keep every space however they are folded."""
import random
from datetime import date
from email import message_from_bytes, policy

from sqlalchemy import select

from emulation.auth.models import User
from emulation.awards.nominations.models import Nomination
from emulation.campaigns import services as cs
from emulation.campaigns.models import Campaign
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.notify.models import Notification
from emulation.org.models import Unit
from emulation.pledges import reports as pr
from emulation.pledges import services as ps
from tests.awards.conftest import make_meeting
from tests.factories import gen_campaign, gen_user


def _kinds(username: str) -> list[str]:
    user = db.session.scalar(select(User).where(User.username == username))
    return sorted(db.session.scalars(select(Notification.kind).where(
        Notification.user_id == user.id)))


def test_a_campaign_launched_tells_each_officer_once(world, ctx):
    """An officer above two participants hears of the launch once, as does each unit's own."""
    branch_a = db.session.get(Unit, world.branch_a.id)
    gen_user("donvi_a", "unit_officer", branch_a)
    unit1, unit3 = (db.session.get(Unit, u.id) for u in (world.unit1, world.unit3))
    campaign = gen_campaign(db.session.get(Unit, world.top.id), participants=[unit1, unit3])
    assert _kinds("donvi_a") == ["campaign_launched"]
    assert _kinds("donvi1") == ["campaign_launched"]
    assert _kinds("donvi2") == []  # CS-2 takes no part
    note = db.session.scalar(select(Notification).where(Notification.kind == "campaign_launched"))
    from emulation.notify.services import text

    assert campaign.title in text(note) and note.link == "/pledges/"


def test_a_pledge_and_a_report_submitted_tell_the_campaigns_organisers_once(world, cworld,
                                                                            ctx):
    """The organisers of the issuing unit hear of it; the branch organiser above the unit,
    who does not review it, is not told."""
    campaign = db.session.get(Campaign, cworld.campaign)
    unit2 = db.session.get(Unit, world.unit2.id)
    before = {name: _kinds(name) for name in ("tochuc", "tochuc_a", "admin")}
    pledge = ps.save_pledge(SYSTEM, campaign, unit2, 0,
                            {cworld.movements[0]: {"commitment": "Hoàn thành"}})
    ps.submit(SYSTEM, pledge, pledge.version, date(2026, 2, 1))
    from emulation.pledges.models import Report

    report = db.session.get(Report, cworld.report)  # CS-1's draft, its pledge approved
    pr.submit_report(SYSTEM, report, report.version, date(2026, 6, 1))
    assert _kinds("tochuc").count("pledge_submitted") == before["tochuc"].count(
        "pledge_submitted") + 1
    assert _kinds("tochuc").count("report_submitted") == 1
    assert _kinds("tochuc_a") == before["tochuc_a"]
    assert _kinds("admin") == before["admin"]


def test_a_dossier_through_a_forwarding_chain_tells_each_level_once(world, ctx):
    """CS-1 submits; the branch CD-A (the nearest organisers) receives and forwards twice up
    to the top: the branch organiser hears once (submitted), the top's organiser once
    (forwarded to them) — not once per level the dossier passed. Council members hear once
    of the meeting, its secretary (who scheduled it) not at all."""
    make_meeting(world)  # two dossiers, each submitted, received and forwarded twice
    assert _kinds("tochuc_a") == ["dossier_submitted", "dossier_submitted"]
    assert _kinds("tochuc") == ["dossier_forwarded", "dossier_forwarded"]
    notes = db.session.scalars(select(Notification).where(
        Notification.kind.in_(("dossier_submitted", "dossier_forwarded")))).all()
    ids = sorted(n.id for n in db.session.scalars(select(Nomination)))
    assert sorted(int(n.link.rsplit("/", 1)[1]) for n in notes) == sorted(ids * 2)
    assert _kinds("hoidong1") == ["meeting_scheduled"]
    assert _kinds("hd2") == ["meeting_scheduled"]
    assert _kinds("thuky") == []


def test_a_meeting_scheduled_by_an_organiser_tells_the_secretary_too(world, ctx):
    from decimal import Decimal

    from emulation.awards.councils import services as councils

    top = db.session.get(Unit, world.top.id)
    council = councils.create_council(SYSTEM, top, "Hội đồng TĐKT", Decimal("66.67"))
    councils.add_member(SYSTEM, council, _user("thuky"), "secretary")
    councils.add_member(SYSTEM, council, _user("hoidong1"), "chair")
    meeting = councils.schedule(_user("tochuc"), council, "Phiên họp cuối năm",
                                date(2026, 12, 20))
    assert _kinds("thuky") == ["meeting_scheduled"] == _kinds("hoidong1")
    assert _kinds("tochuc") == []
    from flask_babel import force_locale

    from emulation.notify.services import text

    note = db.session.scalar(select(Notification).where(Notification.kind ==
                                                        "meeting_scheduled"))
    with force_locale("vi"):
        assert "20/12/2026" in text(note) or "20 thg 12, 2026" in text(note)
    assert note.link == f"/meetings/{meeting.id}"


def test_a_long_vietnamese_subject_is_folded_without_losing_a_space():
    """The subject read back from the mail's bytes is the subject written, for long
    Vietnamese subjects folded at every place (the library's folder lost the space between
    two encoded words: "…Vinachemtrong…"); no line is longer than 78 characters."""
    from email.message import EmailMessage

    from emulation.notify.services import encoded_subject

    words = ("Thi đua – Khen thưởng: Bản đăng ký của Công đoàn Công ty CP DAP Vinachem "
             "trong phong trào thi đua lao động sản xuất giỏi năm 2026 đã được duyệt "
             "Tập đoàn Hóa chất Việt Nam").split()
    rnd = random.Random(16)
    subjects = ["Thi đua – Khen thưởng: Bản đăng ký của Công đoàn Công ty CP DAP - Vinachem "
                "trong Đẩy mạnh các phong trào thi đua yêu nước năm 2026 trong ngành Công "
                "Thương đã được duyệt.", "Plain ASCII subject " * 8]
    subjects += [" ".join(rnd.choice(words) for _ in range(rnd.randint(3, 40)))
                 for _ in range(300)]
    for subject in subjects:
        message = EmailMessage(policy=policy.default)  # as the application builds it
        message["To"] = "donvi1@example.vn"
        message.set_raw("Subject", encoded_subject(subject))
        message.set_content("x")
        raw = message.as_bytes()
        assert message_from_bytes(raw, policy=policy.default)["Subject"] == subject
        assert max(len(line) for line in raw.splitlines()) <= 78


def test_a_mailed_notification_keeps_its_subject_through_the_wire(world, cworld, app, ctx):
    """The mail the application builds, turned into bytes and parsed back as a reader would."""
    from emulation.notify import services

    app.config["MAIL_CAPTURE"] = True
    app.extensions["outbox"] = []
    try:
        user = _user("donvi1")
        user.email = "donvi1@example.vn"
        services.notify([user], "pledge_returned", {
            "unit": "Công đoàn Công ty CP DAP - Vinachem", "campaign": "Đẩy mạnh các phong "
            "trào thi đua yêu nước năm 2026 trong ngành Công Thương", "reason": "Thiếu chỉ "
            "tiêu về sáng kiến cải tiến kỹ thuật"})
        db.session.commit()
        [mail] = app.extensions["outbox"]
        back = message_from_bytes(mail.as_bytes(), policy=policy.default)
        assert back["Subject"] == mail["Subject"]
        assert "Vinachem trong Đẩy mạnh" in back["Subject"]
        assert "  " not in back["Subject"]
    finally:
        app.config["MAIL_CAPTURE"] = False


def _user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def test_publishing_through_the_service_alone_notifies(world, ctx):
    """The launch notice comes from the publication itself (not from a page): a draft
    campaign tells nobody."""
    unit1 = db.session.get(Unit, world.unit1.id)
    campaign = gen_campaign(db.session.get(Unit, world.top.id), participants=[unit1],
                            publish=False)
    assert _kinds("donvi1") == []
    cs.publish(SYSTEM, campaign, campaign.version)
    assert _kinds("donvi1") == ["campaign_launched"]
