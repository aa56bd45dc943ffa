"""Real-browser journeys of the foundation: log in, Chinese menu, language switch,
create and void a record, log out."""
from __future__ import annotations

from tests.browser_support import chromium, live_server, login, logout, new_page  # noqa: F401


def test_clerk_logs_in_sees_chinese_menu_and_logs_out(new_page):
    page = new_page()
    page.goto("/admin/")
    page.wait_for_selector("#login-form")           # not signed in → login page
    assert page.locator("html").get_attribute("lang").startswith("zh")
    login(page, "clerk")
    menu = page.text_content("#main-menu")
    assert "楼栋" in menu and "房号" in menu
    assert "员工" not in menu                       # staff admin is not a clerk's
    logout(page)
    page.goto("/admin/building/")
    page.wait_for_selector("#login-form")


def test_language_switch_to_english_and_back(new_page):
    page = new_page()
    login(page, "supervisor")
    page.click("#lang-switch button[data-lang=en]")
    page.wait_for_selector("html[lang=en]")
    assert "Buildings" in page.text_content("#main-menu")
    page.goto("/admin/building/")
    assert "Buildings" in page.text_content("#main-menu")   # sticks across pages
    page.click("#lang-switch button[data-lang=zh_Hans_CN]")
    page.wait_for_selector("html[lang^=zh]")
    assert "楼栋" in page.text_content("#main-menu")


def test_dept_manager_creates_and_voids_a_building(new_page):
    page = new_page()
    login(page, "dept_manager")
    page.goto("/admin/building/new/")
    page.fill("#name", "浏览器测试楼")
    page.fill("#floors", "9")
    page.click("form.admin-form input[type=submit]:not([name])")
    page.wait_for_selector("text=浏览器测试楼")
    page.goto("/admin/building/?search=浏览器测试楼")
    page.click("a[title='查看记录'], a[title='View Record']")
    page.click("#void-link")
    page.fill("#void-form textarea[name=reason]", "录入错误，重复楼栋")
    page.click("#void-form [type=submit]")
    page.wait_for_selector(".alert-success")
    page.goto("/admin/building/?search=浏览器测试楼")
    assert page.locator(".void-badge").count() == 1       # voided rows stay listed, marked
