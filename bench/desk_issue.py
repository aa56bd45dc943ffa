"""Key desk latency: issue by label and return by label, through the real app.

Builds a throw-away database (migrations + demo data + N extra keys), logs in as the
demo clerk, then times each POST (CSRF token included) server-side through the
Flask test client.  Prints median and p95 in ms.  Bounded: --n requests each.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("KEFU_INSTANCE_DIR", tempfile.mkdtemp(prefix="kefu-bench-"))
os.environ.setdefault("SECRET_KEY", "bench")


def build(url: str, n_keys: int):
    from flask_migrate import upgrade

    from app import create_app
    from audit import system_actor
    from models.base import db
    from models.keys import Key
    from models.reference import Property
    from sqlalchemy import select

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_TIME_LIMIT": None})
    with app.app_context():
        upgrade()
        assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
        with system_actor("bench"):
            pid = db.session.execute(select(Property.id).where(Property.code == "DEMO")).scalar()
            for i in range(n_keys):
                db.session.add(Key(property_id=pid, label=f"B{i:04d}", place=f"机房 {i}",
                                   category="public", status="in_use", cabinet="Z柜"))
            db.session.commit()
    return app


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pg", help="PostgreSQL server URL (a database is created and dropped)")
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--keys", type=int, default=500)
    args = ap.parse_args()
    dbname = None
    if args.pg:
        import psycopg

        dbname = f"kefu_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.pg, autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{dbname}"')
        url = args.pg.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + "/" + dbname
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='kefu-bench-')}/bench.sqlite3"
    try:
        app = build(url, args.keys)
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)
        client.post("/login", data={"username": "clerk", "password": "demo-pass-2026",
                                    "csrf_token": token})
        desk = client.get("/admin/key_desk/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', desk).group(1)
        borrower = re.search(r'<option value="(\d+)"', desk).group(1)
        issue, ret = [], []
        for i in range(args.n):
            label = f"B{i % args.keys:04d}"
            t0 = time.perf_counter()
            r = client.post("/admin/key_desk/issue/", data={
                "csrf_token": token, "label": label, "borrower_id": borrower, "reason": "巡检"})
            issue.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 302, r.status_code
            t0 = time.perf_counter()
            r = client.post("/admin/key_desk/return/", data={"csrf_token": token, "label": label})
            ret.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 302, r.status_code
        backend = "PostgreSQL" if args.pg else "SQLite"
        print(f"{backend}, {args.keys + 9} keys, {args.n} issues + {args.n} returns (ms, server side)")
        for name, xs in (("issue by label", issue), ("return by label", ret)):
            print(f"  {name:<16} median {statistics.median(xs):6.1f}   p95 {pct(xs, 95):6.1f}")
    finally:
        if dbname:
            import psycopg

            with psycopg.connect(args.pg, autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


if __name__ == "__main__":
    main()
