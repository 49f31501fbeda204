"""Web helpers shared by every blueprint: error pages, safe redirects, pagination."""
from __future__ import annotations

import contextlib
import contextvars
import time
from datetime import date
from urllib.parse import urlsplit

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from limits import parse_many
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, TooManyRequests
from werkzeug.wsgi import wrap_file

from emulation.core import audit, counting, validation_messages
from emulation.core.errors import ServiceError, stale_message
from emulation.core.integrity import duplicate_message, is_unique_violation
from emulation.core.keyset import COUNT_CAP, BadCursor, KeysetPage, keyset_page
from emulation.extensions import db, limiter, login_manager

_AS_OF: contextvars.ContextVar[date | None] = contextvars.ContextVar("thidua_as_of",
                                                                     default=None)


def local_today():
    """Deadlines and windows are days in Vietnam (or the day `as_of` sets)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return _AS_OF.get() or datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()


@contextlib.contextmanager
def as_of(day: date):
    """Act as if today were `day` inside the block (this context only): the demo enters a
    past cycle's nominations and reports on their own dates, inside their deadlines."""
    token = _AS_OF.set(day)
    try:
        yield day
    finally:
        _AS_OF.reset(token)


def current_locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "vi")


def is_safe_next(target: str | None) -> bool:
    """Only local paths: `/units/3`, never `//evil`, `https://evil`, `/\\evil`."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


PAGE_MAX = 1_000_000
"""The highest `?page=` a list accepts; a page past a list's last one is an empty page."""


def page_arg() -> int:
    """`?page=` as a page number, 1 to PAGE_MAX (absent or blank: page 1). Anything else
    (`abc`, `0`, `-1`, `9999999999999`, `²`) is refused with a translated 400 (ServiceError)
    saying what is accepted, never read as page 1: a mistyped link must not quietly show
    another page."""
    raw = request.args.get("page", "")
    if not raw.strip():
        return 1
    text = raw.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 7
            and 1 <= int(text) <= PAGE_MAX):
        raise ServiceError(_("“%(value)s” is not a page number: use a whole number from 1 "
                             "to %(max)s.", value=raw[:20], max=format_decimal(PAGE_MAX)))
    return int(text)


def int_arg(name: str, low: int = 1, high: int = 2**31 - 1, source=None) -> int | None:
    """An integer query (or form) parameter inside [low, high], else None: a row id by
    default, so a value past the database's integer range never reaches a query."""
    value = (request.args if source is None else source).get(name, type=int)
    return value if value is not None and low <= value <= high else None


def ids_from(values) -> list[int]:
    """Row ids posted as a list (`member`, `nomination`, `pledge`): ASCII digits within the
    database's integer; anything else (`²`, `١`, 5,000 digits) is ignored."""
    return [int(v) for v in values
            if isinstance(v, str) and v.isascii() and v.isdigit() and 0 < len(v) <= 10
            and 0 < int(v) <= 2**31 - 1]


def paginate_rows(stmt, per_page: int) -> counting.CappedRowsPagination:
    """A page (`?page=`) of whole rows, its count capped (core.counting)."""
    return counting.paginate(stmt, page_arg(), per_page, rows=True)


def paginate(stmt, per_page: int):
    """A page (`?page=`) of a select statement's rows; past the last page is an empty page.
    The count stops at core.counting.COUNT_CAP ("more than 1,000 records")."""
    return counting.paginate(stmt, page_arg(), per_page)


NUMBERED_PAGES = 10
"""A long list (`keyset`) links its first pages by number (read with OFFSET, at most
9 pages × 100 rows skipped); every later page is reached by key with *Next* / *Previous*."""

def keyset(stmt, per_page: int, counted: bool = True) -> KeysetPage:
    """A page of a long list by key (`emulation.core.keyset`): `?cursor=` (a previous page's
    link) or `?page=` (1 to NUMBERED_PAGES); the rows are counted up to COUNT_CAP when
    `counted`. A cursor not made for this list, or a page number past NUMBERED_PAGES, is a
    translated 400."""
    cursor = request.args.get("cursor") or None
    page = page_arg()
    if page > NUMBERED_PAGES:
        raise ServiceError(_("Only the first %(count)s pages have a number: go on with "
                             "“Next”, or narrow the list with its filters.",
                             count=NUMBERED_PAGES))
    try:
        result = keyset_page(db.session, stmt, per_page, cursor=cursor, page=page,
                             count_cap=COUNT_CAP if counted else None)
    except BadCursor:
        raise ServiceError(_("This page link is not valid (it may have been cut short): "
                             "start again from the first page.")) from None
    if result.total is not None:
        result.numbered = min(NUMBERED_PAGES, max(1, -(-result.total // per_page)))
    return result


YEAR_MIN, YEAR_MAX = 1900, 2200  # a list's year filter: any year a record may carry


def year_arg(name: str = "year", low: int = YEAR_MIN, high: int = YEAR_MAX,
             empty_is_every_year: bool = True) -> int | None:
    """The year of a page's `?year=` (e.g. 2026), or None when none is asked (absent or
    blank: every year, or this year where `empty_is_every_year` is False and the caller
    says so). A value that is no year between `low` and `high` is refused with a 400
    (ServiceError) naming the bounds, never clamped nor read as another year: a mistyped
    year must not show another year's page."""
    raw = request.args.get(name, "")
    if not raw.strip():
        return None
    value = int_arg(name, low, high)
    if value is None:
        if empty_is_every_year:
            raise ServiceError(_("“%(value)s” is not a year between %(min)s and %(max)s: "
                                 "type one, or leave it empty for every year.",
                                 value=raw[:20], min=low, max=high))
        raise ServiceError(_("“%(value)s” is not a year between %(min)s and %(max)s: "
                             "type one, or leave it empty for this year.",
                             value=raw[:20], min=low, max=high))
    return value


def flash_service_error(err: ServiceError) -> None:
    flash(str(err.message), "danger")


REFUSALS = {401: "access.unauthenticated", 403: "access.denied", 429: "access.rate_limited"}


def audit_refusal(status: int, reason: str = "") -> None:
    """Access-control failures and rate limits leave an audit event (own transaction). One
    made by nobody signed in is counted per client IP and kind instead of written each
    time: written at the 1st, 10th, 100th, … of REFUSAL_AUDIT_MINUTES with the count, so
    that a flood of refused requests cannot write a flood of audit rows."""
    if status not in REFUSALS:
        return
    actor = getattr(g, "api_user", None) or (
        current_user if getattr(current_user, "is_authenticated", False) else None)
    summary = f"{request.method} {request.path} {reason}".strip()
    params = {"what": f"{request.method} {request.path}"[:300], "count": 1}
    if actor is None:
        count = _count_refusal(REFUSALS[status])
        if count is not None and not _worth_a_row(count):
            return
        if count and count > 1:
            summary += f" ({count} refusals from this address in " \
                f"{current_app.config['REFUSAL_AUDIT_MINUTES']} min)"
            params.update(_m=f"{REFUSALS[status]}:count", count=count,
                          minutes=current_app.config["REFUSAL_AUDIT_MINUTES"])
    try:
        audit.record(db.session, actor=actor, action=REFUSALS[status], summary=summary[:500],
                     params=params)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()


def _count_refusal(action: str) -> int | None:
    """This IP's refusals of this kind in the current window (the rate limiter's storage:
    shared by the workers when it is Redis); None when the storage cannot be reached."""
    window = current_app.config["REFUSAL_AUDIT_MINUTES"] * 60
    try:
        return limiter.storage.incr(f"refusal-audit/{action}/{request.remote_addr}", window)
    except Exception:  # noqa: BLE001 - a storage outage must not turn a refusal into a 500
        current_app.logger.warning("rate-limit storage unreachable: refusal audited each time")
        return None


def _worth_a_row(count: int) -> bool:
    while count % 10 == 0:
        count //= 10
    return count == 1


def refuse_repeated_failures(scope: str) -> None:
    """Before a credential is checked: 429 once this client IP has failed `scope` more often
    than its limit allows (see `count_failure`)."""
    strategy = limiter.limiter
    for item in _failure_limits(scope):
        if not strategy.test(item, scope, request.remote_addr or ""):
            stats = strategy.get_window_stats(item, scope, request.remote_addr or "")
            raise TooManyRequests(description=str(item),
                                  retry_after=max(1, int(stats.reset_time - time.time())))


def count_failure(scope: str) -> None:
    """Count one failed credential of `scope` (the API's bearer token) for this client IP."""
    strategy = limiter.limiter
    for item in _failure_limits(scope):
        strategy.hit(item, scope, request.remote_addr or "")


def _failure_limits(scope: str):
    return parse_many(current_app.config[FAILURE_LIMITS[scope]])


# a scope of failures → the setting that holds its limit
FAILURE_LIMITS = {"api-token": "API_BAD_TOKEN_LIMIT"}


def register_error_handlers(app: Flask) -> None:
    def render_error(status: int, message: str | None = None):
        db.session.rollback()
        g.error_page = True  # the navigation's counts are not read on an error page
        titles = {
            400: _("Bad request"), 403: _("Access denied"), 404: _("Page not found"),
            405: _("Method not allowed"), 409: _("Conflict"), 413: _("File too large"),
            429: _("Too many requests"), 500: _("Something went wrong"),
            503: _("Service temporarily unavailable"), 401: _("Authentication required"),
            422: _("Invalid data"),
        }
        texts = {
            400: _("The request could not be understood. Check what you entered and try again."),
            403: _("You do not have permission to open this page."),
            404: _("The page or record you asked for does not exist, or you may not see it."),
            405: _("This address does not accept that kind of request."),
            409: stale_message(),
            413: _("The file is larger than the allowed size."),
            429: _("Too many attempts. Wait a few minutes and try again."),
            500: _("An unexpected error happened. It has been logged; please try again."),
            503: _("The database is not reachable right now. Please try again in a moment."),
            401: _("Send a valid personal access token: Authorization: Bearer <token>."),
            422: _("Some fields are not valid; see errors."),
        }
        title = titles.get(status, _("Error"))
        text = message or texts.get(status, "")
        if request.path.startswith("/api/"):
            body = {"type": "about:blank", "title": title, "status": status, "detail": text}
            errors = getattr(g, "api_errors", None)
            if errors:
                body["errors"] = errors
            response = jsonify(body)
            response.status_code = status
            response.mimetype = "application/problem+json"
            return response
        return render_template("errors/error.html", status=status, title=title,
                               message=text), status

    @app.before_request
    def refuse_nul_in_the_address():
        # A NUL byte in a query value would reach a query as text, which PostgreSQL refuses
        # (a 500 on any page reading `?award=`, `?q=`…): every page refuses it at once.
        if "\x00" in request.path:  # no page has such an address
            return render_error(404)
        # (the API's query schemas answer it themselves, a 422 naming the parameter)
        if not request.path.startswith("/api/") and any(
                "\x00" in value for values in request.args.listvalues() for value in values):
            return render_error(400, _("The address holds a character that is not allowed "
                                       "(a NUL byte). Check the link and try again."))

    @app.errorhandler(CSRFError)
    def csrf_error(err):
        return render_error(400, _("Your form expired or was sent from elsewhere. Reload the "
                                   "page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        if err.code and err.code < 400:
            return err
        messages = (getattr(err, "data", None) or {}).get("messages")
        if messages:  # request validation (webargs): every field's reason
            g.api_errors = validation_messages.translate(messages)
        response = app.make_response(render_error(err.code or 500))
        audit_refusal(err.code or 500, str(getattr(err, "description", "") or "")
                      if err.code == 429 else "")
        retry_after = getattr(err, "retry_after", None)
        if retry_after is not None:  # a 429 says when to try again (RFC 6585)
            response.headers.setdefault("Retry-After", str(retry_after))
        allowed = getattr(err, "valid_methods", None)
        if allowed:  # a 405 says which methods are allowed (RFC 9110)
            response.headers["Allow"] = ", ".join(sorted(allowed))
        return response

    @app.errorhandler(ServiceError)
    def service_error(err: ServiceError):
        response = render_error(err.status, str(err.message))
        audit_refusal(err.status)
        return response

    @app.errorhandler(StaleDataError)
    def stale_error(err):
        return render_error(409, stale_message())

    @app.errorhandler(IntegrityError)
    def integrity_error(err):
        # a request racing another past the service's duplicate check: the database's unique
        # constraint refused it, nothing was written (the areas' own messages come first)
        if is_unique_violation(err):
            return render_error(409, duplicate_message())
        return unexpected(err)

    @app.errorhandler(OperationalError)
    def database_error(err):
        app.logger.error("database error: %s", err)
        # The page must render without the database: do not load the user again.
        g._login_user = login_manager.anonymous_user()
        return render_error(503)

    @app.errorhandler(Exception)
    def unexpected(err):
        app.logger.exception("unhandled error")
        return render_error(500)


def xlsx_response(workbook, filename: str) -> Response:
    """A `core.xlsx.Workbook` (or a `core.csvbook.CsvBook`: its `mimetype`) as a download,
    never shown inline, never sniffed; its file is streamed in blocks, so memory stays flat
    at any size."""
    file, size = workbook.close()
    return Response(wrap_file(request.environ, file, 64 * 1024),
                    mimetype=getattr(workbook, "mimetype", "application/vnd.openxmlformats-"
                                     "officedocument.spreadsheetml.sheet"),
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "X-Content-Type-Options": "nosniff", "Content-Length": str(size)})


def flash_form_errors(form) -> None:
    """One message per invalid field: `Label: reason`."""
    for name, errors in form.errors.items():
        field = getattr(form, name, None)
        label = field.label.text if field is not None else name
        flash(f"{label}: {errors[0]}", "danger")


def attempt(operation) -> int | None:
    """Run a service call; on refusal roll back, flash the reason and return its 4xx status."""
    try:
        operation()
    except ServiceError as err:
        db.session.rollback()
        flash(str(err.message), "danger")
        audit_refusal(err.status)
        return err.status
    except IntegrityError as err:
        if not is_unique_violation(err):
            raise
        db.session.rollback()
        flash(duplicate_message(), "danger")
        return 409
    return None


def load_or_404(loader, *args, **kwargs):
    """Call a service loader (`get_x_for(user, id)`, `award_by_code(code)`…); a record that
    does not exist or that the user may not see (`NotFound`, `PermissionDenied`) answers
    404, so its existence is not revealed."""
    from emulation.core.errors import NotFound, PermissionDenied

    try:
        return loader(*args, **kwargs)
    except (NotFound, PermissionDenied):
        abort(404)


def form_action(operation, *, success: str, target: str, on_refusal, form=None):
    """The one flow of a form post: validate `form` (when given), run the service call, and
    then either flash `success` and redirect to `target`, or re-render the page with
    `on_refusal(status)` — 400 for invalid fields, the service's 4xx with its reason
    otherwise (nothing half-written: `attempt` rolls back)."""
    if form is not None and not form.validate_on_submit():
        flash_form_errors(form)
        return on_refusal(400)
    status = attempt(operation)
    if status is not None:
        return on_refusal(status)
    flash(success, "success")
    return redirect(target)


def save_then_act(save, act=None, *, form=None, success: str, target: str, on_refusal,
                  saved_message: str | None = None):
    """The flow of a page whose action buttons (submit, attach…) sit in the one form of its
    typed fields, so that an action never discards what is on the page: validate `form`,
    save what was typed (`save()`, a service call that commits), then — when `act` is given
    — do the action on what was just saved (`act()`, another service call).

    Success: flash `success`, redirect to `target`. A refusal re-renders the page with
    `on_refusal(status, saved)` and the service's 4xx, never a redirect: `saved` is False
    when the typed data itself was refused (nothing written; the page shows what was typed
    as unsaved), True when it was saved and only the action was refused (then
    `saved_message` is flashed first, so the user knows their edits are kept as a draft)."""
    if form is not None and not form.validate_on_submit():
        flash_form_errors(form)
        return on_refusal(400, False)
    status = attempt(save)
    if status is not None:
        return on_refusal(status, False)
    if act is not None:
        status = attempt(act)
        if status is not None:
            if saved_message:
                flash(saved_message, "info")
            return on_refusal(status, True)
    flash(success, "success")
    return redirect(target)


def upload_action(save, *, form, target: str, on_refusal, success: str | None = None):
    """The route body of every upload: check the form's `file` field, hand the file to the
    area's service (`save(file)`, which goes through `uploads.attach` and commits), then
    redirect to `target` or re-render with `on_refusal(status)` — a refused file is a 400
    with its translated reason, and nothing is kept."""
    return form_action(lambda: save(form.file.data), form=form, target=target,
                       on_refusal=on_refusal, success=success or _("File attached."))


def send_attachment(attachment_id: int, owner_kind: str, owner_ids):
    """Serve a stored file of one of the given records as a download; any other is a 404."""
    from emulation.core import uploads

    return uploads.send(load_or_404(uploads.attachment_of, attachment_id, owner_kind,
                                    owner_ids))
