"""桶装饮用水: receipts with the expiry checked, the three-daily count, water orders
delivered by security out of stock, settlement by sign-bill (finance's monthly
totals per unit) or cash (received by finance), and the water due list."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from audit import system_actor
from i18n import local_now, local_today
from models.base import db, utcnow
from models.water import WaterCount

from .conftest import text_of
from .helpers import entries_for, staff_id
from .order_helpers import order, orders, staff, stock, water_order_form
from .custody_helpers import fmt
from .order_helpers import deliver, raise_order


def test_water_order_is_a_numbered_service_order_at_the_brand_price(app, browser):
    before = max(o.serial_no for o in orders(app))
    o = raise_order(app, browser, water_qty="3")
    assert o.serial_no == before + 1 and o.kind == "water"
    assert o.charge == Decimal("45.00")                       # 3 × 15 yuan (the guide)
    assert o.lines[0].unit_price == Decimal("15.00") and o.lines[0].quantity == 3
    assert o.delivered_at is None


def test_security_delivers_and_stock_goes_down(app, browser):
    o = raise_order(app, browser)
    before = stock(app).quantity
    guard = browser("security")
    assert "No.%06d" % o.serial_no in text_of(guard.get("/admin/water_delivery/"))
    resp = deliver(guard, o.id, owner_signed=None)
    assert "业主签字" in text_of(guard.get(resp.headers["Location"]))
    assert stock(app).quantity == before and order(app, o.id).delivered_at is None
    resp = deliver(guard, o.id)
    assert resp.status_code == 302
    done = order(app, o.id)
    assert done.delivered_by_id == staff(app, "security") and done.empties_returned == 2
    assert done.owner_signed and done.installed
    assert stock(app).quantity == before - 2
    again = deliver(guard, o.id)
    assert "已送达" in text_of(guard.get(again.headers["Location"]))
    assert stock(app).quantity == before - 2
    sid = stock(app).id
    with app.app_context():
        assert entries_for("service_order", o.id)[-1].action == "deliver"
        assert entries_for("water_stock", sid)[-1].action == "deliver"


def test_security_cannot_edit_orders_and_a_clerk_names_the_guard(app, browser):
    o = raise_order(app, browser)
    guard = browser("security")
    assert guard.get(f"/admin/water_order/edit/?id={o.id}").status_code == 403
    assert guard.get("/admin/water_order/new/").status_code == 403
    clerk = browser("clerk")
    resp = deliver(clerk, o.id, delivered_by=staff(app, "clerk2"))
    assert "保安部人员" in text_of(clerk.get(resp.headers["Location"]))
    resp = deliver(clerk, o.id, delivered_by=staff(app, "security"))
    assert order(app, o.id).delivered_by_id == staff(app, "security")


def test_cannot_deliver_more_than_the_stock(app, browser):
    left = stock(app).quantity
    o = raise_order(app, browser, water_qty=str(left + 1))
    guard = browser("security")
    resp = deliver(guard, o.id, empties_returned="0")
    assert "不能发出" in text_of(guard.get(resp.headers["Location"]))
    assert stock(app).quantity == left and order(app, o.id).delivered_at is None


def test_sign_bill_settlement_reaches_finance_monthly_totals(app, browser):
    o = raise_order(app, browser, water_qty="2")
    clerk = browser("clerk")
    resp = clerk.post_form(f"/admin/water_order/settle/?id={o.id}", {"method": "sign_bill"})
    assert "送达" in text_of(resp) and order(app, o.id).settled_at is None   # not delivered
    assert deliver(browser("security"), o.id).status_code == 302
    resp = clerk.post_form(f"/admin/water_order/settle/?id={o.id}", {"method": "sign_bill"})
    assert resp.status_code == 302
    fin = browser("finance")
    page = text_of(fin.get("/admin/finance/"))
    room = o.unit.room
    assert f'data-room="{room}"' in page
    from rules import water as water_rules
    with app.app_context():
        from models.staff import Staff

        today = local_today()
        totals = water_rules.sign_bill_totals(db.session.get(Staff, staff_id("finance")),
                                              today.year, today.month)
        [row] = [r for r in totals if r["unit"].room == room]
        assert row["total"] == Decimal("30.00") and o.id in [x.id for x in row["orders"]]


def test_cash_settlement_is_received_by_finance(app, browser):
    o = raise_order(app, browser, water_qty="1")
    assert deliver(browser("security"), o.id, empties_returned="1").status_code == 302
    clerk = browser("clerk")
    assert clerk.post_form(f"/admin/water_order/settle/?id={o.id}",
                           {"method": "cash"}).status_code == 302
    assert clerk.post("/admin/finance/receive/", {"id": o.id}).status_code == 403
    fin = browser("finance")
    assert "服务单现金尚未交财务" in text_of(fin.get("/admin/"))
    resp = fin.post("/admin/finance/receive/", {"id": o.id})
    assert resp.status_code == 302
    done = order(app, o.id)
    assert done.finance_received_by_id == staff(app, "finance")
    assert done.cash_handed_by_id == staff(app, "clerk")
    assert done.finance_received_at is not None
    again = fin.post("/admin/finance/receive/", {"id": o.id})
    assert "财务已收取" in text_of(fin.get(again.headers["Location"]))


def receipt_form(app, **over) -> dict:
    data = {"stock": stock(app).id, "quantity": "20",
            "expires_on": (local_today() + timedelta(days=120)).isoformat(),
            "expiry_checked": "y", "received_at": fmt(local_now())}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def test_receipts_need_the_expiry_checked_and_in_date(app, browser):
    clerk = browser("clerk")
    before = stock(app).quantity
    resp = clerk.post_form("/admin/water_receipt/new/", receipt_form(app, expiry_checked=None))
    assert resp.status_code == 200 and "确认饮用水的有效期" in text_of(resp)
    resp = clerk.post_form("/admin/water_receipt/new/", receipt_form(
        app, expires_on=local_today().isoformat()))
    assert resp.status_code == 200 and "不能签收" in text_of(resp)
    assert stock(app).quantity == before
    resp = clerk.post_form("/admin/water_receipt/new/", receipt_form(app))
    assert resp.status_code == 302
    assert stock(app).quantity == before + 20


def test_count_sets_the_stock_and_due_list(app, browser):
    clerk = browser("clerk")

    def due_kinds():
        from rules import water as water_rules
        with app.app_context():
            from models.staff import Staff

            return {r.kind for r in water_rules.due(db.session.get(Staff, staff_id("clerk")))}

    assert due_kinds() == set()              # demo: counted yesterday, 28 buckets, in date
    with app.app_context(), system_actor("test"):
        for c in db.session.execute(select(WaterCount)).scalars():
            c.counted_at = utcnow() - timedelta(days=4)
        db.session.commit()
    assert "count" in due_kinds()
    assert "饮用水逾期未清点" in text_of(clerk.get("/admin/"))
    s = stock(app)
    resp = clerk.post_form("/admin/water_count/new/", {
        "stock": s.id, "counted": "5", "notes": "少 %d 桶" % (s.quantity - 5),
        "earliest_expiry": (local_today() + timedelta(days=20)).isoformat()})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    assert stock(app).quantity == 5
    with app.app_context():
        c = db.session.execute(select(WaterCount).order_by(WaterCount.id.desc())).scalars().first()
        assert (c.expected, c.counted, c.counted_by_id) == (s.quantity, 5, staff_id("clerk"))
    kinds = due_kinds()
    assert "count" not in kinds and "low" in kinds             # 5 < threshold 10
    with app.app_context(), system_actor("test"):
        from models.water import WaterReceipt
        for r in db.session.execute(select(WaterReceipt)).scalars():
            r.expires_on = local_today() + timedelta(days=10)
        db.session.commit()
    assert "expiring" in due_kinds()
    page = text_of(clerk.get("/admin/water_due/"))
    assert "饮用水低于补货线" in page and "30 天内过期的饮用水" in page


def test_monthly_use_counts_delivered_buckets(app, browser):
    from rules import water as water_rules

    def used():
        with app.app_context():
            from models.staff import Staff

            today = local_today()
            return water_rules.used_in_month(db.session.get(Staff, staff_id("clerk")),
                                             today.year, today.month)

    before = used()
    o = raise_order(app, browser, water_qty="4")
    assert used() == before                       # not yet delivered
    assert deliver(browser("security"), o.id, empties_returned="4").status_code == 302
    assert used() == before + 4
    page = text_of(browser("clerk").get("/admin/water_due/"))
    assert local_today().strftime("%Y-%m") in page


def test_voiding_a_receipt_takes_its_buckets_back_out(app, browser):
    clerk = browser("clerk")
    before = stock(app).quantity
    assert clerk.post_form("/admin/water_receipt/new/", receipt_form(app)).status_code == 302
    with app.app_context():
        from models.water import WaterReceipt

        rid = db.session.execute(select(WaterReceipt.id).order_by(
            WaterReceipt.id.desc())).scalars().first()
    resp = browser("supervisor").post_form(f"/admin/water_receipt/void/?id={rid}",
                                           {"reason": "送货单重复登记"})
    assert resp.status_code == 302
    assert stock(app).quantity == before


def test_a_delivered_order_is_frozen_and_cash_received_cannot_be_voided(app, browser):
    o = raise_order(app, browser, water_qty="1")
    assert deliver(browser("security"), o.id, empties_returned="1").status_code == 302
    clerk = browser("clerk")
    resp = clerk.post_form(f"/admin/water_order/edit/?id={o.id}",
                           water_order_form(app, water_qty="5"))
    assert resp.status_code == 200 and "已送达的饮用水订单不能修改" in text_of(resp)
    assert order(app, o.id).water_qty == 1
    assert clerk.post_form(f"/admin/water_order/settle/?id={o.id}",
                           {"method": "cash"}).status_code == 302
    assert browser("finance").post("/admin/finance/receive/", {"id": o.id}).status_code == 302
    resp = browser("supervisor").post_form(f"/admin/water_order/void/?id={o.id}",
                                           {"reason": "想作废"})
    assert resp.status_code == 200 and "财务已收取该单现金" in text_of(resp)
    assert order(app, o.id).voided_at is None
