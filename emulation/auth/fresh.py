"""Fresh login: sensitive actions (issuing or revoking a decision, changing role grants,
resetting a password, opening or closing a ballot, creating an API token) need a password
typed in the last `FRESH_LOGIN_MINUTES` minutes. A stale session is sent to confirm its
password and back."""
from __future__ import annotations

import time
from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _

from emulation.core.web import is_safe_next

KEY = "auth_at"


def mark_fresh() -> None:
    session[KEY] = int(time.time())


def is_fresh() -> bool:
    at = session.get(KEY)
    limit = current_app.config.get("FRESH_LOGIN_MINUTES", 15) * 60
    return isinstance(at, int) and 0 <= time.time() - at <= limit


def confirm_first():
    """Send the user to confirm their password, then back to the page the action came from
    (a POST cannot be replayed after a redirect; they submit it again)."""
    flash(_("This action needs your password again: confirm it, then repeat the action."),
          "warning")
    back = _local_referrer() or url_for("main.index")
    return redirect(url_for("auth.reauth", next=back))


def fresh_login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not is_fresh():
            return confirm_first()
        return view(*args, **kwargs)
    return wrapper


def _local_referrer() -> str | None:
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != request.host:
        return None
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return target if is_safe_next(target) else None
