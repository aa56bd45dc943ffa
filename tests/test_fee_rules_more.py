"""缴费通知单 and 欠费催缴, the rules the other fee tests leave out (spec section G):
delivery by phone, fax or registered letter, an unknown method refused, the month's
notices stamped with their printing and the finance person who generated them; the
催缴记录 (phone, written demand, a butler's visit) on the case; a half-year case of a
small amount due for the managers' visit; the legal-action date; an extension
approved by the general manager; 异议 not yet 处理 (到财务部核实) due; a case reported
to the general manager on the general manager's home page; the outside-collection
phone masked in the export for those without the personal-data export right."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from audit import system_actor
from i18n import local_now, local_to_utc, local_today
from models.base import db, utcnow
from models.fees import ArrearsCase, FeeNotice
from models.reference import Unit
from models.staff import Staff

from .conftest import text_of
from .custody_helpers import fmt
from .helpers import entries_for, property_id, query_plan, settled_notices, staff_id, statements_during
from .test_dashboard_actions import due_items, list_count
from .test_fee_collection import VISIT_DUE, _case, _edit, _notice
from .test_fees import _one_new_notice, generate, notices, this_period

OBJECTION_DUE = "业主有异议的缴费通知单未处理（到财务部核实）"
LEGAL_DUE = "欠费超过一年：可通过法律手段解决"


def _due(b, name: str) -> tuple[str, int] | None:
    """(list url, count) of the due item ``name`` on ``b``'s home page, or None."""
    found = [(url, count) for _p, n, url, _label, count in due_items(b) if n == name]
    assert len(found) <= 1, found
    return found[0] if found else None


def _listed_rooms(b, url: str) -> str:
    page = text_of(b.get(url))
    return page.split("model-list", 1)[1] if "model-list" in page else ""


# -- 1. 缴费通知单: delivery, printing ---------------------------------------------------

@pytest.mark.parametrize("method, label", [("phone", "电话通知"), ("fax", "传真"),
                                           ("registered_letter", "挂号信")])
def test_delivery_by_phone_fax_or_registered_letter_keeps_its_method(app, browser, method,
                                                                     label):
    n = _one_new_notice(app, browser)
    butler = browser("butler")
    url = f"/admin/fee_notice/details/?id={n.id}"
    assert butler.post("/admin/fee_notice/check/", {"id": str(n.id)},
                       token_from=url).status_code == 302
    resp = butler.post("/admin/fee_notice/deliver/", {
        "id": str(n.id), "method": method, "at": local_now().isoformat()[:16]}, token_from=url)
    assert resp.status_code == 302
    with app.app_context():
        row = db.session.get(FeeNotice, n.id)
        assert row.delivery_method == method and row.delivered_at is not None
        assert [e.action for e in entries_for("fee_notice", n.id)][-1] == "deliver"
    page = text_of(butler.get(url))
    assert "已登记发放" in page and label in page and "放入信箱" not in page


@pytest.mark.parametrize("method", ["pigeon", ""])
def test_an_unknown_delivery_method_is_refused_and_nothing_written(app, browser, method):
    n = _one_new_notice(app, browser)
    butler = browser("butler")
    url = f"/admin/fee_notice/details/?id={n.id}"
    butler.post("/admin/fee_notice/check/", {"id": str(n.id)}, token_from=url)
    with app.app_context():
        written = len(entries_for("fee_notice", n.id))
    butler.post("/admin/fee_notice/deliver/", {
        "id": str(n.id), "method": method, "at": local_now().isoformat()[:16]}, token_from=url)
    assert "请选择发放方式" in text_of(butler.get(url))
    with app.app_context():
        row = db.session.get(FeeNotice, n.id)
        assert row.delivery_method is None and row.delivered_at is None
        assert len(entries_for("fee_notice", n.id)) == written


def test_the_months_notices_carry_when_they_were_printed_and_by_which_finance(app, browser):
    before = utcnow() - timedelta(seconds=1)
    assert generate(browser("finance")).status_code == 302
    made = notices(app, this_period())
    with app.app_context():
        finance = staff_id("finance")
        name = db.session.get(Staff, finance).full_name
    assert made and all(n.finance_id == finance for n in made)
    assert all(before <= n.printed_at <= utcnow() for n in made)
    page = text_of(browser("butler").get(f"/admin/fee_notice/details/?id={made[0].id}"))
    assert name in page


# -- 2. 催缴记录: phone, written demand, a butler's visit ------------------------------

def _case_form(app, cid: int, **values) -> dict:
    """The arrears form as the case stands, with ``values`` over it."""
    with app.app_context():
        c = db.session.get(ArrearsCase, cid)
        data = {"unit": str(c.unit_id), "months": str(c.months), "amount": str(c.amount),
                "since": c.since.isoformat(), "cause": c.cause or ""}
    return {**data, **values}


def test_collection_attempts_by_phone_letter_and_a_butlers_visit_are_kept_on_the_case(
        app, browser):
    with app.app_context(), system_actor("test"):
        for c in db.session.execute(select(ArrearsCase)).scalars():
            c.visited_at = utcnow()
        db.session.commit()
    cid = _case(app, "800", 7)
    now = local_now().replace(microsecond=0)
    made = [("phone", now - timedelta(days=3), "李建国", "业主称月底前缴清"),
            ("letter", now - timedelta(days=2), "吴敏", "书面催缴函已送达，限期 15 日"),
            ("visit", now - timedelta(hours=1), "李建国", "业主不在家，已留言")]
    rows = {}
    for i, (method, at, who, result) in enumerate(made):
        rows.update({f"attempts-{i}-at": fmt(at), f"attempts-{i}-method": method,
                     f"attempts-{i}-staff_name": who, f"attempts-{i}-result": result})
    b = browser("butler")
    resp = b.post_form(f"/admin/arrears_case/edit/?id={cid}", _case_form(app, cid, **rows))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    with app.app_context():
        c = db.session.get(ArrearsCase, cid)
        assert [(a.method, a.at, a.staff_name, a.result) for a in c.attempts] == \
            [(m, local_to_utc(at), who, result) for m, at, who, result in made]
        assert all(a.property_id == c.property_id for a in c.attempts)
        assert all(entries_for("arrears_attempt", a.id) for a in c.attempts)
        # a butler's visit is a collection attempt, not the managers' visit
        assert c.visited_at is None
    listed = _listed_rooms(b, "/admin/arrears_case/?due=arrears_visit")
    assert "2-301" in listed
    details = text_of(b.get(f"/admin/arrears_case/details/?id={cid}"))
    for text in ("电话", "书面催缴函", "上门", "业主称月底前缴清"):
        assert text in details, text


def test_a_collection_attempt_in_the_future_is_refused(app, browser):
    cid = _case(app, "800", 3)
    b = browser("butler")
    resp = b.post_form(f"/admin/arrears_case/edit/?id={cid}", _case_form(
        app, cid, **{"attempts-0-at": fmt(local_now() + timedelta(days=2)),
                     "attempts-0-method": "phone", "attempts-0-staff_name": "李建国",
                     "attempts-0-result": "业主称月底前缴清"}))
    assert "催缴记录的时间不能是将来" in text_of(resp)
    with app.app_context():
        assert db.session.get(ArrearsCase, cid).attempts == []


@pytest.mark.parametrize("missing", ["at", "staff_name", "result"])
def test_a_collection_attempt_without_its_time_person_or_result_is_refused(app, browser,
                                                                           missing):
    """催缴记录 (时间, 方式, 人员, 结果): a line missing one of them is refused, nothing
    written."""
    cid = _case(app, "800", 3)
    row = {"attempts-0-at": fmt(local_now() - timedelta(hours=2)),
           "attempts-0-method": "phone", "attempts-0-staff_name": "李建国",
           "attempts-0-result": "业主称月底前缴清"}
    row[f"attempts-0-{missing}"] = ""
    resp = browser("butler").post_form(f"/admin/arrears_case/edit/?id={cid}",
                                       _case_form(app, cid, **row))
    assert "催缴记录须写明时间、人员和结果" in text_of(resp)
    with app.app_context():
        assert db.session.get(ArrearsCase, cid).attempts == []


# -- 3. the managers' visit, legal action, extension ------------------------------------

def test_half_a_year_of_a_small_amount_is_due_for_the_managers_visit(app, browser):
    """欠费大户 *or* 半年以上未缴纳: six months of a small amount are due too."""
    with app.app_context(), system_actor("test"):
        for c in db.session.execute(select(ArrearsCase)).scalars():
            c.visited_at = utcnow()
        db.session.commit()
    cid = _case(app, "800", 5)
    mgr = browser("dept_manager")
    assert _due(mgr, "arrears_visit") is None
    with app.app_context(), system_actor("test"):
        db.session.get(ArrearsCase, cid).months = 6
        db.session.commit()
    assert VISIT_DUE in text_of(mgr.get("/admin/"))
    url, count = _due(mgr, "arrears_visit")
    assert count == 1 and list_count(text_of(mgr.get(url))) == 1
    assert "2-301" in _listed_rooms(mgr, url)


def test_the_legal_action_date_clears_the_over_a_year_item(app, browser):
    cid = _case(app, "3000", 13)
    b = browser("butler")
    assert LEGAL_DUE in text_of(b.get("/admin/"))
    url, count = _due(b, "arrears_legal")
    assert count == 1 and "2-301" in _listed_rooms(b, url)
    resp = b.post_form(f"/admin/arrears_case/edit/?id={cid}",
                       _case_form(app, cid, legal_on=local_today().isoformat()))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    with app.app_context():
        assert db.session.get(ArrearsCase, cid).legal_on == local_today()
    assert LEGAL_DUE not in text_of(b.get("/admin/"))
    assert list_count(text_of(b.get("/admin/arrears_case/?due=arrears_legal"))) == 0


def test_legal_action_is_refused_for_a_year_or_less(app, browser):
    cid = _case(app, "3000", 12)
    b = browser("butler")
    resp = b.post_form(f"/admin/arrears_case/edit/?id={cid}",
                       _case_form(app, cid, legal_on=local_today().isoformat()))
    assert "欠费超过一年方可通过法律程序解决" in text_of(resp)
    with app.app_context():
        assert db.session.get(ArrearsCase, cid).legal_on is None


def test_the_general_manager_approves_an_extension(app, browser):
    cid = _case(app, "1500", 7)
    until = local_today() + timedelta(days=60)
    resp = browser("general_manager").post_form(
        f"/admin/arrears_case/edit/?id={cid}",
        _case_form(app, cid, cause="hardship", extended_to=until.isoformat()))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    with app.app_context():
        c = db.session.get(ArrearsCase, cid)
        assert c.extended_to == until
        assert c.extension_approved_by_id == staff_id("general_manager")


# -- 4. 异议 / 异议处理 (到财务部核实) -----------------------------------------------------

def test_an_objection_not_yet_handled_is_due_until_its_handling_is_written(app, browser):
    nid = _notice(app, "1-302", objection="业主认为本月水费偏高")
    _notice(app, "1-301", objection="重复开单", voided_at=utcnow(), void_reason="重复")
    with app.app_context(), system_actor("test"):
        north = property_id("NORTH")
        unit = db.session.execute(select(Unit).where(Unit.property_id == north)).scalars()\
            .first()
        db.session.add(FeeNotice(property_id=north, unit=unit, period=this_period(),
                                 amount_due=Decimal("100"), objection="北岸业主的异议"))
        db.session.commit()
    for role in ("butler", "finance", "supervisor"):
        b = browser(role)
        assert OBJECTION_DUE in text_of(b.get("/admin/")), role
        url, count = _due(b, "fee_objection")
        assert count == 1, (role, count)                 # not the void one, nor NORTH's
        assert list_count(text_of(b.get(url))) == 1, role
        assert "1-302" in _listed_rooms(b, url), role
    # who does not write the handling down is not asked to
    for role in ("general_manager", "auditor"):
        assert OBJECTION_DUE not in text_of(browser(role).get("/admin/")), role
    butler = browser("butler")
    resp = _edit(butler, nid, objection="业主认为本月水费偏高")
    assert resp.status_code == 302, text_of(resp)[-800:]
    assert OBJECTION_DUE in text_of(butler.get("/admin/"))
    resp = _edit(butler, nid, objection="业主认为本月水费偏高",
                 objection_handling="已到财务部核实：水表读数无误，已向业主解释")
    assert resp.status_code == 302, text_of(resp)[-800:]
    with app.app_context():
        assert db.session.get(FeeNotice, nid).objection_handling.startswith("已到财务部核实")
    for role in ("butler", "finance"):
        assert OBJECTION_DUE not in text_of(browser(role).get("/admin/")), role


def test_a_butler_is_asked_about_objections_in_their_own_area_only(app, browser):
    """The count is what the butler's list shows: their own buildings' notices."""
    from models.fee_areas import ButlerBuilding

    _notice(app, "1-302", objection="业主认为本月水费偏高")
    assert _due(browser("butler"), "fee_objection") is not None
    with app.app_context(), system_actor("test"):
        building = db.session.execute(select(Unit.building_id).where(Unit.room == "1-302"))\
            .scalar_one()
        for a in db.session.execute(select(ButlerBuilding).where(
                ButlerBuilding.building_id == building)).scalars():
            a.voided_at, a.void_reason = utcnow(), "交给另一位管家"
        db.session.commit()
    assert _due(browser("butler"), "fee_objection") is None
    assert _due(browser("finance"), "fee_objection")[1] == 1


@pytest.mark.fresh_database
@pytest.mark.parametrize("role", ["finance", "butler"])
def test_objections_are_counted_in_their_own_partial_index(app, browser, role):
    """Counted on every home page: in an index holding only the notices whose
    objection waits (a few among every notice ever issued)."""
    _notice(app, "1-302", objection="业主认为本月水费偏高")
    settled_notices(app)
    seen = statements_during(app, lambda: browser(role).get("/admin/"))
    counts = [(st, p) for st, p in seen
              if st.lstrip().startswith("SELECT count(*)") and "FROM fee_notice" in st
              and "fee_notice.objection_handling IS NULL" in st]
    assert counts, "the objection count was not seen"
    plan = query_plan(app, *counts[0], analyze=("fee_notice",))
    assert "ix_fee_notice_objection_open" in plan, plan


# -- 5. 向项目总经理汇报 ---------------------------------------------------------------

def test_a_case_reported_to_the_general_manager_is_on_their_home_page_until_visited(
        app, browser):
    """半年以上: 书面催缴函 with a deadline and 向项目总经理汇报; the general manager,
    told, sees the case among those due for the managers' visit until it is made."""
    with app.app_context(), system_actor("test"):
        for c in db.session.execute(select(ArrearsCase)).scalars():
            c.visited_at = utcnow()
        db.session.commit()
    cid = _case(app, "800", 7)
    resp = browser("butler").post_form(f"/admin/arrears_case/edit/?id={cid}", _case_form(
        app, cid, letter_sent_at=fmt(local_now() - timedelta(days=1)),
        letter_deadline=(local_today() + timedelta(days=15)).isoformat(),
        reported_at=fmt(local_now())))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    with app.app_context():
        assert db.session.get(ArrearsCase, cid).reported_at is not None
    gm = browser("general_manager")
    assert VISIT_DUE in text_of(gm.get("/admin/"))
    url, count = _due(gm, "arrears_visit")
    assert count == 1 and "2-301" in _listed_rooms(gm, url)
    details = f"/admin/arrears_case/details/?id={cid}"
    assert gm.post("/admin/arrears_case/visit/", {
        "id": str(cid), "at": fmt(local_now() - timedelta(hours=1)),
        "result": "业主承诺月底前缴清"}, token_from=details).status_code == 302
    with app.app_context():
        c = db.session.get(ArrearsCase, cid)
        assert c.visited_at is not None and [a.method for a in c.attempts] == ["visit"]
    assert _due(gm, "arrears_visit") is None


# -- 6. the outside-collection phone in exports ------------------------------------------

def test_the_collection_phone_is_masked_in_exports_without_the_right(app, browser):
    phone = "13912348765"
    _notice(app, "1-302", pickup_at=utcnow() + timedelta(days=1), pickup_place="科技园 A 座",
            pickup_contact="陈会计", pickup_phone=phone)
    for role in ("finance", "supervisor", "general_manager"):
        resp = browser(role).get("/admin/fee_notice/export/csv/")
        assert resp.status_code == 200, role
        data = resp.data.decode("utf-8-sig")
        assert "陈会计" in data and "139****8765" in data and phone not in data, role
    for role in ("dept_manager", "auditor"):
        data = browser(role).get("/admin/fee_notice/export/csv/").data.decode("utf-8-sig")
        assert phone in data, role
    assert browser("butler").get("/admin/fee_notice/export/csv/").status_code == 403
