"""Test fixtures: the real app, a real database, login with CSRF.

Every test that takes ``app`` runs twice: on SQLite and on PostgreSQL.  Each
backend gets one template database built by the Alembic migrations plus the
``demo-data`` command, and one app for the whole run; each test then gets that
app with its database made a fresh copy of the template (a file copy on SQLite,
``CREATE DATABASE … TEMPLATE`` on PostgreSQL) and its configuration and views
restored as built.  ``browser("clerk")`` reuses the session cookie of an earlier
real login while the account is unchanged; ``Browser.post`` reuses a CSRF token
while the session's CSRF secret is unchanged.

PostgreSQL: ``KEFU_TEST_PG_URL`` (default postgresql://postgres@127.0.0.1:5432/postgres)
names a server where the tests may create and drop databases.  When none is
reachable the PostgreSQL half is skipped with a message saying so.
``KEFU_TEST_DATABASES=sqlite`` runs one backend only.

Least privilege (``KEFU_TEST_PG_APP_ROLE``, default 1): on PostgreSQL the template
is migrated as the server's role (the owner) and the app then connects as
``kefu_test_app``, granted by ``ops.pgroles`` like production's app role (it can
only insert history, cannot alter tables or disable triggers).  Tests that act
as a DBA would (tampering with history) use ``owner_engine(app)``.  ``0`` runs
the app as the owner.
"""
from __future__ import annotations

import atexit
import gc
import itertools
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

import pytest

# Young objects collected as the app's workers do (gunicorn.conf.py GC_THRESHOLDS):
# every 20,000 new objects instead of 700 — the suite ran ~10 % faster.
gc.set_threshold(20_000, 20, 100)

_TMP = Path(tempfile.mkdtemp(prefix="kefu-tests-"))
atexit.register(shutil.rmtree, _TMP, True)          # its databases and catalogues
if os.environ.get("KEFU_INSTANCE_DIR", "") == os.environ.get("KEFU_TESTS_OWN_INSTANCE", ""):
    # Not chosen by the caller (unset, or the pytest-xdist controller's own): one per
    # process, so parallel workers never share catalogues being compiled or photos.
    os.environ["KEFU_INSTANCE_DIR"] = os.environ["KEFU_TESTS_OWN_INSTANCE"] = str(_TMP / "instance")
os.environ.setdefault("SECRET_KEY", "test-secret-key")

from app import create_app  # noqa: E402
from cli import DEMO_PASSWORD, DEMO_PIN  # noqa: E402
from models.base import db  # noqa: E402

PG_SERVER = os.environ.get("KEFU_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BACKENDS = [b for b in os.environ.get("KEFU_TEST_DATABASES", "sqlite,postgresql").split(",") if b]
_counter = itertools.count()
_pg_reason: str | None = None
PG_APP_ROLE = ("kefu_test_app", "kefu-test-app") \
    if os.environ.get("KEFU_TEST_PG_APP_ROLE", "1") != "0" else None


def pg_admin_conn():
    import psycopg

    return psycopg.connect(PG_SERVER, autocommit=True, connect_timeout=3)


def pg_url(dbname: str, role: tuple[str, str] | None = None) -> str:
    """The database's URL as the server's role, or as ``role`` (name, password)."""
    from sqlalchemy.engine import make_url

    url = make_url(PG_SERVER.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://",
                                                       1) + "/" + dbname)
    if role:
        url = url.set(username=role[0], password=role[1])
    return url.render_as_string(hide_password=False)


def _grant_app_role(url: str) -> None:
    """The restricted role's grants in the template (copied with it)."""
    import sqlalchemy.exc
    from sqlalchemy import create_engine

    from ops.pgroles import grant

    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            grant(conn, *PG_APP_ROLE)
    except sqlalchemy.exc.DBAPIError:      # another worker created or granted it meanwhile
        with engine.begin() as conn:
            grant(conn, *PG_APP_ROLE)
    finally:
        engine.dispose()


_owner_engines: dict[str, object] = {}


def owner_engine(app):
    """An engine on the app's database as its owner: what a DBA (or an attacker
    with the owner's password) can do that the app's role cannot."""
    from sqlalchemy import create_engine

    database = app.extensions.get("kefu_test_db")
    if database is None or database.url == database.app_url:
        with app.app_context():
            return db.engine
    if database.url not in _owner_engines:
        _owner_engines[database.url] = create_engine(database.url, poolclass=_null_pool())
    return _owner_engines[database.url]


def _null_pool():
    from sqlalchemy.pool import NullPool     # no connection kept: the database is refilled

    return NullPool


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
    for pool in _pg_pools.values():
        pool.close()
    if "postgresql" in made:
        with pg_admin_conn() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{made["postgresql"]}" WITH (FORCE)')


def _no_commit_flush(conn, name: str) -> None:
    """A test database's commits do not wait for the WAL to reach the disk
    (``synchronous_commit = off``: what a crash would lose, a test never reads
    back).  Everything else — transactions, locks, triggers, constraints — is as in
    production; two workers and the copy thread each waited on fsync before."""
    conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')


def _no_autovacuum(name: str) -> None:
    """No autovacuum in the copies of the template: rows put back (``_PgRows``)
    leave dead rows behind, and an autovacuum of them would give the next test
    statistics a fresh copy does not have (its query plans would differ).  A
    database is copied anew after ``_PgRows.MAX_PUT_BACKS`` put-backs instead."""
    import psycopg

    with psycopg.connect(pg_url(name).replace("+psycopg", ""), autocommit=True) as conn:
        for (table,) in conn.execute("SELECT tablename FROM pg_tables "
                                     "WHERE schemaname = 'public'").fetchall():
            conn.execute(f'ALTER TABLE public."{table}" SET (autovacuum_enabled = off)')


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
            _no_commit_flush(conn, name)
        _build_template(pg_url(name))
        _no_autovacuum(name)
        if PG_APP_ROLE:
            _grant_app_role(pg_url(name))
        templates[backend] = name
    return templates[backend]


class _PgCopies:
    """Copies of the PostgreSQL template made ahead of time, in the background.

    ``CREATE DATABASE … TEMPLATE`` costs 0.3–1 s (it writes the whole template
    through the WAL) and was paid while each test waited, before every test that
    takes ``app`` on PostgreSQL.  A thread here keeps ``DEPTH`` copies ready under
    spare names (``kefu_pool_<pid>_<n>``) and drops used databases, while the tests
    run; a test's database is then made fresh by a drop and a rename (milliseconds:
    catalogue updates).  Each copy is still a fresh ``CREATE DATABASE … TEMPLATE``
    of the untouched template, so no test sees another's rows — only the moment
    the copy is made has moved.  Spare copies are dropped at exit.
    """

    DEPTH = 2

    def __init__(self, template: str):
        import queue

        self.template = template
        self.ready: queue.Queue[str] = queue.Queue()
        self.jobs: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self.failure: BaseException | None = None
        self._names = itertools.count()
        for _ in range(self.DEPTH):
            self.jobs.put(("create", ""))
        self.thread = threading.Thread(target=self._work, name="kefu-pg-copies", daemon=True)
        self.thread.start()
        atexit.register(self.close)

    def _work(self) -> None:
        try:
            with pg_admin_conn() as conn:
                while (job := self.jobs.get()) is not None:
                    kind, name = job
                    if kind == "drop":
                        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                        continue
                    name = f"kefu_pool_{os.getpid()}_{next(self._names)}"
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                    conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
                    _no_commit_flush(conn, name)
                    self.ready.put(name)
        except BaseException as exc:  # noqa: BLE001 — reported to the waiting test
            self.failure = exc
            self.ready.put("")

    def take_as(self, name: str, replacing: bool = False) -> None:
        """Make ``name`` a fresh copy of the template (dropping the old ``name``)."""
        spare = self.ready.get(timeout=300)
        if not spare:
            raise RuntimeError(f"making template copies failed: {self.failure!r}")
        self.jobs.put(("create", ""))            # the next spare, made while the test runs
        with pg_admin_conn() as conn:
            if replacing:
                # Out of the way at once (a rename is a catalogue update), dropped later
                # by the thread.  The app's engine was disposed; if a test left another
                # connection open the rename is refused and the old database is dropped
                # here WITH (FORCE), as it always was.
                trash = f"kefu_trash_{os.getpid()}_{next(self._names)}"
                try:
                    conn.execute(f'ALTER DATABASE "{name}" RENAME TO "{trash}"')
                except Exception:  # noqa: BLE001 — someone still connected: as before
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                else:
                    self.jobs.put(("drop", trash))
            conn.execute(f'ALTER DATABASE "{spare}" RENAME TO "{name}"')

    def close(self) -> None:
        """Stop the thread, then drop the spare copies nobody took."""
        if not self.thread.is_alive():
            return
        self.jobs.put(None)
        self.thread.join(60)
        spares = []
        while not self.ready.empty():
            spares.append(self.ready.get_nowait())
        with pg_admin_conn() as conn:
            for spare in filter(None, spares):
                conn.execute(f'DROP DATABASE IF EXISTS "{spare}" WITH (FORCE)')


_pg_pools: dict[str, _PgCopies] = {}


def _pg_copies(template: str) -> _PgCopies:
    if template not in _pg_pools:
        _pg_pools[template] = _PgCopies(template)
    return _pg_pools[template]


class _PgRows:
    """The template's rows, sequence values and trigger states, read once, to put
    a test's database back after a test that only changed rows.

    A new copy (``_PgCopies``) costs 0.2–0.5 s of ``CREATE DATABASE … TEMPLATE``
    (19 MB through the WAL, most of it the catalogues) and a ``DROP DATABASE``,
    which on PostgreSQL 15 forces an immediate checkpoint: one per test, 1,600 a
    run.  Most tests only insert and update a few rows; for them the tables they
    wrote are emptied and the template's rows copied back in (~5–35 ms), the sequences set to
    the template's values, in one transaction as the server's superuser with the
    triggers off (replica role; the history's ALWAYS triggers disabled and enabled
    again).  Anything more than rows (``_may_change_more_than_rows``) still gets a
    new copy, as does a database someone is still connected to."""

    def __init__(self, template: str):
        import psycopg

        self.rows: dict[str, bytes] = {}
        self._put_backs: dict[str, int] = {}     # database → put-backs since its copy
        with psycopg.connect(pg_url(template).replace("+psycopg", "")) as conn:
            tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                                  "ORDER BY 1").fetchall()
            for (table,) in tables:
                data = bytearray()
                with conn.cursor().copy(f'COPY public."{table}" TO STDOUT (FORMAT binary)') as copy:
                    for chunk in copy:
                        data += chunk
                self.rows[table] = bytes(data)
            self.sequences = []
            for (name,) in conn.execute("SELECT sequencename FROM pg_sequences "
                                        "WHERE schemaname = 'public'").fetchall():
                last, called = conn.execute(
                    f'SELECT last_value, is_called FROM public."{name}"').fetchone()
                self.sequences.append((name, last, called))
            self.triggers = conn.execute(
                "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND c.relnamespace = 'public'::regnamespace").fetchall()

    _ENABLE = {"O": "ENABLE", "A": "ENABLE ALWAYS", "R": "ENABLE REPLICA", "D": "DISABLE"}
    MAX_PUT_BACKS = 20          # then a new copy: no dead rows pile up

    def put_back(self, name: str, since: int = -1) -> bool:
        """The template's rows in ``name`` again; False when that could not be done
        (someone holds a lock on it, or it was put back often enough): the caller
        makes a new copy."""
        import psycopg

        done = self._put_backs.get(name, 0)
        if done >= self.MAX_PUT_BACKS:
            self._put_backs[name] = 0
            return False
        self._put_backs[name] = done + 1
        try:
            with psycopg.connect(pg_url(name).replace("+psycopg", ""), connect_timeout=3) as conn:
                conn.execute("SET lock_timeout = '3s'")
                conn.execute("SET LOCAL session_replication_role = replica")
                for table, trigger, _state in self.triggers:
                    conn.execute(f'ALTER TABLE public."{table}" DISABLE TRIGGER "{trigger}"')
                cursor = conn.cursor()
                written = {t for t, at in _table_writes.items() if at > since}
                for table, data in self.rows.items():
                    if table not in written:
                        continue
                    cursor.execute(f'DELETE FROM public."{table}"')
                    if data:
                        with cursor.copy(f'COPY public."{table}" FROM STDIN (FORMAT binary)') as copy:
                            copy.write(data)
                if self.sequences:           # one round trip for all of them
                    cursor.execute("SELECT " + ", ".join(["setval(%s, %s, %s)"] * len(self.sequences)),
                                   [v for seq, last, called in self.sequences
                                    for v in (f'public."{seq}"', last, called)])
                for table, trigger, state in self.triggers:
                    conn.execute(f'ALTER TABLE public."{table}" {self._ENABLE[state]} TRIGGER "{trigger}"')
            return True
        except psycopg.Error:
            return False


_pg_row_sets: dict[str, _PgRows] = {}


def _pg_rows(template: str) -> _PgRows:
    if template not in _pg_row_sets:
        _pg_row_sets[template] = _PgRows(template)
    return _pg_row_sets[template]


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
            self.url = self.app_url = f"sqlite:///{self.path}"
        else:
            self.name = f"kefu_test_{os.getpid()}_{n}"
            if tpl:
                _pg_copies(tpl).take_as(self.name)
            else:
                with pg_admin_conn() as conn:
                    conn.execute(f'CREATE DATABASE "{self.name}"')
            self.url = pg_url(self.name)            # the owner's (migrations, DBA)
            self.app_url = pg_url(self.name, PG_APP_ROLE) if tpl and PG_APP_ROLE else self.url

    def refill(self, templates: dict) -> None:
        """Make this database a fresh copy of the template again, under the same
        name (its engine must be disposed first): the cached app keeps its URL."""
        tpl = _template_for(self.backend, templates)
        if self.backend == "sqlite":
            for suffix in ("-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            shutil.copyfile(tpl, self.path)
        elif getattr(self, "rows_only", False) and _pg_rows(tpl).put_back(self.name,
                                                                            self.changes_at):
            self.put_back = True
        else:
            _pg_copies(tpl).take_as(self.name, replacing=True)
            self.put_back = False

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
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database.app_url, **(extra or {})})
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


# -- skipping the refill of an untouched PostgreSQL database -------------------------
#
# Many tests only read (GET pages, EXPLAIN plans, exports).  A PostgreSQL database no
# statement has changed since it was copied is still an exact copy of the template,
# so the next test may have it as it is instead of a new copy.  Every statement any
# SQLAlchemy engine of this process sends (the app's, its threads', owner_engine's,
# a CLI command's) is looked at here; anything but a plain read counts as a
# change.  Conservative on purpose: a SELECT that calls nextval/setval, a WITH (it
# may hold an INSERT), EXPLAIN ANALYZE (it runs the statement), DDL, VACUUM/ANALYZE
# (they change plans), COPY, anything unknown: all count.  SQLite is always refilled
# (a file copy costs milliseconds there).

_READS = ("SELECT", "SHOW", "EXPLAIN", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT",
          "RELEASE", "SET", "RESET")
_CHANGES_IN_A_READ = re.compile(r"\b(nextval|setval|analy[sz]e|pg_terminate_backend|"
                                r"lo_\w+|dblink\w*|into)\b", re.I)
_changes_seen = [0]        # statements that may have changed a database, this process


def _may_change(statement: str) -> bool:
    words = statement.lstrip(" (\n\t").split(None, 1)
    if not words or words[0].upper() not in _READS:
        return True
    return bool(_CHANGES_IN_A_READ.search(statement))


# Statements that change rows and nothing else: a database only they changed is put
# back by rewriting its rows (``_PgRows``); anything else (DDL, grants, triggers,
# ANALYZE, a WITH, SELECT … INTO, large objects, COPY, DO blocks…) gets a new copy.
_ROW_WRITES = ("INSERT", "UPDATE", "DELETE")
_SEQUENCE_READ = re.compile(r"\b(nextval|setval)\b", re.I)
_schema_changes_seen = [0]   # statements that may have changed more than rows


_WRITTEN_TABLE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?(?:[\s(]|$)', re.I)
_table_writes: dict[str, int] = {}   # table → _changes_seen when last written, this process
# Tables the database's own triggers write when a table is written: put back too
# (migration 3c8d1f5a7e92: the fee notices' counts per month and building).
_TRIGGER_WRITES = {"fee_notice": ("fee_notice_month",), "unit": ("fee_notice_month",)}


def _may_change_more_than_rows(statement: str) -> bool:
    words = statement.lstrip(" (\n\t").split(None, 1)
    if not words:
        return True
    first = words[0].upper()
    if first in _ROW_WRITES:
        written = _WRITTEN_TABLE.match(statement)
        if written is None:              # a form not read here: more than known rows
            return True
        table = written.group(1).lower()
        for changed in (table, *_TRIGGER_WRITES.get(table, ())):
            _table_writes[changed] = _changes_seen[0]
        return False
    if first in _READS:
        # a read that writes through a function (nextval/setval: sequences are put
        # back too); anything else _may_change flags (INTO, ANALYZE…) is more
        return bool(_CHANGES_IN_A_READ.search(_SEQUENCE_READ.sub("", statement)))
    return True


def _watch_statements() -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "before_cursor_execute")
    def _note(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        if executemany or _may_change(statement):
            _changes_seen[0] += 1
            if _may_change_more_than_rows(statement):
                _schema_changes_seen[0] += 1


_watch_statements()


def _reused_app(backend: str, templates: dict, cached: dict, fresh: bool = False):
    if backend not in cached:
        app, database = _make_app(backend, templates)
        views = {view: dict(view.__dict__) for view in app.extensions["admin"][0]._views}
        cached[backend] = (app, database, (dict(app.config), views))
        database.untouched = True            # a fresh copy
        database.changes_at = _changes_seen[0]
        database.schema_changes_at = _schema_changes_seen[0]
        return app
    app, database, (config, views) = cached[backend]
    if fresh and getattr(database, "put_back", False):
        database.rows_only = database.untouched = False     # a new copy: no dead rows
    if not (backend == "postgresql" and getattr(database, "untouched", False)):
        database.refill(templates)
    database.untouched = False               # until the test ends having changed nothing
    database.changes_at = _changes_seen[0]
    database.schema_changes_at = _schema_changes_seen[0]
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
def app(request, backend, templates, app_cache):
    # a test reading query plans gets a new copy: the indexes of a database whose
    # rows were put back hold dead entries, and tiny tables' plans follow their size
    fresh = request.node.get_closest_marker("fresh_database") is not None
    app = _reused_app(backend, templates, app_cache, fresh)
    # taken after the app and its database: the first PostgreSQL copy starts the
    # template-copy thread, which never ends (each worker waited 30 s for it)
    before = set(threading.enumerate())
    yield app
    for thread in set(threading.enumerate()) - before:
        thread.join(30)          # e.g. a history verification: done before the refill
    _dispose(app)
    database = app.extensions["kefu_test_db"]
    database.untouched = _changes_seen[0] == database.changes_at   # see _may_change
    database.rows_only = _schema_changes_seen[0] == database.schema_changes_at


@pytest.fixture(scope="session")
def shared_app_cache(templates):
    """The apps ``shared_app`` hands out, one per backend (see ``app_cache``)."""
    cached: dict[str, tuple] = {}
    yield cached
    for app, database, _config in cached.values():
        _dispose(app)
        database.drop()


@pytest.fixture(scope="module", params=_backend_params())
def shared_app(request, templates, shared_app_cache):
    """One database per module, for read-only test matrices (hundreds of requests).

    The app itself is built once per backend and process, like ``app``'s (a second
    one, so a module's ``app`` tests do not refill the database its matrix reads):
    a new app per module compiled every template and every SQL statement again —
    half of a first walk over all pages (13 s cold, 4 s warm)."""
    if request.param == "postgresql":
        reason = _pg_available()
        if reason:
            pytest.skip(reason)
    app = _reused_app(request.param, templates, shared_app_cache)
    yield app
    _dispose(app)
    database = app.extensions["kefu_test_db"]
    database.untouched = _changes_seen[0] == database.changes_at   # see _may_change
    database.rows_only = _schema_changes_seen[0] == database.schema_changes_at


@pytest.fixture(scope="session")
def chromium_process():
    """One headless Chromium per test process, for every browser test module
    (``tests.browser_support.chromium``): launching it per module cost a second or
    two each time.  Closed when the session ends."""
    from tests.browser_support import launch_chromium

    pw, browser = launch_chromium()
    yield browser
    browser.close()
    pw.stop()


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
        self._tokens: dict[tuple, str] = {}
        self._login_key: tuple | None = None    # set when signed in by the fixture

    def _csrf_secrets(self) -> tuple | None:
        """What the session's CSRF tokens are derived from (Flask-WTF's secret, and
        Flask-Admin's own form secret), or None when the session has none yet."""
        cookie = self.client.get_cookie(self.app.config["SESSION_COOKIE_NAME"])
        if cookie is None:
            return None
        serializer = self.app.session_interface.get_signing_serializer(self.app)
        try:
            data = serializer.loads(cookie.value)
        except Exception:  # noqa: BLE001 — not ours to judge here: fetch a page
            return None
        return (data["csrf_token"], data.get("csrf")) if "csrf_token" in data else None

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
        if "csrf_token" not in (data or {}):
            data = {**(data or {}), "csrf_token": self._cached_token(token_from or "/admin/")}
        return self.client.post(url, data=dict(data), **kw)

    def _cached_token(self, url: str) -> str:
        """The token ``url`` gave while the session's CSRF secret was the same one
        (a token stays valid as long as that secret does): the dashboard is no
        longer rendered before every POST just to read it."""
        secrets = self._csrf_secrets()
        if secrets is not None and (url, secrets) in self._tokens:
            return self._tokens[(url, secrets)]
        token = self.token(url)
        secrets = self._csrf_secrets()
        if secrets is not None:
            self._tokens[(url, secrets)] = token
            if self._login_key is not None and url == "/admin/":
                _remember_token(self, secrets, token)
        return token

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


_login_cookies: dict[tuple, tuple[str, dict]] = {}   # fingerprint → (cookie, tokens)


def _login_fingerprint(app, username: str) -> tuple | None:
    """What a session cookie's validity depends on: the account as stored (active,
    session epoch, password hash) and what it still has to change."""
    from sqlalchemy import select

    from models import Staff
    from rules.staff import must_change

    with app.app_context():
        row = db.session.execute(select(Staff.id, Staff.active, Staff.session_epoch,
                                        Staff.password_hash)
                                 .where(Staff.username == username)).one_or_none()
        if row is None:
            return None
        return (db.engine.dialect.name, username, *row, must_change(row.id))


def _remember_token(b: Browser, secrets: tuple, token: str) -> None:
    """Give the cached login cookie this session's CSRF secret (nothing else of the
    session: the cookie is re-signed from the one the login made), so later
    sign-ins of the same account can post without first fetching a token."""
    cookie, tokens = _login_cookies.get(b._login_key, (None, {}))
    if cookie is None or tokens:
        return
    serializer = b.app.session_interface.get_signing_serializer(b.app)
    data = serializer.loads(cookie)
    data["csrf_token"] = secrets[0]
    if secrets[1] is not None:
        data["csrf"] = secrets[1]
    _login_cookies[b._login_key] = (serializer.dumps(data), {("/admin/", secrets): token})


@pytest.fixture
def browser(app):
    """``browser("clerk")`` → a client signed in as clerk.  The first sign-in per
    account state is a real login; later ones reuse its session cookie while the
    account's state (and so the cookie's validity) is the same — every test starts
    from a copy of the same template and the SECRET_KEY does not change."""
    cookie_name = app.config["SESSION_COOKIE_NAME"]

    def make(username: str | None = None) -> Browser:
        b = Browser(app)
        if username:
            key = _login_fingerprint(app, username)
            b._login_key = key
            if key is not None and key in _login_cookies:
                cookie, tokens = _login_cookies[key]
                b.client.set_cookie(cookie_name, cookie)
                b.username, b._tokens = username, dict(tokens)
                return b
            resp = b.login(username)
            assert resp.status_code == 302, f"login {username} failed: {resp.status_code}"
            if key is not None:
                _login_cookies[key] = (b.client.get_cookie(cookie_name).value, {})
        return b

    return make


def text_of(resp) -> str:
    return resp.get_data(as_text=True)


__all__ = ["Browser", "csrf_from", "text_of", "owner_engine", "DEMO_PASSWORD", "DEMO_PIN"]
