"""Real-browser journey of a complaint: a clerk logs the call in the 公共信息记录表
(category A), turns it into a complaint, routes it to security by an internal memo;
security acknowledges; the clerk records the handling and the follow-up visit; the
supervisor closes it."""
from __future__ import annotations

from datetime import timedelta

from i18n import local_now
from tests.browser_support import chromium, live_server, login, logout, new_page  # noqa: F401
from tests.browser_support import choose_option, saved


def test_complaint_call_to_closing(new_page):
    page = new_page()
    login(page, "clerk")
    # -- the call, category A
    page.goto("/admin/public_info/new/")
    page.fill("#caller_name", "钱先生")
    page.fill("#caller_phone", "13611112222")
    page.fill("#reason", "地库夜间车辆乱停，堵住本人车位")
    choose_option(page, "#category", "A")
    saved(page)
    page.click("table.model-list a[title='查看记录']")
    # -- 转为投诉: the form comes filled from the call
    page.click("#to-complaint-link")
    assert page.input_value("#complainant") == "钱先生"
    assert "堵住本人车位" in page.input_value("#content")
    choose_option(page, "#category", "安全服务类")
    choose_option(page, "#severity", "重要")
    saved(page)
    page.click("table.model-list a[title='查看记录']")
    page.wait_for_selector("#memo-link")
    complaint_url = page.url
    assert "公共信息" in page.inner_text("body")
    # -- an internal memo to security, about this complaint
    page.click("#memo-link")
    choose_option(page, "#to_department", "保安")
    saved(page)
    page.click("table.model-list a[title='查看记录']")
    memo_url = page.url
    logout(page)

    # -- security acknowledges
    login(page, "security")
    page.goto(memo_url)
    page.click("#acknowledge-link")
    page.click("#acknowledge-form-submit")
    page.wait_for_selector(".alert-success")
    logout(page)

    # -- the clerk records the handling, then the follow-up visit
    login(page, "clerk")
    page.goto(complaint_url)
    page.goto(complaint_url.replace("/details/", "/edit/"))
    page.fill("#handling", "保安已通知车主挪车并加强夜间巡查")
    page.fill("#resolved_at", (local_now() - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M"))
    saved(page)
    page.goto(complaint_url)
    page.click("#visit-link")
    saved(page)
    logout(page)

    # -- the supervisor closes it
    login(page, "supervisor")
    page.goto(complaint_url)
    page.click("#close-link")
    page.click("#close-form-submit")
    page.wait_for_selector(".alert-success")
    assert "投诉已结案" in page.inner_text("body")
    assert page.locator("#close-link").count() == 0
