"""Clerks at once against gunicorn + (by default) PostgreSQL, 60 seconds; with
``--instances 2`` two gunicorn instances on different ports share one database
and every clerk's requests go to either at random (one session cookie for both:
nothing lives in one instance), the instances connecting as the least-privilege
app role (``ops.pgroles``).

Each simulated clerk signs in with their own login and, until the time is up,
repeats a desk's mix of work with a short pause between actions (a clerk types;
--think sets the pause): issue a key at the desk and return it, log a call in the
公共信息记录表, raise a service order, open the key checkout log and the public
information log.  Every request is timed on the client; the report gives, per
action, the count, median, p95 and any 5xx, then runs ``audit verify`` on the
database to show the history chain is intact after the burst, checks that no key
was out twice at once and that service-order numbers have no gap, and (``--chain-
seconds``) measures the single history chain's ceiling: writers committing one
audited row each as fast as they can, in-process, for that long.

    .venv/bin/python bench/load_test.py --pg postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/load_test.py --pg … --instances 2 --clerks 40 --chain-seconds 20
    .venv/bin/python bench/load_test.py                  # SQLite (WAL, busy timeout)

Bounded: --seconds (default 60), --clerks (default 20); loopback only.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict

from sqlalchemy.engine import make_url

from common import ROOT, Client, backend_name, csrf_token, database, pct, sa_url, serve

PASSWORD = "load-pass-2026"
REASONS = ["设备巡检", "维修水管", "电表抄表", "消防检查", "清洁保养"]
CALLS = ["楼道灯不亮", "咨询物业费", "地库有积水", "邻居装修噪音", "快递无人签收", "电梯异响"]


def build(url: str, clerks: int) -> dict:
    """Schema, demo data, one login and ten keys per clerk; ids the forms need."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from app import create_app
    from audit import system_actor
    from models.base import db
    from models.keys import Key
    from models.reference import Property, Unit
    from models.service_orders import ServicePrice
    from models.staff import Staff

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
        pid = db.session.execute(select(Property.id).where(Property.code == "DEMO")).scalar()
        with system_actor("bench"):
            for c in range(clerks):
                s = Staff(username=f"load{c:02d}", full_name=f"前台{c:02d}", property_id=pid,
                          roles="clerk")
                s.set_password(PASSWORD)
                db.session.add(s)
                for k in range(10):
                    db.session.add(Key(property_id=pid, label=f"L{c:02d}-{k}", place="设备间",
                                       category="public", status="in_use"))
            db.session.commit()
        units = db.session.execute(select(Unit.id).where(Unit.property_id == pid)).scalars().all()
        price = db.session.execute(select(ServicePrice.id).where(
            ServicePrice.property_id == pid)).scalars().first()
        borrower = db.session.execute(select(Staff.id).where(Staff.username == "security")
                                      ).scalar()
        db.engine.dispose()
    return {"units": units, "price": price, "borrower": borrower}


def clerk_loop(bases: list[str], n: int, ids: dict, stop: float, think: tuple[float, float],
               results: dict, lock: threading.Lock, seed: int) -> None:
    rng = random.Random(seed)
    c = Client(bases[n % len(bases)])
    c.login(f"load{n:02d}", PASSWORD)
    token = csrf_token(c.get("/admin/key_desk/")[1])
    out: set[str] = set()

    def timed(name, fn):
        c.base = rng.choice(bases)          # any instance: the session is the cookie
        t = time.perf_counter()
        try:
            status = fn()
        except Exception as e:  # noqa: BLE001 - a dropped connection counts as a failure
            status = getattr(e, "code", 599)
        ms = (time.perf_counter() - t) * 1000
        with lock:
            results[name].append((ms, status))

    def issue():
        free = [f"L{n:02d}-{k}" for k in range(10) if f"L{n:02d}-{k}" not in out]
        label = rng.choice(free)
        status, _ = c.post("/admin/key_desk/issue/", {
            "csrf_token": token, "label": label, "borrower_id": ids["borrower"],
            "reason": rng.choice(REASONS)})
        if status == 302:
            out.add(label)
        return status

    def return_():
        label = rng.choice(sorted(out))
        status, _ = c.post("/admin/key_desk/return/", {"csrf_token": token, "label": label})
        if status == 302:
            out.discard(label)
        return status

    def log_call():
        now = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(time.time() - 60))
        return c.post("/admin/public_info/new/", {
            "csrf_token": token, "received_at": now, "unit": rng.choice(ids["units"]),
            "caller_name": "业主", "caller_phone": f"138{rng.randrange(10**8):08d}",
            "reason": rng.choice(CALLS), "category": rng.choice("ABCD")})[0]

    def raise_order():
        return c.post("/admin/service_order/new/", {
            "csrf_token": token, "unit": rng.choice(ids["units"]), "customer_name": "业主",
            "description": "上门维修", "lines-0-price": ids["price"], "lines-0-quantity": "1",
            "department": "engineering"})[0]

    actions = [("issue key", issue, 3), ("return key", return_, 3), ("log a call", log_call, 3),
               ("raise service order", raise_order, 1),
               ("key checkout log", lambda: c.get("/admin/key_checkout/")[0], 2),
               ("public information log", lambda: c.get("/admin/public_info/")[0], 2)]
    names = [a for a in actions]
    weights = [a[2] for a in actions]
    while time.time() < stop:
        name, fn, _w = rng.choices(names, weights)[0]
        if name == "return key" and not out:
            name, fn = "issue key", issue
        if name == "issue key" and len(out) == 10:
            name, fn = "return key", return_
        timed(name, fn)
        time.sleep(rng.uniform(*think))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pg", help="PostgreSQL server URL (a database is created and dropped)")
    ap.add_argument("--clerks", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--think", type=float, nargs=2, default=(0.2, 1.0),
                    metavar=("MIN", "MAX"), help="pause between a clerk's actions (s)")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    ap.add_argument("--instances", type=int, default=1, help="gunicorn instances (ports)")
    ap.add_argument("--chain-seconds", type=float, default=0,
                    help="then measure the history chain's ceiling for this long")
    ap.add_argument("--chain-writers", type=int, default=40)
    args = ap.parse_args()
    with database(args.pg) as url:
        ids = build(sa_url(url), args.clerks)
        app_url = app_role_url(url) if args.pg else url
        with contextlib.ExitStack() as stack:
            bases = [stack.enter_context(serve(app_url, args.workers))[0]
                     for _ in range(args.instances)]
            results = run(bases, ids, args)
        report(results, url, args)
        print(integrity(sa_url(url)))
        if args.chain_seconds:
            print(chain_ceiling(sa_url(app_url), args.chain_writers, args.chain_seconds))


def app_role_url(url: str) -> str:
    """Grant the least-privilege role in the new database; its URL."""
    from sqlalchemy import create_engine

    from ops.pgroles import grant

    engine = create_engine(sa_url(url))
    with engine.begin() as conn:
        grant(conn, "kefu_bench_app", "kefu-bench-app")
    engine.dispose()
    return make_url(url).set(username="kefu_bench_app", password="kefu-bench-app"
                             ).render_as_string(hide_password=False)


def run(bases: list[str], ids: dict, args) -> dict[str, list]:
    for base in bases:
        warm = Client(base)             # templates compiled, pools filled, per worker
        warm.login("clerk")
        for _ in range(4 * args.workers):
            for path in ("/admin/key_desk/", "/admin/key_checkout/", "/admin/public_info/",
                         "/admin/public_info/new/", "/admin/service_order/new/"):
                warm.get(path)
    results: dict[str, list] = defaultdict(list)
    lock = threading.Lock()
    stop = time.time() + args.seconds
    threads = [threading.Thread(target=clerk_loop, args=(bases, n, ids, stop, args.think,
                                                         results, lock, n))
               for n in range(args.clerks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(args.seconds + 120)
    return results


def integrity(url: str) -> str:
    """No key out twice at once; service-order numbers 1…N per property, no gap."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        spans = conn.execute(text(
            "SELECT key_id, out_at, returned_at FROM key_checkout WHERE voided_at IS NULL "
            "ORDER BY key_id, out_at")).all()
        serials = conn.execute(text(
            "SELECT property_id, serial_no FROM service_order ORDER BY 1, 2")).all()
    engine.dispose()
    twice = 0
    for (k1, _o1, r1), (k2, o2, _r2) in zip(spans, spans[1:]):
        if k1 == k2 and (r1 is None or r1 > o2):
            twice += 1
    per: dict[int, list[int]] = defaultdict(list)
    for pid, no in serials:
        per[pid].append(no)
    gaps = sum(len(set(range(1, max(v) + 1)) - set(v)) for v in per.values())
    dupes = sum(len(v) - len(set(v)) for v in per.values())
    return (f"integrity: {len(spans)} key checkouts, {twice} keys out twice at once; "
            f"{len(serials)} service orders, {gaps} numbers missing, {dupes} used twice")


def chain_ceiling(url: str, writers: int, seconds: float) -> str:
    """``writers`` threads, each committing one audited row (a building) per
    transaction as fast as it can: history entries per second through the one
    chain (its lock serialises them)."""
    from sqlalchemy import func, select

    from app import create_app
    from audit import system_actor
    from models.audit import AuditEntry
    from models.base import db
    from models.reference import Building, Property

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {
        "pool_size": writers, "max_overflow": 0}})
    with app.app_context():
        pid = db.session.execute(select(Property.id).where(Property.code == "DEMO")).scalar()
        first = db.session.execute(select(func.max(AuditEntry.id))).scalar()
        db.session.remove()
    counts = [0] * writers
    stop = time.perf_counter() + seconds

    def work(i: int) -> None:
        with app.app_context(), system_actor(f"chain{i}"):
            while time.perf_counter() < stop:
                db.session.add(Building(property_id=pid, name=f"链{i}-{counts[i]}"))
                db.session.commit()
                counts[i] += 1
            db.session.remove()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(writers)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - started
    with app.app_context():
        last = db.session.execute(select(func.max(AuditEntry.id))).scalar()
        db.engine.dispose()
    return (f"history chain ceiling: {writers} writers, {took:.1f} s: {sum(counts)} commits, "
            f"{last - first} entries, {(last - first) / took:.0f} entries/s")


def report(results: dict[str, list], url: str, args) -> None:
    total = sum(len(v) for v in results.values())
    print(f"{backend_name(url)}: {args.clerks} clerks, {args.seconds:.0f} s, "
          f"{args.instances} gunicorn instance(s) × {args.workers} workers × 2 threads, pause {args.think[0]}–{args.think[1]} s between "
          f"actions; {total} requests ({total / args.seconds:.1f}/s)")
    every = []
    for name, rows in results.items():
        ms = [m for m, _s in rows]
        every += ms
        errors = sum(1 for _m, s in rows if s >= 500)
        ok = 200 if name.endswith(" log") else 302      # a POST succeeds by redirecting
        other = sum(1 for _m, s in rows if s != ok and s < 500)
        print(f"  {name:<24} n {len(rows):5d}   median {statistics.median(ms):6.1f}   "
              f"p95 {pct(ms, 95):6.1f}   5xx {errors}   not done {other}")
    print(f"  {'all requests':<24} n {len(every):5d}   median {statistics.median(every):6.1f}"
          f"   p95 {pct(every, 95):6.1f}")
    t = time.perf_counter()
    verify = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "audit", "verify"],
                            cwd=ROOT, env={**os.environ, "DATABASE_URL": url},
                            capture_output=True, text=True)
    print(f"audit verify: exit {verify.returncode} in {time.perf_counter() - t:.1f} s: "
          f"{(verify.stdout or verify.stderr).strip().splitlines()[-1:]}")


if __name__ == "__main__":
    main()
