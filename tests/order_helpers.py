"""Shared by the service-order and water tests."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from i18n import local_now
from models.base import db
from models.reference import Unit
from models.service_orders import ServiceOrder, ServicePrice
from models.water import WaterStock

from .conftest import text_of
from .custody_helpers import fmt


def unit_id(app, room: str) -> int:
    with app.app_context():
        return db.session.execute(select(Unit.id).where(Unit.room == room)).scalar_one()


def price_id(app, item: str) -> int:
    with app.app_context():
        return db.session.execute(select(ServicePrice.id).where(
            ServicePrice.item == item, ServicePrice.voided_at.is_(None))
            .order_by(ServicePrice.id.desc())).scalars().first()


def stock(app, brand: str = "娃哈哈") -> WaterStock:
    with app.app_context():
        s = db.session.execute(select(WaterStock).where(WaterStock.brand == brand)).scalar_one()
        db.session.expunge(s)
        return s


def orders(app, kind: str | None = None) -> list[ServiceOrder]:
    with app.app_context():
        q = select(ServiceOrder).order_by(ServiceOrder.id)
        if kind:
            q = q.where(ServiceOrder.kind == kind)
        rows = list(db.session.execute(q).scalars())
        for r in rows:
            _ = r.lines, r.unit
            db.session.expunge(r)
        return rows


def order(app, order_id: int) -> ServiceOrder:
    with app.app_context():
        o = db.session.get(ServiceOrder, order_id)
        _ = o.lines, o.unit
        db.session.expunge(o)
        return o


def water_order_form(app, **over) -> dict:
    data = {"unit": unit_id(app, "1-301"), "customer_name": "张伟", "customer_phone": "13800000001",
            "water_stock": stock(app).id, "water_qty": "2", "install_requested": "y"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def staff(app, username: str) -> int:
    from .helpers import staff_id

    with app.app_context():
        return staff_id(username)


def raise_order(app, browser, **over):
    resp = browser("clerk").post_form("/admin/water_order/new/", water_order_form(app, **over))
    assert resp.status_code == 302, text_of(resp)[-1500:]
    return orders(app, "water")[-1]


def deliver(b, order_id: int, **over):
    data = {"id": order_id, "delivered_at": local_now().isoformat()[:16],
            "empties_returned": "2", "owner_signed": "y", "installed": "y"}
    data.update(over)
    return b.post("/admin/water_delivery/deliver/",
                  {k: v for k, v in data.items() if v is not None})


def create(b, app, **over):
    return b.post_form("/admin/service_order/new/", order_form(app, **over))


def order_form(app, **over) -> dict:
    data = {"unit": unit_id(app, "1-302"), "customer_name": "王芳", "customer_phone": "13800000002",
            "description": "卫生间灯不亮", "lines-0-price": price_id(app, "更换灯泡"),
            "lines-0-quantity": "3", "department": "engineering", "staff_name": "刘师傅",
            "appointment_at": fmt(local_now() + timedelta(hours=2))}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}
