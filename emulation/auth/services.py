"""Account operations: authenticate, create, deactivate, reset passwords, grant roles.

Each operation checks state and permission, makes the change and writes its audit event.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import case, delete, func, literal, or_, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from emulation.auth import passwords
from emulation.auth.models import ROLES, LoginSession, RoleGrant, User
from emulation.core import audit
from emulation.core.errors import (
    InvalidState,
    NotFound,
    PermissionDenied,
    ServiceError,
    check_version,
)
from emulation.core.models import UTCDateTime, utcnow
from emulation.core.text import clean
from emulation.extensions import db

# A fixed hash to compare against when the username is unknown or the account locked, so
# that the time of the answer does not tell either.
_DUMMY_HASH: str | None = None
# The session key that names the browser's LoginSession (its secret, hashed in the database).
SESSION_KEY = "login_session"
# What a password check found.
OK, WRONG, LOCKED = "ok", "wrong", "locked"


@dataclass
class LoginResult:
    user: User | None
    error: str | None = None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password_policy(password: str, username: str = "") -> None:
    """Refuse a password that is short, common, a repetition or sequence, or that contains
    the username, with the reason (every place a password is set calls this)."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    reason = passwords.weakness(password, username=username, min_length=minimum)
    if reason == passwords.SHORT:
        raise ServiceError(_("The password must have at least %(n)d characters.", n=minimum))
    if reason == passwords.USERNAME:
        raise ServiceError(_("The password must not contain the username."))
    if reason == passwords.PATTERN:
        raise ServiceError(_("The password is a repetition or a sequence of characters (like "
                             "aaaa, abcabc or 12345): choose one that is harder to guess."))
    if reason == passwords.COMMON:
        raise ServiceError(_("This is one of the most common passwords (or one with digits or "
                             "signs added): choose one that is harder to guess."))


def login_refused_message() -> str:
    """One answer for an unknown username, a wrong password and a locked account, so that
    the answer does not tell which accounts exist or are locked."""
    return _("Wrong username or password, or the account is temporarily locked after too "
             "many failed attempts (it unlocks after %(minutes)s minutes).",
             minutes=_lock_minutes())


def authenticate(username: str, password: str, *, where: str = "login") -> LoginResult:
    """Check the credentials, counting failures and locking the account after too many.
    `where` names the form in the audit (login, reauth)."""
    username = clean(username).lower()
    user = db.session.scalar(select(User).where(func.lower(User.username) == username))
    if user is None:
        _dummy_check(password)
        audit.record(db.session, actor=None, action="auth.login_failed", object_type="user",
                     summary=f"unknown username {username[:60]!r} ({where})",
                     params={"_m": "auth.login_failed:unknown", "username": username[:60]})
        db.session.commit()
        return LoginResult(None, login_refused_message())
    if check_password(user, password, where=where) != OK:
        return LoginResult(None, login_refused_message())
    if not user.active:
        audit.record(db.session, actor=None, action="auth.login_failed", obj=user,
                     summary=f"inactive account: {user.username} ({where})",
                     params={"_m": "auth.login_failed:inactive", "user": user.display_name})
        db.session.commit()
        return LoginResult(None, _("This account has been deactivated."))
    db.session.execute(update(User).where(User.id == user.id).values(last_login_at=utcnow()))
    audit.record(db.session, actor=user, action="auth.login", obj=user,
                 summary=f"login: {user.username}" + (f" ({where})" if where != "login" else ""),
                 params={"user": user.display_name})
    db.session.commit()
    db.session.refresh(user)
    return LoginResult(user)


def check_password(user: User, password: str, *, where: str) -> str:
    """Every check of a user's password (login, reauth, password change): OK, WRONG or
    LOCKED. The attempt is counted before the hash is compared, in one conditional UPDATE
    that also sets the lock, so parallel guesses cannot pass the lockout: at most
    LOGIN_MAX_FAILURES are compared per window. A right password clears the count."""
    now = utcnow()
    count = _claim_attempt(user.id, now)
    if count is None:
        _dummy_check(password)
        audit.record(db.session, actor=None, action="auth.login_locked", obj=user,
                     summary=f"{where} refused while locked: {user.username}",
                     params={"user": user.display_name})
        db.session.commit()
        return LOCKED
    if check_password_hash(user.password_hash, password or ""):
        db.session.execute(update(User).where(User.id == user.id).values(
            failed_logins=0, first_failed_at=None, locked_until=None))
        db.session.commit()
        return OK
    summary = f"wrong password for {user.username} at {where} ({count} in window)"
    params = {"user": user.display_name, "count": count}
    if count >= current_app.config["LOGIN_MAX_FAILURES"]:
        summary += "; account locked"
        params["_m"] = "auth.login_failed:locked"
    audit.record(db.session, actor=None, action="auth.login_failed", obj=user, summary=summary,
                 params=params)
    db.session.commit()
    return WRONG


def _claim_attempt(user_id: int, now) -> int | None:
    """Count one attempt unless the account is locked; the count after it, or None when
    locked. Committed at once: the hash is compared outside any write transaction."""
    cfg = current_app.config
    new_window = or_(User.first_failed_at.is_(None),
                     User.first_failed_at < now - cfg["LOGIN_FAILURE_WINDOW"])
    count = case((new_window, 1), else_=User.failed_logins + 1)
    at = literal(now, UTCDateTime())  # typed: stored as naive UTC on every database
    until = literal(now + cfg["LOGIN_LOCK_DURATION"], UTCDateTime())
    stmt = (update(User)
            .where(User.id == user_id,
                   or_(User.locked_until.is_(None), User.locked_until <= now))
            .values(failed_logins=count,
                    first_failed_at=case((new_window, at), else_=User.first_failed_at),
                    locked_until=case((count >= cfg["LOGIN_MAX_FAILURES"], until),
                                      else_=None))
            .returning(User.failed_logins)
            .execution_options(synchronize_session=False))
    claimed = db.session.execute(stmt).scalar()
    db.session.commit()
    return claimed


def _lock_minutes() -> str:
    return format_decimal(int(current_app.config["LOGIN_LOCK_DURATION"].total_seconds() // 60))


def _dummy_check(password: str) -> None:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("not-a-real-password")
    check_password_hash(_DUMMY_HASH, password or "")


def open_session(user: User) -> str:
    """A new server-side login session for `user`; returns its secret for the session
    cookie. The user's sessions older than the session lifetime are deleted on the way."""
    secret = secrets.token_urlsafe(32)
    db.session.execute(delete(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.created_at < _session_start_limit()))
    db.session.add(LoginSession(user_id=user.id, key_hash=_session_hash(secret)))
    db.session.commit()
    return secret


def session_user(user_id: int, version: int, secret: str | None) -> User | None:
    """The user a browser session belongs to: its LoginSession exists (not logged out, not
    older than the session lifetime), the account is active and its session version is
    the one the session was opened under. One query."""
    if not secret or not isinstance(secret, str) or len(secret) > 100:
        return None
    return db.session.scalar(
        select(User).join(LoginSession, LoginSession.user_id == User.id)
        .where(User.id == user_id, User.active.is_(True), User.session_version == version,
               LoginSession.key_hash == _session_hash(secret),
               LoginSession.created_at >= _session_start_limit()))


def record_logout(user: User | None, secret: str | None) -> None:
    """End the browser's session server-side: a copy of its cookie no longer logs in."""
    if secret and isinstance(secret, str):
        db.session.execute(delete(LoginSession).where(
            LoginSession.key_hash == _session_hash(secret)))
    if user is not None:
        audit.record(db.session, actor=user, action="auth.logout", obj=user,
                     summary=f"logout: {user.username}", params={"user": user.display_name})
    db.session.commit()


def _session_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _session_start_limit():
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    if not isinstance(lifetime, timedelta):
        lifetime = timedelta(seconds=int(lifetime))
    return utcnow() - lifetime


def create_user(actor, *, username: str, password: str, full_name: str = "", email: str = "",
                locale: str | None = None) -> User:
    _require_admin(actor)
    username = clean(username).lower()
    if not username:
        raise ServiceError(_("A username is required."))
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username)):
        raise ServiceError(_("The username %(name)s is already taken.", name=username))
    check_password_policy(password, username)
    user = User(username=username, full_name=clean(full_name), email=clean(email),
                password_hash=hash_password(password), locale=locale or None)
    db.session.add(user)
    audit.record(db.session, actor=actor, action="user.create", obj=user,
                 summary=f"created user {username}", params={"user": user.display_name},
                 after={"username": username, "full_name": user.full_name, "email": user.email})
    db.session.commit()
    return user


def update_user(actor, user: User, *, version: int, full_name: str, email: str,
                locale: str | None) -> User:
    _require_admin(actor)
    check_version(user, version)
    before = {"full_name": user.full_name, "email": user.email, "locale": user.locale}
    user.full_name, user.email, user.locale = clean(full_name), clean(email), locale or None
    old, new = audit.diff(before, {"full_name": user.full_name, "email": user.email,
                                   "locale": user.locale})
    if new:
        audit.record(db.session, actor=actor, action="user.update", obj=user,
                     summary=f"updated user {user.username}", before=old, after=new,
                     params={"user": user.display_name})
    db.session.commit()
    return user


def set_active(actor, user: User, active: bool) -> None:
    _require_admin(actor)
    if user.id == actor.id and not active:
        raise InvalidState(_("You cannot deactivate your own account."))
    if not active and user.is_admin and _active_admin_count() <= 1:
        raise InvalidState(_("This is the last active administrator; it cannot be deactivated."))
    if user.active == active:
        return
    user.active = active
    user.session_version += 1  # either way: no session or API token outlives the change
    audit.record(db.session, actor=actor, action="user.activate" if active else "user.deactivate",
                 obj=user, summary=f"{'activated' if active else 'deactivated'} {user.username}",
                 params={"user": user.display_name},
                 before={"active": not active}, after={"active": active})
    db.session.commit()


def reset_password(actor, user: User, new_password: str) -> None:
    _require_admin(actor)
    check_password_policy(new_password, user.username)
    user.password_hash = hash_password(new_password)
    user.session_version += 1  # ends every session and API token of the account
    user.failed_logins, user.first_failed_at, user.locked_until = 0, None, None
    audit.record(db.session, actor=actor, action="user.reset_password", obj=user,
                 summary=f"password reset for {user.username}",
                 params={"user": user.display_name})
    db.session.commit()


def change_own_password(user: User, current_password: str, new_password: str) -> None:
    """The user's own change: the current password is checked like a login (counted, locked
    after too many failures, audited); every other session and every API token ends."""
    checked = check_password(user, current_password, where="password change")
    if checked == LOCKED:
        raise ServiceError(_("This account is temporarily locked after too many failed "
                             "attempts. Try again in %(minutes)s minutes or ask an "
                             "administrator.", minutes=_lock_minutes()))
    if checked == WRONG:
        raise ServiceError(_("The current password is not correct."))
    check_password_policy(new_password, user.username)
    if check_password_hash(user.password_hash, new_password):
        raise ServiceError(_("The new password must differ from the current one."))
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    audit.record(db.session, actor=user, action="user.change_password", obj=user,
                 summary=f"{user.username} changed their password",
                 params={"user": user.display_name})
    db.session.commit()


def sign_out_everywhere(actor, user: User) -> None:
    """End every browser session and every API token of `user`."""
    if actor.id != user.id:
        _require_admin(actor)
    user.session_version += 1
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    audit.record(db.session, actor=actor, action="user.sign_out_everywhere", obj=user,
                 summary=f"all sessions of {user.username} ended",
                 params={"user": user.display_name})
    db.session.commit()


def set_locale(user: User, locale: str) -> None:
    if user.locale != locale:
        audit.record(db.session, actor=user, action="user.set_locale", obj=user,
                     summary=f"{user.username} switched language",
                     params={"user": user.display_name},
                     before={"locale": user.locale}, after={"locale": locale})
        user.locale = locale
        db.session.commit()


def add_grant(actor, user: User, role: str, unit) -> RoleGrant:
    _require_admin(actor)
    if role not in ROLES:
        raise ServiceError(_("Unknown role."))
    if role == "admin":
        unit = None
    elif unit is None:
        raise ServiceError(_("Choose the unit this role is held on."))
    elif not unit.active:
        raise ServiceError(_("The unit %(name)s is inactive.", name=unit.name))
    unit_id = unit.id if unit is not None else None
    if any(g.role == role and g.unit_id == unit_id for g in user.grants):
        raise ServiceError(_("This user already holds that role on that unit."))
    grant = RoleGrant(user=user, role=role, unit_id=unit_id)
    db.session.add(grant)
    db.session.flush()
    audit.record(db.session, actor=actor, action="grant.add", obj=user,
                 summary=f"{user.username}: +{role} on {unit.code if unit else '*'}",
                 after={"role": role, "unit": unit.code if unit else None},
                 params={"user": user.display_name, "role": role,
                         "unit": unit.name if unit else "*"})
    db.session.commit()
    return grant


def remove_grant(actor, grant: RoleGrant) -> None:
    _require_admin(actor)
    user = grant.user
    if grant.role == "admin" and _active_admin_count() <= 1 and user.active:
        raise InvalidState(_("This is the last active administrator; the role cannot be "
                             "removed."))
    unit_code = grant.unit.code if grant.unit else None
    audit.record(db.session, actor=actor, action="grant.remove", obj=user,
                 summary=f"{user.username}: -{grant.role} on {unit_code or '*'}",
                 before={"role": grant.role, "unit": unit_code},
                 params={"user": user.display_name, "role": grant.role,
                         "unit": grant.unit.name if grant.unit else "*"})
    user.grants.remove(grant)
    db.session.commit()


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    return user


def user_by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == clean(username).lower()))


def get_grant(grant_id: int) -> RoleGrant:
    grant = db.session.get(RoleGrant, grant_id)
    if grant is None:
        raise NotFound(_("No such role grant."))
    return grant


def _active_admin_count() -> int:
    return db.session.scalar(
        select(func.count(func.distinct(User.id))).join(RoleGrant)
        .where(RoleGrant.role == "admin", User.active.is_(True))) or 0


def _require_admin(actor) -> None:
    if actor is None or not actor.is_admin:
        raise PermissionDenied(_("Only an administrator may do this."))

