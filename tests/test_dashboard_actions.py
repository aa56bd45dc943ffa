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
         "custody_ending", "public_info_late", "exit_pass_unchecked",
         # patrols, handovers, memos, owner files, activities, fees, notices, newspapers,
         # follow-up visits, key applications, move-outs
         "patrol_areas_vacant", "patrol_areas_not_patrolled", "patrols_not_reviewed",
         "handover_late", "handover_unread", "memo_late_ack", "memo_late_result",
         "owner_file_loans_overdue", "activity_owners_not_told", "activity_follow_ups",
         "fee_pickup_missed", "fee_not_handed_in", "arrears_visit", "fee_undelivered",
         "arrears_cause", "arrears_half_year", "arrears_legal", "notice_not_sent",
         "notice_board_expired", "subscription_renewal", "visit_complaint",
         "visit_new_resident", "visit_paid", "visit_second", "key_application_to_execute",
         "move_out_today")


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
                                  "general_manager", "dept_manager", "finance"])
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


def _make_more_due(app) -> None:
    """Demo rows moved (as the database owner) so that the items the demo leaves at
    nothing are due too: one row each, picked among the first property's."""
    from datetime import timedelta

    from sqlalchemy import update

    from i18n import local_today
    from models.activities import ActivityRecord
    from models.exit_pass import MoveOut
    from models.fees import ArrearsCase, FeeNotice
    from models.followups import FollowUpVisit
    from models.memos import InternalMemo
    from models.notices import ImportantNotice
    from models.owner_files import OwnerFileLoan
    from models.base import utcnow
    from models.mail import Subscription
    from models.patrols import Patrol
    from rules.fees import period_of

    from .conftest import owner_engine

    now, today = utcnow(), local_today()

    def one(model, offset: int = 0, **values) -> None:
        home = select(Staff.property_id).where(Staff.username == "clerk").scalar_subquery()
        first = select(model.id).where(model.property_id == home).order_by(model.id) \
            .offset(offset).limit(1).scalar_subquery()
        with owner_engine(app).begin() as conn:
            conn.execute(update(model).where(model.id == first).values(**values))

    one(InternalMemo, replied_at=None, voided_at=None, due_at=now - timedelta(days=1))
    one(FeeNotice, 0, voided_at=None, pickup_at=now - timedelta(hours=1), paid_at=None)
    one(FeeNotice, 1, voided_at=None, paid_at=now - timedelta(days=2), confirmed_at=None)
    one(FeeNotice, 2, voided_at=None, period=period_of(today), delivered_at=None)
    one(ArrearsCase, voided_at=None, settled_on=None, cause=None, months=13, legal_on=None)
    one(ImportantNotice, voided_at=None, status="approved", taken_down_at=None,
        completed_at=None)
    one(Subscription, voided_at=None, period_until=today + timedelta(days=10))
    one(OwnerFileLoan, voided_at=None, lent_at=now - timedelta(days=20), returned_at=None,
        due_on=today - timedelta(days=3))
    one(Patrol, voided_at=None, reviewed_at=None, patrolled_at=now - timedelta(days=3))
    one(FollowUpVisit, voided_at=None, needs_second_visit=True)
    one(ActivityRecord, voided_at=None, participants=1000)
    one(MoveOut, voided_at=None, planned_on=today)


# The new items the demo alone leaves at nothing, made due by ``_make_more_due``.
MADE_DUE = {"memo_late_result", "fee_pickup_missed", "fee_not_handed_in", "arrears_cause",
            "arrears_legal", "notice_not_sent", "subscription_renewal",
            "owner_file_loans_overdue", "patrols_not_reviewed", "visit_second",
            "activity_follow_ups", "move_out_today"}


_FEES = {"fee_pickup_missed", "fee_not_handed_in", "arrears_cause", "arrears_legal"}
MADE_DUE_FOR = {"supervisor": MADE_DUE, "dept_manager": MADE_DUE, "butler": MADE_DUE,
                "finance": _FEES | {"activity_follow_ups"},
                "clerk": MADE_DUE - _FEES, "courier": {"activity_follow_ups", "memo_late_result", "notice_not_sent",
                            "subscription_renewal"},
                "security": {"activity_follow_ups", "memo_late_result"}}


@pytest.mark.parametrize("role", sorted(MADE_DUE_FOR))
def test_more_due_items_link_to_exactly_their_rows(app, browser, role):
    """Patrols, memos, fees and arrears, notices, subscriptions, owner-file loans,
    follow-up and activity visits: each item's list has exactly its count of rows."""
    _make_more_due(app)
    b = browser(role)
    seen = set()
    for _page, name, url, label, count in due_items(b):
        if name:
            seen.add(name)
            assert f"due={name}" in url, (label, url)
            listed = text_of(b.get(url))
            assert list_count(listed) == count, (role, label, url, list_count(listed), count)
    assert MADE_DUE_FOR[role] <= seen, (role, MADE_DUE_FOR[role] - seen)
