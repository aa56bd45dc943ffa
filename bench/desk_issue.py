"""Key desk latency: issue by label and return by label, through the real app.

Builds a throw-away database (migrations + demo data + N extra keys), logs in as the
demo clerk, then times each POST (CSRF token included) server-side through the
Flask test client.  Prints median and p95 in ms.  Bounded: --n requests each.
"""
from __future__ import annotations

import argparse
import re
import statistics
import time

from common import backend_name, database, pct, sa_url, signed_in_client


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pg", help="PostgreSQL server URL (a database is created and dropped)")
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--keys", type=int, default=500)
    args = ap.parse_args()
    with database(args.pg) as url:
        app = build(sa_url(url), args.keys)
        client = signed_in_client(app, "clerk")
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
        print(f"{backend_name(url)}, {args.keys + 9} keys, {args.n} issues + {args.n} returns "
              f"(ms, server side)")
        for name, xs in (("issue by label", issue), ("return by label", ret)):
            print(f"  {name:<16} median {statistics.median(xs):6.1f}   p95 {pct(xs, 95):6.1f}")


if __name__ == "__main__":
    main()
