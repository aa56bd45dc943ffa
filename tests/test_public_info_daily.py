"""公共信息记录表 additions: 信息接受人 is a member of staff of the property (older lines
keep their department), and the 每日汇总 page counts each local day's lines per
category A–D, still open and completed, in Chinese and English."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from i18n import local_now
from models.base import db
from models.public_info import PublicInfoEntry
from models.staff import Staff
from rules import public_info as info_rules
from rules.errors import RuleViolation

from .conftest import text_of
from .custody_helpers import fmt
from .helpers import staff_id
from .key_helpers import add_staff
from .order_helpers import unit_id

URL = "/admin/public_info/"


def line(app, **over) -> dict:
    data = {"received_at": fmt(local_now() - timedelta(minutes=5)), "unit": unit_id(app, "1-302"),
            "caller_name": "钱女士", "reason": "楼下噪音扰民", "category": "A",
            "forwarded_to": "security"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def last_line(app) -> PublicInfoEntry:
    with app.app_context():
        row = db.session.execute(select(PublicInfoEntry).order_by(
            PublicInfoEntry.id.desc())).scalars().first()
        db.session.expunge(row)
        return row


def test_the_information_receiver_is_a_person_of_the_property(app, browser):
    with app.app_context():
        butler = staff_id("butler")
    resp = browser("clerk").post_form(URL + "new/", line(app, forwarded_to_person=str(butler)))
    assert resp.status_code == 302, text_of(resp)[-800:]
    assert last_line(app).forwarded_to_person_id == butler
    page = text_of(browser("clerk").get(URL))
    assert "信息接受人" in page and "李建国" in page
    # an older line with only the department still reads as before
    assert "保安部" in page


def test_a_receiver_of_another_property_is_refused(app, browser):
    north = add_staff(app, "north_butler", {"butler"}, code="NORTH")
    with app.app_context():
        entry = PublicInfoEntry(property_id=db.session.get(Staff, staff_id("clerk")).property_id,
                                reason="x", category="B", received_at=local_now() - timedelta(
                                    hours=9), forwarded_to_person=db.session.get(Staff, north))
        with pytest.raises(RuleViolation, match="信息接受人必须是本管理处的员工"):
            info_rules.check_entry(entry)
        db.session.rollback()
    before = last_line(app).id
    browser("clerk").post_form(URL + "new/", line(app, forwarded_to_person=str(north)))
    new = last_line(app)          # not a choice: the line names nobody of another property
    assert new.id == before or new.forwarded_to_person_id != north


def test_daily_summary_counts_each_category_open_and_completed(app, browser):
    def today_row(b) -> dict:
        import re

        html = b.get(URL + "daily/").get_data(as_text=True)
        day = f"{local_now():%Y-%m-%d}"
        row = re.search(rf'data-day="{day}" data-total="(\d+)" data-open="(\d+)" '
                        rf'data-completed="(\d+)">(.*?)</tr>', html, re.S)
        cats = dict(re.findall(r'data-category="([A-D])">(\d+)<', row.group(4)))
        return {"total": int(row.group(1)), "open": int(row.group(2)),
                "completed": int(row.group(3)), **{c: int(n) for c, n in cats.items()}}

    b = browser("clerk")
    if local_now().hour == 0 and local_now().minute < 10:
        pytest.skip("the lines would fall on yesterday")
    before = today_row(b)
    assert b.post_form(URL + "new/", line(app)).status_code == 302
    assert b.post_form(URL + "new/", line(app, category="B", reason="咨询停车", completed_at=fmt(
        local_now()), completion="已答复")).status_code == 302
    after = today_row(b)
    assert after["total"] == before["total"] + 2
    assert (after["A"], after["B"]) == (before["A"] + 1, before["B"] + 1)
    assert (after["open"], after["completed"]) == (before["open"] + 1, before["completed"] + 1)
    page = text_of(b.get(URL))
    assert "每日汇总" in page
    assert "公共信息每日汇总" in text_of(b.get(URL + "daily/"))
    b.post("/lang", {"lang": "en"})
    try:
        assert "Public information: daily summary" in text_of(b.get(URL + "daily/"))
    finally:
        b.post("/lang", {"lang": "zh_Hans_CN"})
    assert browser("security").get(URL + "daily/").status_code == 403
