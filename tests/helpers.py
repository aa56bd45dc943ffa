"""Small helpers shared by the test modules."""
from __future__ import annotations

import contextlib
import json
import re
from typing import Iterator

from sqlalchemy import select, text

from models import AuditEntry, Building, Property, Staff
from models.base import db


def staff_id(username: str) -> int:
    return db.session.execute(select(Staff.id).where(Staff.username == username)).scalar_one()


def property_id(code: str) -> int:
    return db.session.execute(select(Property.id).where(Property.code == code)).scalar_one()


def entries_for(table: str, row_id) -> list[AuditEntry]:
    return list(db.session.execute(
        select(AuditEntry).where(AuditEntry.table_name == table,
                                 AuditEntry.row_id == str(row_id)).order_by(AuditEntry.id)
    ).scalars())


def changes(entry: AuditEntry) -> dict:
    return json.loads(entry.changes)


def snapshot(entry: AuditEntry) -> dict:
    return json.loads(entry.snapshot)


def building_named(name: str) -> Building | None:
    return db.session.execute(select(Building).where(Building.name == name)).scalar_one_or_none()


def audit_count() -> int:
    return db.session.execute(text("SELECT count(*) FROM audit_log")).scalar_one()


def run_cli(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def race(app, n: int, work) -> list[tuple[str, object]]:
    """Run ``work(i)`` in ``n`` threads at once, each with its own app context,
    session and history actor, then commit.  One result per thread: ``("ok", what
    work returned)``, ``("refused", message)`` for a rule, or ``("error", "Type:
    message")`` for a write the database refused.  The caller synchronises the
    threads (a ``threading.Barrier``) where the race must happen."""
    import threading

    from audit import system_actor
    from rules.errors import RuleViolation

    results: list[tuple[str, object]] = []

    def run(i: int) -> None:
        with app.app_context(), system_actor(f"clerk-{i}"):
            try:
                value = work(i)
                db.session.commit()
                results.append(("ok", value))
            except RuleViolation as exc:
                db.session.rollback()
                results.append(("refused", str(exc)))
            except Exception as exc:  # noqa: BLE001 — reported to the test
                db.session.rollback()
                results.append(("error", f"{type(exc).__name__}: {exc}"))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def statements_during(app, request) -> list[tuple[str, object]]:
    """Every SQL statement, with its parameters, the database receives while
    ``request()`` runs (a page's queries, to find and explain one of them)."""
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
    seen: list[tuple[str, object]] = []

    def listen(conn, cursor, statement, params, *args) -> None:
        seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", listen)
    try:
        request()
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return seen


def query_plan(app, statement: str, params, analyze: tuple[str, ...] = ()) -> str:
    """The database's plan for ``statement``: SQLite's EXPLAIN QUERY PLAN, or
    PostgreSQL's EXPLAIN with sequential scans made dear — the test tables are tiny,
    so an index is then taken wherever one can serve (a Sort means none can).
    ``analyze``: tables whose statistics PostgreSQL reads first (which of several
    indexes that serve is the cheapest depends on how many rows each holds)."""
    with app.app_context():
        conn = db.session.connection()
        try:
            if conn.dialect.name == "postgresql":
                for table in analyze:
                    conn.exec_driver_sql(f"ANALYZE {table}")
                conn.exec_driver_sql("SET enable_seqscan = off")
                return "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + statement, params))
            return "\n".join(r[-1] for r in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, params))
        finally:
            db.session.rollback()


def page_ids_statement(statement: str, params, table: str) -> tuple[str, object] | None:
    """The statement choosing a page's ids, with its parameters: an id-only query,
    or the ``page`` subquery of the statement loading the page's rows (its own
    parameters: positional ones are those between its brackets)."""
    ids_only = re.compile(rf"^SELECT {table}\.id(?: AS {table}_id)?\s+FROM {table}\s.*ORDER BY", re.S)
    if ids_only.match(statement) and "LIMIT" in statement:
        return statement, params
    start = statement.find(f"(SELECT {table}.id AS page_id")
    if start < 0:
        return None
    end = statement.index(") AS page", start)
    inner = statement[start + 1:end]
    if isinstance(params, (tuple, list)):                    # SQLite's "?"
        before = statement[:start].count("?")
        params = tuple(params[before:before + inner.count("?")])
    return inner, params


def endpoints_for(app, username: str) -> set[str]:
    """Endpoints the permission matrix lets ``username`` into — what every view checks
    before reading any parameter (plain pages, login and static files included)."""
    from flask_login import login_user

    views = {v.endpoint: v for v in app.extensions["admin"][0]._views}
    found = set()
    with app.test_request_context("/admin/"):
        login_user(db.session.execute(select(Staff).where(Staff.username == username))
                   .scalar_one())
        for rule in app.url_map.iter_rules():
            prefix, _, name = rule.endpoint.rpartition(".")
            view = views.get(prefix)
            check = getattr(view, "endpoint_action", None)
            if check is None:
                found.add(rule.endpoint)
                continue
            action = check(name)
            if action is not None and view.allowed(action):
                found.add(rule.endpoint)
        db.session.remove()
    return found


def first_ids(app) -> dict[str, int]:
    """Each admin view's first record (its lowest id), by the view's endpoint."""
    from sqlalchemy import func

    ids: dict[str, int] = {}
    with app.app_context():
        for view in app.extensions["admin"][0]._views:
            model = getattr(view, "model", None)
            if model is not None and hasattr(model, "id"):
                found = db.session.execute(select(func.min(model.id))).scalar()
                if found is not None:
                    ids[view.endpoint] = found
        db.session.remove()
    return ids


def _tamper(app, *statements: str) -> None:
    """Run raw SQL as the database's owner, bypassing the app (and on
    PostgreSQL the append-only triggers, as an attacker with DBA rights would)."""
    from .conftest import owner_engine

    with app.app_context():
        with owner_engine(app).begin() as conn:
            pg = conn.dialect.name == "postgresql"
            if pg:
                conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete"))
            for sql in statements:
                conn.execute(text(sql))
            if pg:
                conn.execute(text("ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_update_delete"))


def settled_notices(app, count: int = 400) -> None:
    """``count`` paid, confirmed fee notices of one unit (one a month back from
    1990), inserted at once: a due count's partial index then holds a few of many,
    and PostgreSQL's statistics say so (on a handful of rows every index costs the
    same and the planner takes any)."""
    from sqlalchemy import insert, select

    from models.base import utcnow
    from models.fees import FeeNotice, period_number
    from models.reference import Unit

    with app.app_context():
        unit = db.session.execute(select(Unit).where(Unit.room == "1-301")).scalar_one()
        now = utcnow()
        rows = []
        for i in range(count):
            period = f"{1990 + i // 12}-{i % 12 + 1:02d}"
            rows.append({"property_id": unit.property_id, "unit_id": unit.id, "version": 1,
                         "period": period, "period_no": period_number(period),
                         "amount_due": 100, "paid_amount": 100, "paid_at": now,
                         "confirmed_at": now, "created_at": now})
        db.session.execute(insert(FeeNotice.__table__), rows)
        db.session.commit()


@contextlib.contextmanager
def empty_database_app(backend: str, templates) -> Iterator:
    """An app on a database of its own with no tables yet (for a migration's test:
    build the schema at some revision, insert, upgrade, check); dropped afterwards."""
    from app import create_app

    from .conftest import Database

    database = Database(backend, templates, empty=True)
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database.url})
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        database.drop()


def insert_row(conn, table: str, **values) -> None:
    """A row as the schema of the time has it (a migration's test, before the
    upgrade): every other required column filled."""
    from datetime import date, datetime

    from sqlalchemy import Boolean, Date, DateTime, MetaData, Numeric, Table

    t = Table(table, MetaData(), autoload_with=conn)
    for c in t.columns:
        if c.name in values or c.nullable or c.server_default is not None:
            continue
        values[c.name] = (False if isinstance(c.type, Boolean) else
                          datetime(2026, 11, 1, 8) if isinstance(c.type, DateTime) else
                          date(2026, 11, 1) if isinstance(c.type, Date) else
                          0 if isinstance(c.type, Numeric) else
                          1 if c.type.python_type is int else "x")
    conn.execute(t.insert().values(**values))
