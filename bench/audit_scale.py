"""History at scale: `audit verify` and one record's history page with N entries.

Builds a throw-away database (migrations + demo data + 1,000 extra keys), then
appends N valid, hash-chained history entries (updates spread over the 1,000 keys,
each carrying the key's real snapshot so the live-row check passes too), and times:
  - `audit verify` (chain + live rows), as the CLI runs it;
  - GET /admin/key/history/?id=… of one demo key (its ~5 entries among N),
    through the real app logged in as the auditor (median and p95 of 30).
Bounded: N entries, 30 requests.  Loopback only.
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--pg", help="PostgreSQL server URL (a database is created and dropped)")
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
        run(url, args.entries, "PostgreSQL" if args.pg else "SQLite")
    finally:
        if dbname:
            import psycopg

            with psycopg.connect(args.pg, autocommit=True) as c:
                c.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def run(url: str, n: int, backend: str) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from app import create_app
    from audit import system_actor
    from audit.chain import canonical_json, entry_hash
    from audit.listener import snapshot_of
    from audit.verify import verify
    from models.audit import AuditEntry
    from models.base import db, utcnow
    from models.keys import Key
    from models.reference import Property

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_TIME_LIMIT": None})
    with app.app_context():
        upgrade()
        assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
        with system_actor("bench"):
            pid = db.session.execute(select(Property.id).where(Property.code == "DEMO")).scalar()
            keys = [Key(property_id=pid, label=f"H{i:04d}", place=f"设备间 {i}", category="public",
                        status="in_use") for i in range(1000)]
            db.session.add_all(keys)
            db.session.commit()
            snaps = [(str(k.id), canonical_json(snapshot_of(k))) for k in keys]
        target = db.session.execute(select(Key.id).where(Key.label == "配电房")).scalar()
        last = db.session.execute(select(AuditEntry.id, AuditEntry.hash)
                                  .order_by(AuditEntry.id.desc()).limit(1)).first()
        last_id, prev = last
        t0 = time.perf_counter()
        table = AuditEntry.__table__
        batch = []
        now = utcnow()
        with db.engine.begin() as conn:
            for i in range(n):
                row_id, snap = snaps[i % len(snaps)]
                last_id += 1
                e = {"id": last_id, "tx_id": uuid.uuid4().hex, "created_at": now,
                     "table_name": "key", "row_id": row_id, "action": "update",
                     "property_id": pid, "actor_id": 1, "actor_name": "bench",
                     "actor_roles": "clerk", "client_addr": "127.0.0.1", "reason": None,
                     "changes": '{"place":["旧","新"]}', "snapshot": snap, "prev_hash": prev}
                e["hash"] = prev = entry_hash(e)
                batch.append(e)
                if len(batch) == 20_000:
                    conn.execute(table.insert(), batch)
                    batch = []
            if batch:
                conn.execute(table.insert(), batch)
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE audit_log"))
        load_s = time.perf_counter() - t0
        total = db.session.execute(text("SELECT count(*) FROM audit_log")).scalar()
        db.session.remove()
        with db.engine.connect() as conn:
            res = verify(conn, check_rows=True)
        assert res.ok, res.problems[:3]

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "auditor", "password": "demo-pass-2026",
                                "csrf_token": token})
    times = []
    for _ in range(30):
        t = time.perf_counter()
        r = client.get(f"/admin/key/history/?id={target}")
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200
    times.sort()
    print(f"{backend}: {total:,} history entries (loaded in {load_s:.0f} s)")
    print(f"  audit verify (chain + {res.rows_checked:,} live rows): {res.seconds:.1f} s")
    print(f"  one key's history page: median {statistics.median(times):.1f} ms, "
          f"p95 {times[int(0.95 * (len(times) - 1))]:.1f} ms")


if __name__ == "__main__":
    main()
