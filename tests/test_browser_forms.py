"""Clerk-ready forms (issue 17 item 6), in Chromium at 1366×768: two columns, the
cursor in the first empty field, 保存 in sight without scrolling, and 保存并打印
that saves a 服务单 and opens its print."""
from __future__ import annotations

from tests.browser_support import chromium, live_server, login, new_page, pick_ajax  # noqa: F401


def test_create_form_is_two_columns_focused_and_saves_in_sight(new_page):
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, "clerk")
    page.goto("/admin/service_order/new/")
    page.wait_for_selector("form.admin-form")
    lefts = page.eval_on_selector_all(
        "form.admin-form > fieldset > .form-group",
        "gs => gs.filter(g => g.offsetParent).map(g => Math.round(g.getBoundingClientRect().left))")
    assert len(set(lefts)) >= 2                                   # two columns
    focused = page.evaluate("document.activeElement && document.activeElement.id")
    assert focused and focused not in ("received_at",)            # a field, not the page
    save = page.locator("form.admin-form input[type=submit].btn-primary")
    box = save.bounding_box()
    assert box and box["y"] + box["height"] <= 768                # in sight, no scrolling
    assert page.locator("#save-and-print").count() == 1


def test_save_and_print_opens_the_new_orders_print(new_page):
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, "clerk")
    page.goto("/admin/public_info/new/")
    assert page.locator("#save-and-print").count() == 0          # no print there
    page.goto("/admin/service_order/new/")
    pick_ajax(page, "unit", "1-302")
    page.fill("#customer_name", "王芳")
    page.fill("#description", "卫生间灯不亮")
    page.select_option("#department", "engineering")
    page.locator("#save-and-print").click()
    page.wait_for_load_state()
    assert "/admin/service_order/print/" in page.url, page.eval_on_selector_all(".invalid-feedback, .alert, .help-block", "es => es.map(e => e.textContent.trim())")
    assert page.locator(".part").count() == 4
