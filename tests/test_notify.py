import datetime
import smtplib
from datetime import date

import pytest
from sqlalchemy import func, select

from emulation.campaigns.models import Campaign
from emulation.core.audit import AuditEvent
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.notify.models import Notification, ReminderSent
from emulation.notify.services import remind
from emulation.org.models import Unit
from emulation.pledges import services as ps


def _notes(session, username):
    from emulation.auth.models import User

    user = session.scalar(select(User).where(User.username == username))
    # the campaign world's launch told its officers: not what these tests look at
    return session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind != "campaign_launched")).all()


def test_pledge_moves_notify_the_units_officers_and_mail_after_commit(world, cworld, app,
                                                                      in_app, login):
    app.config["MAIL_CAPTURE"] = True
    app.extensions["outbox"] = []
    try:
        with in_app() as session:
            from emulation.auth.models import User

            officer = session.scalar(select(User).where(User.username == "donvi2"))
            officer.email, officer.locale = "donvi2@example.vn", "en"
            session.commit()
            campaign = session.get(Campaign, cworld.campaign)
            pledge = ps.save_pledge(SYSTEM, campaign, session.get(Unit, world.unit2.id), 0,
                                    {cworld.movements[0]: {"commitment": "A"}})
            ps.submit(SYSTEM, pledge, pledge.version, date(2026, 1, 10))
            assert app.extensions["outbox"] == []
            ps.return_pledge(SYSTEM, pledge, pledge.version, "Thiếu chỉ tiêu")
            [note] = _notes(session, "donvi2")
            assert note.kind == "pledge_returned"
        [mail] = app.extensions["outbox"]
        assert mail["To"] == "donvi2@example.vn" and "was returned" in mail.get_content()
        page = login("donvi2").get("/notifications/").get_data(as_text=True)
        assert "was returned. Correct it and submit it again. Reason: Thiếu chỉ tiêu" in page
        # donvi2 reads English
        home = login("donvi2").get("/").get_data(as_text=True)
        assert 'badge text-bg-danger ms-1">2<' in home  # the campaign's launch, the return
        assert login("donvi2").post("/notifications/read").status_code == 302
        with in_app() as session:
            assert all(n.read_at for n in _notes(session, "donvi2"))
            assert [n.kind for n in _notes(session, "donvi1")] == ["pledge_approved"]
    finally:
        app.config["MAIL_CAPTURE"] = False


def test_no_mail_when_the_transaction_rolls_back(world, cworld, app, ctx):
    from emulation.auth.models import User
    from emulation.notify.services import notify

    app.config["MAIL_CAPTURE"] = True
    app.extensions["outbox"] = []
    try:
        user = db.session.scalar(select(User).where(User.username == "donvi1"))
        user.email = "a@example.vn"
        db.session.commit()
        notify([user], "ballot_opened", {"meeting": "X"}, actor=None)
        db.session.rollback()
        db.session.commit()
        assert app.extensions["outbox"] == []
    finally:
        app.config["MAIL_CAPTURE"] = False


def test_remind_once_before_the_deadline(world, cworld, ctx, runner):
    campaign = db.session.get(Campaign, cworld.campaign)
    campaign.registration_deadline = date(2026, 3, 31)
    db.session.commit()
    assert remind(date(2026, 3, 20), 3) == 0            # too early
    assert remind(date(2026, 3, 29), 3) == 1            # CS-2 has not submitted; CS-1 has
    assert remind(date(2026, 3, 30), 3) == 0            # never twice
    assert db.session.scalar(select(func.count(ReminderSent.id))) == 1
    assert [n.kind for n in _notes(db.session, "donvi2")] == ["reminder"]
    assert remind(date(2026, 6, 28), 3) == 2            # the half-year report: CS-1 drafted
    assert remind(date(2026, 6, 29), 3) == 0
    result = runner.invoke(args=["remind", "--days", "3"])
    assert result.exit_code == 0 and "reminders sent" in result.output


def test_reminders_are_mailed_in_each_readers_language(world, cworld, app, in_app, login):
    from emulation.auth.models import User
    from emulation.pledges.models import Pledge

    app.config["MAIL_CAPTURE"] = True
    app.extensions["outbox"] = []
    try:
        with in_app() as session:
            for name, locale in (("donvi1", "vi"), ("donvi2", "en")):
                user = session.scalar(select(User).where(User.username == name))
                user.email, user.locale = f"{name}@example.vn", locale
            campaign = session.get(Campaign, cworld.campaign)
            campaign.registration_deadline = date(2026, 3, 31)
            pledge = session.get(Pledge, cworld.pledge)
            pledge.state = "draft"  # CS-1 has not submitted either
            session.commit()
            assert remind(date(2026, 3, 29), 3) == 2
            assert remind(date(2026, 6, 28), 3) == 2  # the half-year report of both units
        en = [m.get_content() for m in app.extensions["outbox"] if m["To"].startswith("donvi2")]
        assert "Reminder: the pledge of the campaign" in en[0] and "Mar 31, 2026" in en[0]
        assert "Reminder: the report “6 tháng 2026” of" in en[1] and "Jun 30, 2026" in en[1]
        vi = [m.get_content() for m in app.extensions["outbox"] if m["To"].startswith("donvi1")]
        assert "31/03/2026" in vi[0] and "Nhắc việc: đăng ký thi đua của" in vi[0]
        assert "6 tháng 2026" in vi[1] and "30/06/2026" in vi[1]
        page = login("donvi1").get("/notifications/").get_data(as_text=True)
        assert f"/campaigns/{cworld.campaign}/units/{world.unit1.id}/reports/{cworld.period}" \
            in page
    finally:
        app.config["MAIL_CAPTURE"] = False


def test_serving_users_are_found_above_the_unit(world, ctx):
    from emulation.notify.services import officers_of, organisers_of

    unit1 = db.session.get(Unit, world.unit1.id)
    assert {u.username for u in officers_of(unit1)} == {"donvi1"}
    assert {"tochuc", "tochuc_a"} <= {u.username for u in organisers_of(unit1)}
    assert "donvi1" not in {u.username for u in organisers_of(unit1)}


def test_notification_list_is_paginated(world, in_app, login, queries):
    from emulation.auth.models import User

    with in_app() as session:
        user = session.scalar(select(User).where(User.username == "donvi2"))
        session.add_all([Notification(user_id=user.id, kind="reminder", link="",
                                      params='{"what": "x", "campaign": "c", "date": "d"}')
                         for _ in range(60)])
        session.commit()
    c = login("donvi2")
    first = c.get("/notifications/").get_data(as_text=True)
    second = c.get("/notifications/?page=2").get_data(as_text=True)
    assert first.count('class="list-group-item') == 50
    assert second.count('class="list-group-item') == 10
    with queries() as statements:
        assert c.get("/notifications/?page=2").status_code == 200
    assert len(statements) <= 8


def test_no_area_imports_notify():
    """Areas announce events through `core.signals`; only the app factory, the command line
    and notify itself import `emulation.notify`."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "emulation"
    allowed = {root / "__init__.py", root / "cli.py"}
    offenders = []
    for path in root.rglob("*.py"):
        if path in allowed or (root / "notify") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if any(n == "emulation.notify" or n.startswith("emulation.notify.") for n in names):
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert not offenders, offenders


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once closed


class _FakeSMTP:
    """smtplib.SMTP for a mail server that is back: keeps what it was sent."""

    sent: list = []

    def __init__(self, host, port, timeout=None):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_message(self, message):
        _FakeSMTP.sent.append(message)


@pytest.fixture
def smtp_down(app):
    """Mail on, pointed at a port where no server listens."""
    saved = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_closed_port(), MAIL_USE_TLS=False)
    _FakeSMTP.sent = []
    yield
    app.config.update(saved)


def _returned_pledge_with_mail_down(world, cworld, in_app, login):
    """donvi2 (with an email) submits; the organiser returns the pledge on the web."""
    pledge_id, version = _submitted_pledge_of_a_mailed_officer(world, cworld, in_app)
    response = login("tochuc").post(f"/pledges/{pledge_id}/return", data={
        "version": str(version), "reason": "Thiếu chỉ tiêu"})
    assert response.status_code == 302  # the page succeeds although no mail could go


def _note(session, username) -> Notification:
    [note] = _notes(session, username)
    return note


def _run_scheduled(app) -> int:
    """Run the retries the queue has scheduled (as the worker would once they are due)."""
    huey = app.extensions["huey"]
    tasks = huey.read_schedule(datetime.datetime.now(datetime.timezone.utc).replace(
        tzinfo=None) + datetime.timedelta(days=365))
    for task in tasks:
        with app.app_context():
            huey.execute(task, task.eta)
    return len(tasks)


def test_a_page_succeeds_with_the_mail_server_down_and_the_mail_is_retried(
        world, cworld, app, in_app, login, smtp_down, monkeypatch):
    _returned_pledge_with_mail_down(world, cworld, in_app, login)
    with in_app() as session:
        note = _note(session, "donvi2")
        assert note.kind == "pledge_returned" and note.mail_state == "retrying"
        assert note.mail_attempts == 1 and "ConnectionRefusedError" in note.mail_error
    [retry] = app.extensions["huey"].scheduled()
    assert retry.retries == app.config["MAIL_RETRIES"] - 1
    assert (retry.eta - datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)) \
        .total_seconds() > app.config["MAIL_RETRY_DELAY"] - 60
    monkeypatch.setattr(smtplib, "SMTP", _FakeSMTP)  # the mail server is back
    assert _run_scheduled(app) == 1
    [mail] = _FakeSMTP.sent
    assert mail["To"] == "donvi2@example.vn" and "Thiếu chỉ tiêu" in mail.get_content()
    with in_app() as session:
        note = _note(session, "donvi2")
        assert note.mail_state == "sent" and note.mail_attempts == 2 and note.mailed_at
    assert app.extensions["huey"].scheduled() == []


def test_a_mail_that_keeps_failing_is_shown_to_administrators(world, cworld, app, in_app,
                                                              login, smtp_down, monkeypatch):
    _returned_pledge_with_mail_down(world, cworld, in_app, login)
    runs = 0
    while _run_scheduled(app):
        runs += 1
    assert runs == app.config["MAIL_RETRIES"]
    with in_app() as session:
        note = _note(session, "donvi2")
        assert note.mail_state == "failed"
        assert note.mail_attempts == app.config["MAIL_RETRIES"] + 1
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "mail.failed"))
        assert event.object_type == "notification" and event.object_id == note.id
        assert "donvi2@example.vn" in event.summary
        note_id = note.id
    admin = login("admin")
    page = admin.get("/notifications/mail/").get_data(as_text=True)
    assert "donvi2@example.vn" in page and "ConnectionRefusedError" in page
    assert "Thất bại" in page and f"/notifications/mail/{note_id}/resend" in page
    assert login("tochuc").get("/notifications/mail/").status_code == 403
    monkeypatch.setattr(smtplib, "SMTP", _FakeSMTP)
    assert admin.post(f"/notifications/mail/{note_id}/resend").status_code == 302
    assert len(_FakeSMTP.sent) == 1
    with in_app() as session:
        assert _note(session, "donvi2").mail_state == "sent"
        assert session.scalar(select(AuditEvent.action).where(
            AuditEvent.action == "mail.resend")) == "mail.resend"
    assert "Mọi thư đều đã được gửi" in admin.get("/notifications/mail/").get_data(as_text=True)
    assert admin.post(f"/notifications/mail/{note_id}/resend").status_code == 404  # already sent


def test_reminders_are_a_periodic_job(app):
    from huey import crontab  # noqa: F401 - the schedule is huey's

    huey = app.extensions["huey"]
    periodic = {t.__name__: t for t in huey._registry._periodic_tasks}
    assert set(periodic) >= {"send_reminders", "clean_jobs"}
    morning = datetime.datetime(2026, 3, 29, 0, 0)  # 07:00 in Vietnam
    assert periodic["send_reminders"]().validate_datetime(morning)
    assert not periodic["send_reminders"]().validate_datetime(morning.replace(hour=5))


def _submitted_pledge_of_a_mailed_officer(world, cworld, in_app) -> tuple[int, int]:
    """Unit 2's officer gets an email address and unit 2 submits a pledge: (id, version)."""
    with in_app() as session:
        from emulation.auth.models import User

        officer = session.scalar(select(User).where(User.username == "donvi2"))
        officer.email = "donvi2@example.vn"
        session.commit()
        campaign = session.get(Campaign, cworld.campaign)
        pledge = ps.save_pledge(SYSTEM, campaign, session.get(Unit, world.unit2.id), 0,
                                {cworld.movements[0]: {"commitment": "A"}})
        ps.submit(SYSTEM, pledge, pledge.version, date(2026, 1, 10))
        return pledge.id, pledge.version


def test_a_multi_line_reason_is_mailed_with_a_one_line_subject(world, cworld, app, in_app,
                                                               login):
    """A return reason typed on several lines: the page succeeds, the mail goes, its subject
    is one line (header values cannot hold a line break) and its body keeps the lines."""
    app.config["MAIL_CAPTURE"] = True
    app.extensions["outbox"] = []
    try:
        pledge_id, version = _submitted_pledge_of_a_mailed_officer(world, cworld, in_app)
        response = login("tochuc").post(f"/pledges/{pledge_id}/return", data={
            "version": str(version), "reason": "Thiếu chỉ tiêu\r\nBổ sung\rminh chứng\n\u2028X"})
        assert response.status_code == 302
        [mail] = app.extensions["outbox"]
        assert mail["Subject"] == (  # what happened; the reason and what to do in the body
            "Thi đua – Khen thưởng: Đăng ký thi đua của Công đoàn Công ty Thuốc lá Sài Gòn "
            "trong đợt thi đua “Thi đua yêu nước 2026” bị trả lại.")
        assert "\n" not in mail["Subject"] and "\r" not in mail["Subject"]
        assert "Hãy sửa và gửi lại. Lý do: Thiếu chỉ tiêu\nBổ sung" in mail.get_content()
        with in_app() as session:
            assert _note(session, "donvi2").mail_state == "sent"
    finally:
        app.config["MAIL_CAPTURE"] = False


def test_a_mail_that_cannot_be_built_fails_without_an_error_page(world, cworld, app, in_app,
                                                                 login, monkeypatch):
    """Whatever goes wrong with a mail (here: the message cannot be built) is the mail's
    failure, shown to administrators — never the page's."""
    from emulation.notify import services as notify_services

    def broken(*args):
        raise ValueError("header broken")

    monkeypatch.setattr(notify_services, "_message", broken)
    app.config["MAIL_CAPTURE"] = True
    app.extensions["outbox"] = []
    try:
        pledge_id, version = _submitted_pledge_of_a_mailed_officer(world, cworld, in_app)
        response = login("tochuc").post(f"/pledges/{pledge_id}/return", data={
            "version": str(version), "reason": "Thiếu chỉ tiêu"})
        assert response.status_code == 302
        assert app.extensions["outbox"] == []
        with in_app() as session:
            note = _note(session, "donvi2")
            assert note.mail_state == "failed" and "header broken" in note.mail_error
    finally:
        app.config["MAIL_CAPTURE"] = False
