"""Custody rows and the inspection form (custody, valuables, water, write-path… tests)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from i18n import local_now
from models.base import db
from models.custody import CustodyAgreement, CustodyInspection
from models.reference import Occupant, Unit

from .conftest import DEMO_PIN


def fmt(dt) -> str:
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def demo_agreement(app) -> CustodyAgreement:
    with app.app_context():
        a = db.session.execute(select(CustodyAgreement)).scalars().first()
        db.session.expunge(a)
        return a


def unit_and_owner(app, room: str):
    with app.app_context():
        u = db.session.execute(select(Unit).where(Unit.room == room)).scalar_one()
        o = db.session.execute(select(Occupant).where(Occupant.unit_id == u.id)).scalars().first()
        return u.id, (o.id if o else None)


def inspection_form(app, agreement_id: int, **over) -> dict:
    now = local_now()
    data = {"agreement": agreement_id, "inspected_at": fmt(now), "reason": "routine",
            "interior": "y", "owner_contacted_at": fmt(now - timedelta(hours=2)),
            "owner_contact_method": "phone", "findings": "室内正常",
            "cosigner_username": "clerk2", "cosign_method": "pin", "cosigner_secret": DEMO_PIN}
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def inspections(app) -> list[CustodyInspection]:
    with app.app_context():
        rows = list(db.session.execute(select(CustodyInspection).order_by(
            CustodyInspection.id)).scalars())
        for r in rows:
            db.session.expunge(r)
        return rows
