"""Real browser: the desk issues a key to a contractor (the contractor fields appear
when the kind is chosen), then to an owner found by typing the room "1-302"."""
from __future__ import annotations

from tests.browser_support import chromium, live_server, login, new_page  # noqa: F401


def test_clerk_issues_keys_to_a_contractor_and_to_an_owner_by_typing(new_page):
    page = new_page()
    login(page, "clerk")
    page.goto("/admin/key_desk/")
    assert page.locator("#contractor-fields").is_hidden()
    page.check("#kind-contractor")
    page.wait_for_selector("#contractor-fields", state="visible")
    page.fill("#issue-label", "配电房")
    page.fill("#contractor-name", "王师傅")
    page.fill("#contractor-company", "安达电梯维修")
    page.fill("#contractor-id-number", "110101199003071234")
    page.fill("#contractor-phone", "13912345678")
    page.fill("#issue-reason", "电梯机房检修")
    page.click("#issue-submit")
    page.wait_for_selector("#keys-out tr[data-key='配电房']")
    assert "王师傅" in page.inner_text(".alert-success")
    assert "安达电梯维修" in page.inner_text("#keys-out tr[data-key='配电房']")

    # an owner, found by typing the room into the lookup
    page.check("#kind-occupant")
    page.wait_for_selector("#occupant-fields", state="visible")
    assert page.locator("#contractor-fields").is_hidden()
    page.fill("#issue-label", "消防控制室")
    page.click("#s2id_issue-occupant")
    page.keyboard.type("1-302")
    page.wait_for_selector(".select2-result-selectable")
    choice = page.locator(".select2-result-selectable").first.inner_text()
    assert choice.startswith("1-302") and "****" in choice       # phone masked for the clerk
    page.locator(".select2-result-selectable").first.click()
    page.fill("#issue-reason", "业主陪同检查")
    page.click("#issue-submit")
    page.wait_for_selector("#keys-out tr[data-key='消防控制室']")
    assert "1-302" in page.inner_text("#keys-out tr[data-key='消防控制室']")
