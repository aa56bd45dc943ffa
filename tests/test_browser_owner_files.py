"""Real-browser journey of an owner file: the clerk (no right to owner files'
personal data) finds 张伟's file with the phone masked, the butler opens it and reads
the phone, and the auditor sees in 业主档案查阅记录 that the butler opened it."""
from __future__ import annotations

from tests.browser_support import chromium, live_server, login, logout, new_page  # noqa: F401

PHONE, MASKED = "13800000001", "138****0001"


def test_clerk_sees_the_phone_masked_butler_reads_it_auditor_sees_the_opening(new_page):
    page = new_page()
    login(page, "clerk")
    page.goto("/admin/occupant/?search=张伟")
    page.wait_for_selector("table.model-list")
    row = page.inner_text("table.model-list tbody")
    assert MASKED in row and PHONE not in row
    page.click("a[title='查看记录']")
    page.wait_for_selector("table.table")
    assert MASKED in page.content() and PHONE not in page.content()
    logout(page)

    login(page, "butler")
    page.goto("/admin/occupant/?search=张伟")
    page.click("a[title='查看记录']")
    page.wait_for_selector("#owner-file-links")
    assert PHONE in page.inner_text("body") and "张小宇" in page.inner_text("body")
    # the file's derived parts: 缴费情况 and 物业使用/维修养护情况 (spec F)
    assert page.is_visible("#owner-file-fees") and page.is_visible("#owner-file-orders")
    assert "缴费情况" in page.inner_text("#owner-file-fees")
    assert "物业使用/维修养护情况" in page.inner_text("#owner-file-orders")
    logout(page)

    login(page, "auditor")
    page.goto("/admin/owner_file_access/")
    page.wait_for_selector("table.model-list")
    log = page.inner_text("table.model-list tbody")
    first = log.splitlines()[0]
    assert "李建国" in first and "详情页" in first and "张伟" in first
    assert "王晓燕" not in log                        # the clerk's masked look is not an opening
