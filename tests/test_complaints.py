"""客户投诉处理记录表: the receiver (signed in) tracks; numbers per property without
gaps; deadlines from the nature (轻微 24 h or the owner's time, 重要 2 days, 重大 3/7
working days of the property's calendar); only a supervisor or the department
manager judges 无效, with a reason; times not in the future nor a resolution before
receipt; closing needs handling, a visit, the owner's satisfaction, a manager's visit
for 重大 and the approved loss report over 500 yuan; 重大 goes to the general
manager; a category-A public-information line becomes a complaint once; phone
masked in exports; the other property kept out."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from i18n import local_now, local_to_utc, utc_to_local
from models.base import db
from models.complaints import Complaint, ComplaintLossReport, WorkCalendarDay
from models.public_info import PublicInfoEntry
from models.staff import Staff
from rules import complaints as complaint_rules
from rules.work_calendar import add_working_days

from .complaint_helpers import (complaint_form, fmt, log_complaint, north_complaint, one,
                                resolved_complaint, rows, visit)
from .conftest import text_of
from .helpers import entries_for, property_id, run_cli, staff_id


def test_clerk_logs_a_complaint_as_receiver_with_gapless_numbers(app, browser):
    b = browser("clerk")
    north = north_complaint(app)
    first = log_complaint(b, app)
    second = log_complaint(b, app, content="楼下装修噪音大")
    assert first.receiver_id == second.receiver_id == staff_id_of(app, "clerk")
    assert second.complaint_no == first.complaint_no + 1
    assert one(app, Complaint, north).complaint_no == 1          # its own sequence
    # 轻微: resolve within 24 h of receipt
    assert first.resolve_due - first.received_at == timedelta(hours=24)
    with app.app_context():
        assert entries_for("complaint", first.id)[0].action == "insert"
    page = text_of(b.get("/admin/complaint/"))
    assert "客户投诉处理记录表" in page and "电梯经常停运" in page and "北岸小区的投诉" not in page
    assert b.get(f"/admin/complaint/details/?id={north}").status_code in (302, 404)


def staff_id_of(app, username):
    with app.app_context():
        return staff_id(username)


def test_owner_deadline_and_important_reply_days(app, browser):
    b = browser("clerk")
    wanted = local_now().replace(second=0, microsecond=0) + timedelta(hours=6)
    minor = log_complaint(b, app, owner_deadline=fmt(wanted))
    assert utc_to_local(minor.resolve_due) == wanted
    important = log_complaint(b, app, severity="important")
    assert important.reply_due - important.received_at == timedelta(days=2)
    promised = log_complaint(b, app, severity="important", reply_days="5")
    assert promised.reply_due - promised.received_at == timedelta(days=5)
    resp = b.post_form("/admin/complaint/new/", complaint_form(app, severity="important",
                                                               reply_days="9"))
    assert resp.status_code == 200


def test_major_deadlines_count_working_days_of_the_property_calendar(app):
    with app.app_context():
        pid = property_id("DEMO")
        friday = local_to_utc(datetime(2031, 1, 3, 10, 0))          # a Friday
        # Mon 6 Jan is a holiday, Sat 11 Jan an extra working day
        db.session.add_all([WorkCalendarDay(property_id=pid, day=date(2031, 1, 6), working=False),
                            WorkCalendarDay(property_id=pid, day=date(2031, 1, 11),
                                            working=True)])
        db.session.flush()
        assert utc_to_local(add_working_days(pid, friday, 3)) == datetime(2031, 1, 9, 10, 0)
        assert utc_to_local(add_working_days(pid, friday, 7)) == datetime(2031, 1, 14, 10, 0)
        # the other property keeps the plain week
        north = property_id("NORTH")
        assert utc_to_local(add_working_days(north, friday, 3)) == datetime(2031, 1, 8, 10, 0)
        db.session.rollback()


def test_major_complaint_is_reported_to_the_general_manager(app, browser):
    c = log_complaint(browser("clerk"), app, severity="major")
    assert c.reported_to_gm_at is not None and c.reply_due and c.resolve_due
    gm = browser("general_manager")
    assert "总经理尚未阅知的重大投诉" in text_of(gm.get("/admin/"))
    assert browser("clerk").get(f"/admin/complaint/acknowledge/?id={c.id}").status_code == 403
    resp = gm.post_form(f"/admin/complaint/acknowledge/?id={c.id}", {})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    row = one(app, Complaint, c.id)
    assert row.gm_acknowledged_by_id == staff_id_of(app, "general_manager")
    assert "总经理尚未阅知的重大投诉" not in text_of(gm.get("/admin/"))
    with app.app_context():
        assert [e.action for e in entries_for("complaint", c.id)][-1] == "acknowledge"


@pytest.mark.parametrize("over, message", [
    ({"received_at": "2099-01-01 10:00"}, "投诉的时间不能是将来时间"),
    ({"resolved_at": "2020-01-01 10:00", "handling": "已处理"}, "答复或解决时间不能早于投诉时间"),
    ({"resolved_at": None, "first_reply_at": "2020-01-01 10:00"}, "答复或解决时间不能早于投诉时间"),
    ({"resolved_at": "_now"}, "填写解决时间前请先填写处理情况"),
    ({"severity": "invalid", "severity_reason": "非物业管理范围"}, "只有主管或部门经理可以判定无效投诉"),
    ({"severity": "unable"}, "请说明投诉无效或暂时不能处理的原因"),
    ({"content": "  "}, "请填写投诉人和投诉内容"),
])
def test_refused_complaints_write_nothing(app, browser, over, message):
    over = {k: (fmt(local_now()) if v == "_now" else v) for k, v in over.items()}
    before = len(rows(app, Complaint))
    resp = browser("clerk").post_form("/admin/complaint/new/", complaint_form(app, **over))
    assert resp.status_code == 200 and message in text_of(resp), text_of(resp)[-1500:]
    assert len(rows(app, Complaint)) == before


def test_supervisor_judges_invalid_with_a_reason(app, browser):
    b = browser("supervisor")
    resp = b.post_form("/admin/complaint/new/", complaint_form(app, severity="invalid"))
    assert "请说明投诉无效" in text_of(resp)
    c = log_complaint(b, app, severity="invalid", severity_reason="非物业管理范围")
    assert c.classified_by_id == staff_id_of(app, "supervisor") and not c.reasonable
    # the clerk may edit other fields of it, but not turn a complaint invalid
    mine = log_complaint(browser("clerk"), app)
    resp = browser("clerk").post_form(f"/admin/complaint/edit/?id={mine.id}", complaint_form(
        app, severity="invalid", severity_reason="重复投诉"))
    assert "只有主管或部门经理可以判定无效投诉" in text_of(resp)
    assert one(app, Complaint, mine.id).severity == "minor"


def close(b, cid):
    return b.post_form(f"/admin/complaint/close/?id={cid}", {})


def test_closing_needs_handling_a_visit_and_the_owners_satisfaction(app, browser):
    sup, clerk = browser("supervisor"), browser("clerk")
    open_one = log_complaint(clerk, app)
    assert "结案前请填写处理情况和解决时间" in text_of(close(sup, open_one.id))
    c = resolved_complaint(clerk, app)
    assert "投诉须经回访后才能结案" in text_of(close(sup, c.id))
    assert visit(clerk, c.id, satisfaction="dissatisfied",
                 shortcomings="维修后仍有异响").status_code == 302
    assert "业主不满意" in text_of(close(sup, c.id))
    assert one(app, Complaint, c.id).closed_at is None
    first = rows(app, complaint_rules.FollowUpVisit)[-1]
    assert visit(clerk, c.id, second_visit_of=first.id).status_code == 302
    assert "只有主管或部门经理可以结案" in text_of(close(clerk, c.id))
    resp = close(sup, c.id)
    assert resp.status_code == 302, text_of(resp)[-1500:]
    row = one(app, Complaint, c.id)
    assert row.closed_by_id == staff_id_of(app, "supervisor") and row.owner_confirmed
    with app.app_context():
        assert [e.action for e in entries_for("complaint", c.id)][-1] == "close"
    assert "该投诉已结案" in text_of(close(sup, c.id))


def test_major_complaint_closes_only_after_a_managers_visit(app, browser):
    clerk = browser("clerk")
    c = resolved_complaint(clerk, app, severity="major")
    resp = visit(clerk, c.id)
    assert "重大投诉须由物业部经理或总经理回访" in text_of(resp)
    assert visit(browser("property_manager"), c.id).status_code == 302
    assert close(browser("dept_manager"), c.id).status_code == 302


def test_major_complaint_visited_by_a_supervisor_cannot_close(app, browser):
    """The close rule itself, for a visit made before the complaint became 重大."""
    clerk, sup = browser("clerk"), browser("supervisor")
    c = resolved_complaint(clerk, app)
    assert visit(sup, c.id).status_code == 302
    resp = sup.post_form(f"/admin/complaint/edit/?id={c.id}", complaint_form(
        app, severity="major", received_at=fmt(utc_to_local(c.received_at)),
        handling="已派工程部维修", resolved_at=fmt(utc_to_local(c.resolved_at))))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    assert "重大投诉须由物业部经理或总经理回访后才能结案" in text_of(close(sup, c.id))


def test_loss_over_500_needs_the_approved_report_before_closing(app, browser):
    clerk, sup = browser("clerk"), browser("supervisor")
    c = resolved_complaint(clerk, app, loss_amount="800")
    assert visit(clerk, c.id).status_code == 302
    assert "不合格品/服务记录处理单批准后才能结案" in text_of(close(sup, c.id))
    assert "损失超过 500 元" in text_of(sup.get("/admin/"))
    small = resolved_complaint(clerk, app, loss_amount="300")
    resp = clerk.post_form("/admin/complaint_loss_report/new/", {
        "complaint": small.id, "nonconformity": "x", "cause_analysis": "y",
        "corrective_action": "z", "responsible": "刘师傅", "deadline": "2030-01-01"})
    assert "超过 500 元的投诉才填写" in text_of(resp)
    assert clerk.get(f"/admin/complaint_loss_report/new/?complaint={c.id}").status_code == 200
    resp = clerk.post_form("/admin/complaint_loss_report/new/", {
        "complaint": c.id, "nonconformity": "维修损坏业主地板", "cause_analysis": "操作不当",
        "corrective_action": "赔偿并培训", "responsible": "刘师傅", "deadline": "2030-01-01"})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    report = rows(app, ComplaintLossReport)[-1]
    # dept_manager analyses, then the general manager approves
    for user in ("dept_manager", "general_manager"):
        assert "不合格品/服务记录处理单批准后才能结案" in text_of(close(sup, c.id))
        resp = browser(user).post("/admin/approvals/decide/", {
            "table": "complaint_loss_report", "id": report.id, "decision": "approve"})
        assert resp.status_code == 302
    assert one(app, ComplaintLossReport, report.id).status == "approved"
    assert close(sup, c.id).status_code == 302
    assert run_cli(app, "audit", "verify").exit_code == 0      # every write in history


def test_public_info_line_of_category_a_becomes_a_complaint_once(app, browser):
    with app.app_context():
        line = db.session.execute(db.select(PublicInfoEntry).where(
            PublicInfoEntry.category == "A")).scalars().first()
        other = db.session.execute(db.select(PublicInfoEntry).where(
            PublicInfoEntry.category == "B")).scalars().first()
        line_id, reason, other_id = line.id, line.reason, other.id
    b = browser("clerk")
    details = text_of(b.get(f"/admin/public_info/details/?id={line_id}"))
    assert "转为投诉" in details
    assert "转为投诉" not in text_of(b.get(f"/admin/public_info/details/?id={other_id}"))
    page = text_of(b.get(f"/admin/complaint/new/?public_info={line_id}"))
    assert reason in page and "13700000023" in page
    form = complaint_form(app, content=reason, source_line=str(line_id))
    resp = b.post_form("/admin/complaint/new/", form)
    assert resp.status_code == 302, text_of(resp)[-1500:]
    c = rows(app, Complaint)[-1]
    assert c.public_info_id == line_id
    with app.app_context():
        assert entries_for("complaint", c.id)[0].action == "convert"
    before = len(rows(app, Complaint))
    assert "该条公共信息已转为投诉" in text_of(b.post_form("/admin/complaint/new/", form))
    resp = b.post_form("/admin/complaint/new/", complaint_form(app, source_line=str(other_id)))
    assert "只有 A 类（投诉）公共信息可以转为投诉" in text_of(resp)
    assert len(rows(app, Complaint)) == before


def test_phone_masked_in_exports_and_roles_kept_out(app, browser):
    log_complaint(browser("clerk"), app, phone="13698765432")
    assert "13698765432" not in text_of(browser("supervisor").get(
        "/admin/complaint/export/csv/"))
    assert "13698765432" in text_of(browser("dept_manager").get("/admin/complaint/export/csv/"))
    for user in ("security", "courier", "finance"):
        assert browser(user).get("/admin/complaint/").status_code == 403
    resp = browser("security").post("/admin/complaint/new/", complaint_form(app))
    assert resp.status_code == 403


def test_due_items_for_deadlines_and_the_memo_of_an_important_complaint(app, browser):
    b = browser("clerk")
    c = log_complaint(b, app, severity="important",
                      received_at=fmt(local_now() - timedelta(days=3)))
    page = text_of(b.get("/admin/"))
    assert "30 分钟内未发内部联络单的重要投诉" in page and "超过答复期限的投诉" in page
    with app.app_context():
        clerk = db.session.get(Staff, staff_id("clerk"))
        counts = complaint_rules.due_counts(clerk)
        assert counts["memo"] >= 1 and counts["reply"] >= 1
        late = complaint_rules.due_counts(clerk)["memo"]
    # a memo sent within 30 minutes of receipt clears it
    resp = b.post_form("/admin/internal_memo/new/", {
        "from_department": "customer_service", "to_department": "engineering",
        "sent_at": fmt(utc_to_local(c.received_at) + timedelta(minutes=20)),
        "content": "请处理", "complaint": c.id})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    with app.app_context():
        clerk = db.session.get(Staff, staff_id("clerk"))
        assert complaint_rules.due_counts(clerk)["memo"] == late - 1


def _chart(page: str, chart_id: str) -> dict:
    import html
    import json
    import re

    m = re.search(rf"id=\"{chart_id}\"[^>]*data-chart='([^']+)'", page)
    assert m, f"no chart {chart_id}"
    return json.loads(html.unescape(m.group(1)))


def test_dashboard_charts_count_complaints_by_class_severity_and_quarter(app, browser):
    b = browser("supervisor")
    page = text_of(b.get("/admin/"))
    month, quarter = (_chart(page, "chart-by-class-and-severity"),
                      _chart(page, "chart-per-quarter"))
    assert month["labels"] == ["工程维修类", "客服类", "安全服务类", "环境类"]
    assert [s["label"] for s in month["series"]] == ["轻微", "重要", "重大", "暂时或不能处理", "无效"]
    assert len(quarter["labels"]) == 4 and len(quarter["series"]) == 4
    # received this month at the properties (an hour ago is last month at 00:30 on the 1st)
    log_complaint(browser("clerk"), app, category="security", severity="major",
                  received_at=fmt(local_now()))
    page = text_of(b.get("/admin/"))
    after = _chart(page, "chart-by-class-and-severity")
    assert after["series"][2]["data"][2] == month["series"][2]["data"][2] + 1
    assert _chart(page, "chart-per-quarter")["values"][-1] == quarter["values"][-1] + 1
    assert "chart-per-quarter" not in text_of(browser("security").get("/admin/"))


def test_work_calendar_is_kept_by_the_department_manager(app, browser):
    data = {"day": "2031-05-01", "note": "劳动节"}
    assert browser("supervisor").get("/admin/work_calendar/new/").status_code == 403
    assert browser("clerk").post("/admin/work_calendar/new/", data).status_code == 403
    resp = browser("dept_manager").post_form("/admin/work_calendar/new/", data)
    assert resp.status_code == 302, text_of(resp)[-1500:]
    with app.app_context():
        day = db.session.execute(db.select(WorkCalendarDay).where(
            WorkCalendarDay.note == "劳动节")).scalar_one()
        assert day.property_id == property_id("DEMO") and not day.working
