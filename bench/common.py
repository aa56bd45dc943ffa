"""What every benchmark shares: a throw-away database (SQLite file or a fresh
PostgreSQL database, dropped afterwards unless kept), the app served by gunicorn on
127.0.0.1, and a small HTTP client that signs in like a browser (CSRF included)."""
from __future__ import annotations

import atexit
import contextlib
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if "KEFU_INSTANCE_DIR" not in os.environ:       # compiled catalogues; removed at exit
    os.environ["KEFU_INSTANCE_DIR"] = tempfile.mkdtemp(prefix="kefu-bench-")
    atexit.register(shutil.rmtree, os.environ["KEFU_INSTANCE_DIR"], True)
os.environ.setdefault("SECRET_KEY", "bench")


def sa_url(url: str) -> str:
    """The SQLAlchemy form of a database URL (PostgreSQL through psycopg 3)."""
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@contextlib.contextmanager
def database(pg: str | None = None, reuse: str | None = None,
             keep: bool = False) -> Iterator[str]:
    """A database URL for one benchmark: ``reuse`` as given; else a new PostgreSQL
    database on the server ``pg`` or a new SQLite file, dropped (deleted) afterwards
    unless ``keep`` (then its URL is printed for --reuse)."""
    if reuse:
        yield reuse
        return
    if pg:
        import psycopg

        name = f"kefu_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(pg, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = pg.rsplit("/", 1)[0] + "/" + name

        def drop() -> None:
            with psycopg.connect(pg, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        folder = tempfile.mkdtemp(prefix="kefu-bench-")
        url = f"sqlite:///{folder}/bench.sqlite3"

        def drop() -> None:
            shutil.rmtree(folder, ignore_errors=True)
    try:
        yield url
    finally:
        if keep:
            print(f"database kept: --reuse {url}")
        else:
            drop()


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of ``values``."""
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def machine_ms(loops: int = 7) -> float:
    """Median ms of a fixed piece of pure Python (1,000,000 multiply-adds): how fast
    this machine runs right now.  A 2-core VM here drifts by a quarter or a third
    between minutes; a benchmark prints this beside its figures so that two runs
    can be told apart from two machines' moods (lower is faster: 55-56 ms in a calm
    half hour here, 59-90 ms in slow minutes)."""
    import statistics

    def once() -> float:
        t = time.perf_counter()
        s = 0
        for i in range(1_000_000):
            s += i * i
        return (time.perf_counter() - t) * 1000

    return statistics.median(once() for _ in range(loops))


@contextlib.contextmanager
def indexes_deferred(conn, table) -> Iterator[None]:
    """Drop ``table``'s secondary indexes for a bulk load and build them again after.

    Building a (trigram) index once over a million rows takes minutes; keeping it
    up to date row by row took the PostgreSQL build ~50 minutes per register on a
    loaded machine.  The indexes come back from their own stored definitions, so the
    measured database has exactly the migrations' indexes.  Constraint-backed
    indexes (primary keys, unique constraints) stay.
    """
    from sqlalchemy import text

    name = table.name
    if conn.dialect.name == "postgresql":
        defs = conn.execute(text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.tablename = :t AND i.schemaname = current_schema() AND NOT EXISTS ("
            " SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"), {"t": name}).all()
    else:
        defs = conn.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t "
            "AND sql IS NOT NULL"), {"t": name}).all()
    for index, _sql in defs:
        conn.execute(text(f'DROP INDEX "{index}"'))
    try:
        yield
    finally:
        t0 = time.perf_counter()
        for _index, sql in defs:
            conn.execute(text(sql))
        print(f"  {len(defs)} indexes of {name} built in {time.perf_counter() - t0:.0f} s",
              flush=True)


def insert_batched(conn, table, rows, size: int = 20_000) -> None:
    """Core INSERTs of ``rows`` (an iterable of dicts) in batches of ``size``."""
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            conn.execute(table.insert(), batch)
            batch = []
    if batch:
        conn.execute(table.insert(), batch)


def backend_name(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(url: str, workers: int = 2, *extra: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """The app under gunicorn (gunicorn.conf.py) on a free loopback port; yields its
    base URL and the master process, and stops it afterwards."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "BIND": f"127.0.0.1:{port}",
           "WEB_CONCURRENCY": str(workers), "KEFU_CONFIG": "default", "SECRET_KEY": "bench"}
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                             "--access-logfile", "/dev/null", *extra, "wsgi:app"], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login", timeout=2)
                break
            except Exception:  # noqa: BLE001 - not listening yet
                if proc.poll() is not None:
                    break
                time.sleep(0.3)
        else:
            proc.poll()
        if proc.returncode is not None:          # it did not start: say why
            log.seek(0)
            raise RuntimeError("gunicorn exited:\n" + log.read().decode("utf-8", "replace")[-3000:])
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(10)
        log.close()


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)


def server_ms(header: str | None) -> float | None:
    """The app's own time from a ``Server-Timing: app;dur=12.3`` header."""
    found = re.search(r"app;dur=([0-9.]+)", header or "")
    return float(found.group(1)) if found else None


class Client:
    """A browser-like client: cookies, CSRF token from the login page."""

    def __init__(self, base: str):
        self.base = base
        self.jar = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(self.jar)

        class Keep(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *a, **kw):
                return None

        self.no_redirect = urllib.request.build_opener(self.jar, Keep())

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.base + path, timeout=60) as r:
            self.server_ms = server_ms(r.headers.get("Server-Timing"))
            return r.status, r.read().decode("utf-8")

    def post(self, path: str, data: dict) -> tuple[int, str]:
        """POST a form; redirects are not followed (a 302 is the success)."""
        req = urllib.request.Request(self.base + path,
                                     data=urllib.parse.urlencode(data).encode(), method="POST")
        try:
            with self.no_redirect.open(req, timeout=60) as r:
                return r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")

    def login(self, username: str, password: str = "demo-pass-2026") -> None:
        token = csrf_token(self.get("/login")[1])
        data = urllib.parse.urlencode({"username": username, "password": password,
                                       "csrf_token": token}).encode()
        self.opener.open(self.base + "/login", data=data, timeout=60).read()


def signed_in_client(app, username: str, password: str = "demo-pass-2026"):
    """A Flask test client of ``app`` signed in as ``username``."""
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": username, "password": password,
                                "csrf_token": token})
    return client
