"""Shared by the operations tests: clerks writing in threads, rewriting the
history chain as its owner would, the owner's URL of a test database."""
from __future__ import annotations

import threading

from sqlalchemy import select, text

from audit import system_actor
from audit.chain import entry_hash
from models import AuditEntry, Building
from models.base import db

from .conftest import owner_engine
from .helpers import property_id


def owner_url(app) -> str:
    return app.extensions["kefu_test_db"].url


def writing_clerks(app, n: int, stop: threading.Event, done: list[int],
                   errors: list[str]) -> list[threading.Thread]:
    """``n`` threads adding buildings through the ORM (with history) until ``stop``."""

    def work(i: int) -> None:
        with app.app_context(), system_actor(f"clerk{i}"):
            try:
                pid = property_id("DEMO")
                k = 0
                while not stop.is_set():
                    db.session.add(Building(property_id=pid, name=f"备份中{i}-{k}"))
                    db.session.commit()
                    done.append(1)
                    k += 1
            except Exception as exc:  # noqa: BLE001 — reported by the test
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    return threads


def rewrite_chain_from(app, first_id: int, reason: str = "改写的历史") -> None:
    """As the owner: change entry ``first_id`` and recompute every hash after it, so
    the chain is internally consistent again (what plain verification cannot see)."""
    engine = owner_engine(app)
    with app.app_context(), engine.begin() as conn:
        pg = conn.dialect.name == "postgresql"
        if pg:
            conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete"))
        cols = list(AuditEntry.__table__.c)
        rows = conn.execute(select(*cols).where(AuditEntry.id >= first_id - 1)
                            .order_by(AuditEntry.id)).mappings().all()
        prev = rows[0]["hash"]
        table = AuditEntry.__table__
        for row in rows[1:]:
            entry = dict(row)
            if entry["id"] == first_id:
                entry["reason"] = reason
            entry["prev_hash"] = prev
            entry["hash"] = entry_hash(entry)
            conn.execute(table.update().where(table.c.id == entry["id"]).values(
                reason=entry["reason"], prev_hash=entry["prev_hash"], hash=entry["hash"]))
            prev = entry["hash"]
        if pg:
            conn.execute(text(
                "ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_update_delete"))
