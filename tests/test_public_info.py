"""公共信息记录表: the desk logs a call with the paper form's columns; the receiver is
whoever is signed in; times are typed in local time and refused in the future;
completion needs its account and cannot precede the call; a work-order number must
be a real service order; open matters become due after a day; search by reason,
phone fragment and room; history for every write; other roles kept out."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from i18n import local_now, utc_to_local
from models.base import db, utcnow
from models.public_info import PublicInfoEntry
from models.staff import Staff
from rules import public_info as info_rules

from .conftest import text_of
from .helpers import entries_for, staff_id
from .order_helpers import unit_id
from .custody_helpers import fmt


def form(app, **over) -> dict:
    data = {"received_at": fmt(local_now() - timedelta(minutes=10)), "unit": unit_id(app, "1-302"),
            "caller_name": "赵先生", "caller_phone": "13612345678",
            "reason": "楼道声控灯不亮，请派人检修", "category": "C", "forwarded_to": "engineering"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def entries(app) -> list[PublicInfoEntry]:
    with app.app_context():
        return list(db.session.execute(select(PublicInfoEntry).order_by(PublicInfoEntry.id))
                    .scalars())


def test_clerk_logs_a_call_as_the_receiver_in_local_time(app, browser):
    typed = local_now().replace(second=0) - timedelta(minutes=30)
    before = len(entries(app))
    resp = browser("clerk").post_form("/admin/public_info/new/",
                                      form(app, received_at=fmt(typed)))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    new = entries(app)[-1]
    assert len(entries(app)) == before + 1
    assert new.category == "C"
    with app.app_context():
        assert new.receiver_id == staff_id("clerk")
        assert utc_to_local(new.received_at) == typed          # stored UTC, typed local
        assert entries_for("public_info", new.id)[0].action == "insert"
    page = text_of(browser("clerk").get("/admin/public_info/"))
    assert f"{typed:%Y-%m-%d %H:%M}" in page                     # shown in local time
    assert "C 建议或求助" in page and "公共信息记录表" in page


def test_refused_lines_are_form_errors_and_write_nothing(app, browser):
    b = browser("clerk")
    before = len(entries(app))
    cases = [
        (form(app, reason="  "), "请填写来电事由"),
        (form(app, received_at=fmt(local_now() + timedelta(hours=2))), "不能是将来时间"),
        (form(app, completed_at=fmt(local_now() - timedelta(hours=1)),
              received_at=fmt(local_now() - timedelta(minutes=10)),
              completion="已处理"), "完成时间不能早于来电时间"),
        (form(app, completed_at=fmt(local_now())), "请填写完成情况"),
        (form(app, work_order_no="999999"), "没有编号为 999999 的服务单"),
    ]
    for data, message in cases:
        resp = b.post_form("/admin/public_info/new/", data)
        assert resp.status_code == 200, (message, resp.status_code)
        assert message in text_of(resp), message
    assert len(entries(app)) == before


def test_work_order_number_links_a_real_service_order(app, browser):
    from models.service_orders import ServiceOrder

    with app.app_context():
        serial = db.session.execute(select(ServiceOrder.serial_no)).scalars().first()
    resp = browser("clerk").post_form("/admin/public_info/new/",
                                      form(app, work_order_no=str(serial)))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    assert entries(app)[-1].work_order_no == serial


def test_open_matter_is_due_after_a_day_and_completion_clears_it(app, browser):
    b = browser("clerk")
    typed = fmt(local_now() - timedelta(hours=30))
    assert b.post_form("/admin/public_info/new/", form(
        app, reason="地下车库积水", received_at=typed)).status_code == 302
    new = entries(app)[-1]
    with app.app_context():
        clerk = db.session.get(Staff, staff_id("clerk"))
        assert any(r.obj.id == new.id and r.overdue for r in info_rules.open_matters(clerk))
    dash = text_of(b.get("/admin/"))
    assert "超过一天未完成的公共信息" in dash
    resp = b.post_form(f"/admin/public_info/edit/?id={new.id}", form(
        app, reason="地下车库积水", received_at=typed, completed_at=fmt(local_now()),
        completion="工程部已抽水"))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    with app.app_context():
        clerk = db.session.get(Staff, staff_id("clerk"))
        assert all(r.obj.id != new.id for r in info_rules.open_matters(clerk))
        assert [e.action for e in entries_for("public_info", new.id)] == ["insert", "update"]


def test_search_by_reason_phone_fragment_and_room(app, browser):
    b = browser("clerk")
    assert b.post_form("/admin/public_info/new/", form(
        app, reason="电梯异响需要维保", caller_phone="13698765432",
        unit=unit_id(app, "1-302"))).status_code == 302
    for term in ("电梯异响", "异响", "98765", "1-302"):
        page = text_of(b.get("/admin/public_info/", query_string={"search": term}))
        assert "电梯异响需要维保" in page, term
    page = text_of(b.get("/admin/public_info/", query_string={"search": "无此来电"}))
    assert "电梯异响需要维保" not in page


def test_roles_outside_the_desk_are_refused_on_the_server(app, browser):
    sec = browser("security")
    before = len(entries(app))
    assert sec.get("/admin/public_info/").status_code == 403
    assert sec.get("/admin/public_info/new/").status_code == 403
    resp = sec.post("/admin/public_info/new/", form(app), token_from="/admin/")
    assert resp.status_code == 403 and len(entries(app)) == before
    # a butler reads and logs, but may not edit the desk's lines
    butler = browser("butler")
    assert butler.get("/admin/public_info/").status_code == 200
    first = entries(app)[0]
    assert butler.get(f"/admin/public_info/edit/?id={first.id}").status_code == 403


def test_void_keeps_the_line_with_its_reason(app, browser):
    first = entries(app)[0]
    resp = browser("supervisor").post_form(f"/admin/public_info/void/?id={first.id}",
                                           {"reason": "重复登记"})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    with app.app_context():
        row = db.session.get(PublicInfoEntry, first.id)
        assert row is not None and row.voided_at is not None and row.void_reason == "重复登记"
        assert utcnow() - row.voided_at < timedelta(minutes=1)
