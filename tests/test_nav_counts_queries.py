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
    page = browser(role)
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

    from models.base import db
    from models.staff import Staff
    from rules import due

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
