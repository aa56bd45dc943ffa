"""Verifying the history chain while the desk keeps working, and "verify now" as a
background job with a progress/result page."""
from __future__ import annotations

import threading
import time

from sqlalchemy import select, text

from audit import system_actor
from audit.verify import verify
from models.base import db
from models.staff import Staff
from rules.keys import find_key, issue_key, open_checkout, return_key

from .helpers import property_id

DESK = (("clerk", "配电房"), ("clerk2", "消防控制室"), ("clerk", "1栋天台门"))


def _clerk_at_the_desk(app, clerk_name: str, label: str, stop: threading.Event,
                       done: list[int], errors: list[str]) -> None:
    """Issue and return one key over and over through the rules and the ORM, as the
    desk does (so every write has its history), until ``stop`` is set."""
    with app.app_context(), system_actor(clerk_name):
        try:
            pid = property_id("DEMO")
            clerk = db.session.execute(select(Staff).where(Staff.username == clerk_name)).scalar_one()
            borrower = db.session.execute(select(Staff).where(Staff.username == "security")
                                          ).scalar_one()
            while not stop.is_set():
                key = find_key(pid, label)
                checkout = open_checkout(key)
                if checkout is None:
                    issue_key(key, borrower, "夜班巡查", clerk)
                else:
                    return_key(checkout, clerk)
                db.session.commit()
                done.append(1)
        except Exception as exc:  # noqa: BLE001 — reported to the test
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            db.session.remove()


def test_verify_passes_while_clerks_write_and_still_catches_a_raw_change(app):
    """Before verification read one snapshot, a row committed between reading the
    chain and reading the rows was reported as written or changed outside the app."""
    stop, done, errors = threading.Event(), [], []
    writers = [threading.Thread(target=_clerk_at_the_desk,
                                args=(app, name, label, stop, done, errors))
               for name, label in DESK]
    for w in writers:
        w.start()
    try:
        with app.app_context():
            deadline = time.monotonic() + 10
            while len(done) < 5 and time.monotonic() < deadline:
                time.sleep(0.01)
            results = []
            for _ in range(10):
                before = len(done)
                res = verify(db.engine)
                results.append((res.ok, len(done) - before, res.problems[:2]))
            # a real change behind the app's back, while the clerks keep writing
            with db.engine.begin() as conn:
                conn.execute(text("UPDATE building SET name = '改名' WHERE id = 1"))
            tampered = verify(db.engine)
    finally:
        stop.set()
        for w in writers:
            w.join(30)
    assert not errors, errors
    assert sum(n for _, n, _ in results) >= 10, "the clerks barely wrote during the runs"
    assert all(ok for ok, _, _ in results), results
    assert not tampered.ok
    assert any("building row 1 differs" in p for p in tampered.problems), tampered.problems
    assert not any("key_checkout" in p for p in tampered.problems), tampered.problems
