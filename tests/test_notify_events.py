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
            "tiêu về sáng kiến cải tiến kỹ thuật"}, actor=None)
        db.session.commit()
        [mail] = app.extensions["outbox"]
        back = message_from_bytes(mail.as_bytes(), policy=policy.default)
        assert back["Subject"] == mail["Subject"]
        assert "Vinachem trong đợt thi đua “Đẩy mạnh" in back["Subject"]
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


def test_the_secretary_opening_the_ballot_is_not_told_of_it(world, ctx):
    """The secretary, a member present, opens the ballot: the other members present hear of
    it, the secretary does not (no one is notified of their own action)."""
    from emulation.awards.councils import services as councils

    meeting = make_meeting(world)
    members = [m.id for m in meeting.council.members]
    councils.set_attendance(_user("thuky"), meeting, meeting.version, members)
    councils.open_ballot(_user("thuky"), meeting, meeting.version)
    assert "ballot_opened" not in _kinds("thuky")
    assert _kinds("hoidong1").count("ballot_opened") == 1
    assert _kinds("hd2").count("ballot_opened") == 1


def test_no_actor_is_told_of_their_own_action(world, ctx):
    """`notify` leaves out the actor whoever is listed: an organiser who also serves the unit
    (a grant on each) returns its pledge and is not told; the unit's officer is."""
    from emulation.notify.services import notify

    actor, officer = _user("tochuc"), _user("donvi1")
    notify([actor, officer, actor], "pledge_approved", {"unit": "X", "campaign": "Y"},
           actor=actor)
    db.session.commit()
    assert _kinds("tochuc") == [] and _kinds("donvi1") == ["pledge_approved"]


def test_every_signal_sent_names_its_actor():
    """The whole kind: every service that sends a signal says who acted (`actor=`), so that
    the subscribers can leave them out; only the worker's `job_finished` has no actor."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "emulation"
    missing = []
    for path in root.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for match in re.finditer(r"signals\.(\w+)\.send\(", source):
            if match.group(1) == "job_finished":
                continue
            call, depth = "", 0
            for char in source[match.end() - 1:]:
                call += char
                depth += {"(": 1, ")": -1}.get(char, 0)
                if depth == 0:
                    break
            if "actor=" not in call:
                missing.append(f"{path.relative_to(root)}: {match.group(1)}")
    assert missing == []


def test_an_ad_hoc_report_asked_of_chosen_units_tells_their_officers(world, ctx):
    """A report period asked of CS-1 only, added to a published campaign: CS-1's officer is
    told, with the unit's name, the period and its deadline; CS-2's officer is not, nor the
    organiser who asked."""
    from flask_babel import force_locale

    from emulation.notify.services import text

    unit1, unit2 = (db.session.get(Unit, u.id) for u in (world.unit1, world.unit2))
    campaign = gen_campaign(db.session.get(Unit, world.top.id), participants=[unit1, unit2],
                            year=2026)
    before = {name: _kinds(name) for name in ("donvi1", "donvi2", "tochuc")}
    period = cs.add_period(_user("tochuc"), campaign, kind="adhoc",
                           label="Báo cáo nhanh an toàn lao động", year=2026,
                           deadline=date(2026, 9, 15), unit_ids=[unit1.id])
    assert _kinds("donvi1") == sorted(before["donvi1"] + ["report_requested"])
    assert _kinds("donvi2") == before["donvi2"]
    assert _kinds("tochuc") == before["tochuc"]
    note = db.session.scalar(select(Notification).where(
        Notification.kind == "report_requested"))
    assert note.link == f"/campaigns/{campaign.id}/units/{unit1.id}/reports/{period.id}"
    with force_locale("vi"):
        message = text(note)
    assert message.startswith(f"Đợt thi đua “{campaign.title}” yêu cầu {unit1.name} gửi báo "
                              "cáo “Báo cáo nhanh an toàn lao động”, hạn ngày 15/09/2026.")
    assert "Hãy" in message


def test_every_message_says_what_happened_then_what_to_do():
    """One wording style: names, never ids (no `#%(id)s`); a first sentence saying what
    happened and a second saying what to do, in English and in Vietnamese ("Hãy …")."""
    from flask_babel import force_locale

    from emulation import create_app
    from emulation.notify.services import MESSAGES

    with create_app({"TESTING": True, "SECRET_KEY": "x" * 32,
                     "SQLALCHEMY_DATABASE_URI": "sqlite://"}).test_request_context():
        for kind, message in MESSAGES.items():
            english = message._args[0] if hasattr(message, "_args") else str(message)
            assert "%(id)s" not in english and "#" not in english, kind
            assert english.count(". ") >= 1 and (english[0].isupper() or english[0] == "%"), kind
            with force_locale("vi"):
                vietnamese = str(message)
            assert vietnamese != english and "Hãy" in vietnamese, kind
            assert vietnamese[0].isupper() or vietnamese[0] in "%“", kind
