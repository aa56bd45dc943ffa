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
import statistics
import time
import uuid

from common import backend_name, database, insert_batched, pct, sa_url, signed_in_client


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--pg", help="PostgreSQL server URL (a database is created and dropped)")
    args = ap.parse_args()
    with database(args.pg) as url:
        run(sa_url(url), args.entries, backend_name(url))


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
        now = utcnow()

        def entries():
            nonlocal last_id, prev
            for i in range(n):
                row_id, snap = snaps[i % len(snaps)]
                last_id += 1
                e = {"id": last_id, "tx_id": uuid.uuid4().hex, "created_at": now,
                     "table_name": "key", "row_id": row_id, "action": "update",
                     "property_id": pid, "actor_id": 1, "actor_name": "bench",
                     "actor_roles": "clerk", "client_addr": "127.0.0.1", "reason": None,
                     "changes": '{"place":["旧","新"]}', "snapshot": snap, "prev_hash": prev}
                e["hash"] = prev = entry_hash(e)
                yield e

        with db.engine.begin() as conn:
            insert_batched(conn, AuditEntry.__table__, entries())
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE audit_log"))
        load_s = time.perf_counter() - t0
        total = db.session.execute(text("SELECT count(*) FROM audit_log")).scalar()
        db.session.remove()
        with db.engine.connect() as conn:
            res = verify(conn, check_rows=True)
        assert res.ok, res.problems[:3]

    client = signed_in_client(app, "auditor")
    times = []
    for _ in range(30):
        t = time.perf_counter()
        r = client.get(f"/admin/key/history/?id={target}")
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200
    print(f"{backend}: {total:,} history entries (loaded in {load_s:.0f} s)")
    print(f"  audit verify (chain + {res.rows_checked:,} live rows): {res.seconds:.1f} s")
    print(f"  one key's history page: median {statistics.median(times):.1f} ms, "
          f"p95 {pct(times, 95):.1f} ms")


if __name__ == "__main__":
    main()
