"""《服务单》: gapless unique serial numbers (also under concurrent creates), voided
numbers kept, prices copied at order time, completion sign-off, settlement once,
follow-up due within 2 days, gap report, four-part print."""
from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select, text

from audit import system_actor
from i18n import local_now
from models.base import db, utcnow
from models.service_orders import ServiceOrder, ServicePrice
from rules import service_orders as order_rules

from .conftest import text_of
from .helpers import entries_for, property_id, race, staff_id
from .order_helpers import order, orders, price_id
from .custody_helpers import fmt
from .order_helpers import create
from .order_helpers import order_form


def errors(resp) -> list[str]:
    """The form's error messages, for assertion output."""
    import re

    return re.findall(r'(?:alert[^>]*>|invalid-feedback[^>]*>|help-block[^>]*>)\s*([^<]{0,200})',
                      text_of(resp))


def last_serial(app) -> int:
    with app.app_context():
        return db.session.execute(text("SELECT max(serial_no) FROM service_order")).scalar() or 0


def test_order_gets_the_next_number_and_copies_prices(app, browser):
    before = last_serial(app)
    resp = create(browser("clerk"), app)
    assert resp.status_code == 302, text_of(resp)[-2000:]
    new = orders(app)[-1]
    assert new.serial_no == before + 1 and new.kind == "service"
    [line] = new.lines
    assert (line.item, line.unit_price, line.quantity, line.amount) == (
        "更换灯泡", Decimal("10.00"), 3, Decimal("30.00"))
    assert new.charge == Decimal("30.00")
    with app.app_context():
        assert entries_for("service_order", new.id)[0].action == "insert"
        assert entries_for("service_order_line", line.id)[0].actor_id == staff_id("clerk")


def test_a_price_revision_never_changes_an_issued_order(app, browser):
    assert create(browser("clerk"), app).status_code == 302
    first = orders(app)[-1]
    sup = browser("supervisor")
    # the old price cannot be edited in place …
    old = price_id(app, "更换灯泡")
    with app.app_context():
        p = db.session.get(ServicePrice, old)
        fields = {"item": p.item, "unit_name": p.unit_name, "department": p.department,
                  "effective_from": p.effective_from.isoformat()}
    resp = sup.post_form(f"/admin/service_price/edit/?id={old}", {**fields,
                                                                  "unit_price": "12.00"})
    assert resp.status_code == 200 and "新增一行" in text_of(resp)
    with app.app_context():
        assert db.session.get(ServicePrice, old).unit_price == Decimal("10.00")
    # … a revision is a new line effective today
    resp = sup.post_form("/admin/service_price/new/", {
        "item": "更换灯泡", "unit_name": "个", "unit_price": "12.00", "department": "engineering",
        "effective_from": local_now().date().isoformat()})
    assert resp.status_code == 302, errors(resp)
    # editing the first order (work notes) keeps its price
    clerk = browser("clerk")
    resp = clerk.post_form(f"/admin/service_order/edit/?id={first.id}", order_form(
        app, work_notes="已预约", **{"lines-0-id": first.lines[0].id, "lines-0-price": old}))
    assert resp.status_code == 302, errors(resp)
    again = order(app, first.id)
    assert again.lines[0].unit_price == Decimal("10.00") and again.charge == Decimal("30.00")
    # a new order takes the new price
    assert create(clerk, app, **{"lines-0-price": price_id(app, "更换灯泡")}).status_code == 302
    newest = orders(app)[-1]
    assert newest.lines[0].unit_price == Decimal("12.00") and newest.charge == Decimal("36.00")


def test_a_refused_order_uses_no_number(app, browser):
    before = last_serial(app)
    clerk = browser("clerk")
    resp = create(clerk, app, completed_at=fmt(local_now()), customer_signed=None)
    assert resp.status_code == 200 and "须由客户签字确认" in text_of(resp)
    assert last_serial(app) == before
    assert create(clerk, app).status_code == 302
    assert orders(app)[-1].serial_no == before + 1


def test_voided_numbers_stay_and_are_reported(app, browser):
    clerk = browser("clerk")
    assert create(clerk, app).status_code == 302
    mistaken = orders(app)[-1]
    resp = browser("supervisor").post_form(f"/admin/service_order/void/?id={mistaken.id}",
                                           {"reason": "开错单"})
    assert resp.status_code == 302
    assert create(clerk, app).status_code == 302
    assert orders(app)[-1].serial_no == mistaken.serial_no + 1      # never reused
    page = text_of(clerk.get(f"/admin/service_order_gaps/?from=1&to={mistaken.serial_no + 1}"))
    assert f"{mistaken.serial_no:06d}" in page and "开错单" in page
    assert 'id="missing-count">0<' in page
    with app.app_context():
        assert db.session.get(ServiceOrder, mistaken.id).voided_at is not None


def test_gap_report_lists_missing_numbers(app, browser):
    clerk = browser("clerk")
    assert create(clerk, app).status_code == 302
    last = last_serial(app)
    with app.app_context():           # a number taken outside the app (e.g. a paper form)
        pid = property_id("DEMO")
        db.session.execute(text("UPDATE service_order_sequence SET last_no = last_no + 1 "
                                "WHERE property_id = :p"), {"p": pid})
        db.session.commit()
    assert create(clerk, app).status_code == 302
    assert orders(app)[-1].serial_no == last + 2
    with app.app_context():
        report = order_rules.gap_report(pid, 1, last + 2)
    assert report["missing"] == [last + 1]
    page = text_of(clerk.get(f"/admin/service_order_gaps/?from=1&to={last + 2}"))
    assert f"{last + 1:06d}" in page


def test_concurrent_creates_get_unique_gapless_numbers(app, backend):
    from models.reference import Unit
    from models.staff import Staff

    before = last_serial(app)
    n = 6
    barrier = threading.Barrier(n, timeout=20)

    def create_order(i: int) -> int:
        clerk = db.session.execute(select(Staff).where(Staff.username == "clerk")).scalar_one()
        unit = db.session.execute(select(Unit).where(Unit.room == "2-802")).scalar_one()
        o = ServiceOrder(property_id=clerk.property_id, unit=unit, customer_name=f"并发{i}",
                         department="cleaning", created_by_id=clerk.id, created_at=utcnow())
        barrier.wait()
        o.serial_no = order_rules.next_serial(clerk.property_id)
        db.session.add(o)
        return o.serial_no

    results = race(app, n, create_order)
    numbers = sorted(num for status, num in results if status == "ok")
    if backend == "postgresql":
        assert len(numbers) == n, results          # everyone waits their turn
    assert numbers, results
    assert numbers == list(range(before + 1, before + 1 + len(numbers))), results
    with app.app_context():
        stored = db.session.execute(text("SELECT serial_no FROM service_order WHERE "
                                         "customer_name LIKE '并发%' ORDER BY serial_no")).scalars()
        assert list(stored) == numbers
        assert last_serial(app) == before + len(numbers)


def test_completion_settlement_and_read_only_after(app, browser):
    clerk = browser("clerk")
    assert create(clerk, app).status_code == 302
    o = orders(app)[-1]
    resp = clerk.post_form(f"/admin/service_order/settle/?id={o.id}", {"method": "cash"})
    assert resp.status_code == 200 and "服务完成" in text_of(resp)
    resp = clerk.post_form(f"/admin/service_order/edit/?id={o.id}", order_form(
        app, completed_at=fmt(local_now()), customer_signed="y", work_notes="换灯泡三个",
        **{"lines-0-id": o.lines[0].id, "lines-0-price": o.lines[0].price_id}))
    assert resp.status_code == 302, errors(resp)
    resp = clerk.post_form(f"/admin/service_order/settle/?id={o.id}", {"method": "free"})
    assert "有收费" in text_of(resp)
    resp = clerk.post_form(f"/admin/service_order/settle/?id={o.id}", {"method": "cash"})
    assert resp.status_code == 302
    settled = order(app, o.id)
    assert settled.payment_method == "cash" and settled.settled_by_id is not None
    resp = clerk.post_form(f"/admin/service_order/settle/?id={o.id}", {"method": "cash"})
    assert "已结算" in text_of(resp)
    resp = clerk.post_form(f"/admin/service_order/edit/?id={o.id}", order_form(
        app, completed_at=fmt(local_now()), customer_signed="y", work_notes="改",
        **{"lines-0-id": o.lines[0].id, "lines-0-price": o.lines[0].price_id}))
    assert resp.status_code == 200 and "已结算的服务单不能修改" in text_of(resp)
    assert order(app, o.id).work_notes == "换灯泡三个"
    with app.app_context():
        assert "settle" in [e.action for e in entries_for("service_order", o.id)]


def test_follow_up_is_due_and_overdue_after_two_days(app, browser):
    clerk = browser("clerk")
    demo = [o for o in orders(app, "service") if o.completed_at][0]

    def due():
        with app.app_context():
            from models.staff import Staff

            return {r.obj.id: r.overdue for r in order_rules.followups_due(
                db.session.get(Staff, staff_id("clerk")))}

    assert due().get(demo.id) is False             # completed a day ago: due, not overdue
    with app.app_context(), system_actor("test"):
        o = db.session.get(ServiceOrder, demo.id)
        o.created_at = utcnow() - timedelta(days=4)
        o.completed_at = utcnow() - timedelta(days=3)
        db.session.commit()
    assert due().get(demo.id) is True
    with app.app_context():
        from models.staff import Staff

        me = db.session.get(Staff, staff_id("clerk"))
        rows = order_rules.followups_due(me)
        # the dashboard's counts are the database's, and agree with the due page
        assert order_rules.followups_counts(me) == (len(rows), sum(r.overdue for r in rows))
        # the due page lists the oldest first, bounded
        assert [r.obj.id for r in order_rules.followups_due(me, limit=1)] == [demo.id]
    assert "逾期未回访" in text_of(clerk.get("/admin/"))
    # a page bounded below the number due says so, and its badge counts them all
    view = next(v for v in app.extensions["admin"][0]._views
                if getattr(v, "endpoint", "") == "service_due")
    view.due_limit = 1
    bounded = text_of(clerk.get("/admin/service_due/"))
    assert f'id="due-followup-count">{len(rows)}<' in bounded and len(rows) > 1
    assert f"仅显示最早的 1 条（共 {len(rows)} 条）" in bounded
    assert bounded.count('data-kind="followup"') == 1
    view.due_limit = order_rules.DUE_LIST_LIMIT
    page = text_of(clerk.get("/admin/service_due/"))
    assert f"No.{demo.serial_no:06d}" in page and "逾期" in page
    resp = clerk.post_form(f"/admin/service_order/follow_up/?id={demo.id}", {
        "sat_quality": "satisfied", "sat_timeliness": "fair", "sat_attitude": "satisfied",
        "notes": "业主满意"})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    assert demo.id not in due()
    again = clerk.post_form(f"/admin/service_order/follow_up/?id={demo.id}", {
        "sat_quality": "satisfied", "sat_timeliness": "fair", "sat_attitude": "satisfied"})
    assert "已登记过回访" in text_of(again)


def test_four_part_print(app, browser):
    o = orders(app, "service")[0]
    page = text_of(browser("clerk").get(f"/admin/service_order/print/?id={o.id}"))
    for part in ("第一联：客服部", "第二联：财务", "第三联：客户", "第四联：服务部门"):
        assert part in page
    assert page.count(f"{o.serial_no:06d}") >= 4


def test_price_list_due_after_half_a_year(app, browser):
    with app.app_context():
        from models.staff import Staff

        clerk = db.session.get(Staff, staff_id("clerk"))
        assert order_rules.price_list_due(clerk) == []
        with system_actor("test"):
            for p in db.session.execute(select(ServicePrice)).scalars():
                p.effective_from = p.effective_from - timedelta(days=200)
            db.session.commit()
        assert order_rules.price_list_due(clerk)
    assert "收费标准超过半年未调整" in text_of(browser("clerk").get("/admin/"))


def test_register_as_of_a_day_shows_only_the_views_own_kind(app, browser):
    """服务单 and 桶装饮用水订单 share a table: each register as of a day lists its own
    orders only, like its list."""
    service = [o.customer_name for o in orders(app, "service")]
    water = [o.customer_name for o in orders(app, "water")]
    assert service and water and not set(service) & set(water)
    manager = browser("dept_manager")
    for url, mine, other in (("/admin/service_order/register_as_of/", service, water),
                             ("/admin/water_order/register_as_of/", water, service)):
        page = text_of(manager.get(url))
        assert all(name in page for name in mine), url
        assert not any(name in page for name in other), url
        csv_text = manager.get(url + "?format=csv").get_data(as_text=True)
        assert all(n in csv_text for n in mine) and not any(n in csv_text for n in other)
