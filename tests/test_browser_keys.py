"""Real-browser journey of the keys issue: the desk issues and returns a key; the
copy application is approved from 待我审批 by both managers; the clerk executes it
with a co-signer; the auditor opens the new key's history."""
from __future__ import annotations

from tests.browser_support import chromium, live_server, login, logout, new_page  # noqa: F401


def test_key_journey_issue_return_approve_execute_audit(new_page):
    page = new_page()
    login(page, "clerk")
    # -- the desk: issue by label, then return by label
    page.goto("/admin/key_desk/")
    page.fill("#issue-label", "配电房")
    page.select_option("#issue-borrower", label="孙强 (保安)", force=True)   # select2-enhanced
    page.fill("#issue-reason", "配电房月度检查")
    page.click("#issue-submit")
    page.wait_for_selector("#keys-out tr[data-key='配电房']")
    assert "钥匙 配电房 已借给 孙强" in page.inner_text(".alert-success")
    page.fill("#return-label", "配电房")
    page.click("#return-submit")
    page.wait_for_selector(".alert-success")
    assert page.locator("#keys-out tr[data-key='配电房']").count() == 0
    logout(page)

    # -- both managers approve the demo copy application from "my approvals"
    for manager in ("dept_manager", "property_manager"):
        login(page, manager)
        page.goto("/admin/approvals/")
        row = page.locator("tr.waiting-request[data-table='key_application']")
        assert row.count() == 1, manager
        row.locator("input[name=comment]").fill("同意")
        row.locator(".approve-button").click()
        page.wait_for_selector(".alert-success")
        assert page.locator("tr.waiting-request[data-table='key_application']").count() == 0
        logout(page)

    # -- the clerk executes it with clerk2 co-signing by PIN on the same form
    login(page, "clerk")
    page.goto("/admin/key_application/")
    page.click("a[title='查看记录']")
    page.wait_for_selector("#execute-form")
    page.fill("#cosigner_username", "clerk2")
    page.select_option("#cosign_method", "pin")
    page.fill("#cosigner_secret", "2468")
    page.click("#execute-now")
    page.wait_for_selector("#executed-banner")
    assert "1栋天台门-副1" in page.inner_text(".alert-success")
    logout(page)

    # -- the auditor opens the new key's history
    login(page, "auditor")
    page.goto("/admin/key/?search=1栋天台门-副1")
    page.click("a[title='查看记录']")
    page.click("#history-link")
    page.wait_for_selector("#history-table")
    first = page.locator("tr.history-entry").first
    assert first.get_attribute("data-action") == "insert"
    assert "clerk" in first.inner_text()
    assert "1栋天台门-副1" in page.inner_text("#history-table")
