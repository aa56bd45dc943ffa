"""Shared by the rooms-linked-to-people tests: units and occupants by room."""
from __future__ import annotations

from sqlalchemy import select

from audit import system_actor
from models.base import db
from models.reference import Building, Occupant, Unit

from .helpers import property_id


def unit_id(app, room: str, code: str = "DEMO") -> int:
    with app.app_context():
        return db.session.execute(select(Unit.id).where(
            Unit.room == room, Unit.property_id == property_id(code))).scalar_one()


def north_home(app, room: str = "1-302", name: str = "钱多多",
               phone: str = "13900000002") -> tuple[int, int]:
    """A unit and its owner at the other property (NORTH), same room number as DEMO's."""
    with app.app_context(), system_actor("test"):
        pid = property_id("NORTH")
        building = Building(property_id=pid, name="北1栋", floors=6)
        db.session.add(building)
        db.session.flush()
        unit = Unit(property_id=pid, building_id=building.id, room=room, floor=3)
        db.session.add(unit)
        db.session.flush()
        owner = Occupant(property_id=pid, unit_id=unit.id, name=name, kind="owner", phone=phone)
        db.session.add(owner)
        db.session.commit()
        return unit.id, owner.id
