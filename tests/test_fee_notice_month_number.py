"""The fee notices' list is ordered by the month as a number (``FeeNotice.period_no``,
migration 5b9e2c4d7a13): an index of fixed-width keys, which a deep page walks a
third faster.  The number must always be the month's: kept by the model, filled
by the migration, left out of the history (derived from ``period``, which the
history keeps), and the list's order must be the months' own."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, inspect, select

from audit import system_actor
from models.base import db
from models.fees import FeeNotice, period_number
from models.reference import Unit

from .helpers import empty_database_app, entries_for, insert_row, snapshot
from .test_fees import generate, notices, this_period

PREVIOUS_HEAD = "8a3c5e7f9b21"
HEAD = "5b9e2c4d7a13"


@pytest.mark.parametrize("period, number", [("2019-05", 201905), ("1999-12", 199912),
                                            ("2026-01", 202601)])
def test_a_month_is_its_year_and_month_as_one_number(period, number):
    assert period_number(period) == number


@pytest.mark.parametrize("bad", ["2019-5", "201905", "2019/05", "abcd-ef", "", "2019-05-01"])
def test_what_is_not_a_month_is_refused(bad):
    with pytest.raises(ValueError):
        period_number(bad)


def test_numbers_keep_the_months_order():
    months = [f"{y}-{m:02d}" for y in (1999, 2000, 2019, 2026) for m in range(1, 13)]
    assert sorted(months, key=period_number) == sorted(months)


def _mismatched() -> int:
    return db.session.execute(select(func.count()).select_from(FeeNotice).where(
        FeeNotice.period_no != func.cast(func.substr(FeeNotice.period, 1, 4), db.Integer) * 100
        + func.cast(func.substr(FeeNotice.period, 6, 2), db.Integer))).scalar()


def test_every_notice_generated_carries_its_months_number(app, browser):
    assert generate(browser("finance")).status_code == 302
    made = notices(app, this_period())
    assert made and {n.period_no for n in made} == {period_number(this_period())}
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(FeeNotice)).scalar() > len(made)
        assert _mismatched() == 0                           # the demo data's too


def test_the_number_is_not_in_the_history(app, browser):
    """Derived from the month, which the history keeps: the history of a notice
    shows no column people do not know, and verification re-derives nothing."""
    generate(browser("finance"))
    notice = notices(app, this_period())[0]
    with app.app_context():
        entries = entries_for("fee_notice", notice.id)
        assert entries and all("period_no" not in (e.changes or "") for e in entries)
        assert all(snapshot(e)["period"] == this_period() and "period_no" not in snapshot(e)
                   for e in entries if e.snapshot)
    page = browser("auditor").get(f"/admin/fee_notice/history/?id={notice.id}")
    assert page.status_code == 200 and "period_no" not in page.get_data(as_text=True)


def test_the_list_is_newest_month_first_and_sorts_by_month(app, browser):
    with app.app_context(), system_actor("test"):
        unit = db.session.execute(select(Unit).where(Unit.room == "1-302")).scalar_one()
        for period in ("1998-12", "1999-01", "1999-02"):   # before every demo month
            db.session.add(FeeNotice(property_id=unit.property_id, unit=unit,
                                     unit_id=unit.id, period=period, amount_due=1))
        db.session.commit()
        total = db.session.execute(select(func.count()).select_from(FeeNotice).where(
            FeeNotice.property_id == unit.property_id)).scalar()

    def months(url: str) -> list[str]:
        html = browser("finance").get(url).get_data(as_text=True)
        return re.findall(r'<td class="col-period">(\d{4}-\d{2})</td>', html)

    first = months("/admin/fee_notice/?page_size=100")
    assert first == sorted(first, reverse=True) and "1998-12" not in first
    last_page = (total - 1) // 20                 # with the page before: three rows at least
    oldest = months(f"/admin/fee_notice/?page={last_page - 1}") + \
        months(f"/admin/fee_notice/?page={last_page}")
    assert oldest[-3:] == ["1999-02", "1999-01", "1998-12"]
    ascending = months("/admin/fee_notice/?sort=0")             # the 月份 header
    assert ascending[:3] == ["1998-12", "1999-01", "1999-02"]
    assert ascending == sorted(ascending)


def test_the_migration_numbers_every_notice(backend, templates):
    """Build the schema at the previous head, insert notices, upgrade, check."""
    from flask_migrate import downgrade, upgrade

    periods = ["1999-12", "2000-01", "2019-05", "2026-11"]
    with empty_database_app(backend, templates) as app:
        with app.app_context():
            upgrade(revision=PREVIOUS_HEAD)
            with db.engine.begin() as conn:
                insert_row(conn, "property", id=1, code="P", name="P")
                insert_row(conn, "building", id=1, property_id=1, name="B")
                insert_row(conn, "unit", id=1, property_id=1, building_id=1, room="1-101")
                for i, period in enumerate(periods, start=1):
                    insert_row(conn, "fee_notice", id=i, property_id=1, unit_id=1,
                               period=period, amount_due=100)
            upgrade(revision=HEAD)
            got = dict(db.session.execute(select(FeeNotice.period, FeeNotice.period_no)).all())
            db.session.remove()
            assert got == {p: period_number(p) for p in periods}
            downgrade(revision=PREVIOUS_HEAD)
            assert "period_no" not in {c["name"] for c in inspect(db.engine).get_columns(
                "fee_notice")}


@pytest.mark.parametrize("term, months, number", [
    ("1999-01", ["1999-01"], "fee_notice.period_no = "),
    ("1999-1", ["1999-01"], "fee_notice.period_no = "),
    ("1998", ["1998-12"], "fee_notice.period_no BETWEEN ")])
def test_a_month_searched_is_a_range_of_the_order_key(app, browser, term, months, number):
    """The list walks its order index (the month's number): a month or a year
    searched for is a range of that number too, so the walk covers that month
    alone (with the text month only, PostgreSQL tested it on every entry of every
    newer month: 25 ms for 2019-05 at a million notices)."""
    from .helpers import statements_during

    with app.app_context(), system_actor("test"):
        unit = db.session.execute(select(Unit).where(Unit.room == "1-302")).scalar_one()
        for period in ("1998-12", "1999-01", "1999-02"):
            db.session.add(FeeNotice(property_id=unit.property_id, unit=unit,
                                     unit_id=unit.id, period=period, amount_due=1))
        db.session.commit()
    reader = browser("finance")
    seen = statements_during(app, lambda: reader.get(f"/admin/fee_notice/?search={term}"))
    # the list's statements range over the number, and do not also test the text
    # month (not the dashboard's probes for months with notices, EXISTS): the
    # planner would take the two for independent and expect next to no rows
    listed = [st for st, _p in seen if "EXISTS" not in st and "FROM fee_notice" in st]
    assert any(number in st for st in listed), "\n\n".join(listed)
    assert not any("fee_notice.period = " in st or "fee_notice.period BETWEEN " in st
                   for st in listed), "\n\n".join(listed)
    html = reader.get(f"/admin/fee_notice/?search={term}").get_data(as_text=True)
    assert re.findall(r'<td class="col-period">(\d{4}-\d{2})</td>', html) == months
