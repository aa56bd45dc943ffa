"""Real browser: a service order's lines are added with Flask-Admin's "添加" button,
whose inline handler the Content-Security-Policy blocks — static/kefu.js binds it."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_support import chromium, live_server, login, new_page  # noqa: F401


@pytest.fixture
def page(new_page):
    return new_page()


def test_the_add_line_button_adds_a_line_under_the_policy(page):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    login(page, "clerk")
    page.goto("/admin/service_order/new/")
    lines = page.locator(".inline-field:not(.fa-inline-field-template)")
    before = lines.count()
    page.click("#lines-button")
    expect(lines).to_have_count(before + 1, timeout=5_000)
    assert not [v for v in violations if "addInlineField" in v or "onclick" in v.lower()
                and "lines" in v]
