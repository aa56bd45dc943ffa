"""What every request and response of the app passes through: input no column can
store is refused before any view runs, and every page carries the security headers
(a Content-Security-Policy with a per-request nonce for our inline scripts).
"""
from __future__ import annotations

import re
import secrets
from typing import Iterable

from flask import Flask, g, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

# C0 control characters and DEL: PostgreSQL refuses NUL in text, and none of them
# belongs in a name, a search or a date.  Tab, newline and carriage return are
# ordinary in a multi-line form field (a note, a reason), never in a path.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f]")


class BadInput(BadRequest):
    """A 400 whose description is a translated sentence for the error page."""


def _has_control(values: Iterable[str]) -> bool:
    return any(_CONTROL.search(v) for v in values)


def refuse_control_characters() -> None:
    """``before_request``: a 400 for control characters in the path, a query
    argument or a form field (names and values)."""
    if _CONTROL_OR_BREAK.search(request.path) or \
            _has_control(request.args.keys()) or _has_control(request.args.values()):
        raise BadInput(_("The request contains control characters; they cannot be stored."))
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        form = request.form
        if _has_control(form.keys()) or _has_control(form.values()):
            raise BadInput(_("The form contains control characters; they cannot be stored."))


def refuse_malformed_query() -> None:
    """``before_request``: well-known date and history arguments checked by the
    one parser each (``admin_views.params``)."""
    from admin_views.params import query_problem

    problem = query_problem(request.args)
    if problem:
        raise BadInput(problem)


# -- Content-Security-Policy ---------------------------------------------------------

def csp_nonce() -> str:
    """This response's script nonce (templates: ``nonce="{{ csp_nonce() }}"``)."""
    nonce = g.get("_csp_nonce")
    if nonce is None:
        nonce = g._csp_nonce = secrets.token_urlsafe(18)
    return nonce


def content_security_policy() -> str:
    """Scripts only from our origin or carrying this response's nonce; nothing framed,
    posted or loaded elsewhere.  ``style-src 'unsafe-inline'``: Flask-Admin's and our
    templates carry ``style=`` attributes and select2/datepicker set styles from
    script; an inline style cannot run code, so allowing it costs little."""
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{csp_nonce()}'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def add_security_headers(app: Flask, resp):
    """``after_request``: the headers every response carries (HSTS only where the
    config says the site is served over HTTPS)."""
    headers = resp.headers
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if app.config.get("KEFU_HSTS_SECONDS"):
        headers.setdefault("Strict-Transport-Security",
                           f"max-age={int(app.config['KEFU_HSTS_SECONDS'])}; includeSubDomains")
    return resp


def install(app: Flask) -> None:
    """Register the request guards, the headers and ``csp_nonce()`` for templates."""
    app.before_request(refuse_control_characters)
    app.before_request(refuse_malformed_query)
    app.after_request(lambda resp: add_security_headers(app, resp))
    app.jinja_env.globals["csp_nonce"] = csp_nonce
