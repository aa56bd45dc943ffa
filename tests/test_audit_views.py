"""Auditors' screens: readable history with diffs (incl. approval steps), a record
as it was, the whole register as of a date, exports with masking, the global log
(the chain status and "verify now": test_audit_verify.py)."""
from __future__ import annotations

import csv
import io
import random

import pytest
from sqlalchemy import select

from audit import system_actor
from audit.history import snapshot_after
from models.base import db
from models.keys import Key
from models.reference import Building
from models.staff import Staff

from .conftest import text_of
from .helpers import entries_for, property_id, query_plan, staff_id, statements_during
from .key_helpers import key_id
from .key_helpers import approved_application


def test_history_shows_a_readable_diff_in_the_ui_language(app, browser):
    kid = key_id(app, "会所活动室")
    spare = key_id(app, "配电房")
    with app.app_context(), system_actor("test"):
        k = db.session.get(Key, kid)
        k.place, k.category, k.spare_of_id = "会所三楼活动室", "office", spare
        db.session.commit()
    mgr = browser("dept_manager")
    page = text_of(mgr.get(f"/admin/key/history/?id={kid}"))
    assert "位置 / 锁" in page and "<del class=\"text-muted\">会所二楼活动室</del>" in page
    assert "<ins>会所三楼活动室</ins>" in page
    assert "<ins>办公室</ins>" in page and "<del class=\"text-muted\">公共设施</del>" in page
    assert "<ins>配电房</ins>" in page                     # a link shown by name, not id
    mgr.post("/lang", {"lang": "en"})
    page = text_of(mgr.get(f"/admin/key/history/?id={kid}"))
    assert "Place / lock" in page and "<ins>Office</ins>" in page


def test_application_history_includes_approval_steps_and_cosign(app, browser):
    aid = approved_application(app, browser)
    page = text_of(browser("auditor").get(f"/admin/key_application/history/?id={aid}"))
    assert page.count("审批步骤") == 2                       # both decision rows
    assert "客服部经理" in page and "物业部经理" in page


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_as_of_reconstructs_every_saved_state_of_random_edits(app, seed):
    """Property-style: random edit sequences; after each entry the rebuilt record
    equals what was saved then."""
    rng = random.Random(seed)
    expected: list[tuple[int, dict]] = []
    with app.app_context(), system_actor("test"):
        b = Building(property_id=property_id("DEMO"), name=f"随机楼{seed}", floors=1)
        db.session.add(b)
        db.session.commit()
        for step in range(15):
            field = rng.choice(["name", "floors", "notes"])
            if field == "name":
                b.name = f"随机楼{seed}-{rng.randint(0, 9999)}"
            elif field == "floors":
                b.floors = rng.randint(1, 60)
            else:
                b.notes = rng.choice([None, "", "东侧", "=1+1", "含\"引号\"与,逗号"])
            if step == 14:
                from models.base import utcnow

                b.voided_at, b.void_reason = utcnow(), "随机作废"
            db.session.commit()
            last = entries_for("building", b.id)[-1]
            expected.append((last.id, {"name": b.name, "floors": b.floors, "notes": b.notes,
                                       "void_reason": b.void_reason}))
        for entry_id, state in expected:
            snap, entry = snapshot_after(b, entry_id)
            assert entry.id == entry_id
            assert {k: snap[k] for k in state} == state


def test_as_of_view_before_creation_and_after_void(app, browser):
    kid = key_id(app, "会所活动室")
    mgr = browser("dept_manager")
    mgr.post_form(f"/admin/key/void/?id={kid}", {"reason": "锁已更换"})
    page = text_of(mgr.get(f"/admin/key/as_of/?id={kid}&at=2000-01-01T00:00:00"))
    assert 'id="as-of-none"' in page
    page = text_of(mgr.get(f"/admin/key/as_of/?id={kid}"))
    assert "锁已更换" in page and "会所二楼活动室" in page
    with app.app_context():
        insert_id = entries_for("key", kid)[0].id
    page = text_of(mgr.get(f"/admin/key/as_of/?id={kid}&entry={insert_id}"))
    assert "锁已更换" not in page and f"#{insert_id}" in page
    assert browser("clerk").get(f"/admin/key/as_of/?id={kid}").status_code == 403


def test_register_as_of_a_date_printable_and_csv(app, browser):
    mgr = browser("dept_manager")
    page = text_of(mgr.get("/admin/building/register_as_of/"))
    assert 'id="register-as-of"' in page and "1栋" in page and "北岸" not in page
    resp = mgr.get("/admin/building/register_as_of/?format=csv")
    assert resp.status_code == 200 and resp.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert rows[0][0] == "#" and any("1栋" in r for r in rows[1:])
    # viewing is not exporting
    assert browser("clerk").get("/admin/building/register_as_of/").status_code == 200
    assert browser("clerk").get("/admin/building/register_as_of/?format=csv").status_code == 403


def test_exports_mask_personal_data_for_roles_without_the_right(app, browser):
    with app.app_context(), system_actor("test"):
        db.session.get(Staff, staff_id("clerk")).phone = "13912345678"
        db.session.commit()
    adm = browser("admin")
    data = adm.get("/admin/staff/export/csv/").data.decode("utf-8-sig")
    assert "139****5678" in data and "13912345678" not in data
    aud = browser("auditor")
    data = aud.get("/admin/staff/export/csv/").data.decode("utf-8-sig")
    assert "13912345678" in data
    # occupants: only the department manager and the auditor export them, unmasked
    assert browser("supervisor").get("/admin/occupant/export/csv/").status_code == 403
    data = browser("dept_manager").get("/admin/occupant/export/csv/").data.decode("utf-8-sig")
    assert "13800000001" in data


def test_global_log_filters_and_links_to_records(app, browser):
    aud = browser("auditor")
    kid = key_id(app, "配电房")
    page = text_of(aud.get(f"/admin/audit_log/?search=key+{kid}"))   # key-ish tables, that row
    assert f'href="/admin/key/details/?id={kid}"' in page
    assert 'class="small record-history-link"' in page
    assert browser("clerk").get("/admin/audit_log/").status_code == 403
    for write in ("/admin/audit_log/new/", "/admin/audit_log/edit/?id=1",
                  "/admin/audit_log/void/?id=1"):
        assert aud.get(write).status_code == 403


def test_history_export_is_plain_text_with_the_changes(app, browser):
    kid = key_id(app, "会所活动室")
    mgr = browser("dept_manager")
    mgr.post_form(f"/admin/key/void/?id={kid}", {"reason": "锁已更换"})
    data = browser("auditor").get("/admin/audit_log/export/csv/").data.decode("utf-8-sig")
    assert "<a " not in data and "<span" not in data
    assert "锁已更换" in data and '""voided_at""' in data          # the JSON of the change
    keys = mgr.get("/admin/key/export/csv/").data.decode("utf-8-sig")
    assert "<span" not in keys and "锁已更换" in keys and "作废" in keys
    assert browser("dept_manager").get("/admin/audit_log/export/csv/").status_code == 403


def test_xlsx_export_opens_with_the_rows_and_masking(app, browser):
    from openpyxl import load_workbook

    with app.app_context(), system_actor("test"):
        db.session.get(Staff, staff_id("clerk")).phone = "13912345678"
        db.session.commit()
    resp = browser("admin").get("/admin/staff/export/xlsx/")
    assert resp.status_code == 200 and resp.data[:2] == b"PK"
    ws = load_workbook(io.BytesIO(resp.data), read_only=True).active
    cells = [str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "王晓燕" in cells and "139****5678" in cells and "13912345678" not in cells
    assert browser("clerk").get("/admin/staff/export/xlsx/").status_code == 403


def test_xlsx_is_streamed_and_keeps_text_exactly(app, browser):
    """The workbook leaves as it is written (no temporary file, no whole file in
    memory), opens in openpyxl, keeps Chinese text, neutralised formulas and
    characters XML cannot hold; the header row is bold."""
    from openpyxl import load_workbook

    from admin_views.xlsx_stream import column_letter, stream_xlsx

    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    rows = [["名称", "说明"], ["'=1+1", "换锁<新>&\x07旧"], ["", None]] + \
        [[f"第{i}行", f"{i * 7919 % 104729:x}"] for i in range(30000)]
    consumed = []

    def feed():
        for r in rows:
            consumed.append(1)
            yield r

    stream = stream_xlsx(feed(), "钥匙领用登记表", flush_every=100)
    chunks = [next(stream)]
    assert chunks[0][:2] == b"PK" and not consumed           # bytes leave before any row
    for chunk in stream:
        chunks.append(chunk)
        if len(chunks) == 2:
            assert len(consumed) < len(rows)                 # … and while rows still come
    ws = load_workbook(io.BytesIO(b"".join(chunks))).active
    assert ws.title == "钥匙领用登记表"
    assert [ws["A1"].value, ws["B1"].value, ws["A2"].value, ws["B2"].value] == [
        "名称", "说明", "'=1+1", "换锁<新>&旧"]
    assert ws["A1"].font.b and not ws["A2"].font.b
    assert ws.max_row == 30003 and ws["A30003"].value == "第29999行"
    resp = browser("auditor").get("/admin/key_checkout/export/xlsx/")
    assert resp.status_code == 200 and resp.is_streamed and resp.data[:2] == b"PK"


def _history_writes(app) -> int:
    """History entries by several named actors on several registers; returns a
    key's id (its entries carry that record number)."""
    kid = key_id(app, "配电房")
    for actor, place in (("王晓燕", "配电房一"), ("王建", "配电房二"), ("Zhou LI", "配电房三"),
                         ("李建国", "配电房四")):
        with app.app_context(), system_actor(actor):
            db.session.get(Key, kid).place = place
            db.session.commit()
    return kid


LOG_SEARCHES = ["王", "晓燕", "zhou", "LI", "key", "KEY_CH", "checkout", "无此人", "cli:"]


def _log_oracle(app, term: str) -> tuple[int, list[int]]:
    """Count and newest 20 ids of the plain scan the search stands for: a staff or
    register name containing the term (caseless), or the record number itself."""
    from models.audit import AuditEntry

    with app.app_context():
        cond = (AuditEntry.actor_name.ilike(f"%{term}%") | AuditEntry.table_name.ilike(f"%{term}%")
                | (AuditEntry.row_id == term))
        ids = db.session.execute(select(AuditEntry.id).where(cond)
                                 .order_by(AuditEntry.id.desc())).scalars().all()
    return len(ids), ids[:20]


def _log_page(b, query: str, exact: bool = True) -> tuple[int, list[int]]:
    import re

    page = b.get(f"/admin/audit_log/?{'exact=1&' if exact else ''}{query}").get_data(as_text=True)
    count = re.search(r'nav-link active">[^<(]*\((\d+)\)', page)
    ids = [int(i) for i in re.findall(r'<td class="col-id">\s*(\d+)', page)]
    return (int(count.group(1)) if count else 0), ids


@pytest.mark.parametrize("path", ["by-value", "scan-fallback", "many-matches"])
def test_log_search_gives_the_rows_of_a_plain_scan(app, browser, monkeypatch, path):
    """Staff and register names are matched among their distinct values and looked
    up by index, a record number as itself: the count and the page are those of the
    plain scan, for Chinese and Latin terms in any case — also when a column holds
    too many distinct values and the search falls back to the scan, and when the
    count says many match and the page is a walk in id order."""
    from urllib.parse import quote

    import models.search

    kid = _history_writes(app)
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "audit_log")
    if path == "scan-fallback":
        monkeypatch.setattr(models.search, "MAX_DISTINCT_VALUES", 2)
    exact = path != "many-matches"
    if not exact:                           # every count is "1+": the walking page query
        monkeypatch.setattr(view, "search_count_cap", 1)
        monkeypatch.setattr(view, "count_cap", 1)
    aud = browser("auditor")
    for term in LOG_SEARCHES + [str(kid)]:
        count, ids = _log_oracle(app, term)
        got = _log_page(aud, f"search={quote(term)}", exact)
        assert got == (count, ids) if exact else got[1] == ids, term
    assert _log_oracle(app, "王")[0] >= 2 and _log_oracle(app, str(kid))[0] >= 4
    # the "contains" / "not contains" filters of the same columns
    from flask_admin.contrib.sqla import filters as sqla_filters

    from models.audit import AuditEntry

    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "audit_log")
    checked = 0
    for i, f in enumerate(view._filters):
        column = getattr(AuditEntry, f.column.key)
        for value in ("王", "KEY", "upd"):
            if isinstance(f, sqla_filters.FilterNotLike):
                cond = ~column.ilike(f"%{value}%")
            elif isinstance(f, sqla_filters.FilterLike):
                cond = column.ilike(f"%{value}%")
            else:
                continue
            with app.app_context():
                ids = db.session.execute(select(AuditEntry.id).where(cond)
                                         .order_by(AuditEntry.id.desc())).scalars().all()
            got = _log_page(aud, f"flt0_{i}={quote(value)}", exact)
            assert got == (len(ids), ids[:20]) if exact else got[1] == ids[:20], \
                (f.column.key, type(f).__name__, value)
            checked += 1
    assert checked == 6 * 3           # contains and not contains of the three name columns


@pytest.mark.fresh_database
def test_log_search_and_filters_read_indexes(app, backend, browser):
    """A name search is an IN list, not a LIKE over every entry; every filter of the
    list and the search are served by an index in the list's order (id), on both
    databases: at millions of entries a scan took seconds a page."""
    import re
    from urllib.parse import quote

    from admin_views.audit_log import AuditLogView
    from flask_babel import force_locale

    _history_writes(app)
    with app.app_context():
        view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "audit_log")
        with app.test_request_context(), force_locale("en"):
            first = {}
            for i, f in enumerate(view._filters):
                first.setdefault(f.column.key, i)
    assert {"actor_name", "action", "table_name", "row_id"} <= set(first)
    queries = [f"search={quote('晓燕')}", f"search={quote('key')}", "search=12",
               f"flt0_{first['actor_name']}={quote('王晓燕')}", f"flt0_{first['action']}=void",
               f"flt0_{first['action']}=update",
               f"flt0_{first['table_name']}=key", f"flt0_{first['row_id']}=12"]
    aud = browser("auditor")

    def list_queries(query: str) -> tuple[tuple[str, object], list[tuple[str, object]]]:
        """The list's page query (the last id query in id order), and every query."""
        def open_list() -> None:
            assert aud.get(f"/admin/audit_log/?{query}").status_code == 200

        seen = statements_during(app, open_list)
        pages = [(st, p) for st, p in seen if re.match(r"SELECT audit_log\.id", st)
                 and "ORDER BY audit_log.id DESC" in st]
        assert pages, (query, [st for st, _ in seen])
        return pages[-1], seen

    view.few_matches = -1                    # the page query itself, not an id list
    for query in queries:
        (statement, params), seen = list_queries(query)
        assert not any(re.search(r"audit_log\.(actor_name|table_name|row_id)\)? I?LIKE", st)
                       for st, _ in seen), query
        assert "LIMIT" in statement, statement
        plan = query_plan(app, statement, params)
        if backend == "postgresql":
            used = set(re.findall(r"(ix_audit_log_\w+)", plan))
            nothing_read = "One-Time Filter: false" in plan and "audit_log" not in plan
        else:
            used = set(re.findall(r"INDEX (ix_audit_log_\w+)", plan))
            nothing_read = "audit_log" not in plan
        assert nothing_read or used & {"ix_audit_log_actor_name", "ix_audit_log_action",
                                       "ix_audit_log_table", "ix_audit_log_row"}, (query, plan)
    assert AuditLogView.column_search_by_value and AuditLogView.column_search_exact
    # Many matches (the count stopped at its cap): the page walks the id order with
    # a plain test per row; an IN list through the name index would fetch and sort
    # every match (a name on a million entries: 1.2 s).
    view.search_count_cap = view.count_cap = 1
    for query in (f"search={quote('key')}", f"flt0_{first['table_name']}=key"):
        plan = query_plan(app, *list_queries(query)[0])
        if backend == "postgresql":                 # (sequential scans made dear)
            assert "Sort" not in plan and "pk_audit_log" in plan, (query, plan)
        else:
            assert "TEMP B-TREE" not in plan, (query, plan)


def test_exports_show_the_void_time_and_name_the_file_in_local_time(app, browser):
    from i18n import local_now, utc_to_local
    from models import Key

    kid = key_id(app, "会所活动室")
    mgr = browser("dept_manager")
    mgr.post_form(f"/admin/key/void/?id={kid}", {"reason": "锁已更换"})
    with app.app_context():
        local = utc_to_local(db.session.get(Key, kid).voided_at)
        today = local_now().strftime("%Y%m%d")
    resp = mgr.get("/admin/key/export/csv/")
    data = resp.data.decode("utf-8-sig")
    assert f"作废 {local:%Y-%m-%d %H:%M}: 锁已更换" in data and "UTC" not in data
    assert today in resp.headers["Content-Disposition"]


def test_xlsx_keeps_amounts_as_currency_and_times_as_local_dates(app, browser):
    """Issue 17 item 10: a spreadsheet sums amounts and sorts times; CSV stays text."""
    from datetime import datetime as dt
    from decimal import Decimal

    from openpyxl import load_workbook

    from i18n import utc_to_local
    from models.service_orders import ServicePrice

    mgr = browser("dept_manager")
    ws = load_workbook(io.BytesIO(mgr.get("/admin/service_price/export/xlsx/").data)).active
    header = [c.value for c in ws[1]]
    price = next(i for i, h in enumerate(header) if "元" in str(h))
    cell = ws.cell(row=2, column=price + 1)
    assert isinstance(cell.value, (int, float)) and "¥" in cell.number_format
    with app.app_context():
        prices = {float(p.unit_price) for p in db.session.execute(select(ServicePrice)).scalars()}
    assert float(cell.value) in prices and not isinstance(cell.value, Decimal)
    ws = load_workbook(io.BytesIO(browser("auditor").get(
        "/admin/key_checkout/export/xlsx/").data)).active
    header = [c.value for c in ws[1]]
    when = 3                                    # out_at: the fourth column of the list
    moments = [r[when] for r in ws.iter_rows(min_row=2, values_only=True) if r[when] is not None]
    assert moments and all(isinstance(m, dt) and m.microsecond == 0 for m in moments)
    from models.keys import KeyCheckout

    with app.app_context():
        stored = {utc_to_local(k.out_at).replace(tzinfo=None, microsecond=0)
                  for k in db.session.execute(select(KeyCheckout)).scalars()}
    assert set(moments) & stored, "times are the property's local time"
