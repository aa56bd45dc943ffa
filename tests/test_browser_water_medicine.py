"""Real-browser journey of bottled water and the medicine box: a clerk raises a
water order, security records the delivery, the clerk settles it by sign-bill and
finance sees it in the month's totals per unit; a clerk issues a medicine and sees
the due list."""
from __future__ import annotations

from tests.browser_support import chromium, live_server, login, logout, new_page  # noqa: F401
from tests.browser_support import choose_option, issue_gauze, pick_ajax, saved


def test_water_order_to_finance_and_medicine_issue(new_page):
    page = new_page()
    # -- the clerk raises a water order for 2-301 …
    login(page, "clerk")
    page.goto("/admin/water_order/new/")
    pick_ajax(page, "unit", "2-301")
    page.fill("#customer_name", "黄磊")
    choose_option(page, "#water_stock", "娃哈哈")
    page.fill("#water_qty", "2")
    page.check("#install_requested")
    saved(page)
    page.click("table.model-list a[title='查看记录']")
    page.wait_for_selector("#settle-link")
    order_url = page.url
    logout(page)

    # -- security records the delivery …
    login(page, "security")
    page.goto("/admin/water_delivery/")
    row = page.locator("tr.delivery-row", has_text="黄磊")
    row.locator("input[name=owner_signed]").check()
    row.locator("input[name=installed]").check()
    row.locator("button.deliver-submit").click()
    page.wait_for_selector(".alert-success")
    assert page.locator("tr.delivery-row", has_text="黄磊").count() == 0
    logout(page)

    # -- the clerk settles it by sign-bill …
    login(page, "clerk")
    page.goto(order_url)
    page.click("#settle-link")
    page.check("input[name=method][value=sign_bill]")
    page.click("#settle-form-submit")
    page.wait_for_selector(".alert-success")
    assert "签单" in page.inner_text("body")
    logout(page)

    # -- finance sees it in the month's sign-bill totals for 2-301
    login(page, "finance")
    page.goto("/admin/finance/")
    row = page.locator("tr.sign-bill-row[data-room='2-301']")
    assert row.count() == 1
    assert row.locator("td.total").inner_text().strip() == "30.00"
    logout(page)

    # -- a clerk issues a medicine and sees the due list
    login(page, "clerk")
    page.goto("/admin/medicine_usage/new/")
    issue_gauze(page)
    assert "李娜" in page.inner_text("table.model-list")
    page.goto("/admin/medicine_due/")
    assert "碘伏" in page.inner_text("#due-expiring")
    assert "藿香正气水" in page.inner_text("#due-low")
    page.goto("/admin/")
    assert "30 天内过期的药品" in page.inner_text("body")
