"""One record loaded for its page, form or step (``ScopingMixin.get_one`` →
``ListQueryMixin._record_loaded``): its own many-to-one relations joined, theirs on
use.  The models' eager joins nest, so a fee notice was one statement of 21 tables
(its unit's building's property, its owner's keeper's home property, …) that
PostgreSQL planned on every details page and every step (check, deliver, pay,
confirm): 3.5–4 ms at a million notices, now ~1.9."""
from __future__ import annotations

import re
from collections import Counter

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from models.base import db
from models.fees import FeeNotice

from .helpers import statements_during


def _record_statement(seen, table: str) -> str:
    """The statement that loaded one ``table`` row by its id."""
    found = [s for s, _p in seen
             if re.match(rf"SELECT {table}\.", s) and re.search(rf"WHERE .*\b{table}\.id = ", s, re.S)
             and f"FROM {table}" in s]
    assert found, f"no statement loaded a {table} by id"
    return found[0]


def _direct_joins(model) -> int:
    """Tables a record's page may join: its own eager many-to-one relations and what
    their names read (``__str_loads__``)."""
    rels = [r for r in sa_inspect(model).relationships if not r.uselist and r.lazy == "joined"]
    return len(rels) + sum(len(getattr(r.mapper.class_, "__str_loads__", ())) for r in rels)


def test_a_records_page_joins_its_own_relations_not_theirs(app, browser):
    """The fee notice's details page as finance: one statement for the notice with
    at most its own relations joined (8 tables, not 21), and the page still shows
    what those relations' relations name (the owner as "name · room") without a
    statement per relation."""
    with app.app_context():
        notice = db.session.execute(select(FeeNotice).where(FeeNotice.owner_id.isnot(None))
                                    .order_by(FeeNotice.id)).scalars().first()
        notice_id, owner, room = notice.id, notice.owner.name, notice.unit.room
    finance = browser("finance")
    url = f"/admin/fee_notice/details/?id={notice_id}"
    finance.get(url)                                  # navbar counts remembered
    seen = statements_during(app, lambda: finance.get(url))
    record = _record_statement(seen, "fee_notice")
    assert record.count(" JOIN ") <= _direct_joins(FeeNotice) < 10
    page = finance.get(url).get_data(as_text=True)
    assert f"{owner} · {room}" in page
    assert len(seen) <= 6, [s[:100] for s, _p in seen]


def test_no_records_page_runs_a_query_per_related_row(app, browser):
    """Every register's details page the auditor opens (each list's first row of the
    demo data): no statement repeated three times — a relation now read on use (a
    line's item, a family member's occupant) must not cost a query per row."""
    auditor = browser("auditor")
    found = {}
    for view in app.extensions["admin"][0]._views:
        if not hasattr(view, "get_list_columns") or not getattr(view, "can_view_details", False):
            continue
        listed = auditor.get(f"/admin/{view.endpoint}/")
        if listed.status_code != 200:
            continue
        first = re.search(rf'/admin/{view.endpoint}/details/\?id=(\d+)', listed.get_data(as_text=True))
        if first is None:
            continue
        url = f"/admin/{view.endpoint}/details/?id={first.group(1)}"
        assert auditor.get(url).status_code == 200, url
        seen = statements_during(app, lambda: auditor.get(url))
        repeated = [s[:120] for s, n in Counter(s for s, _p in seen).items() if n >= 3]
        if repeated:
            found[view.endpoint] = repeated
    assert found == {}
