"""The lean list page (templates/admin/kefu_list.html + admin_views/list_page.py)
draws the same links and markup as Flask-Admin's model/list.html: pager, column
headers, search form, filter form and filter data, export links.  Each check renders
the same request with Flask-Admin's own template and compares."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from flask import url_for
from flask_admin.contrib.sqla import ModelView
from sqlalchemy import select

from admin_views import list_page
from audit import system_actor
from models.base import db
from models.keys import Key, KeyCheckout

from .helpers import page_ids_statement, property_id, query_plan, staff_id, statements_during
from .list_helpers import BASE, add_rows, view_of


def squash(html: str) -> str:
    """Markup with insignificant whitespace removed (the two templates indent differently)."""
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*(<|>)\s*", r"\1", html).strip()


def part(html: str, pattern: str) -> str:
    found = re.search(pattern, html, re.S)
    assert found, f"{pattern!r} not on the page"
    return squash(found.group(0))


PARTS = {
    "pager": r'<ul class="pagination">.*?</ul>',
    "header": r"<thead>.*?</thead>",
    "search form": r'<form method="GET"[^>]*role="search">.*?</form>',
    "filter form": r'<form id="filter_form".*?</form>',
    "filter data": r'<div id="filter-groups-data".*?</div>',
    "active filters": r'<div id="active-filters-data".*?</div>',
    "export links": r'<div class="dropdown-menu">\s*<a class="dropdown-item"[^>]*export.*?</div>',
    "filter menu": r'<div class="dropdown-menu field-filters">.*?</div>',
    "rows": r"</thead>.*?</table>",
}


@pytest.mark.parametrize("query", [
    "",
    "?page=3",
    "?page=7",
    "?search=" + quote("维修 第1"),
    "?sort=1&desc=1&page=2",
    "?flt0_4=" + quote("2026-02-01 16:00:00 to 2026-02-05 23:59:59") + "&search=" + quote("第") + "&sort=0",
])
def test_list_page_matches_flask_admins_markup(app, browser, query):
    add_rows(app)
    b = browser("dept_manager")
    ours = b.get(f"/admin/key_checkout/{query}")
    assert ours.status_code == 200
    view = view_of(app, "key_checkout")
    view.list_template = "admin/model/list.html"
    try:
        theirs = b.get(f"/admin/key_checkout/{query}")
    finally:
        del view.list_template            # back to the class attribute
    assert theirs.status_code == 200
    ours_html, theirs_html = ours.get_data(as_text=True), theirs.get_data(as_text=True)
    # the one deliberate difference: no inline handler on the filter menu's entries
    # (the CSP forbids it; static/kefu.js keeps their javascript: links from running)
    theirs_html = theirs_html.replace(' onclick="return false;"', "")
    compared = 0
    for name, pattern in PARTS.items():
        if re.search(pattern, theirs_html, re.S) is None:
            assert re.search(pattern, ours_html, re.S) is None, f"{name}: only on our page"
            continue
        assert part(ours_html, pattern) == part(theirs_html, pattern), name
        compared += 1
    assert compared >= 6
    # the page's rows are the same rows
    ids = re.compile(r"details/\?id=(\d+)")
    assert ids.findall(ours_html) == ids.findall(theirs_html) and ids.findall(ours_html)


def test_list_url_is_flask_admins(app):
    """``_get_list_url`` (one url_for per request) gives Flask-Admin's URL for every
    combination of page, sort, search, filters and extra arguments."""
    view = view_of(app, "key_checkout")
    queries = ["", "?page=4&sort=2&desc=1", "?search=" + quote("维修 水管&x=1/2?#"),
               "?flt0_3=" + quote("王 小明") + "&flt1_0=" + quote("2026-01-01 00:00 to 2026-01-02 00:00"),
               "?exact=1&search=a%2Bb"]
    for q in queries:
        with app.test_request_context(f"/admin/key_checkout/{q}"):
            args = view._get_list_extra_args()
            for variant in (args, args.clone(page=5), args.clone(sort=1, sort_desc=1),
                            args.clone(search=None, filters=None)):
                assert view._get_list_url(variant) == ModelView._get_list_url(view, variant), q


def test_query_url_encodes_like_url_for(app):
    params = {"page": 3, "sort": None, "desc": 1, "search": "维修 水管&x=1/2?#%+",
              "flt0_1": "2026-01-01 00:00 to 2026-01-31 23:59", "page_size": 20}
    with app.test_request_context("/admin/"):
        base = url_for("key_checkout.index_view")
        assert list_page.query_url(base, params) == url_for("key_checkout.index_view", **params)
        assert list_page.query_url(base, {"page": None}) == base


def test_static_urls_follow_the_mount_point(app):
    """Kept static URLs are per mount point: an app served under /kefu links /kefu/…"""
    with app.test_request_context("/admin/"):
        plain = list_page.static_url("admin.static", "vendor/jquery.min.js", "3.5.1")
        assert plain == url_for("admin.static", filename="vendor/jquery.min.js", v="3.5.1")
    with app.test_request_context("/admin/", base_url="http://localhost/kefu"):
        mounted = list_page.static_url("admin.static", "vendor/jquery.min.js", "3.5.1")
    assert mounted == "/kefu" + plain


def test_filter_list_follows_the_language(app, browser):
    """The kept filter list is per language: English and Chinese pages each get theirs."""
    b = browser("dept_manager")
    zh = b.get("/admin/key_checkout/").get_data(as_text=True)
    b.post("/lang", {"lang": "en"})
    en = b.get("/admin/key_checkout/").get_data(as_text=True)
    zh_data, en_data = part(zh, PARTS["filter data"]), part(en, PARTS["filter data"])
    assert zh_data != en_data
    assert "between" in en_data and "between" not in zh_data


@pytest.mark.parametrize("page, shown, has_next", [(0, "1", True), (2, "3", True),
                                                  (5, "6", True), (7, "8", False)])
def test_a_capped_lists_pager_goes_on_past_the_cap(app, browser, page, shown, has_next):
    """"50+" counts 51 rows, three pages; the list has eight (150 rows of the
    demo's key checkouts and more).  Each page's pager marks that page, leads on while
    the page is full and to no "last" page, which the count does not know."""
    add_rows(app)
    view_of(app, "key_checkout").count_cap = 50
    html = browser("dept_manager").get(f"/admin/key_checkout/?page={page}"
                                       ).get_data(as_text=True)
    pager = part(html, r'<ul class="pagination">.*?</ul>')
    assert f'<li class="page-item active"><a class="page-link" href="javascript:void(0)">' \
           f'{shown}</a></li>' in pager
    nxt = re.search(r'<li class="page-item( disabled)?"><a class="page-link" href="([^"]*)">'
                    r'&gt;</a></li>', pager)
    assert (nxt.group(1) is None) == has_next, pager
    if has_next:
        assert f"page={page + 1}&" in nxt.group(2).replace("&amp;", "&")
    assert re.search(r'<li class="page-item disabled"><a class="page-link" '
                     r'href="javascript:void\(0\)">&raquo;</a></li>', pager), pager


def test_a_full_list_keeps_its_capped_count_per_scope(app, browser, monkeypatch):
    """Registers are append-only, so a scope whose list once held more than the cap
    keeps "cap+" without counting again; another property's list and a filtered
    list are still counted, exactly."""
    from sqlalchemy import event

    from .key_helpers import add_staff

    add_rows(app)
    north_clerk = add_staff(app, "north_clerk", {"clerk"}, code="NORTH")
    with app.app_context(), system_actor("test"):
        north = property_id("NORTH")
        key = db.session.execute(select(Key).where(Key.property_id == north)).scalars().first()
        for i in range(3):
            db.session.add(KeyCheckout(property_id=north, key_id=key.id, borrower_id=north_clerk,
                                       reason="北岸", issued_by_id=north_clerk,
                                       out_at=BASE + timedelta(hours=i),
                                       returned_at=BASE + timedelta(hours=i, minutes=5),
                                       received_by_id=north_clerk))
        db.session.commit()
        engine = db.engine
        north_rows = db.session.query(KeyCheckout).filter(
            KeyCheckout.property_id == north).count()
    view = view_of(app, "key_checkout")
    view.count_cap = 50
    assert north_rows == 3
    # the navbar's own counts (approvals, co-signs, due items) are not the list's
    monkeypatch.setitem(app.jinja_env.globals, "nav_counts", lambda: None)
    counts: list[str] = []
    listen = lambda conn, cursor, statement, *a: counts.append(statement) \
        if "count(" in statement.lower() else None  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        demo, north = browser("clerk"), browser("north_clerk")
        assert "(50+)" in demo.get("/admin/key_checkout/").get_data(as_text=True)
        assert len(counts) == 1
        assert "(50+)" in demo.get("/admin/key_checkout/?page=2").get_data(as_text=True)
        assert len(counts) == 1                      # kept: not counted again
        page = north.get("/admin/key_checkout/").get_data(as_text=True)
        assert len(counts) == 2 and "50+" not in page    # another scope: counted
        assert "(3)" in page
        span = quote("2026-02-01 16:00:00 to 2026-02-02 15:59:59")   # local time: 24 rows
        page = demo.get(f"/admin/key_checkout/?flt0_4={span}").get_data(as_text=True)
        assert len(counts) == 3 and "(24)" in page       # a filtered list: counted exactly
        exact = demo.get("/admin/key_checkout/?exact=1").get_data(as_text=True)
        assert len(counts) == 4 and "50+" not in exact
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def test_a_pages_rows_are_drawn_in_one_call_not_a_template_block_each(app, browser,
                                                                       monkeypatch):
    """Twenty rows cost no more template contexts than one (a scoped block per row
    copied the whole context each time), and a voided row keeps its mark."""
    import jinja2.runtime

    add_rows(app)
    with app.app_context(), system_actor("test"):
        row = db.session.execute(select(KeyCheckout).order_by(KeyCheckout.out_at.desc())
                                 ).scalars().first()
        row.voided_at, row.void_reason = row.out_at + timedelta(days=1), "写错了"
        db.session.commit()
    b = browser("dept_manager")
    made = []
    derived = jinja2.runtime.Context.derived
    monkeypatch.setattr(jinja2.runtime.Context, "derived",
                        lambda self, locals=None: made.append(1) or derived(self, locals))

    def contexts(query: str) -> tuple[int, str]:
        made.clear()
        html = b.get(f"/admin/key_checkout/{query}").get_data(as_text=True)
        return len(made), html

    rows = re.compile(r"details/\?id=\d+")
    twenty, many = contexts("?search=" + quote("第"))
    one, single = contexts("?search=" + quote("第7次"))
    assert len(rows.findall(many)) == 20 and len(rows.findall(single)) == 1
    assert twenty == one
    assert contexts("")[1].count('<tr class="void-row">') == 1


@pytest.mark.parametrize("query", ["", "?page=1", "?sort=1&desc=1", "?page=2&sort=0",
                                   "?search=" + quote("第1")])
def test_shallow_and_deferred_pages_list_the_same_rows(app, browser, query):
    """Shallow pages load rows with their relations in one query; deep pages first
    read the page's ids (a deferred join).  Both give the same rows in the same order."""
    add_rows(app)
    b = browser("clerk")
    view = view_of(app, "key_checkout")
    ids = re.compile(r"details/\?id=(\d+)")
    shallow = b.get(f"/admin/key_checkout/{query}").get_data(as_text=True)
    view.deferred_join_from = 0
    deferred = b.get(f"/admin/key_checkout/{query}").get_data(as_text=True)
    assert ids.findall(shallow) == ids.findall(deferred) and ids.findall(shallow)
    assert squash(part(shallow, r"<tbody>.*?</tbody>|<table.*?</table>")) == \
        squash(part(deferred, r"<tbody>.*?</tbody>|<table.*?</table>"))


def test_cell_labels_follow_the_language(app, browser):
    """Cell labels are translated once per language and kept: the English page and
    the Chinese page each show their own (durations, order states, choice labels)."""
    add_rows(app)
    b = browser("dept_manager")
    # the rows added above only: an open checkout's duration grows with the clock
    # (a minute boundary between two requests made the pages differ under CI load)
    checkouts = "/admin/key_checkout/?flt0_4=" + quote("2026-02-01 16:00:00 to 2026-02-05 23:59:59")
    zh = b.get(checkouts).get_data(as_text=True)
    orders_zh = b.get("/admin/service_order/").get_data(as_text=True)
    b.post("/lang", {"lang": "en"})
    en = b.get(checkouts).get_data(as_text=True)
    orders_en = b.get("/admin/service_order/").get_data(as_text=True)
    b.post("/lang", {"lang": "zh_Hans_CN"})
    zh_again = b.get(checkouts).get_data(as_text=True)
    duration = re.compile(r'<td class="col-duration">([^<]*)</td>')
    assert set(duration.findall(zh)) == {"5 分钟"} and set(duration.findall(en)) == {"5 min"}
    assert duration.findall(zh) == duration.findall(zh_again)
    assert not any("min" in d for d in duration.findall(zh))
    assert not any("分钟" in d for d in duration.findall(en))
    state = re.compile(r'class="badge badge-info order-state" data-state="\w+">([^<]*)<')
    assert state.findall(orders_zh) and state.findall(orders_en)
    assert not set(state.findall(orders_zh)) & set(state.findall(orders_en))


def test_responses_carry_security_headers_and_the_apps_own_time(app, browser):
    """Every response says how long the app itself took (Server-Timing, shown by
    browser devtools and read by bench/), beside the security headers."""
    b = browser("clerk")
    for url in ("/admin/key_checkout/", "/login", "/admin/nowhere/"):
        resp = b.get(url)
        timing = resp.headers.get("Server-Timing", "")
        assert re.fullmatch(r"app;dur=\d+\.\d", timing), (url, timing)
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["X-Frame-Options"] == "DENY"


# Every sortable column of the big registers, both directions for one of each.
ORDERS = [("key_checkout", ""), ("key_checkout", "?sort=5"), ("key_checkout", "?sort=5&desc=1"),
          ("public_info", ""), ("public_info", "?sort=10"), ("public_info", "?sort=10&desc=1"),   # completed_at
          ("service_order", ""), ("service_order", "?sort=0"), ("service_order", "?sort=4"),
          ("service_order", "?sort=6&desc=1"), ("service_order", "?sort=7"),
          ("water_order", "?sort=6&desc=1")]


@pytest.mark.fresh_database
@pytest.mark.parametrize("from_end", [False, True], ids=["front", "from-the-end"])
@pytest.mark.parametrize("user", ["clerk", "auditor"])       # a property's; head office
@pytest.mark.parametrize("endpoint,query", ORDERS)
def test_a_deep_page_is_read_in_index_order(app, backend, browser, endpoint, query, user,
                                            from_end):
    """A page's ids come from walking an index in the list's order (the sort column,
    then the id), for a property's staff and for head office (no property to lead
    with): no sort of the whole register — a Sort or Incremental Sort on PostgreSQL,
    a temporary B-tree on SQLite.  At a million rows such a sort cost 0.4-1.8 s a
    page; an index without the id made PostgreSQL re-sort the 20,000 rows before
    page 1,000 (7 ms instead of 3).  The last page of an exactly counted list is
    read in the reverse order: the same index, walked backwards."""
    view = view_of(app, endpoint)
    view.deferred_join_from = 0                         # the page's ids: an id-only query
    table = view.model.__tablename__
    sep = "&" if query else "?"
    url = f"/admin/{endpoint}/{query}{sep}page=1"
    # as for page 2 or the last page of a long list (which rows: the test above)
    view._from_the_end = (lambda count, page, size: (0, size)) if from_end \
        else (lambda count, page, size: None)

    def open_page() -> None:
        assert browser(user).get(url).status_code == 200

    try:
        seen = statements_during(app, open_page)
    finally:
        view.__dict__.pop("_from_the_end", None)
    page_query = [page_ids_statement(st, p, table) for st, p in seen]
    page_query = [found for found in page_query if found]
    assert len(page_query) == 1, [st for st, _ in seen]
    plan = query_plan(app, *page_query[0])
    if backend == "postgresql":
        assert "Sort" not in plan and "Index" in plan, plan
    else:
        assert "TEMP B-TREE" not in plan and "INDEX" in plan, plan


def add_ties_and_open_checkouts(app) -> int:
    """Rows that make an order hard to reverse: checkouts out at the same minute
    (ties, broken by the id), and open ones (returned_at NULL) on keys that have
    none open yet.  Returns the number of open ones added."""
    with app.app_context(), system_actor("test"):
        demo, clerk = property_id("DEMO"), staff_id("clerk")
        open_keys = select(KeyCheckout.key_id).where(KeyCheckout.returned_at.is_(None))
        keys = db.session.execute(select(Key).where(
            Key.property_id == demo, Key.id.not_in(open_keys)).order_by(Key.id)).scalars().all()
        for i, key in enumerate(keys[:6]):
            db.session.add(KeyCheckout(property_id=demo, key_id=key.id, borrower_id=clerk,
                                       reason="未还", issued_by_id=clerk,
                                       out_at=BASE + timedelta(hours=40 + i % 2)))
        for i in range(9):
            db.session.add(KeyCheckout(property_id=demo, key_id=keys[0].id, borrower_id=clerk,
                                       reason="同时", issued_by_id=clerk,
                                       out_at=BASE + timedelta(hours=20),
                                       returned_at=BASE + timedelta(hours=21), received_by_id=clerk))
        db.session.commit()
        return min(len(keys), 6)


@pytest.mark.parametrize("query", ["", "sort=0", "sort=0&desc=1", "sort=1", "sort=1&desc=1",
                                   "search=" + quote("第1"), "flt0_4=" + quote(
                                       "2026-02-01 16:00:00 to 2026-02-05 23:59:59")])
def test_back_half_pages_are_read_from_the_end_with_the_same_rows(app, browser, query):
    """With the exact count known, a page in the back half of the list is read in
    the reverse order from the end (a small OFFSET instead of one that skips almost
    every row) and turned round: every page lists exactly the rows that reading
    from the front gives — ties and NULL return times included, in either
    direction — and the last page skips no row."""
    from sqlalchemy import event

    add_rows(app)
    assert add_ties_and_open_checkouts(app) >= 2
    view = view_of(app, "key_checkout")
    b = browser("clerk")
    ids = re.compile(r"details/\?id=(\d+)")
    with app.app_context():
        engine = db.engine
    offsets: list[int] = []

    def listen(conn, cursor, statement, params, *a):
        if "LIMIT" in statement and "key_checkout" in statement:
            found = re.search(r"OFFSET (\?|%\(param_\d+\)s|\d+)", statement)
            if found:
                value = found.group(1)
                offsets.append(int(value) if value.isdigit() else
                               (params[statement[:found.start(1)].count("?")]
                                if isinstance(params, (tuple, list))
                                else params[value[2:-2]]))
            else:
                offsets.append(0)

    def pages(q: str) -> tuple[list[list[str]], int]:
        first = b.get(f"/admin/key_checkout/?exact=1&{q}").get_data(as_text=True)
        count = int(re.search(r"nav-link active\">[^<(]*\((\d+)\)", first).group(1))
        got = [ids.findall(b.get(f"/admin/key_checkout/?exact=1&{q}&page={p}")
                           .get_data(as_text=True)) for p in range(-(-count // 20))]
        return got, count

    event.listen(engine, "before_cursor_execute", listen)
    try:
        from_end, count = pages(query)
        offsets.clear()
        b.get(f"/admin/key_checkout/?exact=1&{query}&page={len(from_end) - 1}")
        last_page_offsets = list(offsets)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    view._from_the_end = lambda *a: None            # the plain OFFSET walk: the oracle
    try:
        from_front, _count = pages(query)
    finally:
        del view._from_the_end
    assert count > 40 and len(from_end) >= 3
    assert from_end == from_front
    flat = [i for page in from_end for i in page]
    assert len(flat) == len(set(flat)) == count
    assert last_page_offsets and max(last_page_offsets) == 0, last_page_offsets
    assert b.get(f"/admin/key_checkout/?exact=1&{query}&page={len(from_end) + 3}").status_code == 200


def _repeated(statements) -> list[str]:
    """Statement texts run three times or more: a query per row, not per page."""
    from collections import Counter

    return [s[:120] for s, n in Counter(s for s, _p in statements).items() if n >= 3]


def _six_files_opened(app) -> set[str]:
    """Six openings of owner files of at least four units; their rooms."""
    from models.owner_files import OwnerFileAccess
    from models.reference import Occupant

    with app.app_context(), system_actor("test"):
        demo, clerk = property_id("DEMO"), staff_id("clerk")
        occupants = db.session.execute(
            select(Occupant).where(Occupant.property_id == demo, Occupant.unit_id.isnot(None))
            .order_by(Occupant.unit_id)).scalars().unique().all()
        assert len({o.unit_id for o in occupants}) >= 4
        for i, o in enumerate(occupants[:6]):
            db.session.add(OwnerFileAccess(property_id=demo, occupant_id=o.id, staff_id=clerk,
                                           kind="details", opened_at=BASE + timedelta(hours=i)))
        db.session.commit()
        return {o.unit.room for o in occupants[:6]}


def test_a_list_loads_what_its_related_rows_names_read_with_the_page(app, browser):
    """The owner-file access log shows each file as "name · room": the room came
    one query per row (13 of 18 statements a page; 28 ms on PostgreSQL at a
    million rows) until ``Occupant.__str_loads__`` joined the unit to the page."""
    rooms = _six_files_opened(app)
    auditor = browser("auditor")
    url = "/admin/owner_file_access/"
    auditor.get(url)                                  # navbar counts remembered
    seen = statements_during(app, lambda: auditor.get(url))
    page = auditor.get(url).get_data(as_text=True)
    assert all(room in page for room in rooms)
    assert _repeated(seen) == []


def test_a_list_reads_of_a_related_row_only_what_its_name_needs(app, browser):
    """The fee notices' page shows four related rows per notice by name (unit, owner,
    two staff): it reads their ``__str_columns__``, not every column (a staff member's
    password hash and PIN, an owner's ID number and phones were read, sent and built
    into objects for a name: ~0.9 ms of a page of 20).  The names still show."""
    from models.fees import FeeNotice

    with app.app_context():
        notice = db.session.execute(select(FeeNotice).where(FeeNotice.owner_id.isnot(None))
                                    .order_by(FeeNotice.id.desc())).scalars().first()
        owner = notice.owner.name
    finance = browser("finance")
    finance.get("/admin/fee_notice/")
    seen = statements_during(app, lambda: finance.get("/admin/fee_notice/"))
    page = [st for st, _p in seen if re.match(r"SELECT fee_notice\.", st)]
    assert page, "no page statement"
    for column in ("password_hash", "pin_hash", "id_number", "phone2", "emergency_phone",
                   "area_m2"):
        assert f"{column} AS" not in page[0], column
    assert owner in finance.get("/admin/fee_notice/").get_data(as_text=True)


def test_no_list_runs_a_query_per_row(app, browser):
    """Every list the auditor opens (the demo data's rows): no statement repeated
    three times in one page."""
    auditor = browser("auditor")
    found = {}
    for view in app.extensions["admin"][0]._views:
        if not hasattr(view, "get_list_columns"):
            continue
        url = f"/admin/{view.endpoint}/"
        if auditor.get(url).status_code != 200:
            continue
        repeated = _repeated(statements_during(app, lambda: auditor.get(url)))
        if repeated:
            found[view.endpoint] = repeated
    assert found == {}


def test_no_export_runs_a_query_per_row(app, browser):
    """Every register's CSV export the auditor may take (the demo data's rows): no
    statement repeated three times — a related row's name read in the same
    statement, not once per row (the owner-file openings: six files' names and rooms)."""
    _six_files_opened(app)
    auditor = browser("auditor")
    found, exported = {}, []
    for view in app.extensions["admin"][0]._views:
        if not hasattr(view, "get_list_columns"):
            continue
        url = f"/admin/{view.endpoint}/export/csv/"
        if auditor.get(url).status_code != 200:
            continue
        repeated = _repeated(statements_during(app, lambda: auditor.get(url).get_data()))
        exported.append(view.endpoint)
        if repeated:
            found[view.endpoint] = repeated
    assert "owner_file_access" in exported and len(exported) > 20, exported
    assert found == {}


def test_few_matches_are_paged_by_their_ids_in_one_parameter(app, browser):
    """A search matching 150 rows reads them first, then a page of them: on SQLite
    their ids travel as one JSON parameter, on PostgreSQL they are never sent (the
    matches are materialized in the page's query); only the page's 20 rows are
    loaded by their own 20.  Bound one by one, the 1,900 matches of a month's filter
    cost 5 ms of SQLAlchemy on SQLite."""
    add_rows(app)
    clerk = browser("clerk")
    url = "/admin/key_checkout/?search=" + quote("维修")
    clerk.get(url)
    seen = statements_during(app, lambda: clerk.get(url))
    page = clerk.get(url).get_data(as_text=True)
    assert page.count("list-buttons-column") == 20 and "维修 第149次" in page
    widest = max(len(p) if isinstance(p, (tuple, list, dict)) else 0 for _s, p in seen)
    assert widest <= 25, [s[:200] for s, p in seen
                          if isinstance(p, (tuple, list)) and len(p) > 25]


def test_a_filter_counts_only_as_far_as_few_matches(app, browser):
    """A filter's count stops where "few matches" end (``filter_count_cap``, 2,000):
    a month of a busy register counted 10,001 rows on every page view (3.3 ms of a
    butler's arrears at a million rows on PostgreSQL).  Beyond it: "N+", exact on
    the "Exact count" link; a plain list keeps ``count_cap``."""
    add_rows(app)
    view = view_of(app, "key_checkout")
    view.count_cap, view.filter_count_cap = 50, 20
    clerk = browser("clerk")
    flt = "?flt0_4=" + quote("2026-02-01 16:00:00 to 2026-02-05 23:59:59")

    def tab(url: str) -> str:
        html = clerk.get(url).get_data(as_text=True)
        return re.search(r'nav-link active"[^>]*>[^<(]*\(([^)]*)\)', html).group(1)

    assert tab("/admin/key_checkout/") == "50+"
    assert tab(f"/admin/key_checkout/{flt}") == "20+"
    assert tab(f"/admin/key_checkout/{flt}&exact=1").isdigit()


# (list, collection table, a reader): lists that show none of their rows' collections
UNREAD_COLLECTIONS = [("patrol", "patrol_problem", "dept_manager"),
                      ("fee_notice", "fee_notice_line", "finance"),
                      ("arrears_case", "arrears_attempt", "dept_manager")]


@pytest.mark.parametrize("endpoint,child,user", UNREAD_COLLECTIONS)
def test_a_list_loads_only_the_collections_it_shows(app, browser, endpoint, child, user):
    """A list page loads its rows' collections only where a column reads them
    (``list_collections``): a patrol's problems, a notice's lines, an arrears case's
    attempts were one statement more on every page (0.3 ms of SQL and as much of
    the ORM at a million rows) for nothing the list shows.  The export, which has
    every column, still loads each collection with its rows: one statement, not
    one per row."""
    b = browser(user)
    page = b.get(f"/admin/{endpoint}/")
    assert page.status_code == 200 and "list-buttons-column" in page.get_data(as_text=True)
    reads_child = re.compile(rf"\bFROM {child}\b")
    listed = statements_during(app, lambda: b.get(f"/admin/{endpoint}/"))
    assert not [st for st, _p in listed if reads_child.search(st)]
    exported = statements_during(
        app, lambda: b.get(f"/admin/{endpoint}/export/csv/").get_data())
    assert len([st for st, _p in exported if reads_child.search(st)]) == 1


def test_a_deep_page_reads_its_ids_and_rows_in_one_statement(app, browser):
    """A deep page's ids (the index walk) are the subquery of the statement that
    loads its rows: one round trip, not the ids read and sent back (~0.5 ms of a
    page 1000 at a million rows)."""
    add_rows(app)
    view = view_of(app, "key_checkout")
    view.deferred_join_from = 0
    b = browser("clerk")
    limited = re.compile(r"\bFROM key_checkout\b.*\bLIMIT\b", re.S)
    for query in ("?page=2", "?page=2&sort=3", "?page=3&sort=4&desc=1"):
        seen = statements_during(app, lambda: b.get(f"/admin/key_checkout/{query}"))
        page = [st for st, _p in seen if limited.search(st) and not st.startswith("SELECT count")]
        assert len(page) == 1, (query, page)
        assert "AS page" in page[0] and "key_checkout.out_at" in page[0], page[0]


def test_postgresql_reads_a_page_among_few_matches_with_its_rows_in_one_statement(
        app, browser, backend):
    """PostgreSQL pages a filter's few matches from the matches read first (WITH …
    AS MATERIALIZED); the page's ids are the subquery of the statement loading its
    rows — one round trip, not the ids read and sent back as an ``IN`` list (a month
    of a million fee notices: ~1 ms of the page).  Same rows as the list sorted."""
    if backend != "postgresql":
        pytest.skip("SQLite reads the few matches' ids first (_few_matches)")
    add_rows(app)
    b = browser("clerk")
    search = "/admin/key_checkout/?search=" + "第12"          # 第12次 and 第120-129次
    seen = statements_during(app, lambda: b.get(search))
    page = [st for st, _p in seen if "MATERIALIZED" in st]
    assert len(page) == 1 and "AS page" in page[0] and "key_checkout.out_at" in page[0], \
        [st[:200] for st, _p in seen]
    assert not any(re.search(r"key_checkout\.id IN \(", st) for st, _p in seen), \
        [st[:200] for st, _p in seen]
    shown = re.findall(r'col-reason">[^<]*第(\d+)次', b.get(search).get_data(as_text=True))
    assert [int(n) for n in shown] == [*range(129, 119, -1), 12], shown


def test_postgresql_plans_joins_of_more_than_four_tables_in_the_order_written(app, backend):
    """A list page's statement is its register and the eager many-to-one joins: with
    PostgreSQL's default of eight, every order of the fee notices' six tables was
    tried on every page view (1.8 ms of planning for 0.2 ms of execution)."""
    if backend != "postgresql":
        pytest.skip("a PostgreSQL planner setting")
    from sqlalchemy import text

    with app.app_context():
        assert db.session.execute(text("SHOW join_collapse_limit")).scalar() == "4"


def test_a_deep_page_ordered_by_a_related_column_reads_the_same_rows(app, browser):
    """A page ordered by a related row's column (its join is the walk's own) cannot
    re-sort its rows without that join: its ids are read first, then the rows by id
    (``_load_page``'s other path) — the same rows, in the same order, as the plain
    query."""
    from flask_login import login_user

    from models.staff import Staff

    add_rows(app)
    view = view_of(app, "key_checkout")
    with app.app_context():
        clerk_id = staff_id("clerk")
    with app.test_request_context("/admin/key_checkout/"):
        login_user(db.session.get(Staff, clerk_id))
        query = (view.get_query().join(Key, Key.id == KeyCheckout.key_id)
                 .order_by(Key.label.desc(), KeyCheckout.out_at, KeyCheckout.id)
                 .offset(20).limit(20))
        assert view._own_order(query) is None
        seen = statements_during(app, lambda: view._load_page(query))
        got = [r.id for r in view._load_page(query)]
        assert got == [r.id for r in query.all()] and len(got) == 20
    assert any(re.match(r"^SELECT key_checkout\.id\b", st) for st, _p in seen), seen
