"""收费率确认 (prepared by customer service, co-signed by finance, due after the 5th of
the next month), 欠费大户 visited by a manager (a 上门 attempt, due until done),
外单位取费 (time, place, contact and phone; receipt after finance; money to finance
the same day) and the printed 缴费通知单."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from audit import system_actor
from i18n import local_now, local_today
from models.base import db, utcnow
from models.fee_areas import FeeRateConfirmation
from models.fees import ArrearsCase, FeeNotice
from models.reference import Unit
from models.staff import Staff
from rules import fee_rates
from rules.errors import RuleViolation

from .conftest import text_of
from .custody_helpers import fmt
from .helpers import entries_for, staff_id


def _notice(app, room: str = "1-301", period: str | None = None, **values) -> int:
    with app.app_context(), system_actor("test"):
        unit = db.session.execute(select(Unit).where(Unit.room == room)).scalar_one()
        period = period or f"{local_today():%Y-%m}"
        n = db.session.execute(select(FeeNotice).where(
            FeeNotice.unit_id == unit.id, FeeNotice.period == period)).scalar_one_or_none()
        if n is None:
            n = FeeNotice(property_id=unit.property_id, unit=unit, period=period)
            db.session.add(n)
        n.amount_due = Decimal("300")
        for k, v in values.items():
            setattr(n, k, v)
        db.session.commit()
        return n.id


def _last_month() -> date:
    return local_today().replace(day=1) - timedelta(days=1)


def test_finance_cosigns_the_months_collection_rate_and_late_months_are_due(
        app, browser, monkeypatch):
    month = _last_month()
    _notice(app, period=f"{month:%Y-%m}")
    monkeypatch.setattr(fee_rates, "local_today", lambda: local_today().replace(day=6))
    assert "次月 5 日前未经财务部确认的收费率" in text_of(browser("finance").get("/admin/"))
    sup = browser("supervisor")
    url = "/admin/fee_rate_confirmation/"
    assert browser("finance").post(url + "prepare/", {"month": f"{month:%Y-%m}"},
                                   token_from=url).status_code == 403
    assert sup.post(url + "prepare/", {"month": f"{month:%Y-%m}"}, token_from=url)\
        .status_code == 302
    sup.post(url + "prepare/", {"month": f"{month:%Y-%m}"}, token_from=url)
    assert "已汇总" in text_of(sup.get(url))
    with app.app_context():
        rows = db.session.execute(select(FeeRateConfirmation).where(
            FeeRateConfirmation.period == f"{month:%Y-%m}")).scalars().all()
        assert len(rows) == 1 and rows[0].prepared_by_id == staff_id("supervisor")
        cid = rows[0].id
        assert "%" not in rows[0].figures or rows[0].figures.startswith("[")
    assert "次月 5 日前未经财务部确认的收费率" in text_of(browser("finance").get("/admin/"))
    detail = f"{url}details/?id={cid}"
    assert browser("butler").post(url + "cosign/", {"id": str(cid)},
                                  token_from=detail).status_code == 403
    with app.app_context():                       # the rule itself, without the matrix
        row = db.session.get(FeeRateConfirmation, cid)
        for who, words in (("dept_manager", "只有财务部"),):
            try:
                fee_rates.cosign(row, db.session.get(Staff, staff_id(who)))
            except RuleViolation as exc:
                assert words in str(exc)
            else:
                raise AssertionError(f"{who} co-signed the collection rate")
        db.session.rollback()
    fin = browser("finance")
    assert "确认收费率（财务部）" in text_of(fin.get(detail))
    assert fin.post(url + "cosign/", {"id": str(cid)}, token_from=detail).status_code == 302
    with app.app_context():
        row = db.session.get(FeeRateConfirmation, cid)
        assert row.cosigned_by_id == staff_id("finance") and row.cosigned_at is not None
        assert [e.action for e in entries_for("fee_rate_confirmation", cid)][-1] == "cosign"
    assert "次月 5 日前未经财务部确认的收费率" not in text_of(browser("finance").get("/admin/"))
    # the stored figures (JSON) read as on the list in history and as-of pages
    for page in (f"{url}register_as_of/", f"{url}history/?id={cid}", f"{url}as_of/?id={cid}"):
        text = text_of(fin.get(page))
        assert "rate_ytd" not in text and "% / " in text, page


def test_the_rate_is_not_due_before_the_sixth(app, browser, monkeypatch):
    month = _last_month()
    _notice(app, period=f"{month:%Y-%m}")
    monkeypatch.setattr(fee_rates, "local_today", lambda: local_today().replace(day=5))
    assert "次月 5 日前未经财务部确认的收费率" not in text_of(browser("finance").get("/admin/"))


def _case(app, amount: str, months: int) -> int:
    with app.app_context(), system_actor("test"):
        unit = db.session.execute(select(Unit).where(Unit.room == "2-301")).scalar_one()
        c = ArrearsCase(property_id=unit.property_id, unit=unit, months=months,
                        amount=Decimal(amount), cause="owner",
                        since=local_today() - timedelta(days=31 * months))
        db.session.add(c)
        db.session.commit()
        return c.id


VISIT_DUE = "欠费大户或半年以上欠费：客户部经理、项目总经理亲自上门拜访"


def test_a_large_debtor_is_due_for_a_managers_visit_until_logged(app, browser):
    with app.app_context(), system_actor("test"):
        for c in db.session.execute(select(ArrearsCase)).scalars():
            c.visited_at = utcnow()
        db.session.commit()
    assert VISIT_DUE not in text_of(browser("butler").get("/admin/"))
    small = _case(app, "800", 2)
    assert VISIT_DUE not in text_of(browser("butler").get("/admin/"))
    big = _case(app, "6000", 3)
    assert VISIT_DUE in text_of(browser("butler").get("/admin/"))
    url = f"/admin/arrears_case/details/?id={big}"
    visit = {"id": str(big), "at": fmt(local_now() - timedelta(hours=1)),
             "result": "业主承诺月底前分两次缴清"}
    b = browser("butler")
    b.post("/admin/arrears_case/visit/", visit, token_from=url)
    assert "须由客户部经理或项目总经理亲自上门拜访" in text_of(b.get(url))
    with app.app_context():
        assert db.session.get(ArrearsCase, big).visited_at is None
    mgr = browser("dept_manager")
    mgr.post("/admin/arrears_case/visit/", {**visit, "result": ""}, token_from=url)
    assert "请填写拜访了解的原因" in text_of(mgr.get(url))
    resp = mgr.post("/admin/arrears_case/visit/", visit, token_from=url)
    assert resp.status_code == 302
    with app.app_context():
        c = db.session.get(ArrearsCase, big)
        assert c.visited_at is not None
        assert [(a.method, a.staff_name) for a in c.attempts] == \
            [("visit", db.session.get(Staff, staff_id("dept_manager")).full_name)]
        assert db.session.get(ArrearsCase, small).visited_at is None
    assert VISIT_DUE not in text_of(browser("butler").get("/admin/"))
    # the visit time cannot be typed on the form
    assert 'name="visited_at"' not in text_of(mgr.get(f"/admin/arrears_case/edit/?id={big}"))


def _edit(b, nid: int, **values):
    url = f"/admin/fee_notice/edit/?id={nid}"
    form = b.open_form(url)
    keep = {k: v for k, v in form.items() if k.startswith("lines-")}
    return b.post_form(url, {**keep, **values})


def test_an_outside_collection_names_time_place_contact_and_phone(app, browser):
    nid = _notice(app, "1-302")
    b = browser("butler")
    resp = _edit(b, nid, pickup_at=fmt(local_now() + timedelta(days=1)),
                 pickup_place="科技园 A 座 5 楼财务室")
    assert "外单位取费须联系好取费时间、地点、联系人和电话" in text_of(resp)
    with app.app_context():
        assert db.session.get(FeeNotice, nid).pickup_place is None
    resp = _edit(b, nid, pickup_at=fmt(local_now() - timedelta(hours=2)),
                 pickup_place="科技园 A 座 5 楼财务室", pickup_contact="陈会计",
                 pickup_phone="0755-86001234")
    assert resp.status_code == 302, text_of(resp)[-800:]
    assert "外单位取费已过约定时间仍未收取" in text_of(b.get("/admin/"))


def test_the_receipt_goes_back_only_after_finance_and_money_the_same_day(app, browser):
    paid = local_now() - timedelta(days=1)
    nid = _notice(app, "1-302", paid_amount=Decimal("300"), paid_at=utcnow() - timedelta(days=1),
                  collected_by_id=None)
    b = browser("butler")
    assert "已收款项未于当日交财务部确认" in text_of(b.get("/admin/"))
    resp = _edit(b, nid, receipt_returned_at=fmt(local_now()))
    assert "款项交回财务部确认后，方可为业主送回收据或发票" in text_of(resp)
    with app.app_context():
        assert db.session.get(FeeNotice, nid).receipt_returned_at is None
    url = f"/admin/fee_notice/details/?id={nid}"
    assert browser("finance").post("/admin/fee_notice/confirm/", {"id": str(nid)},
                                   token_from=url).status_code == 302
    assert "已收款项未于当日交财务部确认" not in text_of(b.get("/admin/"))
    resp = _edit(b, nid, receipt_returned_at=fmt(local_now()))
    assert resp.status_code == 302, text_of(resp)[-800:]
    assert paid < local_now()


def test_the_printed_notice_has_the_items_due_date_and_property(app, browser):
    nid = _notice(app, "1-301", period="2026-02")
    page = text_of(browser("butler").get(f"/admin/fee_notice/print/?id={nid}"))
    assert "翠湖花园管理处" in page and "缴费通知单" in page and "2026-02-28" in page
    assert page.count('class="fee-line"') == 4 and "300.00" in page
    with app.app_context():
        building = db.session.execute(select(Unit.building_id).where(Unit.room == "1-301"))\
            .scalar_one()
    _notice(app, "1-302", period="2026-02")
    _notice(app, "2-301", period="2026-02")
    batch = text_of(browser("finance").get(
        f"/admin/fee_notice/print_building/?building={building}&month=2026-02"))
    assert batch.count('data-notice="') == 2 and "2-301" not in batch
    assert batch.index("1-301") < batch.index("1-302")
    assert browser("security").get(f"/admin/fee_notice/print/?id={nid}").status_code == 403


def _where_clauses(seen) -> list[str]:
    """Every WHERE clause of the fee-notice statements (a page's matches are a WITH
    clause of the statement loading its rows on PostgreSQL)."""
    import re as _re

    return [_re.split(r"ORDER BY|LIMIT|\)\s*SELECT", part)[0]
            for st, _ in seen if "FROM fee_notice" in st for part in st.split("WHERE")[1:]]


def test_a_month_or_a_year_typed_in_the_search_finds_those_notices_by_the_index(app, browser):
    """缴费通知单 searched for "2019-05" (or "2019-5", or "2019"): the month's notices,
    compared by equality (or a range), not by "contains" — which walked every newer
    month (a million notices: 70 ms; 0.7 ms)."""
    import re as _re

    from .helpers import statements_during

    for room, period in (("1-301", "2019-05"), ("1-302", "2019-06"), ("1-301", "2020-05")):
        _notice(app, room=room, period=period)
    fin = browser("finance")

    def rooms_periods(term: str) -> set[str]:
        html = fin.get(f"/admin/fee_notice/?search={term}").get_data(as_text=True)
        return set(_re.findall(r"\b(20\d\d-\d\d)\b", html.split("model-list", 1)[1]))

    assert rooms_periods("2019-05") == {"2019-05"}
    assert rooms_periods("2019-5") == {"2019-05"}
    assert rooms_periods("2019") == {"2019-05", "2019-06"}
    seen = statements_during(app, lambda: fin.get("/admin/fee_notice/?search=2019-05"))
    conditions = _where_clauses(seen)
    wheres = [c for c in conditions if "fee_notice.period" in c]
    # the month's number: the list's order key (test_fee_notice_month_number.py)
    assert wheres and all("fee_notice.period_no = " in w for w in wheres), wheres
    assert not any(_re.search(r"fee_notice\.period\)? (I?LIKE|like)", w) for w in wheres), wheres
    # a room is no month: the period is not searched at all (a LIKE on it walked the list)
    seen = statements_during(app, lambda: fin.get("/admin/fee_notice/?search=1-301"))
    conditions = _where_clauses(seen)
    assert conditions and not any("fee_notice.period" in c for c in conditions), conditions


def test_a_month_no_room_holds_is_searched_by_the_month_alone_on_postgresql(
        app, browser, backend):
    """The search also looks for the term among the rooms: on PostgreSQL those units
    are read first (once a request), and a term no room holds — a month — leaves the
    month alone, a range of the notices' order index.  Kept as ``unit_id =
    ANY(ARRAY(SELECT …))`` in an ``OR`` it made the list walk every newer month (a
    million notices, 2019-05: 47 ms; 1.9).  A room still finds its notices."""
    import re as _re

    import pytest

    from .helpers import statements_during

    if backend != "postgresql":
        pytest.skip("SQLite keeps the rooms as an IN subquery; its month search is a "
                    "range already")
    _notice(app, room="1-301", period="2019-05")
    _notice(app, room="1-302", period="2019-06")
    fin = browser("finance")
    seen = statements_during(app, lambda: fin.get("/admin/fee_notice/?search=2019-05"))
    conditions = _where_clauses(seen)
    assert conditions and not any("unit_id" in c for c in conditions), conditions
    rooms = [st for st, _p in seen if _re.match(r"SELECT unit\.id\s+FROM unit\b", st)]
    assert len(rooms) == 1, rooms                    # the list and its count share it
    html = fin.get("/admin/fee_notice/?search=1-302").get_data(as_text=True)
    listed = html.split("model-list", 1)[1]
    assert "1-302" in listed and "2019-06" in listed and "1-301" not in listed


def test_a_notices_state_is_in_the_pages_language_translated_once_per_page(
        app, browser, monkeypatch):
    """The state column (印制 / 已核对账户 / 已送达 / 已收款 …) reads in the page's
    language, its words translated once per page, not once per row (a translation
    lookup is ~15 µs: 0.3 ms of a 20-row page)."""
    from admin_views import fees as fee_views

    for room in ("1-301", "1-302"):
        _notice(app, room)
    calls: list[str] = []
    real = fee_views._

    def counted(text, **kw):
        calls.append(text)
        return real(text, **kw)

    monkeypatch.setattr(fee_views, "_", counted)
    b = browser("finance")
    zh = b.get("/admin/fee_notice/").get_data(as_text=True)
    cells = re.findall(r'<td class="col-state">([^<]*)</td>', zh)
    assert len(cells) >= 2 and "已打印" in cells, cells
    assert calls.count("Printed") == 1, calls
    b.post("/lang", {"lang": "en"})
    en = b.get("/admin/fee_notice/").get_data(as_text=True)
    b.post("/lang", {"lang": "zh_Hans_CN"})
    cells_en = re.findall(r'<td class="col-state">([^<]*)</td>', en)
    assert "Printed" in cells_en and not set(cells) & set(cells_en), (cells, cells_en)
