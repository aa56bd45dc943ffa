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
import urllib.parse
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
        # a name in the demo data's history only: rare among the benchmark's entries
        rare_actor = db.session.execute(select(AuditEntry.actor_name).where(
            AuditEntry.actor_name != "bench").order_by(AuditEntry.id).limit(1)).scalar()
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
        res = verify(db.engine, check_rows=True)
        assert res.ok, res.problems[:3]

    client = signed_in_client(app, "auditor")
    print(f"{backend}: {total:,} history entries (loaded in {load_s:.0f} s)")
    print(f"  audit verify (chain + {res.rows_checked:,} live rows): {res.seconds:.1f} s")
    times = timed(client, f"/admin/key/history/?id={target}", 30)
    print(f"  one key's history page: median {statistics.median(times):.1f} ms, "
          f"p95 {pct(times, 95):.1f} ms")
    # The log's own list (审计日志), as an auditor browses it: nearly every entry is
    # the benchmark's; the demo data's few hundred are the rare ones.
    q = urllib.parse.quote
    with app.test_request_context():
        from flask_babel import force_locale
        with force_locale("en"):
            view = next(v for v in app.extensions["admin"][0]._views
                        if v.endpoint == "audit_log")
            flt: dict[str, int] = {}            # column -> its first filter ("equals")
            for i, f in enumerate(view._filters or ()):
                flt.setdefault(getattr(getattr(f, "column", None), "key", ""), i)
    scenarios = [("first page", ""), ("page 1000", "?page=999"),
                 (f"search, rare staff name ({rare_actor})", f"?search={q(rare_actor)}"),
                 ("search, common staff name (bench)", "?search=bench"),
                 ("search, record number (row id)", f"?search={target}"),
                 ("filter, register = key_checkout (rare)",
                  f"?flt0_{flt['table_name']}=key_checkout"),
                 ("filter, action = insert (rare)", f"?flt0_{flt['action']}=insert")]
    for name, query in scenarios:
        times = timed(client, f"/admin/audit_log/{query}", 10)
        rows = client.get(f"/admin/audit_log/{query}").get_data(as_text=True).count(
            '<td class="col-id">')
        print(f"  audit log list, {name}: median {statistics.median(times):.1f} ms, "
              f"p95 {pct(times, 95):.1f} ms ({rows} rows)", flush=True)


def timed(client, url: str, n: int) -> list[float]:
    """``n`` timings (ms) of GET ``url``, after one warm-up; each must answer 200."""
    assert client.get(url).status_code == 200, url
    times = []
    for _ in range(n):
        t = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, url
    return times


if __name__ == "__main__":
    main()
