"""Real browser (Asia/Shanghai): a medicine issued shows in the register at the
local time its form showed; a date-time typed character by character is saved as
typed (no picker rewrites it), also in the 2026/11/30 9:30 form; the picker's
choice lands in the box."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from models.base import db
from models.service_orders import ServiceOrder
from tests.browser_support import chromium, live_server, login, new_page  # noqa: F401
from tests.browser_support import choose_option, issue_gauze, pick_ajax, saved

OFFSET = timedelta(hours=8)


@pytest.fixture
def page(new_page):
    return new_page()          # zh-CN, Asia/Shanghai (browser_support.new_page)


def _latest_order(app) -> ServiceOrder:
    with app.app_context():
        return db.session.execute(select(ServiceOrder).order_by(
            ServiceOrder.id.desc())).scalars().first()


def test_medicine_issue_shows_the_local_time_of_its_form(page):
    login(page, "clerk")
    page.goto("/admin/medicine_usage/new/")
    shown = page.input_value("#issued_at")
    local_now = datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
    assert abs(datetime.fromisoformat(shown) - local_now) < timedelta(minutes=2), shown
    issue_gauze(page)
    row = page.locator("table.model-list tr", has_text="李娜").first
    assert shown[:16] in row.inner_text()


@pytest.mark.parametrize("typed,local", [
    ("2026-11-30 15:00", datetime(2026, 11, 30, 15, 0)),
    ("2026/11/30 9:30", datetime(2026, 11, 30, 9, 30)),
])
def test_a_typed_moment_is_saved_as_typed(page, live_server, typed, local):
    login(page, "clerk")
    page.goto("/admin/water_order/new/")
    pick_ajax(page, "unit", "2-301")
    page.fill("#customer_name", "黄磊")
    choose_option(page, "#water_stock", "娃哈哈")
    page.click("#appointment_at")
    page.type("#appointment_at", typed, delay=20)
    page.click("#customer_name")                           # leave the field
    assert page.input_value("#appointment_at") == typed
    saved(page)
    assert _latest_order(live_server.app).appointment_at == local - OFFSET


def test_a_picked_moment_lands_in_the_box(page, live_server):
    login(page, "clerk")
    page.goto("/admin/water_order/new/")
    page.click("#appointment_at + .kefu-datetime-pick")
    page.keyboard.press("Escape")
    page.fill("#appointment_at + .kefu-datetime-pick + .kefu-datetime-native",
              "2026-12-01T08:15", force=True)
    assert page.input_value("#appointment_at") == "2026-12-01 08:15"
