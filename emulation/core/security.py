"""Security headers on every response (what Flask-Talisman would set, without its inline-code
allowances): the pages carry no inline script or style, so the policy is `'self'` only."""
from __future__ import annotations

import logging

from flask import Flask, Response, request

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")
HSTS = "max-age=31536000; includeSubDomains"


def init_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure and app.config.get("HSTS", True):
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


def install_one_line_logging() -> None:
    """Every log record's message is one line: a user-supplied value with a line break (a
    username, a path, an address) is written as `\\n` and cannot forge another log line."""
    base = logging.getLogRecordFactory()
    if getattr(base, "one_line", False):
        return

    def factory(*args, **kwargs):
        record = base(*args, **kwargs)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return record
        if "\n" in message or "\r" in message:
            record.msg, record.args = _one_line(message), None
        return record

    factory.one_line = True
    logging.setLogRecordFactory(factory)
