"""Million-row list benchmark: the key checkout log through the real app.

1. builds a throw-away database (migrations + demo data), generates N key
   checkouts (1,000 keys, 300 borrowers with Chinese names, reasons, times over
   three years) with Core bulk inserts — no history for these rows, so verify the
   chain afterwards with ``audit verify --no-rows``;
2. serves the app with gunicorn (2 workers) on 127.0.0.1;
3. logs in as the demo clerk and requests each scenario 30 times (bounded), printing
   median / p95 ms, and the bare SQL time of the same page query for comparison.

    .venv/bin/python bench/list_bench.py --rows 1000000            # SQLite
    .venv/bin/python bench/list_bench.py --rows 1000000 --pg postgresql://postgres@127.0.0.1:5432/postgres
"""
from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
INSTANCE = tempfile.mkdtemp(prefix="kefu-bench-")
os.environ.setdefault("KEFU_INSTANCE_DIR", INSTANCE)
os.environ.setdefault("SECRET_KEY", "bench")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧巧美玉兰桂红霞建国志平"
REASONS = ["设备巡检", "维修水管", "电表抄表", "消防检查", "清洁保养", "空调检修", "装修验收",
           "业主委托开门", "绿化浇水", "电梯维保"]


def build(url: str, rows: int) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from app import create_app
    from audit import system_actor
    from models.base import db
    from models.keys import Key, KeyCheckout
    from models.reference import Property
    from models.staff import Staff

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    rng = random.Random(7)
    with app.app_context():
        upgrade()
        assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
        pid = db.session.execute(select(Property.id).where(Property.code == "DEMO")).scalar()
        with system_actor("bench"):
            people = []
            for i in range(300):
                s = Staff(username=f"b{i:03d}", full_name=rng.choice(SURNAMES) +
                          "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
                          property_id=pid, roles="security", password_hash="x")
                people.append(s)
            people[0].full_name = "欧阳稀有"                 # the rare name searched for
            db.session.add_all(people)
            keys = [Key(property_id=pid, label=f"{b}栋-{n:03d}", place=f"{b}栋设备间 {n}",
                        category="public", status="in_use")
                    for b in range(1, 11) for n in range(100)]
            db.session.add_all(keys)
            db.session.commit()
            staff_ids = [s.id for s in people]
            key_ids = [k.id for k in keys]
        clerk = db.session.execute(select(Staff.id).where(Staff.username == "clerk")).scalar()
        start = datetime(2023, 11, 1)
        table = KeyCheckout.__table__
        t0 = time.perf_counter()
        batch = []
        with db.engine.begin() as conn:
            for i in range(rows):
                out = start + timedelta(minutes=i * (3 * 365 * 24 * 60) // rows)
                borrower = staff_ids[0] if i % 100_000 == 5 else rng.choice(staff_ids[1:])
                batch.append({
                    "property_id": pid, "version": 1, "created_at": out, "created_by_id": clerk,
                    "key_id": rng.choice(key_ids), "borrower_id": borrower,
                    "reason": rng.choice(REASONS), "out_at": out, "issued_by_id": clerk,
                    "returned_at": out + timedelta(hours=2), "received_by_id": clerk})
                if len(batch) == 20_000:
                    conn.execute(table.insert(), batch)
                    batch = []
            if batch:
                conn.execute(table.insert(), batch)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        print(f"generated {rows:,} key checkouts in {time.perf_counter() - t0:.0f} s")
        db.engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.base + path, timeout=60) as r:
            return r.status, r.read().decode("utf-8")

    def login(self, username: str, password: str) -> None:
        _, page = self.get("/login")
        token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"username": username, "password": password,
                                       "csrf_token": token}).encode()
        self.opener.open(self.base + "/login", data=data, timeout=60).read()


def scenarios() -> list[tuple[str, str]]:
    q = urllib.parse.quote
    return [
        ("first page", "/admin/key_checkout/"),
        ("page 1000", "/admin/key_checkout/?page=999"),
        ("search, rare name", f"/admin/key_checkout/?search={q('欧阳稀有')}"),
        ("search, common substring", f"/admin/key_checkout/?search={q('维修')}"),
        ("search, 2 chars mid-word", f"/admin/key_checkout/?search={q('修水')}"),
        ("search, 3+ chars", f"/admin/key_checkout/?search={q('修水管')}"),
        ("search, key label", f"/admin/key_checkout/?search={q('3栋-05')}"),
        ("search, no match", f"/admin/key_checkout/?search={q('无此记录')}"),
        ("one-month date filter", "/admin/key_checkout/?flt0_4="
         + q("2025-03-01 00:00:00 to 2025-03-31 23:59:59")),
        ("sort by returned_at", "/admin/key_checkout/?sort=5&desc=1"),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--pg")
    ap.add_argument("--requests", type=int, default=30)
    args = ap.parse_args()
    dbname = None
    if args.pg:
        import psycopg

        dbname = f"kefu_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.pg, autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{dbname}"')
        url = args.pg.rsplit("/", 1)[0] + "/" + dbname
    else:
        url = f"sqlite:///{INSTANCE}/bench.sqlite3"
    proc = None
    try:
        build(url.replace("postgresql://", "postgresql+psycopg://"), args.rows)
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "BIND": f"127.0.0.1:{port}",
               "WEB_CONCURRENCY": "2", "KEFU_CONFIG": "default", "SECRET_KEY": "bench"}
        proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                                 "--access-logfile", "/dev/null", "app:app"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login", timeout=2)
                break
            except Exception:  # noqa: BLE001
                time.sleep(0.3)
        client = Client(base)
        client.login("clerk", "demo-pass-2026")
        backend = "PostgreSQL" if args.pg else "SQLite"
        print(f"{backend}, {args.rows:,} key checkouts, gunicorn 2 workers, "
              f"{args.requests} requests each (ms)")
        for name, path in scenarios():
            status, body = client.get(path)        # warm
            assert status == 200, (name, status)
            times = []
            for _ in range(args.requests):
                t = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            rows = body.count('class="list-row') or body.count("<tr")
            print(f"  {name:<26} median {statistics.median(times):7.1f}   "
                  f"p95 {times[int(0.95 * (len(times) - 1))]:7.1f}   ({rows} rows on the page)")
    finally:
        if proc:
            proc.send_signal(signal.SIGTERM)
            proc.wait(10)
        if dbname:
            import psycopg

            with psycopg.connect(args.pg, autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


if __name__ == "__main__":
    main()
