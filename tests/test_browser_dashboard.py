"""Real browser, 1366×768, Chinese (issue 17 item 7): the navbar is one line with the
most menus any role has, and carries the counts of approvals and co-signs waiting
and of due items, the same as the dashboard's."""
from __future__ import annotations

import pytest

from tests.browser_support import chromium, live_server, login, new_page  # noqa: F401

ONE_LINE = """() => {
  const nav = document.querySelector('nav.navbar');
  const parts = [...document.querySelectorAll(
      '.navbar-brand, #main-menu > li, #nav-counts > li, #user-menu > li')];
  const tops = parts.map(e => Math.round(e.getBoundingClientRect().top));
  const right = Math.max(...parts.map(e => e.getBoundingClientRect().right));
  return {height: nav.getBoundingClientRect().height, spread: Math.max(...tops) - Math.min(...tops),
          right: right, width: window.innerWidth, count: parts.length};
}"""


@pytest.mark.parametrize("role", ["general_manager", "clerk"])
def test_navbar_is_one_line_at_1366_and_carries_the_counts(new_page, role):
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, role)
    page.goto("/admin/")
    page.wait_for_selector("#dashboard")
    line = page.evaluate(ONE_LINE)
    assert line["count"] > 15 and line["spread"] < 20, line   # every item on one row (a second row is 40 px lower)
    assert line["height"] < 64 and line["right"] <= line["width"], line
    # every section opens within the window: headers for its categories, nothing cut off
    for toggle in page.locator("#main-menu > li.dropdown > a").all():
        toggle.click()
        menu = page.locator("#main-menu > li.dropdown.show > .dropdown-menu")
        box = menu.bounding_box()
        assert box["y"] + box["height"] <= 768 and box["x"] + box["width"] <= 1366, toggle.inner_text()
        toggle.click()
    due = page.locator("#dash-due li.due-item").count()
    approvals = page.locator("#dash-approvals li a").count()
    cosigns = page.locator("#dash-cosigns li.cosign-waiting").count()
    assert page.inner_text("#nav-due .badge") == str(due) and due > 0
    assert page.inner_text("#nav-approvals .badge") == str(approvals)
    assert page.inner_text("#nav-cosigns .badge") == str(cosigns)
    if role == "general_manager":
        assert approvals > 0                       # the demo's applications wait for the GM
    # the same counts on another page (a list), still one line
    page.goto("/admin/key_checkout/")
    assert page.inner_text("#nav-due .badge") == str(due)
    assert page.evaluate(ONE_LINE)["spread"] < 20
    assert "待审批" in page.inner_text("#nav-counts") and "待办" in page.inner_text("#nav-counts")


@pytest.mark.parametrize("width", [1280, 1024])
def test_a_narrower_screen_wraps_the_navbar_inside_the_window(new_page, width):
    """A 1280 or 1024 px screen: the bar's groups wrap to a second line inside the
    bar; nothing runs past the window (the sign-out button was off to the right, the
    page scrolled sideways)."""
    page = new_page()
    page.set_viewport_size({"width": width, "height": 800})
    login(page, "general_manager")
    page.goto("/admin/")
    page.wait_for_selector("#dashboard")
    line = page.evaluate(ONE_LINE)
    assert line["right"] <= line["width"], line
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    nav = page.locator("nav.navbar").bounding_box()
    sign_out = page.locator("#user-menu").bounding_box()
    assert sign_out["y"] + sign_out["height"] <= nav["y"] + nav["height"]
