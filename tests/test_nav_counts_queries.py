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
