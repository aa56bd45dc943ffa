"""Real browser: the app's own pages satisfy its Content-Security-Policy and their
scripts still work — the dashboard, a list and its filter menu, a create form with
a date picker and a select2 lookup, a record's details and history, printing —
as a clerk and as the auditor.  Violations are caught both from the page's
``securitypolicyviolation`` events and from the console."""
from __future__ import annotations

import pytest

from tests.browser_support import chromium, live_server, login, new_page  # noqa: F401

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' +
                    (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


def _watch(page) -> list[str]:
    console: list[str] = []
    page.context.add_init_script(WATCH)
    page.on("console", lambda m: console.append(m.text)
            if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text
            else None)
    return console


def _violations(page, console: list[str]) -> list[str]:
    return (page.evaluate("window.__csp || []")) + console


def _open_filter_menu(page) -> None:
    page.click("text=添加筛选器")
    page.wait_for_selector(".field-filters.show")
    page.locator(".field-filters a.filter").first.click()
    page.wait_for_selector("#filter_form table.filters tr")


@pytest.mark.parametrize("who", ["clerk", "auditor"])
def test_pages_keep_the_policy_and_their_scripts_work(new_page, who):
    page = new_page()
    console = _watch(page)
    login(page, who)
    seen: dict[str, list[str]] = {}

    page.goto("/admin/")                                        # dashboard and charts
    page.wait_for_selector("#current-user")
    if page.locator("canvas[data-chart]").count():
        page.wait_for_function("document.querySelector('canvas[data-chart]').chart")
    seen["dashboard"] = _violations(page, console)

    page.goto("/admin/key/")                                    # a list: the filter menu
    page.wait_for_selector("table.model-list")
    _open_filter_menu(page)
    page.click('a.nav-link.active[href^="javascript:"]')        # an inert javascript: link
    seen["list"] = _violations(page, console)

    page.goto("/admin/key/details/?id=1")
    page.wait_for_selector("table")
    seen["details"] = _violations(page, console)

    if who == "clerk":                                          # a form: date picker, select2
        page.goto("/admin/public_info/new/")
        page.wait_for_selector("#received_at")
        page.wait_for_selector(".select2-container")            # select2 applied by form.js
        page.click("#received_at + .kefu-datetime-pick")    # the browser's own picker
        page.click("#s2id_unit a, .select2-container a >> nth=0")
        page.keyboard.type("1")
        page.wait_for_selector(".select2-result, .select2-results li")
        seen["create form"] = _violations(page, console)
    else:                                                       # history, as of, print
        page.goto("/admin/key/history/?id=1")
        page.wait_for_selector("table")
        page.goto("/admin/key/register_as_of/")
        page.evaluate("window.print = () => { window.__printed = true }")
        page.click("[data-print]")
        assert page.evaluate("window.__printed") is True
        seen["history and print"] = _violations(page, console)

    assert all(not v for v in seen.values()), seen

    # the policy is in force: a script without the nonce is refused, and reported
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.__injected = true';
                             document.body.appendChild(s); }""")
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.__injected") is None
