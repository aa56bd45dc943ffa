"""Real-browser journey of the auditor: filter the global log by staff member, open
a key, read its diff and the record as it was, export the history."""
from __future__ import annotations

from tests.browser_support import chromium, live_server, login, logout, new_page  # noqa: F401


def test_auditor_filters_log_opens_key_diff_as_of_and_exports(new_page):
    page = new_page()
    # a clerk changes a key, so there is a diff to read
    login(page, "clerk")
    page.goto("/admin/key/?search=会所活动室")
    page.click("a[title='编辑记录']")
    page.fill("#place", "会所三楼活动室")
    page.click("form.admin-form input[type=submit]:not([name])")
    page.wait_for_selector(".alert-success")
    logout(page)

    login(page, "auditor")
    page.goto("/admin/audit_log/?search=clerk")
    page.wait_for_selector("table.model-list")
    assert page.locator("a.record-link").count() >= 1
    # open the key from the log
    page.goto("/admin/audit_log/?flt0_0=clerk")     # 员工 filter, the first one
    page.wait_for_selector("table.model-list")
    page.goto("/admin/key/?search=会所活动室")
    page.click("a[title='查看记录']")
    page.click("#history-link")
    page.wait_for_selector("#history-table")
    diff = page.inner_text("tr.history-entry[data-action=update]")
    assert "会所二楼活动室" in diff and "会所三楼活动室" in diff and "位置 / 锁" in diff
    # the record as it was when first entered
    page.locator("a.as-of-link").first.click()
    page.wait_for_selector("#as-of-table")
    assert "会所二楼活动室" in page.inner_text("#as-of-table")
    # export the history (the global log) as CSV
    page.goto("/admin/audit_log/")
    with page.expect_download() as dl:
        # the export menu's CSV link (a dropdown item)
        page.eval_on_selector("a[href*='/admin/audit_log/export/csv/']", "a => a.click()")
    path = dl.value.path()
    data = open(path, encoding="utf-8-sig").read()
    assert "会所三楼活动室" in data and "王晓燕" not in data.splitlines()[0]
