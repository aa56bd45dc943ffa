"""邮件签收表 (+ 邮件代收记录表): the courier's quick entry (all or nothing; a number
twice in the batch or already open refused), delivery only against a signature and
never before receipt, returns with a reason, the desk only at weekends (代收), express
red and due after 10 minutes on weekdays, weekend items due to the courier on Monday,
the monthly filing, the recipient's phone masked for the courier, search, scoping."""
from __future__ import annotations

from datetime import date, timedelta


from i18n import local_now
from models.base import db
from models.mail import MailItem
from models.staff import Staff
from rules import mail as mail_rules

from .conftest import text_of
from .helpers import entries_for, staff_id
from .key_helpers import add_staff
from .mail_helpers import fmt, last_saturday, last_weekday, mail_items
from .order_helpers import unit_id

QUICK = "/admin/mail_item/quick/"


def form(app, **over) -> dict:
    data = {"received_at": fmt(last_weekday()), "kind": "express", "carrier": "顺丰速运",
            "tracking_no": "SF9000000001", "recipient_name": "赵先生",
            "recipient_phone": "13612345678", "unit": unit_id(app, "1-302")}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def new_item(app, browser, who: str = "courier", **over) -> MailItem:
    resp = browser(who).post_form("/admin/mail_item/new/", form(app, **over))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    return mail_items(app)[-1]


def test_courier_quick_entry_logs_a_batch_numbered_in_order(app, browser):
    before = len(mail_items(app))
    resp = browser("courier").post_form(QUICK, {
        "kind": "parcel", "carrier": "中通快递",
        "numbers": "ZT100000001 王女士 1-302\n\n  ZT100000002\nZT100000003 李先生\n"})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    made = mail_items(app)[before:]
    assert [m.tracking_no for m in made] == ["ZT100000001", "ZT100000002", "ZT100000003"]
    assert [m.serial_no for m in made] == list(range(made[0].serial_no, made[0].serial_no + 3))
    assert made[0].recipient_name == "王女士" and made[0].unit_id == unit_id(app, "1-302")
    assert made[2].recipient_name == "李先生" and made[2].unit_id is None
    with app.app_context():
        assert all(m.received_by_id == staff_id("courier") and not m.proxy_receipt
                   for m in made)
        assert entries_for("mail_item", made[0].id)[0].action == "quick_entry"


def test_quick_entry_is_all_or_nothing_and_refuses_duplicates(app, browser):
    b = browser("courier")
    assert b.post_form(QUICK, {"kind": "parcel", "numbers": "YT555000111"}).status_code == 302
    before = len(mail_items(app))
    for numbers, message in (
            ("YT555000222\nYT555000222", "单号 YT555000222 在列表中重复出现"),
            ("YT555000333\nYT555000111", "单号 YT555000111 已登记"),
            ("YT555000444\n#bad#", "不是有效单号"),
            ("   \n  ", "请至少扫描或输入一个单号")):
        resp = b.post_form(QUICK, {"kind": "parcel", "numbers": numbers})
        assert resp.status_code == 200, numbers
        assert message in text_of(resp), message
    assert len(mail_items(app)) == before                   # nothing of any batch written


def test_special_mail_is_delivered_only_against_a_signature(app, browser):
    item = new_item(app, browser, received_at=fmt(local_now() - timedelta(minutes=3)),
                    tracking_no="SF9000000777")
    b = browser("courier")
    url = f"/admin/mail_item/deliver/?id={item.id}"
    resp = b.post_form(url, {"signer": "  "})
    assert resp.status_code == 200 and "须由业户签收" in text_of(resp)
    assert mail_items(app)[-1].delivered_at is None
    resp = b.post_form(url, {"signer": "赵先生"})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    done = mail_items(app)[-1]
    assert done.delivered_at is not None and done.signer == "赵先生"
    with app.app_context():
        assert done.delivered_by_id == staff_id("courier")
        assert [e.action for e in entries_for("mail_item", done.id)] == ["insert", "deliver"]


def test_ordinary_mail_needs_no_signature(app, browser):
    item = new_item(app, browser, kind="ordinary", tracking_no=None)
    resp = browser("courier").post_form(f"/admin/mail_item/deliver/?id={item.id}",
                                        {"signer": ""})
    assert resp.status_code == 302, text_of(resp)[-1500:]


def test_delivery_before_receipt_and_return_without_reason_are_refused(app, browser):
    item = new_item(app, browser, tracking_no="SF9000000888")
    b = browser("courier")
    received = last_weekday()
    edit = f"/admin/mail_item/edit/?id={item.id}"
    resp = b.post_form(edit, form(app, tracking_no="SF9000000888", received_at=fmt(received),
                                  delivered_at=fmt(received - timedelta(hours=1)),
                                  signer="赵先生"))
    assert resp.status_code == 200 and "送达时间不能早于收到时间" in text_of(resp)
    resp = b.post_form(f"/admin/mail_item/return/?id={item.id}", {"reason": ""})
    assert resp.status_code == 200 and "请选择退还原因" in text_of(resp)
    assert mail_items(app)[-1].returned_at is None
    resp = b.post_form(f"/admin/mail_item/return/?id={item.id}", {"reason": "unknown_room"})
    assert resp.status_code == 302
    back = mail_items(app)[-1]
    assert back.returned_at is not None and back.return_reason == "unknown_room"


def test_desk_takes_mail_in_only_at_weekends_on_the_owners_behalf(app, browser):
    before = len(mail_items(app))
    resp = browser("clerk").post_form("/admin/mail_item/new/", form(app))
    assert resp.status_code == 200 and "前台只在周六、周日代业主签收" in text_of(resp)
    assert len(mail_items(app)) == before
    item = new_item(app, browser, "clerk", received_at=fmt(last_saturday()),
                    tracking_no="EMS000111222")
    assert item.proxy_receipt
    with app.app_context():
        assert item.received_by_id == staff_id("clerk")


def test_express_is_red_and_due_after_ten_minutes_on_weekdays(app, browser):
    late = new_item(app, browser, tracking_no="SF9000000999")
    fresh = new_item(app, browser, received_at=fmt(local_now()), tracking_no="SF9000001000")
    page = text_of(browser("courier").get("/admin/mail_item/"))
    assert "超过10分钟未送达" in page
    with app.app_context():
        courier = db.session.get(Staff, staff_id("courier"))
        late_ids = {m.id for m in mail_rules.late_express(courier)}
        assert late.id in late_ids and fresh.id not in late_ids
    assert "快件/EMS 收到后 10 分钟内未送达" in text_of(browser("courier").get("/admin/"))


def test_weekend_items_are_due_to_the_courier_on_monday_morning(app, browser):
    item = new_item(app, browser, "clerk", received_at=fmt(last_saturday()), kind="parcel",
                    tracking_no="ZT777000888")
    with app.app_context():
        clerk = db.session.get(Staff, staff_id("clerk"))
        assert item.id in {m.id for m in mail_rules.weekend_not_handed(clerk)}
    assert "周末代收邮件周一上午未交接给送报员" in text_of(browser("clerk").get("/admin/"))
    assert "交给送报员" in text_of(browser("clerk").get("/admin/mail_item/"))
    resp = browser("clerk").post("/admin/mail_item/hand_over/", {"id": item.id})
    assert resp.status_code == 302
    with app.app_context():
        clerk = db.session.get(Staff, staff_id("clerk"))
        assert item.id not in {m.id for m in mail_rules.weekend_not_handed(clerk)}
        assert entries_for("mail_item", item.id)[-1].action == "hand_over"


def test_last_months_sheets_are_due_from_the_tenth_until_filed(app, browser):
    with app.app_context():
        courier = db.session.get(Staff, staff_id("courier"))
        assert not mail_rules.archive_due(courier, date(2026, 11, 9))
        assert mail_rules.archive_due(courier, date(2026, 11, 10))
    if local_now().day >= 10:
        assert "上月邮件、报刊签收表待归档" in text_of(browser("courier").get("/admin/"))
    resp = browser("courier").post("/admin/mail_item/archive/", {})
    assert resp.status_code == 302
    with app.app_context():
        courier = db.session.get(Staff, staff_id("courier"))
        assert not mail_rules.archive_due(courier, local_now().date().replace(day=28))
    again = browser("courier").post("/admin/mail_item/archive/", {}, follow_redirects=True)
    assert "已经归档" in text_of(again)


def test_recipient_phone_is_masked_for_the_courier(app, browser):
    item = new_item(app, browser, tracking_no="SF9000002000")
    url = f"/admin/mail_item/details/?id={item.id}"
    assert "136****5678" in text_of(browser("courier").get(url))
    assert "13612345678" not in text_of(browser("courier").get(url))
    assert "13612345678" in text_of(browser("clerk").get(url))


def test_search_by_tracking_number_and_recipient_within_the_property(app, browser):
    new_item(app, browser, tracking_no="JD0042424242", recipient_name="欧阳娜娜")
    b = browser("courier")
    for term in ("JD0042424242", "424242", "欧阳娜娜", "娜娜"):
        page = text_of(b.get("/admin/mail_item/", query_string={"search": term}))
        assert "JD0042424242" in page, term
    add_staff(app, "north_courier", {"courier"}, code="NORTH")
    north = browser("north_courier")
    page = text_of(north.get("/admin/mail_item/", query_string={"search": "JD004242"}))
    assert "JD0042424242" not in page
    # the same number may be open at another property
    resp = north.post_form(QUICK, {"kind": "parcel", "numbers": "JD0042424242"})
    assert resp.status_code == 302, text_of(resp)[-1500:]


def test_roles_outside_mail_are_refused(app, browser):
    before = len(mail_items(app))
    assert browser("security").get("/admin/mail_item/").status_code == 403
    assert browser("finance").get(QUICK).status_code == 403
    resp = browser("butler").post(QUICK, {"kind": "parcel", "numbers": "SF1"})
    assert resp.status_code == 403 and len(mail_items(app)) == before
    assert browser("butler").get("/admin/mail_item/").status_code == 200
