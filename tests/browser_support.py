"""Real-browser fixtures: the app served on a loopback port, Debian's Chromium
driven by Playwright.  Skips with a clear message when either is missing.

``KEFU_CHROMIUM`` overrides the browser path (default /usr/bin/chromium).
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking"]


def chromium_path() -> str | None:
    wanted = os.environ.get("KEFU_CHROMIUM", "/usr/bin/chromium")
    if Path(wanted).exists():
        return wanted
    return shutil.which("chromium")


class LiveServer:
    """The real app (a throw-away database) on 127.0.0.1, threaded."""

    def __init__(self, app):
        from werkzeug.serving import make_server

        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop serving and let requests still running finish: the next test copies
        a fresh database over this one's file, and a request still holding it then
        (a page's late fetch) made SQLite answer "disk I/O error" to the next login."""
        import time

        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
        deadline = time.monotonic() + 5
        for thread in threading.enumerate():
            if "process_request_thread" in thread.name:
                thread.join(max(0.0, deadline - time.monotonic()))


@pytest.fixture(scope="module")
def chromium(chromium_process):
    """The worker's one Chromium (``chromium_process`` in conftest.py: launched once per
    process, not once per module); each test still gets its own contexts (cookies,
    storage) from ``new_page``."""
    return chromium_process


def launch_chromium():
    """(playwright, browser), or skip saying what is missing."""
    path = chromium_path()
    if path is None:
        pytest.skip("real-browser tests skipped: no Chromium at /usr/bin/chromium "
                    "(install Debian's chromium package or set KEFU_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("real-browser tests skipped: the playwright package is not installed")
    pw = sync_playwright().start()
    return pw, pw.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)


@pytest.fixture
def live_server(templates, app_cache):
    """The demo database (a fresh SQLite copy) served for one test by the worker's
    cached SQLite app, as the ``app`` fixture gives it (configuration and views
    restored, database refilled): building an app per test, and compiling its
    templates again, cost more than most browser tests."""
    from tests.conftest import _dispose, _reused_app

    app = _reused_app("sqlite", templates, app_cache)
    app.config["WTF_CSRF_TIME_LIMIT"] = None        # a slow page never outlives its token
    server = LiveServer(app)
    yield server
    server.stop()
    _dispose(app)


@pytest.fixture
def new_page(chromium, live_server):
    """``new_page()`` → a page in its own browser context (its own cookies)."""
    contexts = []

    def make():
        # a Chinese browser in the property's time zone, as at the desk
        ctx = chromium.new_context(base_url=live_server.url, locale="zh-CN",
                                   timezone_id="Asia/Shanghai")
        ctx.set_default_timeout(30_000)   # generous: CI shares 2 cores with the suite
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()


def login(page, username: str, password: str | None = None) -> None:
    from cli import DEMO_PASSWORD

    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password or DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#current-user")


def logout(page) -> None:
    page.wait_for_load_state()
    with page.expect_navigation():
        page.click("#logout-form button[type=submit]")
    page.wait_for_selector("#login-form")


def pick_ajax(page, field: str, text: str) -> None:
    """Choose in a Flask-Admin select2 ajax field by typing, like a person."""
    page.click(f"#s2id_{field}, #{field} + .select2-container, "
               f"div.select2-container[id='s2id_{field}']")
    page.keyboard.type(text)
    page.click(f".select2-result-label:has-text('{text}'), "
               f".select2-results__option:has-text('{text}')")


def saved(page) -> None:
    """Submit a Flask-Admin form and expect success (else show the page's errors)."""
    page.click("form.admin-form input[type=submit]:not([name])")
    page.wait_for_load_state()
    if page.locator(".alert-success").count() == 0:
        errors = page.locator(".alert-danger, .invalid-feedback, .text-danger").all_inner_texts()
        raise AssertionError(f"not saved: {errors}")


def choose_option(page, selector: str, text: str) -> None:
    """Pick the option of a (select2-enhanced) select whose label contains ``text``
    (waiting for it: a click that opened its form may still be loading)."""
    page.wait_for_selector(selector, state="attached")
    page.eval_on_selector(selector, """(el, t) => {
        for (const o of el.options) { if (o.text.includes(t)) { el.value = o.value; } }
        el.dispatchEvent(new Event('change', {bubbles: true})); }""", text)


def issue_gauze(page) -> None:
    """On the open 药品领用登记表 form: one 医用纱布 to 李娜, expiry re-confirmed, saved."""
    choose_option(page, "#batch", "医用纱布")
    page.fill("#quantity", "1")
    page.fill("#recipient_name", "李娜")
    page.fill("#reason", "业主手指划伤")
    page.check("#expiry_reconfirmed")
    saved(page)
