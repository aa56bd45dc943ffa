"""Real browser: the desk issues an exit pass after the owner's phone confirmation
and prints it; security releases it at the gate; a second release (a page left
open at the gate) is refused with a clear message."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_support import (chromium, choose_option, live_server, login,  # noqa: F401
                                   logout, new_page, pick_ajax, saved)


@pytest.fixture
def page(new_page):
    return new_page()


def test_clerk_issues_prints_and_security_releases_once(page, new_page):
    login(page, "clerk")
    page.goto("/admin/exit_pass/new/")
    choose_option(page, "#purpose", "施工方")
    pick_ajax(page, "unit", "1-302")
    page.fill("#company", "宏达装修队")
    page.fill("#holder_name", "钱师傅")
    page.fill("#id_number", "110105198503034321")
    page.click("#items-button")
    page.fill("#items-0-name", "切割机")
    page.fill("#items-0-quantity", "2")
    page.fill("#plate", "粤B88888")
    pick_ajax(page, "owner", "王芳")
    choose_option(page, "#confirm_result", "业主同意放行")
    saved(page)
    number = page.locator("td.col-pass_no").first.inner_text().strip()   # newest first
    expect(page.locator("td.col-state").first).to_have_text("已开具")
    page.locator("a[href*='/exit_pass/details/']").first.click()
    expect(page.locator("body")).to_contain_text("业主电话确认放行搬出物品：切割机 ×2")
    print_url = page.locator("#print-link").get_attribute("href")
    page.goto(print_url)
    expect(page.locator(".copy-part")).to_have_count(2)
    expect(page.locator("body")).to_contain_text("客服部联")
    expect(page.locator("body")).to_contain_text("保安部联")
    expect(page.locator("body")).to_contain_text("返回保安部存档")
    logout(page)

    login(page, "security")
    gate = f"/admin/exit_pass_gate/?no={int(number)}"
    page.goto(gate)
    expect(page.locator("#found-pass")).to_contain_text("**************4321")
    other = new_page()                       # the same pass left open in a second tab
    login(other, "security")
    other.goto(gate)
    page.click("#found-pass .mark-submit")
    expect(page.locator(".alert-success")).to_contain_text("物品已放行")
    expect(page.locator("#found-pass .pass-state")).to_have_attribute("data-state", "used")
    other.click("#found-pass .mark-submit")
    expect(other.locator(".alert-danger")).to_contain_text("不得再次放行")
