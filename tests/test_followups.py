"""客户回访记录表: the visitor is whoever is signed in; a kind that follows something
must link it; not before the matter it follows, not in the future; 不满意 needs a
description and then a second visit; a 重大 complaint is visited by a manager; the
supervisor reviews; 回访待办 lists per kind and the month's rate against its target
(the service order's own follow-up call counts for repairs)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from i18n import local_now
from models.base import db, utcnow
from models.followups import FollowUpVisit
from models.service_orders import ServiceOrder
from models.staff import Staff
from rules import followup_due
from i18n import utc_to_local

from .complaint_helpers import fmt, log_complaint, one, resolved_complaint, rows, visit, visit_form
from .conftest import text_of
from .helpers import entries_for, staff_id


def test_visit_records_the_visitor_and_its_due_date(app, browser):
    b = browser("butler")
    c = resolved_complaint(browser("clerk"), app)
    assert b.get(f"/admin/followup_visit/new/?kind=complaint&complaint={c.id}").status_code == 200
    resp = visit(b, c.id, method="home", customer_confirmed="y")
    assert resp.status_code == 302, text_of(resp)[-1500:]
    v = rows(app, FollowUpVisit)[-1]
    with app.app_context():
        assert v.visitor_id == staff_id("butler") and v.unit_id == c.unit_id
        assert entries_for("followup_visit", v.id)[0].action == "insert"
    assert v.due_on is not None
    assert "客户回访记录表" in text_of(b.get("/admin/followup_visit/"))


@pytest.mark.parametrize("case, message", [
    ("no_link", "此类回访须关联所回访的事项"),
    ("unresolved", "投诉解决后才能回访"),
    ("before", "回访时间不能早于所回访的事项"),
    ("future", "请填写回访时间（不能是将来时间）"),
    ("dissatisfied", "请填写住户不满意的缺点与不足"),
    ("major", "重大投诉须由物业部经理或总经理回访"),
    ("second_of_satisfied", "二次回访只针对住户不满意的回访"),
])
def test_refused_visits_write_nothing(app, browser, case, message):
    clerk = browser("clerk")
    c = resolved_complaint(clerk, app, hours_ago=3)
    data = visit_form(complaint=c.id)
    if case == "no_link":
        data.pop("complaint")
    elif case == "unresolved":
        data["complaint"] = log_complaint(clerk, app).id
    elif case == "before":
        data["visited_at"] = fmt(local_now() - timedelta(hours=3, minutes=30))
    elif case == "future":
        data["visited_at"] = fmt(local_now() + timedelta(hours=2))
    elif case == "dissatisfied":
        data["satisfaction"] = "dissatisfied"
    elif case == "major":
        data["complaint"] = resolved_complaint(clerk, app, severity="major").id
    elif case == "second_of_satisfied":
        assert visit(clerk, c.id).status_code == 302
        data["second_visit_of"] = rows(app, FollowUpVisit)[-1].id
    before = len(rows(app, FollowUpVisit))
    resp = clerk.post_form("/admin/followup_visit/new/", data)
    assert resp.status_code == 200 and message in text_of(resp), text_of(resp)[-1500:]
    assert len(rows(app, FollowUpVisit)) == before


def test_dissatisfied_visit_is_due_for_a_second_visit(app, browser):
    clerk = browser("clerk")
    c = resolved_complaint(clerk, app)
    assert visit(clerk, c.id, satisfaction="dissatisfied", shortcomings="仍漏水").status_code == 302
    first = rows(app, FollowUpVisit)[-1]
    page = text_of(clerk.get("/admin/followup_due/"))
    assert "不满意、待二次回访的住户" in page and f"second_visit_of={first.id}" in page
    assert clerk.get(f"/admin/followup_visit/new/?second_visit_of={first.id}").status_code == 200
    assert visit(clerk, c.id, second_visit_of=first.id).status_code == 302
    page = text_of(clerk.get("/admin/followup_due/"))
    assert f"second_visit_of={first.id}" not in page


def test_resolved_complaint_is_due_for_a_visit_and_the_rate_counts_it(app, browser):
    clerk = browser("clerk")
    c = resolved_complaint(clerk, app)
    with app.app_context():
        user = db.session.get(Staff, staff_id("clerk"))
        due = {s["id"]: s for s in followup_due.due_sections(user)}
        assert any(r.obj.id == c.id for r in due["complaint"]["rows"])
        # the month it was resolved in (3 hours ago: last month early on the 1st)
        month = utc_to_local(c.resolved_at).date().replace(day=1)
        rate = {r.kind: r for r in followup_due.month_rates(user, month)}
        base, done = rate["complaint"].base, rate["complaint"].done
    assert visit(clerk, c.id).status_code == 302
    with app.app_context():
        user = db.session.get(Staff, staff_id("clerk"))
        rate = {r.kind: r for r in followup_due.month_rates(user, month)}
        assert (rate["complaint"].base, rate["complaint"].done) == (base, done + 1)
    page = text_of(clerk.get("/admin/followup_due/"))
    assert "回访率" in page and 'data-kind="complaint"' in page
    assert clerk.get("/admin/followup_due/?month=2026-13").status_code in (200, 400)


def test_paid_order_of_200_yuan_is_due_until_a_supervisor_visits(app, browser):
    with app.app_context():
        order = db.session.execute(db.select(ServiceOrder).where(
            ServiceOrder.kind == "service")).scalars().first()
        order.charge, order.completed_at = 260, utcnow() - timedelta(hours=5)
        db.session.commit()
        oid = order.id
        user = db.session.get(Staff, staff_id("supervisor"))
        paid = {s["id"]: s for s in followup_due.due_sections(user)}["paid"]
        assert any(r.obj.id == oid for r in paid["rows"])
    data = visit_form(kind="repair", service_order=oid)
    data.pop("complaint", None)
    assert browser("clerk").post_form("/admin/followup_visit/new/", data).status_code == 302
    with app.app_context():
        user = db.session.get(Staff, staff_id("supervisor"))
        paid = {s["id"]: s for s in followup_due.due_sections(user)}["paid"]
        assert any(r.obj.id == oid for r in paid["rows"])       # the clerk's call is not enough
    assert browser("supervisor").post_form("/admin/followup_visit/new/", data).status_code == 302
    with app.app_context():
        user = db.session.get(Staff, staff_id("supervisor"))
        paid = {s["id"]: s for s in followup_due.due_sections(user)}["paid"]
        assert not any(r.obj.id == oid for r in paid["rows"])


def test_supervisor_reviews_others_may_not_and_visits_are_not_edited(app, browser):
    c = resolved_complaint(browser("clerk"), app)
    assert visit(browser("clerk"), c.id).status_code == 302
    v = rows(app, FollowUpVisit)[-1]
    url = f"/admin/followup_visit/review/?id={v.id}"
    assert browser("clerk").get(url).status_code == 403
    assert browser("clerk").get(f"/admin/followup_visit/edit/?id={v.id}").status_code == 403
    sup = browser("supervisor")
    assert "请填写审核意见" in text_of(sup.post_form(url, {"comment": " "}))
    assert sup.post_form(url, {"comment": "回访及时"}).status_code == 302
    row = one(app, FollowUpVisit, v.id)
    with app.app_context():
        assert row.reviewed_by_id == staff_id("supervisor") and row.review_comment == "回访及时"
    assert "该回访记录已审核" in text_of(sup.post_form(url, {"comment": "再次"}))
    assert browser("security").get("/admin/followup_visit/").status_code == 403


def test_voiding_the_second_visit_makes_it_due_again(app, browser):
    clerk = browser("clerk")
    c = resolved_complaint(clerk, app)
    assert visit(clerk, c.id, satisfaction="dissatisfied", shortcomings="仍漏水").status_code == 302
    first = rows(app, FollowUpVisit)[-1]
    assert visit(clerk, c.id, second_visit_of=first.id).status_code == 302
    second = rows(app, FollowUpVisit)[-1]
    assert not one(app, FollowUpVisit, first.id).needs_second_visit
    resp = browser("supervisor").post_form(f"/admin/followup_visit/void/?id={second.id}",
                                           {"reason": "记录错误"})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    assert one(app, FollowUpVisit, first.id).needs_second_visit
    assert f"second_visit_of={first.id}" in text_of(clerk.get("/admin/followup_due/"))
