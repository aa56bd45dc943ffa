"""A deep page of the fee notices starts at its month (``admin_views/month_pages.py``):
the database keeps how many notices each building has in each month
(``fee_notice_month``, by triggers, migration 3c8d1f5a7e92) and the list reads the
page's month there instead of walking every newer notice.  The counts must be
right after every kind of write, and the pages the same rows in the same order as
the walk's, for the whole property, a butler's area and head office."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, insert, select, text

from audit import system_actor
from models.base import db
from models.fee_areas import ButlerBuilding
from models.fees import FeeNotice, FeeNoticeMonth, period_number
from models.reference import Building, Unit

from .helpers import empty_database_app, insert_row, property_id, staff_id, statements_during
from .list_helpers import view_of
from .test_fees import generate

PREVIOUS_HEAD = "5b9e2c4d7a13"
HEAD = "3c8d1f5a7e92"
MONTHS = [f"{y}-{m:02d}" for y in (2021, 2022) for m in range(1, 13)]


def _counted() -> dict[tuple[int, int, int], int]:
    return {(p, m, b): n for p, m, b, n in db.session.execute(select(
        FeeNoticeMonth.property_id, FeeNoticeMonth.period_no, FeeNoticeMonth.building_id,
        FeeNoticeMonth.notices)) if n}


def _truth() -> dict[tuple[int, int, int], int]:
    return {(p, m, b): n for p, m, b, n in db.session.execute(
        select(FeeNotice.property_id, FeeNotice.period_no, Unit.building_id, func.count())
        .join(Unit, Unit.id == FeeNotice.unit_id)
        .group_by(FeeNotice.property_id, FeeNotice.period_no, Unit.building_id))}


def _fill(app, months=MONTHS) -> None:
    """A notice for every unit of the demo property in every month of ``months``
    (Core: how a month's notices and the benchmark's are written)."""
    with app.app_context():
        demo = property_id("DEMO")
        units = db.session.execute(select(Unit.id).where(Unit.property_id == demo)
                                   ).scalars().all()
        db.session.execute(insert(FeeNotice), [
            {"property_id": demo, "unit_id": u, "period": m, "period_no": period_number(m),
             "amount_due": 100, "version": 1}
            for m in months for u in units])
        db.session.commit()


def test_the_counts_follow_every_write(app, browser):
    """Notices inserted (a month generated, Core rows), moved to another month or
    unit, voided (still listed: still counted), deleted; a unit moved to another
    building: the counts are the notices', every time."""
    with app.app_context():
        assert _counted() == _truth() != {}                 # the demo data's
    assert generate(browser("finance")).status_code == 302
    _fill(app, MONTHS[:3])
    with app.app_context(), system_actor("test"):
        assert _counted() == _truth()
        notice = db.session.execute(select(FeeNotice).where(FeeNotice.period == "2021-02")
                                    ).scalars().first()
        other = db.session.execute(select(Unit).where(Unit.building_id != notice.unit
                                                      .building_id)).scalars().first()
        notice.period = "2020-07"
        notice.unit_id = other.id
        db.session.commit()
        assert _counted() == _truth()
        notice.voided_at, notice.void_reason = func.now(), "重复"
        db.session.commit()
        assert _counted() == _truth()
        moved = db.session.execute(select(Unit).where(Unit.room == "1-301")).scalar_one()
        moved.building_id = db.session.execute(select(Building.id).where(
            Building.id != moved.building_id, Building.property_id == moved.property_id)
        ).scalars().first()
        db.session.commit()
        assert _counted() == _truth()
        db.session.execute(text("DELETE FROM fee_notice_line"))
        db.session.execute(text("DELETE FROM fee_notice WHERE period = '2021-03'"))
        db.session.commit()
        assert _counted() == _truth()


def _ids(browser, user: str, page: int) -> list[str]:
    html = browser(user).get(f"/admin/fee_notice/?page={page}").get_data(as_text=True)
    return re.findall(r"fee_notice/details/\?id=(\d+)", html)


@pytest.mark.parametrize("user", ["finance", "butler", "auditor"])
def test_a_deep_page_starts_at_its_month_with_the_same_rows(app, browser, user):
    """Every page of a list of two years of notices, read from its month's start and
    by the walk: the same rows, in order; past the end, none."""
    with app.app_context():
        # a test's database put back after another's notices has their counts back
        assert _counted() == _truth()
    _fill(app)
    view = view_of(app, "fee_notice")
    view.count_cap = 100                  # "100+": a big list, as at a million rows
    view.month_pages_from = 20
    with app.app_context(), system_actor("test"):
        if user == "butler":                 # one of the butler's buildings given up
            given = db.session.execute(select(ButlerBuilding).where(
                ButlerBuilding.butler_id == staff_id("butler"),
                ButlerBuilding.voided_at.is_(None))).scalars().first()
            given.voided_at, given.void_reason = func.now(), "改由他人负责"
            db.session.commit()
            demo = property_id("DEMO")
            units = db.session.execute(select(func.count()).select_from(Unit).join(
                ButlerBuilding, ButlerBuilding.building_id == Unit.building_id).where(
                ButlerBuilding.butler_id == staff_id("butler"),
                ButlerBuilding.voided_at.is_(None), Unit.property_id == demo)).scalar()
            everyone = db.session.execute(select(func.count()).select_from(Unit).where(
                Unit.property_id == demo)).scalar()
            assert 0 < units < everyone          # the area is part of the property
        total = db.session.execute(select(func.count()).select_from(FeeNotice)).scalar()
    pages = range(0, total // 20 + 2)
    month_start = [_ids(browser, user, p) for p in pages]
    # the pages compared were read from their month's start, not by the walk
    # (a butler's from their own buildings' counts)
    ran = [s for s, _p in statements_during(app, lambda: _ids(browser, user, 5))]
    counted = [s for s in ran if "FROM fee_notice_month" in s]
    assert counted and any("fee_notice.period_no <=" in s for s in ran), user
    assert ("butler_building" in counted[0]) == (user == "butler"), user
    view.month_counts = None
    walked = [_ids(browser, user, p) for p in pages]
    assert month_start == walked
    assert month_start[3] and not month_start[-1]


def test_a_deep_page_reads_its_months_counts_and_walks_one_month(app, browser):
    """Page 16 of 24 months of 18 notices: the counts are read, and the page's
    statement starts at its month (without them it walked 300 newer rows)."""
    _fill(app)
    view = view_of(app, "fee_notice")
    view.count_cap, view.month_pages_from = 100, 20
    b = browser("finance")
    ran = [s for s, _p in statements_during(app, lambda: b.get("/admin/fee_notice/?page=15"))]
    assert any("FROM fee_notice_month" in s for s in ran)
    page = next(s for s in ran if "OFFSET" in s and "fee_notice.period_no <=" in s)
    assert page
    # the first pages and a search read the list as before
    for url in ("/admin/fee_notice/", "/admin/fee_notice/?page=15&search=2021"):
        ran = [s for s, _p in statements_during(app, lambda: b.get(url))]
        assert not any("fee_notice_month" in s for s in ran), url


def test_the_migration_counts_the_notices_there_are(backend, templates):
    """Schema at the previous head with notices in it; upgrade: counted; a notice
    inserted afterwards is counted by the trigger; downgrade removes it all."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    with empty_database_app(backend, templates) as app:
        with app.app_context():
            upgrade(revision=PREVIOUS_HEAD)
            with db.engine.begin() as conn:
                insert_row(conn, "property", id=1, code="P", name="P")
                for b in (1, 2):
                    insert_row(conn, "building", id=b, property_id=1, name=f"B{b}")
                for u, b in ((1, 1), (2, 1), (3, 2)):
                    insert_row(conn, "unit", id=u, property_id=1, building_id=b,
                               room=f"{b}-10{u}")
                for i, (u, period) in enumerate([(1, "2019-05"), (2, "2019-05"),
                                                 (3, "2019-05"), (1, "2019-06")], start=1):
                    insert_row(conn, "fee_notice", id=i, property_id=1, unit_id=u,
                               period=period, period_no=period_number(period),
                               amount_due=100)
            upgrade(revision=HEAD)
            assert _counted() == {(1, 201905, 1): 2, (1, 201905, 2): 1, (1, 201906, 1): 1}
            with db.engine.begin() as conn:
                insert_row(conn, "fee_notice", id=9, property_id=1, unit_id=3,
                           period="2019-06", period_no=201906, amount_due=100)
            assert _counted() == _truth()
            db.session.remove()
            downgrade(revision=PREVIOUS_HEAD)
            assert "fee_notice_month" not in inspect(db.engine).get_table_names()
            with db.engine.begin() as conn:      # no trigger left behind
                insert_row(conn, "fee_notice", id=10, property_id=1, unit_id=2,
                           period="2019-07", period_no=201907, amount_due=100)
