"""One log line per request: request id, user, endpoint, status and time.

The id comes from the proxy's ``X-Request-ID`` when it is a plain token (nginx:
``proxy_set_header X-Request-ID $request_id``), else a new one; it is sent back
in the response and starts every line the request logs, so an error's traceback
can be found from the page a clerk saw.
"""
from __future__ import annotations

import logging
import re
import time
import types
import uuid

from flask import Flask, g, request
from flask_login import current_user

log = logging.getLogger("kefu.request")
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id() -> str:
    return g.get("request_id", "-")


def _user() -> str:
    try:
        return current_user.username if current_user.is_authenticated else "-"
    except Exception:  # noqa: BLE001 — a broken session must not break the log
        return "?"


def install(app: Flask) -> None:
    @app.before_request
    def _assign_id() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _TOKEN.match(given) else uuid.uuid4().hex[:16]
        g._log_started = time.perf_counter()

    @app.after_request
    def _log_line(resp):
        started = g.get("_log_started")
        ms = (time.perf_counter() - started) * 1000 if started is not None else 0.0
        resp.headers["X-Request-ID"] = request_id()
        log.info("rid=%s user=%s %s %s endpoint=%s status=%s ms=%.1f", request_id(), _user(),
                 request.method, request.path, request.endpoint or "-", resp.status_code, ms)
        return resp

    def log_exception(self, exc_info) -> None:
        """Flask's unhandled-error log, with the request id and user."""
        self.logger.error("rid=%s user=%s unhandled error in %s %s (endpoint %s)",
                          request_id(), _user(), request.method, request.path,
                          request.endpoint, exc_info=exc_info)

    app.log_exception = types.MethodType(log_exception, app)
