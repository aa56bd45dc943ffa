"""Application factory.  ``flask --app app …`` uses the module-level ``app``."""
from __future__ import annotations

import logging
import os
import time
from datetime import timezone
from typing import Any

from flask import Flask, g, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.engine import Engine

import audit
import web_security
from rules import lengths
from config import BASE_DIR, CONFIGS, INSTANCE_DIR, load_secret_key
from extensions import babel, csrf, db, login_manager, migrate
from i18n import compile_catalogs, html_lang, select_locale

LANGUAGE_CHOICES = (("zh_Hans_CN", "中文"), ("en", "English"))


# PostgreSQL plans joins of at most this many tables in every order; beyond, in the
# order written.  A list page's statement is the register's table and its eager
# many-to-one joins (primary-key lookups, best in the order written); with eight
# the planner tried every order of the fee notices' six tables on each page view:
# 1.8 ms of planning for 0.2 ms of execution (4: 0.6 ms).  Queries of up to four
# tables plan as before.
PG_JOIN_COLLAPSE_LIMIT = 4


@event.listens_for(Engine, "connect")
def _connection_settings(dbapi_conn, _record) -> None:
    """SQLite: WAL so readers never block the writer; wait instead of failing when
    busy.  PostgreSQL: the join planning limit above (committed: a SET is undone
    with its transaction)."""
    import sqlite3

    if isinstance(dbapi_conn, sqlite3.Connection):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()
    elif type(dbapi_conn).__module__.startswith("psycopg"):
        with dbapi_conn.cursor() as cur:
            cur.execute(f"SET join_collapse_limit = {PG_JOIN_COLLAPSE_LIMIT}")
        dbapi_conn.commit()


def create_app(config: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """``config``: default | production | testing (else $KEFU_CONFIG); ``overrides``
    are applied last (tests pass their throw-away database URL here)."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR),
                template_folder=str(BASE_DIR / "templates"),
                static_folder=str(BASE_DIR / "static"))
    name = config or os.environ.get("KEFU_CONFIG", "default")
    app.config.from_object(CONFIGS[name])
    app.config.update(overrides or {})
    if name == "production" and not os.environ.get("SECRET_KEY"):
        raise RuntimeError("production needs SECRET_KEY in the environment")
    app.config["SECRET_KEY"] = app.config.get("SECRET_KEY") or load_secret_key()
    if os.environ.get("KEFU_PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(os.environ["KEFU_PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    translations = compile_catalogs(BASE_DIR / "translations", INSTANCE_DIR / "translations")
    app.config["KEFU_TRANSLATIONS"] = str(translations)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(translations))
    lengths.install()
    audit.install()
    from ops import backup_status, health, reqlog  # noqa: F401 — backup_status: a due provider

    reqlog.install(app)              # first hook: every later line has the request id

    from auth import bp as auth_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(health.bp)

    from admin_views import init_admin

    init_admin(app)
    _register_request_hooks(app)
    _register_error_pages(app)

    import cli

    cli.register(app)
    return app


def _register_request_hooks(app: Flask) -> None:

    @app.before_request
    def _start_clock() -> None:
        g._started = time.perf_counter()

    @app.before_request
    def _set_audit_actor() -> None:
        user = current_user if current_user and current_user.is_authenticated else None
        g._audit_token = audit.set_actor(audit.Actor(
            id=user.id if user else None,
            name=user.username if user else "anonymous",
            roles=user.roles if user else "",
            addr=request.remote_addr,
        ))

    @app.context_processor
    def _template_globals() -> dict[str, Any]:
        locale = str(get_locale())
        return {"html_lang": html_lang(locale), "current_locale": locale,
                "language_choices": LANGUAGE_CHOICES}

    @app.template_filter("role_label")
    def _role_label(role: str) -> str:
        from admin_views.labels import role_label

        return role_label(role)

    @app.template_filter("action_label")
    def _action_label(action: str) -> str:
        from admin_views.labels import ACTION_LABELS

        return str(ACTION_LABELS.get(action, action))

    @app.template_filter("localtime")
    def _localtime(value) -> str:
        from flask_babel import format_datetime

        return format_datetime(value.replace(tzinfo=timezone.utc)) if value else ""

    web_security.install(app)
    from admin_views.form_limits import max_length
    from admin_views.unit_rows import requested_unit

    app.jinja_env.globals["max_length"] = max_length
    app.jinja_env.globals["list_unit"] = requested_unit

    @app.after_request
    def _server_timing(resp):
        started = g.get("_started")
        if started is not None:
            # the app's own time (browser devtools and bench/ show it apart from the
            # network's); a streamed export's is the time to its first byte
            resp.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return resp


def _register_error_pages(app: Flask) -> None:
    def page(code: int, title: str, message: str):
        return render_template("errors/error.html", code=code, title=title,
                               message=message), code

    @app.errorhandler(400)
    def _bad_request(e):
        message = e.description if isinstance(e, web_security.BadInput) else \
            _("The request could not be understood. Go back and try again.")
        return page(400, _("Bad request"), message)

    @app.errorhandler(403)
    def _forbidden(_e):
        return page(403, _("Forbidden"), _("Your role does not allow this."))

    @app.errorhandler(404)
    def _not_found(_e):
        return page(404, _("Not found"), _("There is no such page or record."))

    @app.errorhandler(CSRFError)
    def _csrf(_e):
        return page(400, _("Form expired"),
                    _("The form was open too long or came from elsewhere. Reload the page "
                      "and submit again."))

    @app.errorhandler(500)
    def _server_error(_e):
        from admin_views.write_path import committed_in_request

        db.session.rollback()
        if committed_in_request():
            # the change was committed, then showing the answer failed: retrying
            # could do it twice
            return page(500, _("Server error"),
                        _("Your change was saved, but the page could not be shown. Open the "
                          "record to check it before doing anything again."))
        return page(500, _("Server error"),
                    _("Something went wrong; nothing was half-saved. Please try again."))


logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"))
