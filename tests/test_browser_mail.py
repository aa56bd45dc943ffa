"""Real-browser journey of mail and notices: the courier logs three parcels by
tracking number and delivers the express against a signature within 10 minutes; a
clerk drafts a water-cut notice, the department manager approves it from 待我审批, the
courier sends it and records the confirmation; the notice is 已完成."""
from __future__ import annotations

from datetime import timedelta

from tests.browser_support import (chromium, choose_option, live_server, login,  # noqa: F401
                                   logout, new_page, saved)


def test_mail_and_notice_journey(new_page, live_server):
    from sqlalchemy import select

    from i18n import local_today
    from models.base import db
    from models.mail import MailItem

    page = new_page()
    login(page, "courier")
    # -- quick entry: three express items, one per line
    page.goto("/admin/mail_item/")
    page.click("#mail-quick-link")
    page.select_option("#kind", "express")
    page.fill("#carrier", "顺丰速运")
    page.fill("#numbers", "SF8800000001 王女士 1-302\nSF8800000002 张先生\nSF8800000003")
    page.click("#quick-entry-submit")
    page.wait_for_selector(".alert-success")
    assert "已登记 3 件" in page.inner_text(".alert-success")
    for no in ("SF8800000001", "SF8800000002", "SF8800000003"):
        assert page.locator(f"tr:has-text('{no}')").count() == 1, no
    # -- deliver the first against the resident's signature
    page.click("tr:has-text('SF8800000001') a.mail-deliver")
    page.fill("#signer", "王女士")
    page.click("#deliver-form-submit")
    page.wait_for_selector(".alert-success")
    row = page.locator("tr:has-text('SF8800000001')")
    assert "王女士" in row.inner_text() and row.locator(".mail-deliver").count() == 0
    with live_server.app.app_context():
        item = db.session.execute(select(MailItem).where(
            MailItem.tracking_no == "SF8800000001")).scalar_one()
        assert item.signer == "王女士"
        assert item.delivered_at - item.received_at < timedelta(minutes=10)
    logout(page)

    # -- a clerk drafts a key water-cut notice
    login(page, "clerk")
    page.goto("/admin/important_notice/new/")
    page.fill("#title", "2号楼周六停水通知")
    page.select_option("#category", "outage")
    page.fill("#content", "二次供水水箱清洗，周六 9:00–13:00 2号楼停水，请提前储水。")
    page.check("#sealed")
    page.check("#key_notice")
    page.fill("#valid_until", str(local_today() + timedelta(days=3)))
    page.click("#title")                       # closes the date picker
    saved(page)
    logout(page)

    # -- the department manager approves it from 待我审批
    login(page, "dept_manager")
    page.goto("/admin/approvals/")
    row = page.locator("tr.waiting-request[data-table='important_notice']"
                       ":has-text('2号楼周六停水通知')")
    assert row.count() == 1
    row.locator(".approve-button").click()
    page.wait_for_selector(".alert-success")
    logout(page)

    # -- the courier sends it in writing, then records the building head's confirmation
    login(page, "courier")
    page.goto("/admin/notice_dispatch/new/")
    choose_option(page, "#notice", "2号楼周六停水通知")
    page.select_option("#channel", "written")
    page.fill("#scope", "2号楼全体住户")
    page.fill("#copies", "48")
    saved(page)
    page.click("tr:has-text('2号楼周六停水通知') a[title='编辑记录']")
    page.fill("#confirmed_by", "2号楼楼长")
    saved(page)
    page.goto("/admin/important_notice/?search=2号楼周六停水通知")
    assert "已完成" in page.inner_text("tr:has-text('2号楼周六停水通知') .notice-stage")
