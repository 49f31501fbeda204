"""Notify users in the application and, when SMTP is configured, by email: each mail is queued
for the worker once the transaction that caused it commits, sent in the recipient's language,
tried again while the mail server is down, and shown to administrators if it never goes."""
from __future__ import annotations

import json
import smtplib
from datetime import date, timedelta
from email.header import Header
from email.message import EmailMessage
from email.policy import default

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, event, func, inspect, or_, select
from sqlalchemy.orm import Session

from emulation.core import audit
from emulation.core.errors import NotFound
from emulation.core.formatting import fmt_date
from emulation.core.models import utcnow
from emulation.core.permissions import SYSTEM
from emulation.core.text import one_line
from emulation.extensions import db
from emulation.notify.models import Notification, ReminderSent

# One style for every message (Vietnamese first): a sentence in sentence case saying what
# happened, with names (units, people, awards, campaign and period titles in quotes), never
# codes or ids, then a second sentence saying what to do. A reason given by a person comes
# last ("Reason: …"), so that its own punctuation ends the message.
MESSAGES = {
    "pledge_approved": _l("The pledge of %(unit)s for the campaign “%(campaign)s” was approved. "
                          "Report on its results by each period's deadline."),
    "pledge_returned": _l("The pledge of %(unit)s for the campaign “%(campaign)s” was "
                          "returned. Correct it and submit it again. Reason: %(reason)s"),
    "dossier_returned": _l("The dossier proposing %(award)s for %(subject)s was returned. "
                           "Complete it and submit it again. Reason: %(reason)s"),
    "dossier_forwarded": _l("The dossier proposing %(award)s for %(subject)s was forwarded to "
                            "%(unit)s. Receive it and review it."),
    "sheet_assigned": _l("%(count)s score sheets of the campaign “%(campaign)s” are waiting "
                         "for you. Score them before scoring closes."),
    "campaign_launched": _l("The campaign “%(campaign)s” was launched and your unit takes "
                            "part. Register your unit's pledge before the deadline."),
    "pledge_submitted": _l("%(unit)s submitted its pledge for the campaign “%(campaign)s”. "
                           "Review it: approve it or return it."),
    "report_submitted": _l("%(unit)s submitted its report “%(period)s” for the campaign "
                           "“%(campaign)s”. Read it and follow up."),
    "report_requested": _l("The campaign “%(campaign)s” asks %(unit)s for the report "
                           "“%(period)s”, due on %(date)s. Prepare it and submit it on time."),
    "dossier_submitted": _l("%(unit)s submitted the dossier proposing %(award)s for "
                            "%(subject)s. Receive it and review it."),
    "meeting_scheduled": _l("%(council)s scheduled the meeting “%(meeting)s” on %(date)s. "
                            "Read the dossiers on its agenda before it."),
    "ballot_opened": _l("The secret ballot of the meeting “%(meeting)s” is open. Cast your "
                        "vote."),
    "decision_issued": _l("Decision %(number)s names your unit or its people. Read the "
                          "decision."),
    "objection": _l("An objection was made to the dossier proposing %(award)s for "
                    "%(subject)s. Read it and answer it."),
    "reminder": _l("Reminder: %(what)s of the campaign “%(campaign)s” is due on %(date)s. "
                   "Submit it on time."),
    "overdue": _l("The organiser reminds %(unit)s of what is overdue in the campaign "
                  "“%(campaign)s”: %(items)s. Submit it as soon as possible."),
    "export_ready": _l("Your export “%(title)s” is ready. Download it within %(hours)s "
                       "hours."),
    "export_ready_frozen": _l("Your export “%(title)s” is ready. Download it: it is kept "
                              "while the ranking stays frozen."),
    "export_failed": _l("Your export “%(title)s” could not be made. Open it for the reason "
                        "and try again."),
    "import_done": _l("The import “%(title)s” finished: %(created)s created, %(updated)s "
                      "updated, %(unchanged)s unchanged. Check the result."),
    "check_done": _l("The check “%(title)s” finished: %(checked)s checked, %(not_eligible)s "
                     "not eligible. Read the results."),
    "check_failed": _l("The check “%(title)s” could not be run. Open it for the reason and "
                       "try again."),
    "task_done": _l("The task “%(title)s” finished. Open it to see the result."),
    "import_failed": _l("The import “%(title)s” could not be run; nothing was written. Open "
                        "it for the reason and try again."),
    "import_refused": _l("The import “%(title)s” wrote nothing: %(error_count)s rows have "
                         "errors, or records changed meanwhile. Correct the file and import "
                         "it again."),
}
_PENDING = "thidua_pending_mail"
STUCK_MINUTES = 15  # a mail still queued after this long is shown to administrators
MAIL_STATE_LABELS = {"queued": _l("Queued"), "retrying": _l("Being retried"),
                     "sent": _l("Sent"), "failed": _l("Failed")}


def notify(users, kind: str, params: dict, link: str = "", *, actor) -> None:
    """Add a notification for each user (deduplicated) to the current transaction; with
    mail on, its email is queued once the transaction commits (never if it rolls back).

    `actor`: who did what is announced (a User, SYSTEM, or None for the worker): never told
    of their own action. Required, so that every event decides it."""
    seen = {actor.id} if getattr(actor, "id", None) is not None else set()
    mail_on = bool(current_app.config.get("MAIL_SERVER") or current_app.config.get(
        "MAIL_CAPTURE"))
    for user in users:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        note = Notification(user_id=user.id, kind=kind, link=link,
                            params=json.dumps(params, ensure_ascii=False, default=str),
                            mail_state="queued" if mail_on and user.email else None)
        db.session.add(note)
        if note.mail_state:
            db.session.info.setdefault(_PENDING, []).append(note)


def officers_of(unit):
    """Users who serve the unit as unit officers (a grant on it or above it)."""
    return _serving(unit, "unit_officer")


def organisers_of(unit):
    """Users who organise for the unit (a grant on it or above it)."""
    return _serving(unit, "organiser")


def nearest_organisers(unit):
    """The organisers of the nearest level that has any, from the unit up: the level a
    submission or a forwarded dossier reaches. The levels above are not told again (they hear
    when it is forwarded to them): one notification per event, not one per level."""
    from emulation.auth.models import RoleGrant, User

    ancestors = [int(p) for p in unit.path.strip("/").split("/") if p]
    by_unit: dict[int, list] = {}
    for unit_id, user in db.session.execute(
            select(RoleGrant.unit_id, User).join(User, User.id == RoleGrant.user_id).where(
                RoleGrant.role == "organiser", RoleGrant.unit_id.in_(ancestors),
                User.active.is_(True))) if ancestors else ():
        by_unit.setdefault(unit_id, []).append(user)
    return next((by_unit[a] for a in reversed(ancestors) if a in by_unit), [])


def officers_by_unit(units) -> dict[int, list]:
    """Unit id → the users who serve it as unit officers, for many units in one query
    (`units`: (id, path) pairs)."""
    from emulation.auth.models import RoleGrant, User

    ancestors = {uid: [int(p) for p in path.strip("/").split("/") if p] for uid, path in units}
    wanted = {a for chain in ancestors.values() for a in chain}
    if not wanted:
        return {}
    by_grant_unit: dict[int, list] = {}
    ids = sorted(wanted)
    for start in range(0, len(ids), 500):
        for unit_id, user in db.session.execute(
                select(RoleGrant.unit_id, User).join(User, User.id == RoleGrant.user_id).where(
                    RoleGrant.role == "unit_officer", RoleGrant.unit_id.in_(ids[start:start + 500]),
                    User.active.is_(True))):
            by_grant_unit.setdefault(unit_id, []).append(user)
    return {uid: [u for a in chain for u in by_grant_unit.get(a, [])]
            for uid, chain in ancestors.items()}


def _serving(unit, role: str):
    from emulation.auth.models import RoleGrant, User

    ancestors = [int(p) for p in unit.path.strip("/").split("/") if p]
    return db.session.scalars(select(User).join(RoleGrant).where(
        RoleGrant.role == role, RoleGrant.unit_id.in_(ancestors),
        User.active.is_(True)).distinct()).all() if ancestors else []


def text(notification_or_kind, params=None) -> str:
    """The message in the current locale."""
    if isinstance(notification_or_kind, Notification):
        kind, params = notification_or_kind.kind, json.loads(notification_or_kind.params)
    else:
        kind = notification_or_kind
    try:
        return str(MESSAGES[kind]) % _Params(_localised(params))
    except (KeyError, TypeError, ValueError):
        return kind


def headline(kind: str, params: dict) -> str:
    """What happened, without what to do: the message's first sentence (cut in the message
    before its parameters are put in, so a name holding ". " cannot cut it); an email's
    subject."""
    template = str(MESSAGES.get(kind, kind))
    first = template.split(". ", 1)[0]
    if first == template:
        return text(kind, params)
    try:
        return (first + ".") % _Params(_localised(params))
    except (KeyError, TypeError, ValueError):
        return kind


class _Params(dict):
    """A notification's parameters; one an older notification did not store reads empty."""

    def __missing__(self, key):
        return ""


def _localised(params: dict) -> dict:
    """Parameters stored language-neutral, put in the reader's language: `what` = "pledge",
    ISO dates, and a job's `title` from its `job_kind` and `name` (the kind's label, so a
    list read in Vietnamese never shows an English title). Older notifications stored them
    as finished text and pass unchanged."""
    out = dict(params)
    if out.get("job_kind"):
        from emulation.jobs.services import kind_title

        out["title"] = kind_title(out["job_kind"], out.get("name", ""))
    if out.get("what") == "pledge":
        out["what"] = str(_l("the pledge"))
    elif out.get("what") == "report":
        out["what"] = str(_l("the report “%(period)s”", period=out.get("period", "")))
    if "periods" in out:  # an organiser's reminder of what is overdue
        out["items"] = "; ".join(([str(_l("the pledge"))] if out.get("pledge") else [])
                                 + list(out.get("periods") or []))
    try:
        out["date"] = fmt_date(date.fromisoformat(out["date"]))
    except (KeyError, TypeError, ValueError):
        pass
    return out


def unread_count(user) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def deliver(notification_id: int, last_try: bool) -> None:
    """Send one notification's email (the worker's job `send_mail`), in the recipient's
    language. A failed try records its error and raises MailNotSent so that the queue tries
    again; the last failed try marks the mail failed, with an audit event, for the
    administrators' list."""
    from emulation.auth.models import User

    note = db.session.get(Notification, notification_id)
    if note is None or note.mail_state not in ("queued", "retrying"):
        return
    user = db.session.get(User, note.user_id)
    note.mail_attempts += 1
    try:
        if not user.email:
            raise MailNotSent("the recipient has no email address any more")
        _send(_message(user.email, user.locale or current_app.config["BABEL_DEFAULT_LOCALE"],
                       note))
    except (OSError, smtplib.SMTPException, MailNotSent) as err:
        _failed_try(note, user, err, last_try)
        return
    except Exception as err:
        current_app.logger.exception("mail %s cannot be built", note.id)
        _failed_try(note, user, err, last_try=True)
        return
    note.mail_state, note.mail_error, note.mailed_at = "sent", "", utcnow()
    db.session.commit()


def _failed_try(note: Notification, user, err: Exception, last_try: bool) -> None:
    """Record a failed try: retried later (MailNotSent raised for the queue), or, on the last
    try, marked failed with an audit event for the administrators' list."""
    note.mail_error = f"{type(err).__name__}: {err}"[:500]
    if not last_try:
        note.mail_state = "retrying"
        db.session.commit()
        raise MailNotSent(note.mail_error) from err
    note.mail_state = "failed"
    audit.record(db.session, actor=SYSTEM, action="mail.failed", obj=note,
                 summary=f"{user.email or user.username}: {note.mail_error}",
                 after={"attempts": note.mail_attempts, "kind": note.kind},
                 params={"user": user.display_name, "error": note.mail_error})
    db.session.commit()
    current_app.logger.error("mail %s to %s failed %s times: %s", note.id, user.email,
                             note.mail_attempts, note.mail_error)


class MailNotSent(Exception):
    """A try to send a mail failed (the queue tries again later)."""


def mail_problems():
    """Mails that failed, are being retried, or have waited in the queue for more than
    STUCK_MINUTES: a select of (Notification, User), newest first."""
    from emulation.auth.models import User

    stuck = utcnow() - timedelta(minutes=STUCK_MINUTES)
    return (select(Notification, User).join(User, User.id == Notification.user_id)
            .where(or_(Notification.mail_state.in_(("failed", "retrying")),
                       and_(Notification.mail_state == "queued",
                            Notification.created_at < stuck)))
            .order_by(Notification.id.desc()))


def resend(actor, notification_id: int) -> Notification:
    """Queue a failed (or stuck) mail again, once this transaction commits."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.mail_state not in ("failed", "queued"):
        raise NotFound(_l("This mail is not waiting to be sent again."))
    before = note.mail_state
    note.mail_state = "queued"
    audit.record(db.session, actor=actor, action="mail.resend", obj=note,
                 before={"mail_state": before}, after={"mail_state": "queued"},
                 params={"user": _user_name(note.user_id)})
    db.session.info.setdefault(_PENDING, []).append(note)
    db.session.commit()
    return note


def _user_name(user_id: int) -> str:
    from emulation.auth.models import User

    user = db.session.get(User, user_id)
    return user.display_name if user else ""


@event.listens_for(Session, "after_commit")
def _queue_after_commit(session):
    pending = session.info.pop(_PENDING, None)
    for note in pending or ():
        identity = inspect(note).identity  # read without loading: the commit expired it
        if identity is None:
            continue
        try:
            from emulation.notify.tasks import send_mail

            send_mail(identity[0])
        except Exception as err:  # noqa: BLE001 - a queue that is down must not fail the page
            current_app.logger.error("mail %s not queued: %s", identity[0], err)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session):
    session.info.pop(_PENDING, None)


def _message(address: str, locale: str, note: Notification) -> EmailMessage:
    config = current_app.config
    params = json.loads(note.params or "{}")
    with force_locale(locale):
        subject = one_line(str(_l("Emulation and recognition")) + ": "
                           + headline(note.kind, params))[:160]
        body = text(note.kind, params) + (
            f"\n\n{config.get('SERVER_URL', '')}{note.link}" if note.link else "")
    message = EmailMessage(policy=default)
    message["From"] = one_line(config.get("MAIL_FROM", "thidua@localhost"))
    message["To"] = one_line(address)
    message.set_raw("Subject", encoded_subject(subject))
    message.set_content(body)
    return message


def encoded_subject(subject: str) -> str:
    """The subject as RFC 2047 encoded words, folded at 76 columns with every space inside a
    word. The email library's own folder (Python 3.11, policy default or SMTP) put a space
    that fell at a fold point *between* two encoded words, where readers drop it (RFC 2047
    §6.2: "…Vinachemtrong…"); `Header` splits the encoded text itself and keeps it. Stored
    with `set_raw`, the lines are sent as they are (the policy refolds only lines longer than
    its limit), and `message["Subject"]` reads back the text."""
    if subject.isascii():
        return Header(subject, "us-ascii", header_name="Subject").encode()
    return Header(subject, "utf-8", header_name="Subject").encode()


def _send(message: EmailMessage) -> None:
    config = current_app.config
    if config.get("MAIL_CAPTURE"):
        current_app.extensions.setdefault("outbox", []).append(message)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT", 587)),
                      timeout=10) as smtp:
        if config.get("MAIL_USE_TLS", True):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(message)


def remind(today: date, days: int) -> int:
    """Reminders `days` before each pledge and report deadline to units that have not acted;
    each (deadline, unit) is reminded once."""
    from emulation.campaigns.models import Campaign, CampaignParticipant
    from emulation.org.models import Unit
    from emulation.pledges.models import Pledge, Report

    sent = 0
    horizon = today + timedelta(days=days)
    for campaign in db.session.scalars(select(Campaign).where(Campaign.state == "published")):
        units = db.session.scalars(select(Unit).join(CampaignParticipant).where(
            CampaignParticipant.campaign_id == campaign.id)).all()
        due = []  # (key, what, deadline, units that have not acted)
        deadline = campaign.registration_deadline
        if deadline and today <= deadline <= horizon:
            done = set(db.session.scalars(select(Pledge.unit_id).where(
                Pledge.campaign_id == campaign.id, Pledge.state.in_(("submitted",
                                                                     "approved")))))
            due.append((f"pledge:{campaign.id}:{{}}:{deadline}", {"what": "pledge"},
                        deadline, [u for u in units if u.id not in done], None))
        for period in campaign.periods:
            if today <= period.deadline <= horizon:
                done = set(db.session.scalars(select(Report.unit_id).where(
                    Report.period_id == period.id, Report.state == "submitted")))
                due.append((f"report:{period.id}:{{}}",
                            {"what": "report", "period": period.label}, period.deadline,
                            [u for u in units if u.id not in done and period.concerns(u.id)],
                            period.id))
        for key, what, when, late, period_id in due:
            keys = {key.format(u.id): u for u in late}
            already = set(db.session.scalars(select(ReminderSent.key).where(
                ReminderSent.key.startswith(key.split("{}")[0], autoescape=True))))
            for unit_key, unit in keys.items():
                if unit_key not in already:
                    db.session.add(ReminderSent(key=unit_key))
                    page = (f"reports/{period_id}" if period_id else "pledge")
                    notify(officers_of(unit), "reminder", {
                        **what, "campaign": campaign.title, "date": when.isoformat()},
                        f"/campaigns/{campaign.id}/units/{unit.id}/{page}", actor=SYSTEM)
                    sent += 1
    db.session.commit()
    return sent
