"""The home page (待办: due items, charts) at scale: everyone lands on it after signing
in, and the navbar recounts its due items every two minutes on whatever page is
open.  At a million fee notices it took 230–470 ms on PostgreSQL: two due counts
read every notice paid, a chart and a due check read a year of notices, and the
due providers loaded twenty registers' rows each with a dozen eager joins to plan.
These tests fail when one of those comes back."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from audit import system_actor
from i18n import local_today
from models.base import db, utcnow
from models.fees import FeeNotice
from models.reference import Occupant, Unit
from models.staff import Staff

from .helpers import property_id, query_plan, settled_notices, staff_id, statements_during


def _notice(room: str, period: str, **values) -> int:
    unit = db.session.execute(select(Unit).where(Unit.room == room)).scalars().first()
    n = FeeNotice(property_id=unit.property_id, unit=unit, period=period,
                  amount_due=Decimal("300"), **values)
    db.session.add(n)
    db.session.flush()
    return n.id


def _month(back: int) -> str:
    first = local_today().replace(day=1)
    for _i in range(back):
        first = (first - timedelta(days=1)).replace(day=1)
    return f"{first:%Y-%m}"


@pytest.mark.fresh_database
@pytest.mark.parametrize("role", ["finance", "auditor"])
@pytest.mark.parametrize("kind, index", [("fee_notice.confirmed_at IS NULL",
                                          "ix_fee_notice_not_confirmed"),
                                         ("fee_notice.pickup_at <", "ix_fee_notice_pickup_open")])
def test_due_fee_notices_are_counted_in_their_own_partial_index(app, browser, backend, role,
                                                                kind, index):
    """Money not yet confirmed by finance, outside collections not yet made: a few
    notices among every one ever issued, counted in an index holding only them
    (through the paid-at index the count read every notice paid before today: 97 ms
    at a million notices), for one property and for head office (every property)."""
    if role == "auditor" and backend == "sqlite":
        pytest.skip("SQLite without a property: its planner takes the paid-at index's "
                    "equality (paid_at IS NULL) over the partial index (docs/performance.md)")
    with app.app_context(), system_actor("test"):
        _notice("1-301", _month(20), paid_amount=Decimal("300"),
                paid_at=utcnow() - timedelta(days=2))
        _notice("1-302", _month(20), pickup_at=utcnow() - timedelta(hours=2),
                pickup_place="A 座", pickup_contact="陈", pickup_phone="0755-1")
        db.session.commit()
    settled_notices(app)
    reader = browser(role)
    seen = statements_during(app, lambda: reader.get("/admin/"))
    counts = [(st, p) for st, p in seen
              if st.lstrip().startswith("SELECT count(*)") and "FROM fee_notice" in st
              and kind in st]
    assert counts, "the due count was not seen"
    plan = query_plan(app, *counts[0], analyze=("fee_notice",))
    assert index in plan, plan


def test_the_months_with_notices_are_one_index_probe_each(app, browser):
    """The collection rate due check asks which of the last twelve months have
    notices: one probe per month, not their distinct periods over every notice of the
    year (24,000 at 2,000 units: 14 ms).  Void notices and another property's do
    not count."""
    from rules.fee_rates import months_with_notices

    with app.app_context(), system_actor("test"):
        _notice("1-301", _month(22))
        _notice("1-301", _month(23), voided_at=utcnow(), void_reason="重复")
        north = property_id("NORTH")
        unit = db.session.execute(select(Unit).where(Unit.property_id == north)).scalars()\
            .first()
        db.session.add(FeeNotice(property_id=north, unit=unit, period=_month(24),
                                 amount_due=Decimal("1")))
        db.session.commit()
        finance = db.session.get(Staff, staff_id("finance"))
        months = [_month(i) for i in range(21, 26)]
        assert months_with_notices(finance, months) == {_month(22)}
        assert months_with_notices(finance, []) == set()
    seen = statements_during(app, lambda: browser("finance").get("/admin/"))
    assert not [st for st, _p in seen if "DISTINCT fee_notice.period" in st]
    assert [st for st, _p in seen if "EXISTS (SELECT fee_notice.id" in st]


def _chart_statements(seen) -> list[str]:
    return [st for st, _p in seen if "sum(fee_notice.amount_due)" in st
            and "GROUP BY fee_notice.period" in st]


def test_a_chart_is_read_again_only_after_a_write_or_on_a_new_day(app, browser, monkeypatch):
    """The charts sum a month or a year of their registers: kept until the next write
    (a year of fee notices: 13–16 ms of every home page).  A new day draws new
    buckets: the day is part of what is kept."""
    from audit import until_write
    from rules import stats

    finance = browser("finance")
    until_write._kept.clear()
    assert _chart_statements(statements_during(app, lambda: finance.get("/admin/")))
    assert not _chart_statements(statements_during(app, lambda: finance.get("/admin/")))
    with app.app_context(), system_actor("test"):
        _notice("1-301", _month(30))          # any write: outside the chart's year
        db.session.commit()
    assert _chart_statements(statements_during(app, lambda: finance.get("/admin/")))
    tomorrow = local_today() + timedelta(days=1)
    monkeypatch.setattr(stats, "local_today", lambda: tomorrow)
    assert _chart_statements(statements_during(app, lambda: finance.get("/admin/")))


@pytest.mark.parametrize("role", ["clerk", "butler", "dept_manager"])
def test_the_due_providers_load_rows_without_eager_joins(app, role):
    """Twenty registers' due providers load rows to test them: each without the
    relations the model joins for its pages (a dozen tables to plan per statement:
    45 ms of the home page on PostgreSQL).  Their items stay the same."""
    from rules import due

    with app.app_context():
        user = db.session.get(Staff, staff_id(role))
        seen = statements_during(app, lambda: due.due_for(user))
        eager = [st for st, _p in seen if re.search(r"LEFT OUTER JOIN (\w+) AS \1_\d+", st)]
        assert seen and not eager, eager[0][:600] if eager else "no statement seen"


def test_without_eager_joins_is_undone_after_its_block(app):
    """Outside its block a model loads its joined relations again, also after an
    error inside it."""
    from models.loading import without_eager_joins

    def loads_joined() -> bool:
        seen = statements_during(app, lambda: db.session.execute(select(Unit).limit(1)).all())
        return any("JOIN" in st for st, _p in seen)

    with app.app_context():
        assert loads_joined()
        with without_eager_joins():
            assert not loads_joined()
            with without_eager_joins():
                pass
            assert not loads_joined()
        assert loads_joined()
        with pytest.raises(ZeroDivisionError), without_eager_joins():
            1 / 0
        assert loads_joined()


@pytest.mark.parametrize("role", ["dept_manager", "clerk", "butler"])
def test_the_home_page_reads_what_waits_without_nested_joins(app, browser, role):
    """What the home page reads of a waiting request, co-sign or due item (a loss
    report's complaint, a file's occupant) loads alone: with the models' eager joins,
    nested, one complaint was a statement of 26 tables (5.5 ms of planning on
    PostgreSQL, on every home page of a department manager or clerk).  Its own
    relations load on use, a key lookup each, mostly from the identity map."""
    b = browser(role)
    b.get("/admin/")                                  # charts and navbar counts kept
    seen = statements_during(app, lambda: b.get("/admin/"))
    widest = max(seen, key=lambda sp: sp[0].count(" JOIN "))[0]
    assert widest.count(" JOIN ") <= 3, widest[:300]


def test_the_medicine_due_check_reads_every_batch_in_one_statement(app):
    """The medicine box's due check tests every batch of every medicine: within the
    home page's rows-alone block it read each medicine's batches in a query of its
    own (one statement per medicine on every home page)."""
    from collections import Counter

    from models.loading import without_eager_joins
    from models.medicine import MedicineItem
    from rules import medicine

    with app.app_context():
        user = db.session.get(Staff, staff_id("clerk"))
        assert db.session.execute(select(func.count()).select_from(MedicineItem)).scalar() >= 3
        db.session.expunge_all()
        with without_eager_joins():
            seen = statements_during(app, lambda: medicine.due(user))
    repeated = [s[:120] for s, n in Counter(s for s, _p in seen).items() if n >= 2]
    assert repeated == []


def _history(app, table: str, n: int, sqlite: bool = False, **exprs: str) -> None:
    """``n`` older copies of one of ``table``'s demo rows, with ``exprs`` (SQL over
    ``g`` = 1..n) for the columns that tell them apart — history enough for the
    planner to choose among the indexes as it does at scale (on a table of ten rows
    every index costs the same).  PostgreSQL always; SQLite, whose planner reads no
    statistics until ``ANALYZE``, when ``sqlite`` (then analysed, as a DBA might)."""
    with app.app_context():
        conn = db.session.connection()
        pg = conn.dialect.name == "postgresql"
        if pg or sqlite:
            cols = [c.name for c in db.metadata.tables[table].columns if c.name != "id"]
            chosen = ", ".join(exprs.get(c, c) for c in cols)
            first = (f"{table}.id = (SELECT min(id) FROM {table} "
                     f"WHERE property_id = {property_id('DEMO')})")
            if pg:
                conn.exec_driver_sql(
                    f"INSERT INTO {table} ({', '.join(cols)}) SELECT {chosen} FROM {table}, "
                    f"generate_series(1, {n}) g WHERE {first}")
            else:
                conn.exec_driver_sql(
                    f"WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s "
                    f"WHERE g < {n}) INSERT INTO {table} ({', '.join(cols)}) "
                    f"SELECT {chosen} FROM {table}, s WHERE {first}")
                conn.exec_driver_sql(f"ANALYZE {table}")
        db.session.commit()


def _plain_visits(app) -> None:
    """Two thousand older visits as most are: linked to nothing, no second visit due."""
    _history(app, "followup_visit", 2000, sqlite=True, needs_second_visit="false",
             occupant_id="NULL", service_order_id="NULL", complaint_id="NULL",
             second_visit_of_id="NULL")


def _plan_of(app, browser, role: str, *words: str, analyze: tuple[str, ...] = ()) -> str:
    """The plan of the home-page statement of ``role`` holding all ``words``."""
    reader = browser(role)
    seen = statements_during(app, lambda: reader.get("/admin/"))
    found = [(st, p) for st, p in seen if all(w in st for w in words)]
    assert found, f"no statement with {words} on {role}'s home page"
    return query_plan(app, *found[0], analyze=analyze)


@pytest.mark.parametrize("role", ["dept_manager", "supervisor"])
def test_second_visits_due_are_read_in_their_own_partial_index(app, browser, role):
    """Visits needing a second visit are a few among every visit ever made; the
    condition must be written as the partial index writes it (SQLAlchemy wrote
    ``= 1`` on SQLite and ``IS true`` on PostgreSQL: neither used the index, and
    every home page read a million visits, 130 ms)."""
    _plain_visits(app)
    plan = _plan_of(app, browser, role, "SELECT count(*)", "FROM followup_visit",
                    "needs_second_visit", analyze=("followup_visit",))
    assert "ix_followup_visit_second_due" in plan, plan


@pytest.mark.parametrize("role", ["clerk", "dept_manager"])
def test_this_months_order_numbers_are_read_from_this_months_orders(app, browser, role):
    """The month's lowest and highest service-order number (缺号 on the home page):
    PostgreSQL answered min/max by walking the numbers' index from the lowest number
    up, past every order ever raised (164 ms at a million orders), and SQLite read
    every order of the property.  They are read from the month's orders, through an
    index of the time they were raised."""
    _history(app, "service_order", 3000, serial_no="100000 + g",
             created_at="now() - (3001 - g) * interval '6 hours'", voided_at="NULL")
    plan = _plan_of(app, browser, role, "min(", "serial_no", "FROM service_order",
                    analyze=("service_order",))
    assert "serial_once" not in plan, plan
    assert re.search(r"ix_service_order_\w*created", plan), plan
    assert re.search(r"Index Cond: .*created_at|created_at>\?", plan), plan   # a range, not a walk


@pytest.mark.parametrize("role", ["supervisor", "dept_manager"])
def test_handovers_unread_are_counted_in_an_index_of_the_cosign_time(app, browser, role):
    """The last week's co-signed handovers no supervisor read: without an index of the
    co-sign time every handover ever made was read (55 ms at a million)."""
    _history(app, "shift_handover", 3000, voided_at="NULL",
             handed_over_at="now() - (3001 - g) * interval '12 hours'",
             cosigned_at="now() - (3001 - g) * interval '12 hours'")
    plan = _plan_of(app, browser, role, "SELECT count(*)", "FROM shift_handover",
                    "cosigned_at", analyze=("shift_handover",))
    assert "ix_shift_handover_property_cosigned" in plan, plan


@pytest.mark.parametrize("role", ["butler", "dept_manager"])
def test_visited_new_residents_are_looked_up_in_the_visits_that_link_one(app, browser, role):
    """Which of the month's new residents were visited: most visits link no resident,
    and SQLite's statistics count those NULLs as one value of every row, so after an
    ``ANALYZE`` it read the whole table (53 ms at a million visits); a partial index
    holds only the visits that link one."""
    with app.app_context(), system_actor("test"):
        occupant = db.session.execute(select(Occupant).where(
            Occupant.property_id == property_id("DEMO"), Occupant.voided_at.is_(None))
            .order_by(Occupant.id)).scalars().first()
        occupant.moved_in_on = local_today() - timedelta(days=3)
        db.session.commit()
    _plain_visits(app)
    plan = _plan_of(app, browser, role, "followup_visit.occupant_id IN",
                    analyze=("followup_visit",))
    assert "ix_followup_visit_occupant_id" in plan, plan


def test_the_cosign_index_is_taken_by_no_list(app, browser, backend):
    """An index added for one count must not be taken by another query.  SQLite
    reads its statistics (``ANALYZE``) for the indexes that have them and guesses for
    a new one: a plain ``(property_id, cosigned_at)`` index, added after the table was
    analysed, looked selective to it, and it took that index for the handover list's
    ``property_id = ?`` and sorted every handover (800 ms a page at a million).  The
    index is partial (co-signed, not void), which the list never asks for."""
    _history(app, "shift_handover", 2000, sqlite=True, voided_at="NULL")
    if backend == "sqlite":
        with app.app_context():
            conn = db.session.connection()
            conn.exec_driver_sql("DELETE FROM sqlite_stat1 "
                                 "WHERE idx = 'ix_shift_handover_property_cosigned'")
            conn.exec_driver_sql("ANALYZE sqlite_master")    # read the statistics again
            db.session.commit()
    reader = browser("supervisor")
    seen = statements_during(app, lambda: reader.get("/admin/shift_handover/"))
    pages = [(st, p) for st, p in seen if "ORDER BY shift_handover.handed_over_at DESC" in st
             and "LIMIT" in st and "shift_handover.property_id = " in st]
    assert pages, "the page's statement was not seen"
    plan = query_plan(app, *pages[0], analyze=("shift_handover",))
    assert "ix_shift_handover_property_cosigned" not in plan, plan
    if backend == "sqlite":      # (PostgreSQL sorts a few thousand rows as cheaply)
        assert "ix_shift_handover_property_at" in plan, plan
