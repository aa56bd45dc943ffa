"""药箱管理制度: expired or excess medicine is never issued, stock never goes negative
(also when two clerks issue at once), counts set the stock, due list."""
from __future__ import annotations

import re
import threading
from datetime import timedelta

from sqlalchemy import select

from audit import system_actor
from i18n import local_now, local_today
from models.base import db, utcnow
from models.medicine import MedicineBatch, MedicineCount, MedicineItem, MedicineUsage
from rules import medicine as medicine_rules

from .conftest import text_of
from .helpers import entries_for, race, staff_id
from .custody_helpers import fmt


def batch(app, item: str) -> MedicineBatch:
    with app.app_context():
        b = db.session.execute(select(MedicineBatch).join(MedicineItem).where(
            MedicineItem.name == item)).scalars().first()
        db.session.expunge(b)
        return b


def set_batch(app, batch_id: int, **values) -> None:
    with app.app_context(), system_actor("test"):
        b = db.session.get(MedicineBatch, batch_id)
        for k, v in values.items():
            setattr(b, k, v)
        db.session.commit()


def usages(app) -> list[MedicineUsage]:
    with app.app_context():
        rows = list(db.session.execute(select(MedicineUsage).order_by(MedicineUsage.id))
                    .scalars())
        for r in rows:
            db.session.expunge(r)
        return rows


def issue_form(batch_id: int, **over) -> dict:
    data = {"batch": batch_id, "quantity": "1", "recipient_name": "李娜",
            "reason": "业主头痛", "issued_at": fmt(local_now()), "expiry_reconfirmed": "y"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def post_issue(b, data: dict):
    return b.post_form("/admin/medicine_usage/new/", data)


def test_clerk_issues_medicine_and_stock_goes_down(app, browser):
    gauze = batch(app, "医用纱布")
    before = len(usages(app))
    resp = post_issue(browser("clerk"), issue_form(gauze.id, quantity="3"))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    assert batch(app, "医用纱布").quantity == gauze.quantity - 3
    [usage] = usages(app)[before:]
    with app.app_context():
        assert usage.issued_by_id == staff_id("clerk") and usage.quantity == 3
        assert [e.action for e in entries_for("medicine_batch", gauze.id)][-1] == "issue"
        assert entries_for("medicine_usage", usage.id)[0].action == "insert"


def test_issue_form_offers_in_date_batches_only_earliest_expiry_first(app, browser):
    """An expired batch is not a choice (refused with its date by the rule:
    tests/test_rules_medicine.py); in-date ones come earliest expiry first."""
    gauze = batch(app, "医用纱布")
    set_batch(app, gauze.id, expires_on=local_today() - timedelta(days=1))
    clerk = browser("clerk")
    page = clerk.get("/admin/medicine_usage/new/").get_data(as_text=True)
    offered = [int(v) for v in re.findall(r'<option[^>]*value="(\d+)"', page.split(
        'name="batch"', 1)[1].split("</select>", 1)[0])]
    assert gauze.id not in offered and offered
    with app.app_context():
        dates = [db.session.get(MedicineBatch, i).expires_on for i in offered]
    assert dates == sorted(dates) and min(dates) >= local_today()
    before = len(usages(app))
    assert post_issue(clerk, issue_form(gauze.id)).status_code == 200
    assert len(usages(app)) == before
    assert batch(app, "医用纱布").quantity == gauze.quantity


def test_more_than_the_stock_cannot_be_issued(app, browser):
    gauze = batch(app, "医用纱布")
    resp = post_issue(browser("clerk"), issue_form(gauze.id, quantity=str(gauze.quantity + 1)))
    assert resp.status_code == 200 and "不能发出" in text_of(resp)
    assert batch(app, "医用纱布").quantity == gauze.quantity


def test_expiry_must_be_reconfirmed(app, browser):
    gauze = batch(app, "医用纱布")
    resp = post_issue(browser("clerk"), issue_form(gauze.id, expiry_reconfirmed=None))
    assert resp.status_code == 200 and "再次确认有效期" in text_of(resp)
    assert batch(app, "医用纱布").quantity == gauze.quantity


def test_voiding_an_issue_puts_the_quantity_back(app, browser):
    gauze = batch(app, "医用纱布")
    clerk = browser("clerk")
    assert post_issue(clerk, issue_form(gauze.id, quantity="2")).status_code == 302
    usage = usages(app)[-1]
    sup = browser("supervisor")
    resp = sup.post_form(f"/admin/medicine_usage/void/?id={usage.id}", {"reason": "登记错误"})
    assert resp.status_code == 302
    assert batch(app, "医用纱布").quantity == gauze.quantity
    with app.app_context():
        assert db.session.get(MedicineUsage, usage.id).void_reason == "登记错误"


def test_two_clerks_issuing_at_once_never_take_more_than_the_stock(app):
    """Both read quantity 2 and want 2; exactly one gets it, the other is refused."""
    gauze = batch(app, "医用纱布")
    set_batch(app, gauze.id, quantity=2)
    n = 3
    barrier = threading.Barrier(n, timeout=20)

    def clerk_issues(i: int) -> None:
        from models.staff import Staff

        b = db.session.get(MedicineBatch, gauze.id)
        assert b.quantity == 2              # everyone saw enough stock
        clerk = db.session.execute(select(Staff).where(Staff.username == "clerk")).scalar_one()
        u = MedicineUsage(property_id=b.property_id, batch=b, quantity=2,
                          recipient_name=f"并发{i}", reason="并发测试", issued_by_id=clerk.id,
                          issued_at=utcnow(), expiry_reconfirmed=True)
        db.session.add(u)
        barrier.wait()
        medicine_rules.issue(u)

    results = race(app, n, clerk_issues)
    assert [r for r, _ in results].count("ok") == 1, results
    assert batch(app, "医用纱布").quantity == 0
    assert len([u for u in usages(app) if u.recipient_name.startswith("并发")]) == 1


def test_a_count_sets_the_stock_and_records_differences(app, browser):
    clerk = browser("clerk")
    page = clerk.get("/admin/medicine_count/take/")
    assert page.status_code == 200
    with app.app_context():
        batches = db.session.execute(select(MedicineBatch).where(
            MedicineBatch.voided_at.is_(None))).scalars().all()
        counted = {f"counted-{b.id}": str(b.quantity) for b in batches
                   if b.property.code == "DEMO"}
    gauze = batch(app, "医用纱布")
    counted[f"counted-{gauze.id}"] = str(gauze.quantity - 1)
    resp = clerk.post_form("/admin/medicine_count/take/",
                           {**counted, "restock_needed": "医用纱布 2 包"})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    assert batch(app, "医用纱布").quantity == gauze.quantity - 1
    with app.app_context():
        count = db.session.execute(select(MedicineCount).order_by(
            MedicineCount.id.desc())).scalars().first()
        assert count.counted_by_id == staff_id("clerk") and count.differences == 1
        [line] = [ln for ln in count.lines if ln.batch_id == gauze.id]
        assert (line.expected, line.counted, line.difference) == (
            gauze.quantity, gauze.quantity - 1, -1)
        assert entries_for("medicine_batch", gauze.id)[-1].action == "count"
    details = text_of(clerk.get(f"/admin/medicine_count/details/?id={count.id}"))
    assert "医用纱布" in details and "-1" in details


def test_a_count_needs_every_batch(app, browser):
    gauze = batch(app, "医用纱布")
    resp = browser("clerk").post_form("/admin/medicine_count/take/",
                                      {f"counted-{gauze.id}": "0"})
    assert resp.status_code == 200 and "每个批次都要填写实点数量" in text_of(resp)
    assert batch(app, "医用纱布").quantity == gauze.quantity


def test_due_list_shows_and_drops_each_kind(app, browser):
    clerk = browser("clerk")

    def due_kinds() -> dict:
        with app.test_request_context(), app.app_context():
            from models.staff import Staff

            user = db.session.get(Staff, staff_id("clerk"))
            rows = medicine_rules.due(user)
            return {k: [r.text for r in rows if r.kind == k]
                    for k in ("count", "expiring", "expired", "low")}

    due = due_kinds()
    assert due["count"] == []                                      # demo counted today
    assert any("碘伏" in t for t in due["expiring"])                 # expires in 20 days
    assert any("藿香正气水" in t for t in due["low"])                  # 1 of minimum 2
    assert due["expired"] == []
    gauze = batch(app, "医用纱布")
    set_batch(app, gauze.id, expires_on=local_today() - timedelta(days=2))
    with app.app_context(), system_actor("test"):
        for c in db.session.execute(select(MedicineCount)).scalars():
            c.counted_at = utcnow() - timedelta(days=16)
        db.session.commit()
    due = due_kinds()
    assert any("医用纱布" in t for t in due["expired"]) and due["count"]
    page = text_of(clerk.get("/admin/medicine_due/"))
    assert "药箱中仍有过期药品" in page and "医用纱布" in page
    dashboard = text_of(clerk.get("/admin/"))
    assert "药箱逾期未清点" in dashboard
    # a count of 0 for the expired batch and a fresh count clear both
    with app.app_context():
        counted = {f"counted-{b.id}": str(0 if b.id == gauze.id else b.quantity)
                   for b in db.session.execute(select(MedicineBatch)).scalars()
                   if b.property.code == "DEMO" and b.voided_at is None}
    assert clerk.post_form("/admin/medicine_count/take/", counted).status_code == 302
    due = due_kinds()
    assert due["count"] == [] and due["expired"] == []
    assert "药箱逾期未清点" not in text_of(clerk.get("/admin/"))


def test_a_batch_edit_cannot_change_its_quantity_or_void_it_with_stock(app, browser):
    """Stock moves only by issues, counts and voided issues."""
    gauze = batch(app, "医用纱布")
    clerk = browser("clerk")
    resp = clerk.post_form(f"/admin/medicine_batch/edit/?id={gauze.id}", {
        "item": gauze.item_id, "batch_no": "SB2025-03B", "expires_on": gauze.expires_on.isoformat(),
        "quantity": "99", "received_on": gauze.received_on.isoformat()})
    assert resp.status_code == 302, text_of(resp)[-1500:]
    after = batch(app, "医用纱布")
    assert after.batch_no == "SB2025-03B" and after.quantity == gauze.quantity
    resp = browser("supervisor").post_form(f"/admin/medicine_batch/void/?id={gauze.id}",
                                           {"reason": "清理"})
    assert resp.status_code == 200 and "请先清点该批次为 0" in text_of(resp)
    assert batch(app, "医用纱布").voided_at is None
