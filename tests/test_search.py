"""Index-backed search (models/search.py) gives exactly the rows of a plain
substring scan — Chinese and Latin, 1, 2, 3+ characters, voided rows, property
scoping — and the list's sorting, paging and filters still hold."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import select, text

from audit import system_actor
from models.base import db
from models.keys import Key, KeyCheckout
from models.search import fts_table, indexed_condition
from models.staff import Staff

from .conftest import text_of
from .helpers import property_id, staff_id

REASONS = ["甲乙丙丁", "乙丙", "丙丁甲乙", "XyZ 测试", "xyz", "丁", "检查乙丙", "作废乙丙",
           "Pump 乙丙丁戊"]
ID_RE = re.compile(r"details/\?id=(\d+)")
BASE = datetime(2026, 1, 5, 8, 0)


def add_checkouts(app) -> dict[str, int]:
    """One returned checkout per reason at DEMO (the last one voided), one at NORTH."""
    with app.app_context(), system_actor("test"):
        demo, north = property_id("DEMO"), property_id("NORTH")
        clerk = staff_id("clerk")
        key = db.session.execute(select(Key).where(Key.property_id == demo)).scalars().first()
        nkey = db.session.execute(select(Key).where(Key.property_id == north)).scalars().first()
        made = {}
        for i, reason in enumerate(REASONS):
            row = KeyCheckout(property_id=demo, key_id=key.id, borrower_id=clerk, reason=reason,
                              issued_by_id=clerk, out_at=BASE + timedelta(minutes=i),
                              returned_at=BASE + timedelta(minutes=i, seconds=30),
                              received_by_id=clerk)
            if reason.startswith("作废"):
                row.voided_at, row.void_reason, row.voided_by_id = BASE, "录错", clerk
            db.session.add(row)
            db.session.flush()
            made[reason] = row.id
        db.session.add(KeyCheckout(property_id=north, key_id=nkey.id, borrower_id=clerk,
                                   reason="乙丙北岸", issued_by_id=clerk, out_at=BASE,
                                   returned_at=BASE + timedelta(hours=1)))
        db.session.commit()
        return made


def expected_ids(app, search: str) -> set[int]:
    """The oracle: every term is a substring (case-insensitive) of the reason, the
    key's label or the borrower's name, at the clerk's property."""
    with app.app_context():
        rows = db.session.execute(
            select(KeyCheckout.id, KeyCheckout.reason, Key.label, Staff.full_name)
            .join(Key, Key.id == KeyCheckout.key_id)
            .join(Staff, Staff.id == KeyCheckout.borrower_id)
            .where(KeyCheckout.property_id == property_id("DEMO"))).all()
    terms = [t.lower() for t in search.split(" ") if t]
    return {r.id for r in rows
            if all(any(t in (v or "").lower() for v in r[1:]) for t in terms)}


def listed_ids(b, search: str) -> set[int]:
    page = text_of(b.get(f"/admin/key_checkout/?exact=1&search={quote(search)}"))
    return {int(i) for i in ID_RE.findall(page)}


TERMS = ["乙丙", "丁", "甲乙丙", "丙丁甲乙", "丁甲", "xyz", "XYZ", "pump", "Z 测", "作废",
         "乙丙北", "检", "乙丙 丁", "没有这个词", '"', "乙%", "_丙"]


def test_search_gives_the_rows_of_a_plain_scan(app, browser):
    add_checkouts(app)
    clerk = browser("clerk")
    for term in TERMS:
        want = expected_ids(app, term) if "%" not in term and "_" not in term else None
        got = listed_ids(clerk, term)
        if want is not None:
            assert len(want) < 20, term           # all on the first page
            assert got == want, term
    assert listed_ids(clerk, "乙丙北") == set()            # NORTH's row stays hidden
    assert listed_ids(clerk, "作废乙丙")                  # voided rows are found, marked


def test_the_index_follows_updates_and_deletes(app, browser):
    made = add_checkouts(app)
    with app.app_context(), system_actor("test"):
        row = db.session.get(KeyCheckout, made["甲乙丙丁"])
        row.reason = "庚辛壬癸"
        db.session.commit()
        if db.engine.dialect.name == "sqlite":
            fts = fts_table("key_checkout")
            hits = lambda q: {r for (r,) in db.session.execute(  # noqa: E731
                text(f"SELECT rowid FROM {fts} WHERE {fts} MATCH :q"), {"q": q})}
            assert made["甲乙丙丁"] not in hits('"甲乙丙丁"')
            assert hits('"辛壬癸"') == {made["甲乙丙丁"]}
            db.session.execute(text("DELETE FROM key_checkout WHERE id = :i"),
                               {"i": made["丁"]})
            db.session.commit()
            assert hits('"丁' + "\x1f\x1f" + '"') == set()
    clerk = browser("clerk")
    assert made["甲乙丙丁"] in listed_ids(clerk, "辛壬")
    assert made["甲乙丙丁"] not in listed_ids(clerk, "甲乙丙丁")


@pytest.mark.parametrize("term,uses_index", [
    ("乙丙", True), ("丁", True), ("甲乙丙", True), ("乙%", False), ("a_b", False)])
def test_literal_terms_go_through_the_index(app, term, uses_index):
    with app.app_context():
        cond = indexed_condition(db.session, KeyCheckout, ["reason"], term, f"%{term}%")
        sql = str(cond.compile(db.engine))
        marker = "MATCH" if db.engine.dialect.name == "sqlite" else "kefu_short_grams"
        if db.engine.dialect.name == "postgresql" and len(term) >= 3:
            marker = "LIKE"                    # pg_trgm serves (I)LIKE itself
            assert (marker in sql) is True
        else:
            assert (marker in sql) is uses_index, sql


@pytest.mark.parametrize("term,plain", [("电梯", True), ("15-1203", True), ("5678", True),
                                        ("Pump", False), ("xyz", False), ("水Pump", False)])
def test_caseless_terms_compare_with_like(app, term, plain):
    """A term with no cased letters is compared with LIKE (PostgreSQL's ILIKE
    lower-cases every value it reads: 3x slower); SQLite always uses LIKE, whose
    folding (ASCII only) is that of lower().  Results: test_search_gives_the_rows_…"""
    from models.search import ilike

    with app.app_context():
        sql = str(ilike(db.session, KeyCheckout.reason, f"%{term}%").compile(db.engine))
        if db.engine.dialect.name == "sqlite":
            assert "LIKE" in sql and "lower" not in sql
        else:
            assert ("ILIKE" not in sql) is plain and "LIKE" in sql, sql


def test_sorting_paging_and_date_filter_still_hold(app, browser):
    made = add_checkouts(app)
    with app.app_context(), system_actor("test"):
        demo, clerk = property_id("DEMO"), staff_id("clerk")
        key = db.session.execute(select(Key).where(Key.property_id == demo)).scalars().first()
        for i in range(30):                 # equal times: the id decides, page to page
            db.session.add(KeyCheckout(property_id=demo, key_id=key.id, borrower_id=clerk,
                                       reason="同刻", issued_by_id=clerk, out_at=BASE,
                                       returned_at=BASE + timedelta(hours=i % 3)))
        db.session.commit()
        rows = db.session.execute(select(KeyCheckout.id, KeyCheckout.out_at,
                                         KeyCheckout.returned_at)
                                  .where(KeyCheckout.property_id == demo)).all()
    b = browser("clerk")

    def ids(url: str) -> list[int]:
        found = ID_RE.findall(text_of(b.get(url)))
        return list(dict.fromkeys(int(i) for i in found))

    by_out = [r.id for r in sorted(rows, key=lambda r: (r.out_at, r.id), reverse=True)]
    assert ids("/admin/key_checkout/") == by_out[:20]
    assert ids("/admin/key_checkout/?page=1") == by_out[20:40]
    returned = sorted((r for r in rows if r.returned_at is not None),
                      key=lambda r: (r.returned_at, r.id))
    order = [r.id for r in returned]
    got = [i for i in ids("/admin/key_checkout/?sort=5") if i in order]  # NULLs: per database
    assert len(got) >= 15 and got == order[:len(got)]
    # the filter is typed in local time (Asia/Shanghai, UTC+8), like the list shows
    span = quote("2026-01-05 16:03:00 to 2026-01-05 16:06:00")
    within = {made[r] for r in REASONS[3:7]}
    assert set(ids(f"/admin/key_checkout/?flt0_4={span}")) == within
    assert "2026-01-05 16:03" in text_of(b.get(f"/admin/key_checkout/?flt0_4={span}"))
    utc_span = quote("2026-01-05 08:03:00 to 2026-01-05 08:06:00")
    assert not set(ids(f"/admin/key_checkout/?flt0_4={utc_span}")) & within


@pytest.mark.parametrize("cap,few", [(3, 2_000), (10_000, 1)])
def test_each_list_path_gives_the_same_rows(app, browser, cap, few):
    """Capped count (page by a plain scan in time order), and many-but-not-capped
    (page through the index conditions) list what the oracle says."""
    add_checkouts(app)
    view = next(v for v in app.extensions["admin"][0]._views
                if getattr(v, "endpoint", "") == "key_checkout")
    view.count_cap, view.search_count_cap, view.few_matches = cap, cap, few
    clerk = browser("clerk")
    for term in ("乙丙", "丁", "甲乙丙", "xyz"):
        page = text_of(clerk.get(f"/admin/key_checkout/?search={quote(term)}"))
        assert {int(i) for i in ID_RE.findall(page)} == expected_ids(app, term), term


def test_a_few_matches_page_and_sort_like_the_oracle(app, browser):
    """A search with few matches sorts and pages from their ids alone (get_list's
    narrow path): every page, both directions, ties broken by id, as the oracle."""
    add_checkouts(app)
    with app.app_context(), system_actor("test"):
        demo, clerk = property_id("DEMO"), staff_id("clerk")
        key = db.session.execute(select(Key).where(Key.property_id == demo)).scalars().first()
        for _ in range(3):                           # equal times: the id decides
            db.session.add(KeyCheckout(property_id=demo, key_id=key.id, borrower_id=clerk,
                                       reason="又乙丙", issued_by_id=clerk,
                                       out_at=BASE + timedelta(minutes=2),
                                       returned_at=BASE + timedelta(hours=1),
                                       received_by_id=clerk))
        db.session.commit()
        rows = db.session.execute(select(KeyCheckout.id, KeyCheckout.out_at, KeyCheckout.reason)
                                  .where(KeyCheckout.property_id == demo)).all()
    view = next(v for v in app.extensions["admin"][0]._views
                if getattr(v, "endpoint", "") == "key_checkout")
    view.page_size = 2
    matching = [r for r in rows if "乙丙" in r.reason]
    assert len(matching) == len(expected_ids(app, "乙丙")) > 6
    clerk_b = browser("clerk")
    for sort, desc in (("", True), ("&sort=3", False), ("&sort=3&desc=1", True)):
        want = [r.id for r in sorted(matching, key=lambda r: (r.out_at, r.id), reverse=desc)]
        got: list[int] = []
        for page in range(len(want) // 2 + 1):
            html = text_of(clerk_b.get(f"/admin/key_checkout/?search={quote('乙丙')}"
                                       f"{sort}&page={page}"))
            got += list(dict.fromkeys(int(i) for i in ID_RE.findall(html)))
        assert got == want, sort


COUNT_RE = re.compile(r'class="nav-link active">[^<(]*(?:\((\d+)(\+?)\))?</a>')


@pytest.mark.parametrize("sample,probe_first", [(2_000, True), (1, False)])
def test_a_common_word_is_counted_among_the_newest_records(app, browser, sample, probe_first):
    """A word the newest records already hold more often than the cap is shown as
    "cap+" without asking the search index (which would hand over every candidate);
    otherwise the index counts.  Either way "N+" only when more than N records
    match, an exact number otherwise, and the rows are the oracle's."""
    from sqlalchemy import event

    add_checkouts(app)
    view = next(v for v in app.extensions["admin"][0]._views
                if getattr(v, "endpoint", "") == "key_checkout")
    view.search_count_cap, view.probe_sample = 3, sample   # sample 1: the newest is NORTH's
    clerk = browser("clerk")
    with app.app_context():
        engine = db.engine
    marker = "MATCH" if engine.dialect.name == "sqlite" else "kefu_short_grams"
    statements: list[str] = []
    listen = lambda conn, cursor, statement, *a: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        for term in ("乙丙", "丁", "xyz", "没有这个词"):
            statements.clear()
            page = text_of(clerk.get(f"/admin/key_checkout/?search={quote(term)}"))
            want = expected_ids(app, term)
            assert {int(i) for i in ID_RE.findall(page)} == want, term
            number, plus = COUNT_RE.search(page).groups()
            if plus:
                assert len(want) > int(number) == 3, term
            else:
                assert int(number or 0) == len(want), term
            if term == "乙丙":                          # six rows at DEMO: a common word
                assert plus
                counted_by_index = any("count" in s and marker in s for s in statements)
                assert counted_by_index is not probe_first, statements
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def test_a_list_page_costs_the_same_queries_for_2_or_20_rows(app, browser):
    """No query per row: relations the list shows are joined, an order's lines come
    in one ``IN`` query, links it does not show are not loaded at all."""
    from sqlalchemy import event

    from .order_helpers import create

    clerk = browser("clerk")
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    def queries_for(url: str) -> int:
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            statements.clear()
            assert clerk.get(url).status_code == 200
            return len(statements)
        finally:
            event.remove(engine, "before_cursor_execute", count)

    urls = ("/admin/service_order/", "/admin/key_checkout/", "/admin/public_info/")
    for u in urls:
        queries_for(u)                                   # one-time lookups out of the way
    few = {u: queries_for(u) for u in urls}
    for _ in range(12):
        assert create(clerk, app).status_code == 302
    add_checkouts(app)
    for u in urls:                    # the navbar counts and each list's saved
        queries_for(u)                # filters read again once after writes
    many = {u: queries_for(u) for u in few}
    assert many == few, (few, many)


def test_every_own_searchable_column_of_an_indexed_register_is_indexed(app):
    """One unindexed column in the search's OR turns every search of that register
    into a full scan (a rare name took 2 s at 1M public-information lines)."""
    from admin_views.base import RegisterView

    checked = 0
    for view in app.extensions["admin"][0]._views:
        model = getattr(view, "model", None)
        indexed = set(getattr(model, "__search_indexed__", ()))
        if not isinstance(view, RegisterView) or not indexed:
            continue
        indexed |= set(getattr(model, "__search_affix__", ()))     # codes: prefix/suffix
        own = {c for c in view.column_searchable_list or () if "." not in c}
        assert own <= indexed, (view.endpoint, own - indexed)
        checked += 1
    assert checked >= 3          # key checkouts, public information, service and water orders


def _searchable_tables() -> dict[str, tuple[str, ...]]:
    from models.base import db as _db

    return {m.class_.__tablename__: tuple(m.class_.__search_indexed__)
            for m in _db.Model.registry.mappers
            if getattr(m.class_, "__search_indexed__", None)}


def test_every_search_index_is_kept_by_its_triggers(app):
    """The migrated database (the tests' template is built by the migrations) keeps
    every register's search index up to date.  On SQLite the index is a separate
    table fed by three triggers, and a batch alteration of the table (a copy) drops
    them silently: a migration of the follow-up visits did, and from then on no
    visit was ever found by a search."""
    with app.app_context():
        tables = _searchable_tables()
        assert len(tables) >= 12
        missing = {}
        if db.engine.dialect.name == "sqlite":
            triggers = {r[0] for r in db.session.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
            for table in tables:
                want = {f"{fts_table(table)}_{t}" for t in ("ai", "ad", "au")}
                if want - triggers:
                    missing[table] = sorted(want - triggers)
        else:
            indexes = {r[0] for r in db.session.execute(text(
                "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%\\_trgm'"))}
            for table, columns in tables.items():
                want = {f"ix_{table}_{c}_trgm" for c in columns}
                if want - indexes:
                    missing[table] = sorted(want - indexes)
    assert not missing, missing


def test_a_follow_up_visit_recorded_now_is_found_by_its_words(app, browser):
    from models.followups import FollowUpVisit

    with app.app_context(), system_actor("test"):
        clerk = staff_id("clerk")
        visit = FollowUpVisit(property_id=property_id("DEMO"), kind="routine",
                              visited_at=datetime(2026, 11, 30, 2, 0), method="phone",
                              visitor_id=clerk, satisfaction="dissatisfied",
                              shortcomings="电梯按钮失灵未修复", suggestions="尽快更换按钮")
        db.session.add(visit)
        db.session.commit()
        vid = visit.id
    b = browser("clerk")
    for term in ("按钮失灵", "更换", "梯"):
        page = text_of(b.get(f"/admin/followup_visit/?search={quote(term)}"))
        assert f"id={vid}&" in page or f"id={vid}\"" in page, term
