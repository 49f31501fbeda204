"""Account operations: authenticate, create, deactivate, reset passwords, grant roles.

Each operation checks state and permission, makes the change and writes its audit event.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from emulation.auth.models import ROLES, RoleGrant, User
from emulation.core import audit
from emulation.core.errors import (
    InvalidState,
    NotFound,
    PermissionDenied,
    ServiceError,
    check_version,
)
from emulation.core.models import utcnow
from emulation.core.text import clean
from emulation.extensions import db

# A fixed hash to compare against when the username is unknown, so timing does not tell.
_DUMMY_HASH: str | None = None


@dataclass
class LoginResult:
    user: User | None
    error: str | None = None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def check_password_policy(password: str) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise ServiceError(_("The password must have at least %(n)d characters.", n=minimum))


def authenticate(username: str, password: str) -> LoginResult:
    """Check the credentials, counting failures and locking the account after too many."""
    global _DUMMY_HASH
    username = clean(username).lower()
    user = db.session.scalar(select(User).where(func.lower(User.username) == username))
    now = utcnow()
    if user is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = hash_password("not-a-real-password")
        check_password_hash(_DUMMY_HASH, password or "")
        audit.record(db.session, actor=None, action="auth.login_failed", object_type="user",
                     summary=f"unknown username {username[:60]!r}")
        db.session.commit()
        return LoginResult(None, _("Wrong username or password."))
    if user.locked_until and user.locked_until > now:
        audit.record(db.session, actor=None, action="auth.login_locked", obj=user,
                     summary=f"login refused while locked: {user.username}")
        db.session.commit()
        return LoginResult(None, _("This account is locked after too many failed logins. "
                                   "Try again in 15 minutes or ask an administrator."))
    if not check_password_hash(user.password_hash, password or ""):
        _count_failure(user, now)
        return LoginResult(None, _("Wrong username or password."))
    if not user.active:
        audit.record(db.session, actor=None, action="auth.login_failed", obj=user,
                     summary=f"inactive account: {user.username}")
        db.session.commit()
        return LoginResult(None, _("This account has been deactivated."))
    db.session.execute(update(User).where(User.id == user.id).values(
        failed_logins=0, first_failed_at=None, locked_until=None, last_login_at=now))
    audit.record(db.session, actor=user, action="auth.login", obj=user,
                 summary=f"login: {user.username}")
    db.session.commit()
    db.session.refresh(user)
    return LoginResult(user)


def _count_failure(user: User, now) -> None:
    """Counted with a single UPDATE so that failures from several workers all add up."""
    cfg = current_app.config
    window_start = now - cfg["LOGIN_FAILURE_WINDOW"]
    if user.first_failed_at is None or user.first_failed_at < window_start:
        values = {"failed_logins": 1, "first_failed_at": now}
    else:
        values = {"failed_logins": User.failed_logins + 1}
    db.session.execute(update(User).where(User.id == user.id).values(**values))
    failures = db.session.scalar(select(User.failed_logins).where(User.id == user.id))
    summary = f"wrong password for {user.username} ({failures} in window)"
    if failures >= cfg["LOGIN_MAX_FAILURES"]:
        db.session.execute(update(User).where(User.id == user.id).values(
            locked_until=now + cfg["LOGIN_LOCK_DURATION"]))
        summary += "; account locked"
    audit.record(db.session, actor=None, action="auth.login_failed", obj=user, summary=summary)
    db.session.commit()


def record_logout(user: User) -> None:
    audit.record(db.session, actor=user, action="auth.logout", obj=user,
                 summary=f"logout: {user.username}")
    db.session.commit()


def create_user(actor, *, username: str, password: str, full_name: str = "", email: str = "",
                locale: str | None = None) -> User:
    _require_admin(actor)
    username = clean(username).lower()
    if not username:
        raise ServiceError(_("A username is required."))
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username)):
        raise ServiceError(_("The username %(name)s is already taken.", name=username))
    check_password_policy(password)
    user = User(username=username, full_name=clean(full_name), email=clean(email),
                password_hash=hash_password(password), locale=locale or None)
    db.session.add(user)
    audit.record(db.session, actor=actor, action="user.create", obj=user,
                 summary=f"created user {username}",
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
                     summary=f"updated user {user.username}", before=old, after=new)
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
    if not active:
        user.session_version += 1  # ends every session of the account at once
    audit.record(db.session, actor=actor, action="user.activate" if active else "user.deactivate",
                 obj=user, summary=f"{'activated' if active else 'deactivated'} {user.username}",
                 before={"active": not active}, after={"active": active})
    db.session.commit()


def reset_password(actor, user: User, new_password: str) -> None:
    _require_admin(actor)
    check_password_policy(new_password)
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    user.failed_logins, user.first_failed_at, user.locked_until = 0, None, None
    audit.record(db.session, actor=actor, action="user.reset_password", obj=user,
                 summary=f"password reset for {user.username}")
    db.session.commit()


def change_own_password(user: User, current_password: str, new_password: str) -> None:
    if not check_password_hash(user.password_hash, current_password or ""):
        raise ServiceError(_("The current password is not correct."))
    check_password_policy(new_password)
    if check_password_hash(user.password_hash, new_password):
        raise ServiceError(_("The new password must differ from the current one."))
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    audit.record(db.session, actor=user, action="user.change_password", obj=user,
                 summary=f"{user.username} changed their password")
    db.session.commit()


def sign_out_everywhere(actor, user: User) -> None:
    if actor.id != user.id:
        _require_admin(actor)
    user.session_version += 1
    audit.record(db.session, actor=actor, action="user.sign_out_everywhere", obj=user,
                 summary=f"all sessions of {user.username} ended")
    db.session.commit()


def set_locale(user: User, locale: str) -> None:
    if user.locale != locale:
        audit.record(db.session, actor=user, action="user.set_locale", obj=user,
                     summary=f"{user.username} switched language",
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
                 after={"role": role, "unit": unit.code if unit else None})
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
                 before={"role": grant.role, "unit": unit_code})
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

