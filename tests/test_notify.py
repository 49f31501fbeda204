from datetime import date

from sqlalchemy import func, select

from emulation.campaigns.models import Campaign
from emulation.core.permissions import SYSTEM
from emulation.extensions import db
from emulation.notify.models import Notification, ReminderSent
from emulation.notify.services import remind
from emulation.org.models import Unit
from emulation.pledges import services as ps


def _notes(session, username):
    from emulation.auth.models import User

    user = session.scalar(select(User).where(User.username == username))
    return session.scalars(select(Notification).where(Notification.user_id == user.id)).all()


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
        assert "was returned: Thiếu chỉ tiêu" in page  # donvi2 reads English
        home = login("donvi2").get("/").get_data(as_text=True)
        assert 'badge text-bg-danger ms-1">1<' in home
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
        notify([user], "ballot_opened", {"meeting": "X"})
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
        assert "Reminder: the pledge for" in en[0] and "Mar 31, 2026" in en[0]
        assert "Reminder: 6 tháng 2026 for" in en[1] and "Jun 30, 2026" in en[1]
        vi = [m.get_content() for m in app.extensions["outbox"] if m["To"].startswith("donvi1")]
        assert "31 thg 3, 2026" in vi[0] and "Nhắc việc: đăng ký thi đua của" in vi[0]
        assert "6 tháng 2026" in vi[1] and "30 thg 6, 2026" in vi[1]
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
