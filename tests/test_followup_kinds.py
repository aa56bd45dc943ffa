"""回访 of the remaining kinds: 20 % of each day's repairs visited (the order's own call
counts), 急修 within 24 hours, a 下雨后回访 batch a supervisor starts listing the units
with leak repairs, each butler's 3 households a week, a greeting batch per festival,
特约 (专项服务) all visited; each on 回访待办 with the month's rate."""
from __future__ import annotations

from datetime import date, timedelta

from i18n import local_now, local_today, utc_to_local
from models.base import db, utcnow
from models.followup_batches import FollowUpBatch
from models.followups import FollowUpVisit
from models.service_orders import ServiceOrder
from models.staff import Staff
from rules import followup_batches, followup_due, followup_kinds
from rules.errors import RuleViolation
from rules.service_orders import next_serial

from .complaint_helpers import fmt, rows, visit_form
from .conftest import text_of
from .helpers import property_id, staff_id
from .order_helpers import unit_id


def completed_order(app, room: str = "1-302", hours_ago: float = 2, department="engineering",
                    description: str = "厨房水龙头更换", called: bool = False,
                    repair_class: str = "normal") -> int:
    with app.app_context():
        pid = property_id("DEMO")
        done = utcnow() - timedelta(hours=hours_ago)
        o = ServiceOrder(property_id=pid, serial_no=next_serial(pid), kind="service",
                         unit_id=unit_id(app, room), customer_name="测试业主",
                         department=department, description=description,
                         repair_class=repair_class, completed_at=done, followup_at=done if called else None)
        db.session.add(o)
        db.session.commit()
        return o.id


def user(name: str) -> Staff:
    return db.session.get(Staff, staff_id(name))


def section(app, who: str, kind: str) -> dict:
    with app.app_context():
        return {s["id"]: s for s in followup_kinds.due_sections(user(who))}[kind]


def ids(app, who: str, kind: str) -> list:
    return [getattr(r.obj, "id", r.obj) for r in section(app, who, kind)["rows"]]


def order_visit(b, kind: str, order_id: int, **over):
    data = visit_form(kind=kind, service_order=order_id, complaint=None,
                      visited_at=fmt(local_now()), **over)
    return b.post_form("/admin/followup_visit/new/", data)


def today_sample(app) -> tuple[int, int, int]:
    """(completed today, visits needed, visited in time) of today's repairs."""
    with app.app_context():
        u = user("clerk")
        orders = followup_kinds._orders(u, utcnow() - timedelta(days=2), utcnow(),
                                        ServiceOrder.department == "engineering")
        return followup_kinds._repair_day(orders, followup_kinds.first_visits(
            [i for i, _ in orders]), local_today())


def test_a_fifth_of_the_days_repairs_are_visited_and_the_orders_call_counts(app, browser):
    today = local_today()
    made = [completed_order(app, hours_ago=0.02) for _ in range(10)]
    n, need, done = today_sample(app)
    assert n >= 10 and need == -(-n // 5) and done < need
    assert today in ids(app, "clerk", "repair_sample")
    with app.app_context():                  # the order's own follow-up call counts
        db.session.get(ServiceOrder, made[0]).followup_at = utcnow()
        db.session.commit()
    assert today_sample(app)[2] == done + 1
    clerk = browser("clerk")
    for oid in made[1:need - done]:
        assert order_visit(clerk, "repair", oid).status_code == 302
    assert today_sample(app)[2] == need
    assert today not in ids(app, "clerk", "repair_sample")
    with app.app_context():
        rate = {r.kind: r for r in followup_due.month_rates(user("clerk"), today.replace(
            day=1))}["repair_sample"]
        assert rate.base >= 10 and rate.done >= need and rate.target == 20


def test_urgent_repairs_are_due_within_24_hours(app, browser):
    # the order's repair class decides, not its words: the field wins
    late = completed_order(app, hours_ago=30, description="卫生间水管爆裂", repair_class="urgent")
    fresh = completed_order(app, hours_ago=2, description="入户门锁坏", repair_class="urgent")
    plain = completed_order(app, hours_ago=30, description="更换灯泡")
    worded = completed_order(app, hours_ago=30, description="紧急：急修灯泡")   # class normal
    due = {r.obj.id: r.overdue for r in section(app, "clerk", "urgent")["rows"]}
    assert due[late] is True and due[fresh] is False
    assert plain not in due and worded not in due
    assert order_visit(browser("clerk"), "urgent_repair", late).status_code == 302
    assert late not in ids(app, "clerk", "urgent")
    page = text_of(browser("clerk").get("/admin/followup_due/"))
    assert "急修项目 24 小时内回访" in page and f"service_order={fresh}" in page


def test_the_urgent_rate_counts_orders_by_their_class(app, browser):
    # the month the orders are completed in (half an hour ago: last month at 00:20 on the 1st)
    month = utc_to_local(utcnow() - timedelta(hours=0.5)).date().replace(day=1)

    def urgent_rate():
        with app.app_context():
            r = {r.kind: r for r in followup_due.month_rates(user("clerk"), month)}["urgent_repair"]
            return r.base, r.done

    base, done = urgent_rate()
    called = completed_order(app, hours_ago=0.5, description="水管爆裂", repair_class="urgent",
                             called=True)
    completed_order(app, hours_ago=0.5, description="紧急：急修")       # the words, class normal
    assert urgent_rate() == (base + 1, done + 1)
    assert called not in ids(app, "clerk", "urgent")


def leak_batch(b, **over):
    data = {"kind": "leak", "held_on": str(local_today()), "notes": "昨夜暴雨"}
    data.update(over)
    return b.post_form("/admin/followup_batch/new/", data)


def test_a_supervisor_starts_the_visits_after_rain_listing_units_with_leak_repairs(app, browser):
    leak = completed_order(app, room="1-302", hours_ago=240, description="卫生间防水重做",
                           repair_class="leak")
    worded = completed_order(app, room="2-302", hours_ago=240, description="卫生间渗漏维修")
    before = len(rows(app, FollowUpBatch))
    resp = leak_batch(browser("butler"))
    assert resp.status_code == 200 and "下雨后回访由客服主管或客服部经理发起" in text_of(resp)
    resp = leak_batch(browser("supervisor"), held_on=str(local_today() + timedelta(days=1)))
    assert "请填写日期（不能是将来日期）" in text_of(resp)
    assert len(rows(app, FollowUpBatch)) == before
    assert browser("supervisor").get("/admin/followup_batch/new/?kind=leak").status_code == 200
    resp = leak_batch(browser("supervisor"))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    batch = rows(app, FollowUpBatch)[-1]
    with app.app_context():
        b = db.session.get(FollowUpBatch, batch.id)
        lines = {u.unit_id: u.service_order_id for u in b.units}
    assert lines.get(unit_id(app, "1-302")) == leak
    assert worded not in lines.values()          # the words alone: class normal, not listed
    due = section(app, "clerk", "leak")["rows"]
    assert unit_id(app, "1-302") in [r.obj.unit_id for r in due]
    page = text_of(browser("supervisor").get("/admin/followup_due/"))
    assert "开始下雨后回访" in page
    details = text_of(browser("clerk").get(f"/admin/followup_batch/details/?id={batch.id}"))
    assert f"batch={batch.id}" in details and "batch-units" in details
    clerk = browser("clerk")
    data = visit_form(kind="leak", complaint=None, unit=unit_id(app, "1-302"))
    n = len(rows(app, FollowUpVisit))
    resp = clerk.post_form("/admin/followup_visit/new/", data)
    assert "雨后渗漏回访或节日回访须属于其回访批次" in text_of(resp)
    other = [r for r in ("1-301", "2-101", "1-101") if r != "1-302"]
    resp = clerk.post_form("/admin/followup_visit/new/", {**data, "batch": batch.id,
                                                          "unit": unit_id(app, other[0])})
    assert "请选择批次中的房号" in text_of(resp) and len(rows(app, FollowUpVisit)) == n
    resp = clerk.post_form("/admin/followup_visit/new/", {**data, "batch": batch.id})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    assert unit_id(app, "1-302") not in [r.obj.unit_id for r in
                                         section(app, "clerk", "leak")["rows"]]
    # voiding a batch unit's visit makes it due again
    v = rows(app, FollowUpVisit)[-1]
    assert browser("supervisor").post_form(f"/admin/followup_visit/void/?id={v.id}",
                                           {"reason": "记错"}).status_code == 302
    assert unit_id(app, "1-302") in [r.obj.unit_id for r in section(app, "clerk", "leak")["rows"]]


def test_no_leak_repairs_nobody_to_visit(app):
    with app.app_context():
        b = FollowUpBatch(property_id=property_id("NORTH"), kind="leak", held_on=local_today())
        try:
            followup_batches.start_batch(b, user("supervisor"))
        except RuleViolation as e:
            assert "90" in str(e)
        else:
            raise AssertionError("a batch without leak repairs was accepted")


def test_each_butler_visits_three_households_a_week(app, browser):
    today = local_today()
    with app.app_context():
        bid = staff_id("butler")
        assert bid in [s.id for s in followup_kinds.butlers(user("clerk"))]
    assert bid in [r.obj.id for r in section(app, "clerk", "routine")["rows"]]
    b = browser("butler")
    for i in range(3):
        data = visit_form(kind="routine", complaint=None, unit=unit_id(app, "1-302"))
        assert b.post_form("/admin/followup_visit/new/", data).status_code == 302
        listed = bid in [r.obj.id for r in section(app, "clerk", "routine")["rows"]]
        assert listed == (i < 2)
    with app.app_context():
        next_sunday = today + timedelta(days=13 - today.weekday())
        late = followup_kinds.routine_due(user("clerk"), next_sunday)
        assert [r.overdue for r in late if r.obj.id == bid] == [True]
        rate = {r.kind: r for r in followup_due.month_rates(
            user("clerk"), today.replace(day=1))}["routine"]
        assert rate.done >= 3 and rate.target == 100


def test_a_greeting_batch_per_festival(app, browser):
    with app.app_context():
        due = followup_kinds.holiday_due(user("clerk"), date(2027, 10, 2))
        assert [(r.obj, r.overdue) for r in due if r.obj == "national_day"] == [
            ("national_day", True)]
        assert [r.obj for r in followup_kinds.holiday_due(user("clerk"), date(2027, 2, 4))] == [
            "spring_festival"]
        b = FollowUpBatch(property_id=property_id("DEMO"), kind="holiday", held_on=date(2027, 10, 1),
                          festival="national_day", greeting_method="sms", greeting="国庆快乐")
        followup_batches.start_batch(b, user("butler"), today=date(2027, 10, 2))
        db.session.add(b)
        db.session.commit()
        assert "national_day" not in [r.obj for r in followup_kinds.holiday_due(
            user("clerk"), date(2027, 10, 2))]
        again = FollowUpBatch(property_id=property_id("DEMO"), kind="holiday",
                              held_on=date(2027, 10, 3), festival="national_day",
                              greeting_method="letter", greeting="节日快乐")
        try:
            followup_batches.start_batch(again, user("butler"), today=date(2027, 10, 3))
        except RuleViolation as e:
            assert "已登记" in str(e)
        else:
            raise AssertionError("a festival greeted twice")
        db.session.rollback()
    resp = browser("clerk").post_form("/admin/followup_batch/new/", {
        "kind": "holiday", "held_on": str(local_today()), "festival": "children",
        "greeting_method": "sms", "greeting": "儿童节快乐"})
    if abs((local_today() - date(local_today().year, 6, 1)).days) > 7:
        assert "节日祝福须在节日前后一周内发送" in text_of(resp)


def test_special_services_are_all_visited_within_5_days(app, browser):
    late = completed_order(app, hours_ago=24 * 6, department="cleaning", description="家政保洁")
    called = completed_order(app, hours_ago=24 * 6, department="cleaning", called=True)
    due = {r.obj.id: r.overdue for r in section(app, "clerk", "special")["rows"]}
    assert due.get(late) is True and called not in due
    assert order_visit(browser("clerk"), "special", late).status_code == 302
    assert late not in ids(app, "clerk", "special")


def test_the_rates_page_shows_every_kind(app, browser):
    page = text_of(browser("clerk").get("/admin/followup_due/"))
    for kind in ("repair_sample", "urgent_repair", "leak", "routine", "holiday", "special",
                 "help", "activity", "newspaper"):
        assert f'data-kind="{kind}"' in page, kind
    for title in ("管家日常回访：每周 3 户", "尚未发送祝福的节日", "待回访的特约服务"):
        assert title in page
    assert browser("courier").get("/admin/followup_batch/").status_code == 403
    assert browser("security").get("/admin/followup_batch/new/").status_code == 403
