"""重要信息 + 发文记录: drafted by the desk, approved by the department manager or the
general manager (one step either may decide; nobody else); nothing sent before
approval; the notice board only by the property manager and only sealed; a phone
notice names who was called and is a line of the 公共信息记录表; a key notice is done when every dispatch is confirmed;
``undispatched`` lists what is not carried out; board notices past their expiry are
due to be taken down; another property never sees them."""
from __future__ import annotations

from datetime import timedelta

import pytest

from i18n import local_now, local_today, utc_to_local
from models.base import db
from models.notices import ImportantNotice
from models.public_info import PublicInfoEntry
from models.staff import Staff
from rules import approvals as chains
from rules import notices as notice_rules

from .conftest import text_of
from .helpers import entries_for, property_id, staff_id
from .key_helpers import add_staff, decide
from .mail_helpers import dispatches, fmt, notices

T = "important_notice"


def draft(app, browser, who: str = "clerk", **over) -> ImportantNotice:
    data = {"title": "3号楼周五停电通知", "category": "outage",
            "content": "供电局检修线路，周五 8:00–12:00 3号楼停电。", "channels": ["written"],
            "valid_from": str(local_today()), "valid_until": str(local_today() + timedelta(3)),
            "sealed": "y"}
    data.update(over)
    resp = browser(who).post_form("/admin/important_notice/new/",
                                  {k: v for k, v in data.items() if v is not None})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    return notices(app)[-1]


def send(browser, who: str, notice_id: int, **over):
    data = {"notice": notice_id, "channel": "written", "scope": "3号楼全体", "copies": "60",
            "sent_at": fmt(local_now() - timedelta(minutes=5))}
    data.update(over)
    return browser(who).post_form("/admin/notice_dispatch/new/",
                                  {k: v for k, v in data.items() if v is not None})


def approve(app, browser, notice: ImportantNotice, who: str = "dept_manager") -> None:
    decide(browser(who), T, notice.id)
    assert notices(app)[[n.id for n in notices(app)].index(notice.id)].status == "approved"


@pytest.mark.parametrize("drafter", ["clerk", "butler", "supervisor", "dept_manager"])
def test_the_desk_drafts_a_numbered_notice(app, browser, drafter):
    n = draft(app, browser, drafter, channels=["written", "phone"])
    assert n.status == "pending" and n.channels == "phone,written" and n.serial_no >= 1
    with app.app_context():
        assert n.applicant_id == staff_id(drafter)
    assert browser("courier").get("/admin/important_notice/new/").status_code == 403


def test_either_the_department_or_the_general_manager_approves_nobody_else(app, browser):
    first, second = draft(app, browser), draft(app, browser, title="寒潮预警")
    with app.app_context():
        n = db.session.get(ImportantNotice, first.id)
        for role, allowed in (("dept_manager", True), ("general_manager", True),
                              ("property_manager", False), ("supervisor", False),
                              ("clerk", False)):
            user = db.session.get(Staff, staff_id(role))
            assert (chains.why_not(user, n) is None) is allowed, role
    page = text_of(decide(browser("property_manager"), T, first.id))
    assert "这一步须由以下角色审批：客服部经理 / 项目总经理" in page
    assert notices(app)[-2].status == "pending"
    approve(app, browser, first, "dept_manager")
    approve(app, browser, second, "general_manager")
    with app.app_context():
        assert [e.action for e in entries_for(T, second.id)][-1] == "approve"
        rows = chains.decisions_of(db.session.get(ImportantNotice, second.id))
        assert rows[0].role == "general_manager"


def test_nothing_is_sent_before_approval(app, browser):
    n = draft(app, browser)
    before = len(dispatches(app))
    resp = send(browser, "courier", n.id)
    assert resp.status_code == 200 and "尚未批准" in text_of(resp)
    assert len(dispatches(app)) == before
    approve(app, browser, n)
    assert send(browser, "courier", n.id).status_code == 302
    assert notices(app)[-1].stage == "done"


def test_board_posting_only_by_the_property_manager_and_only_sealed(app, browser):
    unsealed = draft(app, browser, channels=["board"], sealed=None)
    sealed = draft(app, browser, channels=["board"], title="宠物管理规定")
    approve(app, browser, unsealed)
    approve(app, browser, sealed)
    board = {"channel": "board", "scope": "小区公告栏", "copies": "1"}
    resp = send(browser, "clerk", sealed.id, **board)
    assert resp.status_code == 200 and "只能由物业部经理发布" in text_of(resp)
    resp = send(browser, "property_manager", unsealed.id, **board)
    assert resp.status_code == 200 and "须加盖公司印章" in text_of(resp)
    resp = send(browser, "property_manager", sealed.id, **board)
    assert resp.status_code == 302, text_of(resp)[-1500:]


def test_phone_notice_names_who_was_called(app, browser):
    n = draft(app, browser, channels=["phone"], title="暴雨预警")
    approve(app, browser, n)
    resp = send(browser, "butler", n.id, channel="phone", scope=None, copies=None)
    assert resp.status_code == 200 and "须记录被通知人和通知时间" in text_of(resp)
    resp = send(browser, "butler", n.id, channel="phone", scope=None, copies=None,
                called_party="3-801 李女士", called_phone="13700000023")
    assert resp.status_code == 302
    assert dispatches(app)[-1].called_party == "3-801 李女士"


def test_a_phone_notice_is_a_line_of_the_public_information_log(app, browser):
    """电话通知 → 公共信息记录表: who was called and when, linked both ways."""
    n = draft(app, browser, channels=["phone"], title="寒潮降温提醒")
    approve(app, browser, n)
    sent = local_now().replace(second=0, microsecond=0) - timedelta(minutes=7)
    resp = send(browser, "butler", n.id, channel="phone", scope=None, copies=None,
                sent_at=fmt(sent), called_party="5-1202 陈先生", called_phone="13700000031")
    assert resp.status_code == 302, text_of(resp)[-1500:]
    d = dispatches(app)[-1]
    assert d.public_info_id is not None
    with app.app_context():
        line = db.session.get(PublicInfoEntry, d.public_info_id)
        assert line.caller_name == "5-1202 陈先生" and line.caller_phone == "13700000031"
        assert utc_to_local(line.received_at) == sent and line.category == "D"
        assert line.receiver_id == staff_id("butler") and line.completed_at is not None
        assert f"No.{n.serial_no}" in line.reason and "寒潮降温提醒" in line.reason
        assert [e.action for e in entries_for("public_info", line.id)] == ["insert"]
    page = text_of(browser("clerk").get(f"/admin/notice_dispatch/details/?id={d.id}"))
    assert f"/admin/public_info/details/?id={d.public_info_id}" in page
    page = text_of(browser("clerk").get(f"/admin/public_info/details/?id={d.public_info_id}"))
    assert "电话通知" in page and f"/admin/notice_dispatch/details/?id={d.id}" in page
    # a written notice makes no public-information line
    w = draft(app, browser, title="电梯年检")
    approve(app, browser, w)
    assert send(browser, "courier", w.id).status_code == 302
    assert dispatches(app)[-1].public_info_id is None


def test_key_notice_is_undispatched_until_confirmed(app, browser):
    n = draft(app, browser, key_notice="y", title="燃气管道改造")
    approve(app, browser, n)
    pid = None
    with app.app_context():
        pid = property_id("DEMO")
        assert n.id in [x.id for x in notice_rules.undispatched(pid)]
    assert "已批准但未落实发布的重要信息" in text_of(browser("clerk").get("/admin/"))
    assert send(browser, "courier", n.id).status_code == 302
    d = dispatches(app)[-1]
    with app.app_context():
        assert n.id in [x.id for x in notice_rules.undispatched(pid)]   # not confirmed
    assert notices(app)[-1].stage == "publishing"
    resp = browser("courier").post_form(f"/admin/notice_dispatch/edit/?id={d.id}", {
        "notice": n.id, "channel": "written", "scope": "3号楼全体", "copies": "60",
        "sent_at": fmt(local_now() - timedelta(minutes=5)), "confirmed_by": "3号楼楼长"})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    with app.app_context():
        assert n.id not in [x.id for x in notice_rules.undispatched(pid)]
    assert notices(app)[-1].stage == "done"


def test_board_notice_past_its_expiry_is_due_until_taken_down(app, browser):
    n = draft(app, browser, channels=["board"], title="消防检查通知",
              valid_from=str(local_today() - timedelta(days=10)),
              valid_until=str(local_today() - timedelta(days=1)))
    approve(app, browser, n)
    assert send(browser, "property_manager", n.id, channel="board", scope="公告栏",
                copies="1").status_code == 302
    with app.app_context():
        clerk = db.session.get(Staff, staff_id("clerk"))
        assert n.id in [x.id for x in notice_rules.board_overdue(clerk)]
    assert "公告栏通知已过有效期待回收" in text_of(browser("clerk").get("/admin/"))
    assert browser("courier").post("/admin/important_notice/take_down/",
                                   {"id": n.id}).status_code == 403
    resp = browser("clerk").post("/admin/important_notice/take_down/", {"id": n.id})
    assert resp.status_code == 302
    with app.app_context():
        clerk = db.session.get(Staff, staff_id("clerk"))
        assert n.id not in [x.id for x in notice_rules.board_overdue(clerk)]
        assert entries_for(T, n.id)[-1].action == "take_down"
    assert notices(app)[-1].stage == "withdrawn"


def test_another_property_never_sees_the_notice(app, browser):
    n = draft(app, browser, title="北岸不可见")
    add_staff(app, "north_clerk", {"clerk"}, code="NORTH")
    north = browser("north_clerk")
    assert "北岸不可见" not in text_of(north.get("/admin/important_notice/"))
    assert north.get(f"/admin/important_notice/details/?id={n.id}").status_code in (302, 404)


def test_an_approved_notice_not_carried_out_is_on_every_handover(app, browser):
    """未落实重要信息 on the shift handover until the notice is carried out."""
    from .handover_helpers import handover_form, handovers

    n = draft(app, browser, title="5号楼周六停水通知")
    approve(app, browser, n)
    resp = browser("clerk").post_form("/admin/shift_handover/new/", handover_form(app))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    rows = handovers(app)[-1].sections["notices"]["rows"]
    assert any("5号楼周六停水通知" in r for r in rows)
