"""内部联络单: numbered per property, the sender is whoever is signed in; only staff of
the receiving department acknowledge (or the desk records an outside recipient's name
and time); no result before receipt; no future sending time; due when a complaint
memo waits more than 30 minutes or the completion time passes without a result."""
from __future__ import annotations

from datetime import timedelta

import pytest

from i18n import local_now, utc_to_local
from models.base import db
from models.memos import InternalMemo
from models.staff import Staff
from rules import memos as memo_rules

from .complaint_helpers import fmt, log_complaint, memo_form, one, rows
from .conftest import text_of
from .helpers import entries_for, staff_id


def send(b, **over) -> InternalMemo:
    resp = b.post_form("/admin/internal_memo/new/", memo_form(**over))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    return rows(b.app, InternalMemo)[-1]


def test_memo_is_numbered_and_sent_by_the_signed_in_user(app, browser):
    first = send(browser("clerk"))
    second = send(browser("supervisor"), to_department="security")
    assert second.memo_no == first.memo_no + 1
    with app.app_context():
        assert first.sender_id == staff_id("clerk") and second.sender_id == staff_id("supervisor")
        assert entries_for("internal_memo", first.id)[0].action == "insert"
    assert "内部联络单" in text_of(browser("clerk").get("/admin/internal_memo/"))


@pytest.mark.parametrize("over, message", [
    ({"sent_at": fmt(local_now() + timedelta(hours=1))}, "请填写发文日期（不能是将来时间）"),
    ({"result": "已修复"}, "联络单签收后才能填写处理结果"),
    ({"received_name": "刘师傅", "received_at": fmt(local_now() - timedelta(hours=2))},
     "签收时间不能早于发文时间"),
    ({"received_at": "NOW"}, "请填写接文人"),        # now at run time, not at collection
    ({"content": " "}, "请填写联络单事由"),
])
def test_refused_memos_write_nothing(app, browser, over, message):
    before = len(rows(app, InternalMemo))
    over = {k: fmt(local_now()) if v == "NOW" else v for k, v in over.items()}
    resp = browser("clerk").post_form("/admin/internal_memo/new/", memo_form(**over))
    assert resp.status_code == 200 and message in text_of(resp), text_of(resp)[-1500:]
    assert len(rows(app, InternalMemo)) == before


def test_receiving_department_acknowledges_others_are_refused(app, browser):
    memo = send(browser("clerk"), to_department="security")
    url = f"/admin/internal_memo/acknowledge/?id={memo.id}"
    resp = browser("butler").post_form(url, {})
    assert "只有接文部门的员工可以签收联络单" in text_of(resp)
    assert one(app, InternalMemo, memo.id).received_at is None
    assert browser("security").post_form(url, {}).status_code == 302
    row = one(app, InternalMemo, memo.id)
    with app.app_context():
        assert row.received_by_id == staff_id("security")
        assert [e.action for e in entries_for("internal_memo", memo.id)][-1] == "acknowledge"
    assert "该联络单已签收" in text_of(browser("security").post_form(url, {}))


def test_outside_recipient_recorded_by_name_then_the_result(app, browser):
    b = browser("clerk")
    memo = send(b)
    sent = fmt(utc_to_local(memo.sent_at))
    edit = f"/admin/internal_memo/edit/?id={memo.id}"
    got = fmt(local_now() - timedelta(minutes=5))
    resp = b.post_form(edit, memo_form(sent_at=sent, result="已更换电梯按钮"))
    assert "联络单签收后才能填写处理结果" in text_of(resp)
    resp = b.post_form(edit, memo_form(sent_at=sent, received_name="刘师傅", received_at=got,
                                       result="已更换电梯按钮"))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    row = one(app, InternalMemo, memo.id)
    assert row.received_name == "刘师傅" and row.replied_at is not None
    # a department neither sending nor receiving may not change it
    other = send(browser("supervisor"), from_department="engineering",
                 to_department="security")
    resp = b.post_form(f"/admin/internal_memo/edit/?id={other.id}", memo_form(
        from_department="engineering", to_department="security",
        sent_at=fmt(utc_to_local(other.sent_at))))
    assert "只有发文部门或接文部门可以修改联络单" in text_of(resp)


def test_due_complaint_memo_unacknowledged_and_result_late(app, browser):
    b = browser("clerk")
    c = log_complaint(b, app, severity="important",
                      received_at=fmt(local_now() - timedelta(hours=2)))
    send(b, complaint=c.id, sent_at=fmt(local_now() - timedelta(minutes=100)),
         due_at=fmt(local_now() - timedelta(minutes=1)))
    page = text_of(b.get("/admin/"))
    assert "30 分钟内未签收的投诉联络单" in page
    assert "超过要求完成时间仍无处理结果的联络单" in page
    with app.app_context():
        clerk = db.session.get(Staff, staff_id("clerk"))
        labels = [label for label, _n, *_e in memo_rules.due_items(clerk)]
        assert len(labels) == 2
    fresh = send(b, complaint=c.id)            # 10 minutes old: not late yet
    with app.app_context():
        clerk = db.session.get(Staff, staff_id("clerk"))
        before = dict((lbl, n) for lbl, n, *_e in memo_rules.due_items(clerk))
    assert fresh.memo_no and sum(before.values()) >= 2
    assert browser("security").get("/admin/internal_memo/").status_code == 200
    assert browser("finance").get("/admin/internal_memo/").status_code == 403
