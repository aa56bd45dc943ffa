"""Issue 17 item 6: the dashboard's quick actions are the role's permitted tasks, and
every due item links to its list filtered to exactly the rows it counts."""
from __future__ import annotations

import re

import pytest
from flask_login import login_user
from sqlalchemy import select

from models.base import db
from models.staff import Staff
from rules import due
from rules.roles import ROLES

from .conftest import text_of

QUICK = re.compile(r'class="[^"]*quick-action" data-action="([a-z_]+)" href="([^"]+)"')
DUE = re.compile(r'<li class="[^"]*due-item" data-page="([a-z_]+)"(?: data-due="([a-z_]+)")?>'
                 r'\s*<a href="([^"]+)">([^<]+)</a><span[^>]*>(\d+)</span>')


def expected_actions(app, role: str) -> list[str]:
    """The buttons a role should see, worked out from the matrix itself."""
    from admin_views.quick_actions import ACTIONS, permitted

    with app.test_request_context("/admin/"):
        user = db.session.execute(select(Staff).where(Staff.username == role)).scalar_one()
        login_user(user)
        return [a.key for a in ACTIONS if user.has_role(*a.roles) and permitted(user, a)]


@pytest.mark.parametrize("role", ROLES)
def test_quick_actions_are_the_permitted_ones_and_open(app, browser, role):
    b = browser(role)
    page = text_of(b.get("/admin/"))
    shown = QUICK.findall(page)
    assert [k for k, _url in shown] == expected_actions(app, role)
    for key, url in shown:
        resp = b.get(url.replace("&amp;", "&"))
        assert resp.status_code == 200, (role, key, url, resp.status_code)


def test_the_clerks_commonest_tasks_are_quick_actions(app, browser):
    keys = [k for k, _u in QUICK.findall(text_of(browser("clerk").get("/admin/")))]
    assert keys[:6] == ["key", "call", "order", "deposit", "medicine", "water"]
    page = text_of(browser("clerk").get("/admin/"))
    for label in ("借钥匙", "来电登记", "新建服务单", "寄存", "领药", "送水"):
        assert f">{label}</a>" in page


def test_a_task_the_matrix_refuses_has_no_button(app, browser, monkeypatch):
    """Listed for the clerk, but refused by the matrix: no button."""
    from rules import matrix

    row = dict(matrix.MATRIX["medicine_usage"])
    row["create"] = lambda user, obj=None: False
    monkeypatch.setitem(matrix.MATRIX, "medicine_usage", row)
    keys = [k for k, _u in QUICK.findall(text_of(browser("clerk").get("/admin/")))]
    assert "medicine" not in keys and "call" in keys


def list_count(page: str) -> int:
    """The rows a list shows (its count in the tab, else the rows of the table)."""
    m = re.search(r'class="nav-link active">[^<(]*\((\d+)\)', page)
    return int(m.group(1)) if m else 0


def due_items(b) -> list[tuple[str, str, str, str, int]]:
    return [(p, f, u.replace("&amp;", "&"), t, int(n))
            for p, f, u, t, n in DUE.findall(text_of(b.get("/admin/")))]


# The registers whose due items must link to exactly their rows (issue 17 item 6).
EXACT = ("keys_out", "keys_out_long", "medicine_expiring", "medicine_expired", "medicine_low",
         "water_count", "water_low", "water_expiring", "water_undelivered",
         "followup_service", "followup_water", "in_custody", "deposited_keys",
         "mail_late_express", "mail_weekend", "custody_routine", "custody_winter",
         "custody_ending", "public_info_late", "exit_pass_unchecked")


def _more_due_rows(app, browser) -> None:
    """A second key out, an undelivered water order and a late express item, so the
    filters are tested on more than the demo's single rows."""
    from tests.key_helpers import desk_issue
    from tests.order_helpers import raise_order
    from tests.test_mail import new_item

    desk_issue(browser("clerk"), "配电房")
    raise_order(app, browser, water_qty="2")
    new_item(app, browser, tracking_no="SF9000000777")


@pytest.mark.parametrize("role", ["clerk", "supervisor", "courier", "security", "butler",
                                  "general_manager"])
def test_each_due_item_links_to_exactly_its_rows(app, browser, role):
    _more_due_rows(app, browser)
    b = browser(role)
    items = due_items(b)
    assert items, role
    seen = set()
    for page, name, url, label, count in items:
        if not name:
            continue
        seen.add(name)
        assert name in due.DUE_FILTERS, name
        assert f"due={name}" in url, (label, url)
        listed = text_of(b.get(url))
        assert 'id="due-filter-note"' in listed
        assert list_count(listed) == count, (role, label, url, list_count(listed), count)
    if role == "clerk":      # the demo and the rows above make these due for the desk
        assert {"keys_out", "medicine_low", "followup_service", "followup_water",
                "in_custody", "water_undelivered", "complaint_memo"} <= seen, seen
    if role == "courier":
        assert "mail_late_express" in seen, seen


def test_the_filter_is_its_own_rows_only(app, browser):
    """Without ?due the list has every record; with it, only the item's; an unknown
    or another list's name is ignored."""
    b = browser("clerk")
    everything = list_count(text_of(b.get("/admin/key_checkout/")))
    assert list_count(text_of(b.get("/admin/key_checkout/?due=keys_out"))) == 1 < everything
    assert list_count(text_of(b.get("/admin/key_checkout/?due=nonsense"))) == everything
    assert list_count(text_of(b.get("/admin/key_checkout/?due=in_custody"))) == everything


def test_every_named_filter_is_registered_for_an_existing_list(app):
    from admin_views.dashboard import page_url

    assert set(EXACT) <= set(due.DUE_FILTERS)
    with app.test_request_context("/admin/"):
        for f in due.DUE_FILTERS.values():
            assert page_url(f.page).startswith("/admin/"), f


def test_follow_up_calls_show_name_and_phone_masked_for_others(app, browser):
    """待回访服务单: the customer's name and phone for the call; security (who does not
    read phones) sees the number masked and no dial link."""
    from models.service_orders import ServiceOrder
    from rules.personal_data import mask_personal

    with app.app_context():
        done = db.session.execute(select(ServiceOrder).where(
            ServiceOrder.followup_at.is_(None), ServiceOrder.voided_at.is_(None),
            ServiceOrder.customer_phone.is_not(None),
            (ServiceOrder.completed_at.is_not(None)) | (ServiceOrder.delivered_at.is_not(None)))
        ).scalars().first()
        name, phone = done.customer_name, done.customer_phone
    assert name and phone
    page = text_of(browser("clerk").get("/admin/service_due/"))
    assert f'<span class="due-call-name">{name}</span>' in page
    assert f'href="tel:{phone}">{phone}</a>' in page
    guard = text_of(browser("security").get("/admin/service_due/"))
    assert f'<span class="due-call-name">{name}</span>' in guard
    assert phone not in guard and mask_personal(phone) in guard
