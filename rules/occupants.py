"""Who lives in a room: the occupants a form offers once the room is chosen (the caller,
customer, owner or recipient is usually one of them), and the lookup that finds an owner
by room number, name or a phone fragment — always within the user's property."""
from __future__ import annotations

from typing import Any

from sqlalchemy import case, or_, select

from models.base import db
from models.custody import CustodyAgreement
from models.reference import Occupant, Unit
from models.staff import Staff
from models.valuables import ValuablesDeposit

from .personal_data import mask_personal, masked_on_screen
from .scope import scoped

# Owners first, then tenants and family: the person a desk usually means.
KIND_ORDER = case({"owner": 0, "tenant": 1, "family": 2}, value=Occupant.kind, else_=3)


def visible_unit(user: Any, unit_id: int | None, voided: bool = False) -> Unit | None:
    """The unit ``unit_id`` if ``user``'s property may see it (and, unless
    ``voided``, it is not void: a form picks live units, a list of a unit's past
    rows may be a voided unit's)."""
    if unit_id is None:
        return None
    q = select(Unit).where(Unit.id == unit_id)
    if not voided:
        q = q.where(Unit.voided_at.is_(None))
    q = scoped(q, Unit, user)
    return db.session.execute(q).scalar_one_or_none()


def occupants_of(unit: Unit) -> list[Occupant]:
    return list(db.session.execute(select(Occupant).where(
        Occupant.unit_id == unit.id, Occupant.voided_at.is_(None))
        .order_by(KIND_ORDER, Occupant.name, Occupant.id)).scalars())


def _is_butler(s: Staff | None, unit: Unit) -> bool:
    return s is not None and s.active and s.has_role("butler") \
        and s.property_id == unit.property_id


def unit_butler(unit: Unit) -> Staff | None:
    """The unit's 责任管家, never a supervisor standing in: the butler of the home's latest
    custody agreement or deposit, else the property's only butler, else nobody (the clerk
    chooses).  When the patrol areas' 责任管家 exist, they are the source to read here."""
    for model in (CustodyAgreement, ValuablesDeposit):
        butler_ids = db.session.execute(select(model.butler_id).where(
            model.unit_id == unit.id, model.voided_at.is_(None))
            .order_by(model.id.desc()).limit(5)).scalars()
        for butler_id in butler_ids:
            butler = db.session.get(Staff, butler_id)
            if _is_butler(butler, unit):
                return butler
    butlers = [s for s in db.session.execute(select(Staff).where(
        Staff.active.is_(True), Staff.property_id == unit.property_id)).scalars()
        if _is_butler(s, unit)]
    return butlers[0] if len(butlers) == 1 else None


def room_card(user: Any, unit: Unit, kind_labels: dict) -> dict:
    """What a form needs to fill the person from the room: occupants (phones masked for
    roles that see them masked) and the unit's butler."""
    masked = masked_on_screen(user, "occupant", Occupant)
    butler = unit_butler(unit)
    return {
        "unit": unit.id, "room": unit.room,
        "butler": {"id": butler.id, "name": butler.full_name} if butler else None,
        "occupants": [{
            "id": o.id, "name": o.name, "kind": str(kind_labels.get(o.kind, o.kind)),
            "phone": (mask_personal(o.phone) if "phone" in masked else o.phone) or "",
            "phone_masked": "phone" in masked and bool(o.phone),
        } for o in occupants_of(unit)],
    }


def find_occupants(user: Any, term: str, unit_id: int | None, offset: int, limit: int,
                   phones: bool) -> list[Occupant]:
    """The owner/occupant lookup: within the chosen room when there is one; the term
    matches the room ("1-302"), the name, or (for roles that read phones) a fragment of
    either phone."""
    q = scoped(select(Occupant).join(Unit, Occupant.unit_id == Unit.id)
               .where(Occupant.voided_at.is_(None)), Occupant, user)
    if unit_id is not None:
        q = q.where(Occupant.unit_id == unit_id)
    term = (term or "").strip()
    if term:
        like = f"%{term}%"
        matches = [Unit.room.ilike(like), Occupant.name.ilike(like)]
        if phones:
            matches += [Occupant.phone.ilike(like), Occupant.phone2.ilike(like)]
        q = q.where(or_(*matches))
    q = q.order_by(Unit.room, KIND_ORDER, Occupant.name, Occupant.id)
    return list(db.session.execute(q.offset(offset).limit(limit)).scalars())
