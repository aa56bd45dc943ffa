"""Real-browser journey through a list page (the lean list template): add a filter
from the menu, apply it, sort by a column header both ways, search with the filter
kept, reset the filters.  (The demo register fits one page; the pager's links are
compared with Flask-Admin's in tests/test_list_page.py.)"""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from tests.browser_support import chromium, live_server, login, new_page  # noqa: F401


def statuses(page) -> set[str]:
    return set(page.eval_on_selector_all(".key-status", "els => els.map(e => e.dataset.status)"))


def test_clerk_filters_sorts_and_pages_the_key_register(new_page):
    page = new_page()
    login(page, "clerk")
    page.goto("/admin/key/")
    page.wait_for_selector("table.model-list")
    assert len(statuses(page)) > 1          # the demo register has keys in several states

    # Add a filter from the menu: 状态 (status) equals 在用 (in use), then apply it
    page.click("text=添加筛选器")
    page.locator(".field-filters a.filter", has_text="状态").click()
    page.wait_for_selector("#filter_form table.filters tr")
    page.eval_on_selector("#filter_form select.filter-val",
                          "s => { s.value = 'in_use'; s.dispatchEvent(new Event('change')); }")
    with page.expect_navigation():
        page.click("#filter_form button[type=submit]")
    query = parse_qs(urlparse(page.url).query)
    assert any(k.startswith("flt") and v == ["in_use"] for k, v in query.items()), page.url
    assert statuses(page) == {"in_use"}
    # the filter is shown again, filled in, and can be reset
    assert page.eval_on_selector("#filter_form select.filter-val", "s => s.value") == "in_use"
    assert page.locator("#filter_form a.btn", has_text="重置筛选器").count() == 1

    # sort by the label column's header: the filter stays, the order follows
    with page.expect_navigation():
        page.click("th.col-label a")
    query = parse_qs(urlparse(page.url).query)
    assert "sort" in query and any(k.startswith("flt") for k in query), page.url
    labels = page.eval_on_selector_all("td.col-label", "els => els.map(e => e.innerText.trim())")
    assert labels == sorted(labels) and labels
    assert statuses(page) == {"in_use"}
    with page.expect_navigation():
        page.click("th.col-label a")      # again: descending, with the arrow
    assert page.locator("th.col-label .fa-chevron-down").count() == 1
    labels_desc = page.eval_on_selector_all("td.col-label", "els => els.map(e => e.innerText.trim())")
    assert labels_desc == sorted(labels_desc, reverse=True)

    # search keeps the filter; clearing the search keeps it too
    page.fill("form[role=search] input[name=search]", "栋")
    with page.expect_navigation():
        page.click("form[role=search] button[type=submit]")
    query = parse_qs(urlparse(page.url).query)
    assert query.get("search") == ["栋"] and any(k.startswith("flt") for k in query)

    # reset: every state again
    with page.expect_navigation():
        page.locator("#filter_form a.btn", has_text="重置筛选器").click()
    assert not any(k.startswith("flt") for k in parse_qs(urlparse(page.url).query))


def test_clerk_asks_for_the_exact_count_and_jumps_to_the_last_page(new_page, live_server):
    """A list over its count cap says "cap+"; the clerk clicks "Exact count", then
    the last-page arrow, and sees the oldest checkouts — the rows the front-to-back
    order puts last (that page is read from the end)."""
    import re

    from sqlalchemy import select

    from models.base import db
    from models.keys import KeyCheckout
    from tests.helpers import property_id
    from tests.list_helpers import add_rows, view_of

    app = live_server.app
    add_rows(app)                                       # 150 checkouts
    view_of(app, "key_checkout").count_cap = 50
    with app.app_context():
        expected = db.session.execute(
            select(KeyCheckout.id).where(KeyCheckout.property_id == property_id("DEMO"))
            .order_by(KeyCheckout.out_at.desc(), KeyCheckout.id.desc())).scalars().all()
    page = new_page()
    login(page, "clerk")
    page.goto("/admin/key_checkout/")
    page.wait_for_selector("table.model-list")
    assert "(50+)" in page.inner_text(".nav-tabs .nav-link.active")
    with page.expect_navigation():
        page.click("#exact-count-link")
    assert f"({len(expected)})" in page.inner_text(".nav-tabs .nav-link.active")
    with page.expect_navigation():
        page.click("ul.pagination li.page-item:last-child a.page-link")      # »
    query = parse_qs(urlparse(page.url).query)
    last = (len(expected) - 1) // 20
    assert query.get("exact") == ["1"] and query.get("page") == [str(last)], page.url
    shown = [int(re.search(r"id=(\d+)", href).group(1)) for href in page.eval_on_selector_all(
        "table.model-list a[href*='details/']", "els => els.map(e => e.getAttribute('href'))")]
    assert list(dict.fromkeys(shown)) == expected[last * 20:] and shown


def test_void_rows_are_struck_through_and_cells_never_wrap(new_page, live_server):
    """Issue 17 item 7: a voided record stays listed, visibly struck through; list
    cells stay on one line at 1366 px (the table scrolls sideways instead)."""
    page = new_page()
    login(page, "dept_manager")
    page.goto("/admin/key/?search=会所活动室")
    href = page.locator("table.model-list a[href*='/details/']").first.get_attribute("href")
    key_id = parse_qs(urlparse(href).query)["id"][0]
    page.goto(f"/admin/key/void/?id={key_id}")
    page.fill("textarea[name=reason]", "锁已更换")
    with page.expect_navigation():
        page.locator("form button[type=submit]", has_text="作废").click()
    assert "已作废" in page.content() or "作废" in page.content()
    page.goto("/admin/key/")
    row = page.locator("tr.void-row")
    assert row.count() == 1
    style = row.locator("td.col-label").evaluate(
        "td => [getComputedStyle(td).textDecorationLine, getComputedStyle(td).whiteSpace]")
    assert style == ["line-through", "nowrap"]
    heights = page.eval_on_selector_all(
        "table.model-list tr:not(.void-row) td.col-place",
        "tds => tds.map(td => td.getBoundingClientRect().height)")
    assert heights and max(heights) < 2 * min(heights)       # one line each


def test_the_date_filter_picker_speaks_chinese_from_monday(new_page):
    page = new_page()
    login(page, "clerk")
    page.goto("/admin/key_checkout/")
    page.click("text=添加筛选器")
    page.locator(".field-filters a.filter", has_text="领用时间").first.click()
    page.wait_for_selector("#filter_form input.filter-val")
    page.locator("#filter_form input.filter-val").first.click()
    picker = page.locator(".daterangepicker:visible")
    picker.wait_for()
    text = picker.inner_text()
    assert "确定" in text and "取消" in text and "Apply" not in text
    first_day = picker.locator("th").filter(has_text="一").count() + picker.locator("th").filter(has_text="日").count()
    assert first_day >= 2
    heads = picker.locator("thead tr").nth(1).locator("th").all_inner_texts()
    assert heads[0].strip() == "一", heads
