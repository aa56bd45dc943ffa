"""The navbar's approvals count is on every page: its queries read the requests'
own tables, never their records through eager joins (a loss report joined its
complaint, that complaint's unit, staff and public-information line: at a million
complaints SQLite planned it as a scan, 2.2 s on every page of a department manager)."""
from __future__ import annotations

import re

import pytest

from rules.approvals import request_models

from .helpers import statements_during


@pytest.mark.parametrize("role", ["dept_manager", "general_manager"])
def test_the_approvals_count_reads_each_request_table_without_joins(app, browser, role):
    from audit import until_write

    page = browser(role)
    until_write._kept.clear()                # counted afresh, not remembered
    seen = statements_during(app, lambda: page.get("/admin/complaint/"))
    tables = {m.__tablename__ for m in request_models()}
    checked = 0
    for statement, _params in seen:
        found = re.search(r"\bFROM (\w+)", statement)
        if found and found.group(1) in tables \
                and re.search(r"\bWHERE\b.*\.current_step IN", statement, re.S):
            checked += 1
            assert " JOIN " not in statement, statement[found.start():][:500]
    assert checked >= 2, "the approvals count's queries were not seen"


@pytest.mark.parametrize("role", ["clerk", "clerk2", "supervisor", "finance"])
def test_the_navbar_counts_the_same_cosigns_the_dashboard_lists(app, browser, role):
    """The navbar counts co-signs without loading them; the number is the dashboard's."""
    from flask_login import login_user
    from sqlalchemy import select

    from audit import system_actor
    from i18n import local_today
    from models.base import db
    from models.staff import Staff
    from rules import due, fee_rates

    with app.app_context(), system_actor("test"):      # one co-sign waits for finance
        sup = db.session.execute(select(Staff).where(Staff.username == "supervisor")).scalar_one()
        month = local_today().replace(day=1)
        fee_rates.prepare(sup, month.year, month.month)
        db.session.commit()
    page = "/admin/fee_notice/" if role == "finance" else "/admin/public_info/"
    html = browser(role).get(page).get_data(as_text=True)
    badge = re.search(r'id="nav-cosigns"[^>]*>[^<]*<span class="badge[^"]*">(\d+)<', html)
    with app.test_request_context("/admin/"):
        user = db.session.execute(select(Staff).where(Staff.username == role)).scalar_one()
        login_user(user)
        listed = len(due.cosigns_waiting(user))
        counted = due.cosigns_waiting_count(user)
        db.session.remove()
    assert badge is not None and int(badge.group(1)) == listed == counted
    if role == "finance":
        assert counted == 1


def test_the_navbar_counts_again_after_any_write(app, browser):
    """The approvals count is remembered until the next write: a decision made by
    someone else shows at once on the next page."""
    from audit import until_write

    gm = browser("general_manager")

    def badge() -> int:
        html = gm.get("/admin/public_info/").get_data(as_text=True)
        return int(re.search(r'id="nav-approvals"[^>]*>[^<]*<span class="badge[^"]*">(\d+)<',
                             html).group(1))

    until_write._kept.clear()
    before = badge()
    assert before > 0                                    # the demo's applications wait
    assert badge() == before                             # remembered: same number
    from sqlalchemy import select

    from audit import system_actor
    from models.base import db
    from rules.approvals import request_models

    with app.app_context(), system_actor("test"):
        for model in request_models():
            pending = db.session.execute(select(model).where(
                model.status == "pending", model.voided_at.is_(None))).scalars().all()
            for req in pending:
                req.voided_at, req.void_reason = req.created_at, "test"
        db.session.commit()
    assert badge() == 0


def test_saved_filters_and_buildings_are_read_again_only_after_a_write(app, browser):
    """What every list page shows and rarely changes — the person's saved filters, the
    fee notices' building menu — is kept until the next write (the history's newest
    entry): not a query on every page; a filter saved shows on the next page."""
    from .helpers import statements_during

    finance = browser("finance")
    url = "/admin/fee_notice/"
    finance.get(url)
    again = [st for st, _p in statements_during(app, lambda: finance.get(url))]
    assert not any("FROM saved_filter" in st or "FROM building" in st for st in again), again
    resp = finance.post("/admin/saved_filter/save/", {
        "view": "fee_notice", "name": "本月未缴", "query": "search=2026"})
    assert resp.status_code == 302, resp.status_code
    assert "本月未缴" in finance.get(url).get_data(as_text=True)


def test_a_request_that_writes_neither_reads_nor_keeps_kept_values(app):
    """Kept values are keyed on the history's newest entry, read once a request: after
    its own write a request computes afresh, and what it saw (perhaps rolled back)
    is not kept for the next request."""
    from audit import system_actor, until_write
    from models.base import db
    from models.saved_filters import SavedFilter

    from .helpers import staff_id

    until_write._kept.clear()
    with app.test_request_context():
        assert until_write.until_next_write(("probe",), lambda: "before") == "before"
    with app.test_request_context(), system_actor("test"):
        assert until_write.until_next_write(("probe",), lambda: "again") == "before"
        db.session.add(SavedFilter(staff_id=staff_id("clerk"), view="public_info",
                                   name="临时", query="search=x"))
        db.session.flush()
        assert until_write.until_next_write(("probe",), lambda: "dirty") == "dirty"
        db.session.rollback()
    with app.test_request_context():
        assert until_write.until_next_write(("probe",), lambda: "after") == "before"


def test_the_history_head_comes_with_the_signed_in_person(app, browser):
    """The history's newest entry (the key of every kept value) is read in the same
    statement as the signed-in person, the first read of every page: no round trip
    of its own (0.3–0.5 ms a page on PostgreSQL)."""
    from .helpers import statements_during

    clerk = browser("clerk")
    clerk.get("/admin/public_info/")
    seen = [st for st, _p in statements_during(app, lambda: clerk.get("/admin/public_info/"))]
    reads_head = [st for st in seen if "FROM audit_log" in st]
    assert len(reads_head) == 1 and "FROM staff" in reads_head[0], seen
