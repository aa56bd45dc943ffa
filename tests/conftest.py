"""Test fixtures: the real app, a real database, login with CSRF.

Every test that takes ``app`` runs twice: on SQLite and on PostgreSQL.  Each
backend gets one template database built by the Alembic migrations plus the
``demo-data`` command; each test then gets its own copy (a file copy on SQLite,
``CREATE DATABASE … TEMPLATE`` on PostgreSQL) that is dropped afterwards.

PostgreSQL: ``KEFU_TEST_PG_URL`` (default postgresql://postgres@127.0.0.1:5432/postgres)
names a server where the tests may create and drop databases.  When none is
reachable the PostgreSQL half is skipped with a message saying so.
``KEFU_TEST_DATABASES=sqlite`` runs one backend only.
"""
from __future__ import annotations

import atexit
import itertools
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="kefu-tests-"))
atexit.register(shutil.rmtree, _TMP, True)          # its databases and catalogues
os.environ.setdefault("KEFU_INSTANCE_DIR", str(_TMP / "instance"))
os.environ.setdefault("SECRET_KEY", "test-secret-key")

from app import create_app  # noqa: E402
from cli import DEMO_PASSWORD, DEMO_PIN  # noqa: E402
from models.base import db  # noqa: E402

PG_SERVER = os.environ.get("KEFU_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BACKENDS = [b for b in os.environ.get("KEFU_TEST_DATABASES", "sqlite,postgresql").split(",") if b]
_counter = itertools.count()
_pg_reason: str | None = None


def pg_admin_conn():
    import psycopg

    return psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3)


def pg_url(dbname: str) -> str:
    base = PG_SERVER.rsplit("/", 1)[0]
    return base.replace("postgresql://", "postgresql+psycopg://", 1) + "/" + dbname


def _pg_available() -> str | None:
    """None when reachable, else the reason (for the skip message)."""
    global _pg_reason
    if _pg_reason is None:
        try:
            with pg_admin_conn() as conn:
                conn.execute("SELECT 1")
            _pg_reason = ""
        except Exception as exc:  # noqa: BLE001
            _pg_reason = f"PostgreSQL not reachable at {PG_SERVER}: {exc}".splitlines()[0]
    return _pg_reason or None


def _build_template(url: str) -> None:
    """Migrate an empty database and load the demo data into it."""
    from flask_migrate import upgrade

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        result = app.test_cli_runner().invoke(args=["demo-data"])
        assert result.exit_code == 0, result.output
        db.engine.dispose()


@pytest.fixture(scope="session")
def templates():
    made: dict[str, str] = {}
    yield made
    if "postgresql" in made:
        with pg_admin_conn() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{made["postgresql"]}" WITH (FORCE)')


def _template_for(backend: str, templates: dict) -> str:
    if backend in templates:
        return templates[backend]
    if backend == "sqlite":
        path = _TMP / "template.sqlite3"
        _build_template(f"sqlite:///{path}")
        templates[backend] = str(path)
    else:
        name = f"kefu_tpl_{os.getpid()}"
        with pg_admin_conn() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        _build_template(pg_url(name))
        templates[backend] = name
    return templates[backend]


class Database:
    """A throw-away copy of the template for one test."""

    def __init__(self, backend: str, templates: dict, empty: bool = False):
        self.backend = backend
        n = next(_counter)
        tpl = None if empty else _template_for(backend, templates)
        if backend == "sqlite":
            self.path = _TMP / f"test_{n}.sqlite3"
            if tpl:
                shutil.copyfile(tpl, self.path)
            self.url = f"sqlite:///{self.path}"
        else:
            self.name = f"kefu_test_{os.getpid()}_{n}"
            with pg_admin_conn() as conn:
                conn.execute(f'CREATE DATABASE "{self.name}"' +
                             (f' TEMPLATE "{tpl}"' if tpl else ""))
            self.url = pg_url(self.name)

    def refill(self, templates: dict) -> None:
        """Make this database a fresh copy of the template again, under the same
        name (its engine must be disposed first): the cached app keeps its URL."""
        tpl = _template_for(self.backend, templates)
        if self.backend == "sqlite":
            for suffix in ("-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            shutil.copyfile(tpl, self.path)
        else:
            with pg_admin_conn() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{self.name}" TEMPLATE "{tpl}"')

    def drop(self) -> None:
        if self.backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
        else:
            with pg_admin_conn() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _backend_params():
    return [pytest.param(b, id=b, marks=[pytest.mark.postgres] if b == "postgresql" else [])
            for b in BACKENDS]


@pytest.fixture(params=_backend_params())
def backend(request) -> str:
    if request.param == "postgresql":
        reason = _pg_available()
        if reason:
            pytest.skip(reason)
    return request.param


def _make_app(backend: str, templates: dict, extra: dict | None = None):
    database = Database(backend, templates)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database.url, **(extra or {})})
    app.extensions["kefu_test_db"] = database
    return app, database


def _dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def app_cache(templates):
    """One app per backend for the whole run (building one — forty admin views,
    ~2000 URL rules, their templates compiled on first render — costs more than
    most tests): each test gets it back with its configuration as built and its
    database refilled from the template, so no test sees another's rows."""
    cached: dict[str, tuple] = {}
    yield cached
    for app, database, _config in cached.values():
        _dispose(app)
        database.drop()


def _reused_app(backend: str, templates: dict, cached: dict):
    if backend not in cached:
        app, database = _make_app(backend, templates)
        views = {view: dict(view.__dict__) for view in app.extensions["admin"][0]._views}
        cached[backend] = (app, database, (dict(app.config), views))
        return app
    app, database, (config, views) = cached[backend]
    database.refill(templates)
    app.config.clear()
    app.config.update(config)            # undo a test's app.config[...] = …
    for view, attributes in views.items():
        # Undo a test's view.attr = …, and forget what views read lazily (filter
        # options are read when first shown; a test may have added rows).
        view.__dict__.clear()
        view.__dict__.update(attributes)
    return app


# No app context stays pushed while a test runs: requests made by the test client
# would share it (and Flask-Login's cached user in ``g``).  Tests that read the
# database directly open one: ``with app.app_context(): …``.
@pytest.fixture
def app(backend, templates, app_cache):
    before = set(threading.enumerate())
    app = _reused_app(backend, templates, app_cache)
    yield app
    for thread in set(threading.enumerate()) - before:
        thread.join(30)          # e.g. a history verification: done before the refill
    _dispose(app)


@pytest.fixture(scope="module", params=_backend_params())
def shared_app(request, templates):
    """One database per module, for read-only test matrices (hundreds of requests)."""
    if request.param == "postgresql":
        reason = _pg_available()
        if reason:
            pytest.skip(reason)
    app, database = _make_app(request.param, templates)
    yield app
    _dispose(app)
    database.drop()


# -- client helpers ---------------------------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def csrf_from(html: str | bytes) -> str:
    if isinstance(html, bytes):
        html = html.decode("utf-8")
    m = CSRF_RE.search(html)
    assert m, "no CSRF token on the page"
    return m.group(1)


HIDDEN_RE = re.compile(r'<input[^>]*type="hidden"[^>]*>')
ATTR_RE = re.compile(r'(\w+)="([^"]*)"')


def hidden_inputs(html: str) -> dict:
    found = {}
    for tag in HIDDEN_RE.findall(html):
        attrs = dict(ATTR_RE.findall(tag))
        if "name" in attrs and attrs["name"] not in ("next", "url"):
            found.setdefault(attrs["name"], attrs.get("value", ""))
    return found


class Browser:
    """A Flask test client that logs in and posts forms with their CSRF token."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self.username: str | None = None

    def login(self, username: str, password: str = DEMO_PASSWORD, next: str | None = None):
        page = self.client.get("/login")
        data = {"username": username, "password": password, "csrf_token": csrf_from(page.data)}
        if next is not None:
            data["next"] = next
        resp = self.client.post("/login", data=data)
        if resp.status_code == 302:
            self.username = username
        return resp

    def get(self, url: str, **kw):
        return self.client.get(url, **kw)

    def token(self, url: str = "/admin/") -> str:
        return csrf_from(self.client.get(url).data)

    def post(self, url: str, data: dict | None = None, token_from: str | None = None, **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token(token_from or "/admin/"))
        return self.client.post(url, data=data, **kw)

    def open_form(self, url: str) -> dict:
        """GET a form page; return its hidden inputs (CSRF token, version seen, …)."""
        page = self.client.get(url)
        assert page.status_code == 200, f"GET {url} → {page.status_code}"
        return hidden_inputs(page.get_data(as_text=True))

    def post_form(self, url: str, data: dict, hidden: dict | None = None, **kw):
        """POST a form the way a browser does: with the hidden inputs of the page
        (taken now, or earlier via ``open_form`` to simulate a form left open)."""
        payload = {**(hidden if hidden is not None else self.open_form(url)), **data}
        return self.client.post(url, data=payload, **kw)


@pytest.fixture
def browser(app):
    def make(username: str | None = None) -> Browser:
        b = Browser(app)
        if username:
            resp = b.login(username)
            assert resp.status_code == 302, f"login {username} failed: {resp.status_code}"
        return b

    return make


def text_of(resp) -> str:
    return resp.get_data(as_text=True)


__all__ = ["Browser", "csrf_from", "text_of", "DEMO_PASSWORD", "DEMO_PIN"]
