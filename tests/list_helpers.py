"""Rows and views for the list-page tests (also the browser list tests)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from audit import system_actor
from models.base import db
from models.keys import Key, KeyCheckout

from .helpers import property_id, staff_id

BASE = datetime(2026, 2, 1, 8, 0)
ROWS = 150            # eight pages of 20: the pager shows first/last jumps


def add_rows(app) -> None:
    with app.app_context(), system_actor("test"):
        demo, clerk = property_id("DEMO"), staff_id("clerk")
        key = db.session.execute(select(Key).where(Key.property_id == demo)).scalars().first()
        for i in range(ROWS):
            db.session.add(KeyCheckout(
                property_id=demo, key_id=key.id, borrower_id=clerk,
                reason=f"维修 第{i}次 <b>&\"", issued_by_id=clerk,
                out_at=BASE + timedelta(hours=i), returned_at=BASE + timedelta(hours=i, minutes=5),
                received_by_id=clerk))
        db.session.commit()


def view_of(app, endpoint: str):
    return next(v for v in app.extensions["admin"][0]._views if v.endpoint == endpoint)
