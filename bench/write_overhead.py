"""What history costs a write: the same writes with and without the audit listener.

Builds a throw-away database (migrations + demo data), then times N single-row
transactions two ways, interleaved in rounds so drift hits both alike:

- ``ORM``: add one 公共信息记录表 line and commit (the write the register makes);
- ``app``: POST the create form through the real app (login, CSRF, rules), server side.

"with history" is the app as it runs; "without" has the listener that writes the
history entry (``audit.listener._after_flush``) detached for those writes.  Prints
median / p95 ms and the ratio of the medians.

    .venv/bin/python bench/write_overhead.py                 # SQLite
    .venv/bin/python bench/write_overhead.py --pg postgresql://postgres@127.0.0.1:5432/postgres
"""
from __future__ import annotations

import argparse
import contextlib
import re
import statistics
import time
from datetime import timedelta

from common import backend_name, database, pct, sa_url, signed_in_client


@contextlib.contextmanager
def without_history():
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from audit import listener

    event.remove(Session, "after_flush", listener._after_flush)
    try:
        yield
    finally:
        event.listen(Session, "after_flush", listener._after_flush)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pg")
    ap.add_argument("--n", type=int, default=400, help="writes per variant")
    args = ap.parse_args()
    with database(args.pg) as url:
        run(sa_url(url), args.n, backend_name(url))


def run(url: str, n: int, backend: str) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from app import create_app
    from audit import system_actor
    from i18n import local_now
    from models.audit import AuditEntry
    from models.base import db, utcnow
    from models.public_info import PublicInfoEntry
    from models.reference import Property, Unit
    from models.staff import Staff

    app = create_app("default", {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_TIME_LIMIT": None})
    with app.app_context():
        upgrade()
        assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
        pid = db.session.execute(select(Property.id).where(Property.code == "DEMO")).scalar()
        clerk = db.session.execute(select(Staff.id).where(Staff.username == "clerk")).scalar()
        unit = db.session.execute(select(Unit.id).where(Unit.property_id == pid)).scalars().first()

    def orm_write() -> float:
        with app.app_context(), system_actor("bench"):
            t = time.perf_counter()
            db.session.add(PublicInfoEntry(
                property_id=pid, received_at=utcnow(), unit_id=unit, caller_name="业主",
                caller_phone="13800000000", reason="楼道灯不亮", category="C",
                receiver_id=clerk, created_by_id=clerk))
            db.session.commit()
            return (time.perf_counter() - t) * 1000

    client = signed_in_client(app, "clerk")
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/admin/public_info/new/").get_data(as_text=True)).group(1)
    typed = (local_now() - timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S")

    def app_write() -> float:
        t = time.perf_counter()
        r = client.post("/admin/public_info/new/", data={
            "csrf_token": token, "received_at": typed, "unit": unit, "caller_name": "业主",
            "caller_phone": "13800000000", "reason": "楼道灯不亮", "category": "C"})
        ms = (time.perf_counter() - t) * 1000
        assert r.status_code == 302, r.status_code
        return ms

    with app.app_context():
        before = db.session.execute(select(func.count()).select_from(AuditEntry)).scalar()
    times: dict[tuple[str, bool], list[float]] = {}
    for _ in range(5):                                        # warm-up, both paths
        orm_write(), app_write()
    for rnd in range(10):                                     # interleaved rounds
        for history in (True, False):
            ctx = contextlib.nullcontext() if history else without_history()
            with ctx:
                for name, fn in (("ORM add + commit", orm_write), ("app POST create", app_write)):
                    times.setdefault((name, history), []).extend(fn() for _ in range(n // 10))
    with app.app_context():
        after = db.session.execute(select(func.count()).select_from(AuditEntry)).scalar()
        db.engine.dispose()
    print(f"{backend}: {n} writes per variant, one row per transaction (ms)")
    for name in ("ORM add + commit", "app POST create"):
        w, wo = times[(name, True)], times[(name, False)]
        print(f"  {name:<18} with history {statistics.median(w):6.2f} / p95 {pct(w, 95):6.2f}   "
              f"without {statistics.median(wo):6.2f} / p95 {pct(wo, 95):6.2f}   "
              f"ratio {statistics.median(w) / statistics.median(wo):.2f}×")
    print(f"  history entries written: {after - before} (expected {2 * n + 10})")


if __name__ == "__main__":
    main()
