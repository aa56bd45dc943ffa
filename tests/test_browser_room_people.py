"""Real-browser: choosing a room fills the person from its occupants (issue 17 item 3).
The clerk logs a call for 1-302 without typing the caller; a service order's customer
is chosen from the room's list and stays editable; a deposit's owner and butler come
from the room, and the owner lookup only offers that room's occupants."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser_support import chromium, live_server, login, new_page  # noqa: F401
from tests.browser_support import pick_ajax, saved


def test_room_fills_caller_customer_owner_and_butler(new_page):
    page = new_page()
    login(page, "clerk")

    # 公共信息记录表: the room fills caller and number; saved as filled
    page.goto("/admin/public_info/new/")
    pick_ajax(page, "unit", "1-302")
    expect(page.locator("#caller_name")).to_have_value("王芳")
    # the clerk reads owners' phones masked (owner files): the number is never filled
    assert page.input_value("#caller_phone") == ""
    page.fill("#reason", "业主来电：楼道灯不亮")
    saved(page)
    page.goto("/admin/public_info/?search=楼道灯不亮")
    row = page.locator("table.model-list tbody tr").first
    assert "王芳" in row.inner_text() and "1-302" in row.inner_text()

    # 服务单: the customer comes from the room, a list offers the room's occupants,
    # and a typed name is kept when the room is chosen again
    page.goto("/admin/service_order/new/")
    pick_ajax(page, "unit", "2-301")
    expect(page.locator("#customer_name")).to_have_value("杨帆")
    options = page.locator("select.kefu-room-people option").all_inner_texts()
    assert any("杨帆" in o and "业主" in o for o in options)
    page.fill("#customer_name", "杨帆家属")
    pick_ajax(page, "unit", "1-301")
    expect(page.locator("select.kefu-room-people")).to_contain_text("张伟")
    assert page.input_value("#customer_name") == "杨帆家属"        # typed: kept
    page.select_option("select.kefu-room-people", label="张伟（业主） 138****0001")
    assert page.input_value("#customer_name") == "张伟"
    assert page.input_value("#customer_phone") == ""            # masked: not copied

    # 贵重物品寄存: owner and 责任管家 from the room; the owner lookup is the room's only
    page.goto("/admin/valuables_deposit/new/")
    pick_ajax(page, "unit", "2-801")
    expect(page.locator("#s2id_owner")).to_contain_text("赵敏")
    assert page.locator("#butler option:checked").inner_text().startswith("李建国")
    page.click("#s2id_owner")
    page.keyboard.type("张伟")               # 张伟 lives in 1-301, not 2-801
    page.wait_for_selector(".select2-no-results, .select2-result-label")
    assert page.locator(".select2-result-label:has-text('张伟')").count() == 0


def test_key_borrower_is_found_by_typing(new_page):
    page = new_page()
    login(page, "clerk")
    page.goto("/admin/key_desk/")
    page.click("#s2id_issue-borrower")
    page.keyboard.type("孙强")
    page.click(".select2-result-label:has-text('孙强')")
    assert page.locator("#issue-borrower option:checked").inner_text().startswith("孙强")
    page.fill("#issue-label", "配电房")
    page.fill("#issue-reason", "配电房巡检")
    with page.expect_navigation():
        page.click("#issue-submit")
    row = page.locator("#keys-out tr[data-key='配电房']")
    assert "孙强" in row.inner_text()
