"""Shared by the service-order and water tests."""
from __future__ import annotations

from sqlalchemy import select

from models.base import db
from models.reference import Unit
from models.service_orders import ServiceOrder, ServicePrice
from models.water import WaterStock


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
