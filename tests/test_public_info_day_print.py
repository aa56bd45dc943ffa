"""The dated 公共信息记录表 print (issue 17 item 11): one local day's lines in time
order under the guide's column names, the property's name, phone numbers masked as
the list masks them, another day, a voided line and another property left out."""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from sqlalchemy import select

from audit import system_actor
from i18n import local_today
from models.base import db, utcnow
from models.public_info import PublicInfoEntry

from .conftest import Browser, text_of
from .custody_helpers import fmt
from .key_helpers import add_staff
from .order_helpers import unit_id

URL = "/admin/public_info/day_print/"
GUIDE_COLUMNS = ["序号", "记录日期", "记录时间", "房间号", "来电号码", "来电缘由", "工单编号",
                 "接听人", "信息接受人", "完成情况", "信息类别", "备注"]


def log_line(app, browser, at: datetime, reason: str, phone: str = "13800138000") -> None:
    resp = browser("clerk").post_form("/admin/public_info/new/", {
        "received_at": fmt(at), "unit": unit_id(app, "1-302"), "caller_name": "钱女士",
        "caller_phone": phone, "reason": reason, "category": "B"})
    assert resp.status_code == 302, text_of(resp)[-600:]


def lines_of(html: str) -> list[str]:
    return re.findall(r'<tr class="form-line" data-id="\d+">(.*?)</tr>', html, re.S)


def test_the_day_form_lists_the_days_lines_in_time_order(app, browser):
    day = local_today() - timedelta(days=1)
    log_line(app, browser, datetime.combine(day, time(15, 40)), "日打印-下午报修")
    log_line(app, browser, datetime.combine(day, time(8, 5)), "日打印-早上咨询")
    log_line(app, browser, datetime.combine(day - timedelta(days=1), time(23, 50)),
             "日打印-前一天")
    log_line(app, browser, datetime.combine(day, time(9, 0)), "日打印-作废")
    with app.app_context(), system_actor("test"):
        row = db.session.execute(select(PublicInfoEntry).where(
            PublicInfoEntry.reason == "日打印-作废")).scalar_one()
        row.voided_at, row.void_reason = utcnow(), "录错"
        db.session.commit()
    resp = browser("clerk").get(f"{URL}?day={day.isoformat()}")
    assert resp.status_code == 200
    html = text_of(resp)
    for column in GUIDE_COLUMNS:
        assert f">{column}</th>" in html, column
    lines = [ln for ln in lines_of(html) if "日打印" in ln]
    assert len(lines) == 2
    assert "日打印-早上咨询" in lines[0] and ">08:05<" in lines[0]
    assert "日打印-下午报修" in lines[1] and ">15:40<" in lines[1]
    assert day.isoformat() in html and "前一天" not in html and "作废" not in html
    assert "13800138000" in html            # the clerk reads the register's phone numbers


def test_the_day_form_shows_the_property_name(app, browser):
    from models import Property

    with app.app_context():
        name = db.session.execute(select(Property.name).where(Property.code == "DEMO")).scalar_one()
    html = text_of(browser("clerk").get(URL))
    assert f"<h2>{name} · 公共信息记录表</h2>" in html


def test_phone_numbers_are_masked_for_a_role_that_does_not_read_them(app, browser,
                                                                     monkeypatch):
    from rules import matrix
    from rules.predicates import has_role

    day = local_today() - timedelta(days=1)
    log_line(app, browser, datetime.combine(day, time(10, 15)), "日打印-遮蔽", "13912345678")
    monkeypatch.setitem(matrix.PERSONAL_DATA_READERS, "public_info", has_role("admin"))
    html = text_of(browser("butler").get(f"{URL}?day={day.isoformat()}"))
    line = next(ln for ln in lines_of(html) if "日打印-遮蔽" in ln)
    assert "13912345678" not in line and "139****5678" in line


def test_another_propertys_staff_do_not_see_the_lines(app, browser):
    day = local_today() - timedelta(days=1)
    log_line(app, browser, datetime.combine(day, time(11, 0)), "日打印-本物业")
    add_staff(app, "north_clerk_print", {"clerk"}, code="NORTH")
    b = Browser(app)
    assert b.login("north_clerk_print", "demo-pass-2026").status_code == 302
    html = text_of(b.get(f"{URL}?day={day.isoformat()}"))
    assert "日打印-本物业" not in html


def test_a_malformed_day_is_a_400_and_others_are_refused(app, browser):
    assert browser("clerk").get(f"{URL}?day=2026-13-45").status_code == 400
    assert browser("clerk").get(f"{URL}?day=9999-12-31").status_code == 400
    assert browser("courier").get(URL).status_code == 403


def test_the_list_and_the_daily_summary_link_the_print(app, browser):
    clerk = browser("clerk")
    assert "/admin/public_info/day_print/" in text_of(clerk.get("/admin/public_info/"))
    daily = text_of(clerk.get("/admin/public_info/daily/"))
    assert f"/admin/public_info/day_print/?day={local_today().isoformat()}" in daily
    assert "打印当日记录表" in daily
