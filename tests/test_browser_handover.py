"""Real-browser journey of the 交接班记录表: the outgoing clerk counts one key fewer than
the desk should hold, explains it and saves; the handover waits for the incoming
clerk, who signs it from the dashboard's co-signs list; it then shows as signed."""
from __future__ import annotations

from tests.browser_support import chromium, live_server, login, logout, new_page  # noqa: F401
from tests.browser_support import choose_option, saved


def test_two_clerks_hand_over_with_one_key_missing(new_page):
    page = new_page()
    login(page, "clerk")
    page.goto("/admin/shift_handover/new/")
    expected = int(page.get_attribute(".keys-expected", "data-expected"))
    assert "水泵房" in page.inner_text("#handover-sections")       # the key out, listed
    # the demo's open matter is carried over, pre-filled
    assert "3-801" in page.input_value("#matters-0-text")
    choose_option(page, "#incoming", "刘春梅")
    page.fill("#duty_log", "白班：电梯维保完成，1-302 寄存钥匙已核对")
    page.fill("#keys_counted", str(expected - 1))
    page.fill("#key_discrepancy", "配电房钥匙工程部借用未登记，已电话确认 18:00 前归还")
    page.check("#deposits_checked")
    page.check("#charged_orders_handed")
    saved(page)
    assert "等待接班人签字" in page.inner_text("body")
    logout(page)

    login(page, "clerk2")
    page.goto("/admin/")
    page.click(".cosign-waiting[data-register=shift_handover] a")
    page.wait_for_selector("#handover-waiting")
    assert "配电房钥匙工程部借用未登记" in page.inner_text("body")
    with page.expect_navigation():
        page.click("#cosign-form button")
    page.wait_for_selector("#handover-done")
    assert "刘春梅" in page.inner_text("#handover-done")
    page.goto("/admin/shift_handover/")
    assert page.locator(".handover-state[data-state=done]").count() >= 2   # demo's and ours
    assert page.locator(".handover-state[data-state=waiting]").count() == 0
