"""业主基本情况登记表's derived fields (spec F) and its personal columns, column by column.

缴费情况 (the unit's fee notices not yet paid, its open arrears case) and 物业使用/维修
养护情况 (the unit's latest service orders) on the file's details page: the unit's
own rows of the reader's property only, voided ones left out, each section only for
a role that may view its register.  Every column of ``Occupant.__personal__`` is
masked for the clerk and finance and shown to the butler and the auditor on the
list, the details page and the export.  业主电话联络表 of one building lists that
building's files only."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from audit import system_actor
from i18n import local_today
from models.base import db, utcnow
from models.fees import ArrearsCase, FeeNotice
from models.reference import Occupant, Unit
from models.service_orders import ServiceOrder
from rules.personal_data import mask_personal

from .conftest import text_of
from .helpers import building_named, property_id, staff_id
from .owner_file_helpers import MASKED, READERS, occupant_id
from .page_text import english_in, visible_part
from .test_owner_files import EXPORTERS, _allowed, _pages

ROOM, NEIGHBOUR = "1-301", "1-302"          # 张伟's file; another unit of building 1
# service orders raised at 20:00 UTC: 04:00 the next day at the property
ORDER_TIMES = [datetime(2024, 3, day, 20, 0) for day in range(1, 7)]


def _unit(room: str) -> Unit:
    return db.session.execute(select(Unit).where(Unit.room == room)).scalar_one()


def _order(unit: Unit, created_at: datetime, description: str, **kw) -> ServiceOrder:
    from rules.service_orders import next_serial

    order = ServiceOrder(property_id=unit.property_id, kind="service", unit=unit,
                         unit_id=unit.id, customer_name="张伟", description=description,
                         created_at=created_at, **kw)
    order.serial_no = next_serial(unit.property_id)
    db.session.add(order)
    return order


def _fill(app) -> dict:
    """1-301: two notices unpaid (¥2,000.00), one voided, one paid, one of the other
    property; an open and a settled arrears case; six service orders and a voided
    one.  1-302: a notice, a case and an order of its own."""
    with app.app_context(), system_actor("test"):
        unit, neighbour = _unit(ROOM), _unit(NEIGHBOUR)
        demo, north = unit.property_id, property_id("NORTH")
        # the demo data leaves 1-301 with nothing due and no order
        assert not db.session.execute(select(FeeNotice.id).where(
            FeeNotice.unit_id == unit.id, FeeNotice.paid_at.is_(None))).first()
        assert not db.session.execute(select(ArrearsCase.id).where(
            ArrearsCase.unit_id == unit.id)).first()
        assert not db.session.execute(select(ServiceOrder.id).where(
            ServiceOrder.unit_id == unit.id)).first()
        now = utcnow()

        def notice(u: Unit, period: str, amount: str, prop: int | None = None, **kw):
            db.session.add(FeeNotice(property_id=prop or u.property_id, unit=u, unit_id=u.id,
                                     period=period, amount_due=Decimal(amount), **kw))

        notice(unit, "2019-01", "1234.50")
        notice(unit, "2019-02", "765.50")
        notice(unit, "2019-03", "5000.00", voided_at=now, void_reason="重复开单")
        notice(unit, "2019-04", "300.00", paid_at=now, paid_amount=Decimal("300.00"))
        notice(unit, "2019-05", "4444.00", prop=north)        # another property's row
        notice(neighbour, "2019-01", "999.00")
        since = local_today() - timedelta(days=100)
        for u, months, amount, settled in ((unit, 3, "2000.00", None),
                                           (unit, 9, "9999.00", local_today()),
                                           (neighbour, 5, "555.00", None)):
            db.session.add(ArrearsCase(property_id=u.property_id, unit=u, unit_id=u.id,
                                       months=months, amount=Decimal(amount), since=since,
                                       settled_on=settled))
        orders = [_order(unit, at, f"客厅维修第{i}次") for i, at in enumerate(ORDER_TIMES, 1)]
        orders[-1].completed_at = orders[-1].settled_at = ORDER_TIMES[-1] + timedelta(hours=2)
        orders[-2].completed_at = ORDER_TIMES[-2] + timedelta(hours=2)
        _order(unit, ORDER_TIMES[-1] + timedelta(hours=1), "作废的服务单", voided_at=now,
               void_reason="重复登记")
        _order(neighbour, ORDER_TIMES[-1], "邻居家的服务单")
        db.session.commit()
        return {"orders": [o.id for o in orders], "demo": demo, "north": north,
                "unit": unit.id}


def _details(app, browser, role: str) -> str:
    resp = browser(role).get(f"/admin/occupant/details/?id={occupant_id(app, ROOM)}")
    assert resp.status_code == 200, (role, resp.status_code)
    return text_of(resp)


def _section(page: str, element_id: str) -> str | None:
    """The HTML of the card ``element_id`` (up to the next card or the page's end)."""
    at = page.find(f'id="{element_id}"')
    if at < 0:
        return None
    end = page.find('class="card ', at)
    return page[page.rfind("<", 0, at):end if end > 0 else len(page)]


@pytest.mark.parametrize("role", ("butler", "finance", "auditor"))
def test_the_file_shows_its_units_unpaid_notices_arrears_and_orders(app, browser, role):
    made = _fill(app)
    page = _details(app, browser, role)
    fees = _section(page, "owner-file-fees")
    assert fees is not None, role
    # 1234.50 + 765.50: not the voided, the paid, the neighbour's notice, nor (for the
    # property's own staff) the other property's
    counted = re.search(r'id="unpaid-notices" data-count="(\d+)" data-total="([\d.]+)"', fees)
    expected = ("3", "6444.00") if role == "auditor" else ("2", "2000.00")   # head office
    assert counted.groups() == expected, role
    assert re.findall(r'class="list-group-item open-arrears" data-months="(\d+)" '
                      r'data-amount="([\d.]+)"', fees) == [("3", "2000.00")]
    assert f"/admin/fee_notice/?unit={made['unit']}" in fees
    orders = _section(page, "owner-file-orders")
    shown = [int(i) for i in re.findall(r'class="unit-order" data-id="(\d+)"', orders)]
    assert shown == made["orders"][:0:-1]               # the newest five, newest first
    assert re.findall(r'data-state="(\w+)"', orders) == ["settled", "done", "open", "open",
                                                         "open"]
    assert "客厅维修第6次" in orders and "客厅维修第1次" not in orders
    assert "作废的服务单" not in orders and "邻居家的服务单" not in orders
    assert "全部服务单（6 张，另有作废 1 张）" in orders
    # the property's local time: 20:00 UTC on the 6th is 04:00 on the 7th
    assert "2024年3月7日 04:00" in orders and "20:00" not in orders
    text, labels = (" ".join(t.strip() for t in part) for part in visible_part(fees + orders))
    assert "缴费情况" in labels + text and "物业使用/维修养护情况" in labels + text
    assert english_in(f"{text} {labels}") == [], role


def _lookalike(app) -> int:
    """11-301, whose room holds "1-301": a notice (¥777.00) and a service order."""
    with app.app_context(), system_actor("test"):
        unit = _unit(ROOM)
        other = Unit(property_id=unit.property_id, building_id=unit.building_id,
                     room="11-301", floor=3)
        db.session.add(other)
        db.session.flush()
        db.session.add(FeeNotice(property_id=other.property_id, unit=other, unit_id=other.id,
                                 period="2019-01", amount_due=Decimal("777.00")))
        _order(other, utcnow(), "楼上邻居家的服务单")
        db.session.commit()
        return other.id


def test_the_links_lead_to_the_units_rows(app, browser):
    """The links ask by the unit, not by its room's words: a search for "1-301"
    also finds 11-301's rows."""
    made = _fill(app)
    _lookalike(app)
    page = _details(app, browser, "butler")
    searched = text_of(browser("butler").get("/admin/fee_notice/?search=1-301"))
    assert "777.00" in searched            # why the links do not search
    notices = re.search(r'id="unit-notices-link" href="([^"]+)"', page).group(1)
    assert notices == f"/admin/fee_notice/?unit={made['unit']}"
    listed = browser("butler").get(notices).get_data(as_text=True)
    shown = listed.replace(",", "")
    assert "1234.50" in shown and "999.00" not in shown and "777.00" not in shown
    assert "仅显示房号 1-301 的记录。" in listed      # and a way back to all
    assert 'id="unit-filter-note"' in listed
    orders = re.search(r'id="unit-orders-link" href="([^"]+)"', page).group(1)
    listed = text_of(browser("butler").get(orders))
    ids = {int(i) for i in re.findall(r"/admin/service_order/details/\?id=(\d+)", listed)}
    # the six orders and the voided one, as the link says: not 1-302's, not 11-301's
    assert set(made["orders"]) < ids and len(ids) == 7, ids
    said = re.search(r'id="unit-orders-link"[^>]*>([^<]+)<', page).group(1)
    assert said == "本房号的全部服务单（6 张，另有作废 1 张）"
    order = made["orders"][-1]
    assert f'href="/admin/service_order/details/?id={order}"' in page
    assert browser("butler").get(f"/admin/service_order/details/?id={order}").status_code == 200
    case = re.search(r'href="(/admin/arrears_case/details/\?id=\d+)"', page).group(1)
    assert "2000" in text_of(browser("butler").get(case))


@pytest.mark.parametrize("value", ("abc", "0", "-3", "99999999", "2147483648", "north"))
def test_a_unit_that_is_not_the_users_is_no_such_record(app, browser, value):
    """Not an id, no such unit, or another property's: 404, never the whole list
    passed off as one unit's."""
    if value == "north":
        with app.app_context():
            value = str(db.session.execute(select(Unit.id).where(
                Unit.property_id == property_id("NORTH"))).scalars().first())
    for page in ("fee_notice", "service_order", "arrears_case"):
        resp = browser("butler").get(f"/admin/{page}/?unit={value}")
        assert resp.status_code == 404, (page, value)


def test_one_units_count_is_not_kept_for_the_whole_list(app, browser):
    """A list keeps its "10000+" per narrowing: a unit's rows are counted apart."""
    from admin_views.unit_rows import unit_key

    made = _fill(app)
    with app.test_request_context(f"/admin/fee_notice/?unit={made['unit']}"):
        from flask import current_app

        view = next(v for v in current_app.extensions["admin"][0]._views
                    if v.endpoint == "fee_notice")
        from flask_login import login_user

        from models.staff import Staff

        login_user(db.session.execute(select(Staff).where(Staff.username == "butler")).scalar_one())
        assert unit_key(view) == ("unit", made["unit"])
        assert view.narrow_key()[:2] == ("unit", made["unit"])


def test_a_role_that_cannot_view_fee_notices_sees_no_payment_status(app, browser):
    """The desk clerk reads files (masked) and service orders, not the fee registers."""
    _fill(app)
    page = _details(app, browser, "clerk")
    assert _section(page, "owner-file-fees") is None
    assert "缴费情况" not in page and "2000.00" not in page
    assert _section(page, "owner-file-orders") is not None
    assert "客厅维修第6次" in page


def test_the_sections_follow_the_page_language(app, browser):
    _fill(app)
    butler = browser("butler")
    assert butler.post("/lang", {"lang": "en"}).status_code == 302
    page = _details(app, browser, "butler")
    assert "Payment status" in page and "Use of the property, repairs and upkeep" in page
    assert "Fee notices not yet paid: 2, ¥2000.00 due in all" in page
    assert "缴费情况" not in page and "维修养护" not in page
    butler.post("/lang", {"lang": "zh_Hans_CN"})
    assert "缴费情况" in _details(app, browser, "butler")


def test_nothing_is_derived_for_another_propertys_staff_or_without_the_right(app):
    """The rules read without a request: a member of the other property's staff gets
    its rows only, and a role without the register's view right gets no section."""
    from models.staff import Staff
    from rules.owner_file_derived import derived_fields

    made = _fill(app)
    with app.app_context():
        north_finance = Staff(username="north-finance", full_name="北岸财务", roles="finance",
                              property_id=made["north"], active=True)
        found = derived_fields(north_finance, made["unit"])
        assert (found.fees.unpaid_count, found.fees.unpaid_total) == (1, Decimal("4444.00"))
        assert found.fees.open_cases == [] and found.orders == [] and found.order_count == 0
        clerk = db.session.get(Staff, staff_id("clerk"))
        found = derived_fields(clerk, made["unit"])
        assert found.fees is None and len(found.orders) == 5 and found.order_count == 6
        assert found.voided_orders == 1
        for who in (db.session.get(Staff, staff_id("courier")), None):
            found = derived_fields(who, made["unit"])
            assert found.fees is None and found.orders is None, who


# -- every personal column, masked by role ------------------------------------------------

def _shown_on(page: str) -> tuple[str, ...]:
    from admin_views.owner_files import OwnerFileView

    return {"list": OwnerFileView.column_list, "details": OwnerFileView.column_details_list,
            "export": OwnerFileView.column_export_list}[page]


# Named here, not read from ``Occupant.__personal__``: a column dropped from it must
# fail its own case below, not drop out of the parametrisation.
PERSONAL_COLUMNS = ("phone", "phone2", "id_number", "employer", "address", "emergency_phone",
                    "emergency_address")


def test_every_personal_column_is_checked_here():
    assert Occupant.__personal__ <= set(PERSONAL_COLUMNS)


@pytest.mark.parametrize("column", PERSONAL_COLUMNS)
def test_each_personal_column_is_masked_by_role(app, browser, column):
    with app.app_context():
        value = getattr(db.session.get(Occupant, occupant_id(app, ROOM)), column)
    assert value, f"the demo file of {ROOM} has no {column}"
    assert any(column in _shown_on(page) for page in ("list", "details", "export"))
    urls = _pages(occupant_id(app, ROOM))
    for role in ("butler", "auditor", *MASKED):
        b = browser(role)
        for page in ("list", "details", "export"):
            resp = b.get(urls[page])
            if not _allowed(role, page):
                assert resp.status_code in (302, 403), (role, page)
                continue
            body = resp.data.decode("utf-8-sig")
            assert "张伟" in body, (role, page)
            unmasked = role in READERS and (page != "export" or role in EXPORTERS)
            if unmasked:
                assert (value in body) is (column in _shown_on(page)), (role, page, column)
            else:
                assert value not in body, (role, page, column)
                if column in _shown_on(page):
                    assert mask_personal(value) in body, (role, page, column)


# -- 业主电话联络表 of one building ---------------------------------------------------------

def test_the_phone_list_of_one_building_lists_that_buildings_files_only(app, browser):
    with app.app_context():
        first, second = building_named("1栋").id, building_named("2栋").id
        rooms = {name: {o.unit.room for o in db.session.execute(
            select(Occupant).join(Unit).where(Unit.building_id == b,
                                              Occupant.voided_at.is_(None))).scalars()}
                 for name, b in (("1栋", first), ("2栋", second))}
    assert ROOM in rooms["1栋"] and rooms["2栋"]
    page = text_of(browser("butler").get(f"/admin/occupant/phones/?building={first}"))
    table = page[page.index('id="phone-list"'):]
    listed = [re.findall(r"<td>([^<]*)</td>", row)
              for row in re.findall(r"<tr>(<td>.*?)</tr>", table, re.S)]
    assert {cells[1] for cells in listed} == rooms["1栋"]
    assert {cells[0] for cells in listed} == {"1栋"}
    assert not rooms["2栋"] & {cells[1] for cells in listed}
    other = text_of(browser("butler").get(f"/admin/occupant/phones/?building={second}"))
    assert f">{ROOM}<" not in other and "13800000001" not in other
