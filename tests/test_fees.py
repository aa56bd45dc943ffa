"""缴费通知单 and 欠费催缴: finance generates the month's notices per unit (物业费,
水电, 签单服务费 from the water register's sign-bills, 其他), once; the butler checks
the account before delivering; a payment needs its collector; only finance
confirms; arrears of 6 months are due for a written demand and a report, of over
a year flagged for legal action; the collection rate per butler and its chart."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from audit import system_actor
from i18n import local_now, local_today, utc_to_local
from models.base import db
from models.fees import ArrearsCase, FeeNotice
from models.reference import Unit
from models.service_orders import ServiceOrder
from models.staff import Staff
from rules import fees as fee_rules
from rules.errors import RuleViolation

from .conftest import text_of
from .custody_helpers import fmt
from .helpers import entries_for, property_id, staff_id
from .order_helpers import unit_id


def notices(app, period: str | None = None) -> list[FeeNotice]:
    with app.app_context():
        q = select(FeeNotice).order_by(FeeNotice.id)
        if period:
            q = q.where(FeeNotice.period == period)
        rows = list(db.session.execute(q).scalars())
        for r in rows:
            _ = r.lines, r.unit
            db.session.expunge(r)
        return rows


def this_period() -> str:
    return fee_rules.period_of(local_today())


def generate(b):
    return b.post("/admin/fee_notice/generate/", {"month": this_period()},
                  token_from="/admin/fee_notice/")


def test_finance_generates_the_months_notices_once_with_sign_bills(app, browser):
    with app.app_context():
        units = db.session.execute(select(func.count()).select_from(Unit).where(
            Unit.property_id == property_id("DEMO"), Unit.voided_at.is_(None))).scalar()
        signed = db.session.execute(select(ServiceOrder).where(
            ServiceOrder.payment_method == "sign_bill", ServiceOrder.voided_at.is_(None),
            ServiceOrder.settled_at.is_not(None))).scalars().first()
        signed_unit = signed.unit_id if signed is not None else None
    fin = browser("finance")
    assert generate(fin).status_code == 302
    made = notices(app, this_period())
    assert len(made) == units
    assert all({line.item for line in n.lines} == {"property_fee", "utilities", "sign_bill",
                                                   "other"} for n in made)
    assert all(n.amount_due == sum(line.amount for line in n.lines) for n in made)
    if signed_unit is not None and fee_rules.period_of(local_today()) == this_period():
        n = next(n for n in made if n.unit_id == signed_unit)
        sign = next(line for line in n.lines if line.item == "sign_bill")
        assert sign.amount >= signed.charge > 0
    assert generate(fin).status_code == 302                     # nothing twice
    assert len(notices(app, this_period())) == units
    assert "生成本月通知单" in text_of(fin.get("/admin/fee_notice/"))
    assert generate(browser("butler")).status_code == 403


def _one_new_notice(app, browser) -> FeeNotice:
    generate(browser("finance"))
    return notices(app, this_period())[0]


def test_delivery_only_after_the_account_check(app, browser):
    n = _one_new_notice(app, browser)
    butler = browser("butler")
    url = f"/admin/fee_notice/details/?id={n.id}"
    deliver = {"id": str(n.id), "method": "mailbox", "at": local_now().isoformat()[:16]}
    butler.post("/admin/fee_notice/deliver/", deliver, token_from=url)
    assert "请先进行帐目核对" in text_of(butler.get(url))
    assert notices(app, this_period())[0].delivered_at is None
    assert butler.post("/admin/fee_notice/check/", {"id": str(n.id)},
                       token_from=url).status_code == 302
    butler.post("/admin/fee_notice/deliver/", deliver, token_from=url)
    done = notices(app, this_period())[0]
    assert done.delivered_at is not None and done.checked_by_id is not None
    with app.app_context():
        assert done.checked_by_id == staff_id("butler")
        assert [e.action for e in entries_for("fee_notice", n.id)][-2:] == ["fee_check",
                                                                             "deliver"]


def test_payment_needs_a_collector_and_only_finance_confirms(app, browser):
    n = _one_new_notice(app, browser)
    butler = browser("butler")
    url = f"/admin/fee_notice/details/?id={n.id}"
    pay = {"id": str(n.id), "amount": str(n.amount_due), "at": local_now().isoformat()[:16]}
    butler.post("/admin/fee_notice/pay/", {**pay, "collected_by": ""}, token_from=url)
    assert "请填写收款人" in text_of(butler.get(url))
    assert notices(app, this_period())[0].paid_at is None
    with app.app_context():
        butler_id = staff_id("butler")
    butler.post("/admin/fee_notice/pay/", {**pay, "collected_by": str(butler_id)},
                token_from=url)
    paid = notices(app, this_period())[0]
    assert paid.collected_by_id == butler_id and paid.paid_amount == n.amount_due
    for role in ("butler", "supervisor", "dept_manager"):
        resp = browser(role).post("/admin/fee_notice/confirm/", {"id": str(n.id)},
                                  token_from=url)
        assert resp.status_code == 403, role
    with app.app_context():                    # the rule itself, without the matrix
        row = db.session.get(FeeNotice, n.id)
        try:
            fee_rules.confirm_payment(row, db.session.get(Staff, butler_id))
        except RuleViolation as exc:
            assert "只有财务部" in str(exc)
        else:
            raise AssertionError("a butler confirmed a payment")
        db.session.rollback()
    assert browser("finance").post("/admin/fee_notice/confirm/", {"id": str(n.id)},
                                   token_from=url).status_code == 302
    with app.app_context():
        assert notices(app, this_period())[0].confirmed_by_id == staff_id("finance")


def test_half_year_arrears_are_due_and_over_a_year_flagged(app, browser):
    with app.app_context(), system_actor("test"):
        unit = db.session.get(Unit, unit_id(app, "1-301"))
        db.session.add(ArrearsCase(property_id=unit.property_id, unit=unit, months=14,
                                   amount=Decimal("3000"), cause="owner",
                                   since=local_today() - timedelta(days=430)))
        db.session.commit()
    dash = text_of(browser("butler").get("/admin/"))
    assert "欠费半年以上：送书面催缴函限期缴纳并向项目总经理汇报" in dash
    assert "欠费超过一年：可通过法律手段解决" in dash
    page = text_of(browser("butler").get("/admin/arrears_case/"))
    assert 'data-flag="legal"' in page and 'data-flag="half"' in page


def posted_attempts(case: ArrearsCase) -> dict[str, str]:
    """The case's collection attempts as its edit form posts them back (a browser
    sends every row; without them the rows would read as emptied)."""
    return {f"attempts-{i}-{k}": v for i, a in enumerate(case.attempts)
            for k, v in (("id", str(a.id)), ("at", fmt(utc_to_local(a.at))),
                         ("method", a.method), ("staff_name", a.staff_name or ""),
                         ("result", a.result or ""))}


def test_a_written_demand_needs_its_deadline(app, browser):
    with app.app_context():
        case = db.session.execute(select(ArrearsCase)).scalars().first()
        case_id, room, rows = case.id, case.unit.room, posted_attempts(case)
    b = browser("butler")
    url = f"/admin/arrears_case/edit/?id={case_id}"
    data = {"unit": unit_id(app, room), "months": "7", "amount": "1500",
            "since": (local_today() - timedelta(days=200)).isoformat(), "cause": "owner",
            "letter_sent_at": fmt(local_now()), **rows}
    resp = b.post_form(url, data)
    assert "书面催缴函须注明限期缴纳日期" in text_of(resp)
    resp = b.post_form(url, {**data, "letter_deadline": (local_today() + timedelta(days=15))
                             .isoformat(), "reported_at": fmt(local_now())})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    assert "欠费半年以上" not in text_of(b.get("/admin/"))


def test_collection_rate_per_butler_and_the_chart(app, browser):
    page = text_of(browser("finance").get("/admin/fee_rates/", query_string={
        "month": fee_rules.period_of(local_today().replace(day=1) - timedelta(days=1))}))
    assert "各管家收费率" in page and 'class="rate-row"' in page and "%" in page
    dash = text_of(browser("finance").get("/admin/"))
    assert "每月收费率" in dash
    assert browser("security").get("/admin/fee_rates/").status_code == 403


def test_undelivered_notices_and_arrears_without_a_cause_are_due(app, browser, monkeypatch):
    generate(browser("finance"))
    first = local_today().replace(day=1)
    monkeypatch.setattr(fee_rules, "local_today", lambda: first + timedelta(days=14))
    assert "每月 10 日前未发放的缴费通知单" in text_of(browser("butler").get("/admin/"))
    monkeypatch.setattr(fee_rules, "local_today", lambda: first + timedelta(days=5))
    dash = text_of(browser("butler").get("/admin/"))
    assert "每月 10 日前未发放的缴费通知单" not in dash
    assert "与业主沟通并登记欠费原因" not in dash
    with app.app_context(), system_actor("test"):
        unit = db.session.get(Unit, unit_id(app, "1-302"))
        db.session.add(ArrearsCase(property_id=unit.property_id, unit=unit, months=1,
                                   amount=Decimal("245"), since=first))
        db.session.commit()
    assert "与业主沟通并登记欠费原因" in text_of(browser("butler").get("/admin/"))


def test_an_extension_needs_hardship_and_a_managers_approval(app, browser):
    with app.app_context():
        case = db.session.execute(select(ArrearsCase)).scalars().first()
        case_id, room = case.id, case.unit.room
        rows = posted_attempts(case)
    url = f"/admin/arrears_case/edit/?id={case_id}"
    data = {"unit": unit_id(app, room), "months": "7", "amount": "1500",
            "since": (local_today() - timedelta(days=200)).isoformat(), "cause": "hardship",
            "extended_to": (local_today() + timedelta(days=60)).isoformat(), **rows}
    for role in ("butler", "supervisor"):
        assert "须经客服部经理或项目总经理批准" in text_of(browser(role).post_form(url, data)), role
    resp = browser("dept_manager").post_form(url, {**data, "cause": "owner"})
    assert "经济确有困难" in text_of(resp)
    with app.app_context():
        assert db.session.get(ArrearsCase, case_id).extended_to is None
    resp = browser("dept_manager").post_form(url, data)
    assert resp.status_code == 302, text_of(resp)[-1500:]
    with app.app_context():
        assert db.session.get(ArrearsCase, case_id).extension_approved_by_id == \
            staff_id("dept_manager")
