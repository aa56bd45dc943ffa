"""Who borrows a key when it is not a staff member: a contractor (name, company, ID
number, phone) or an owner/occupant of the property, found by room, name or phone.

The key rules themselves (``check_contractor``, ``issue_key``) are in ``rules/keys.py``;
this module turns what the desk typed into a ``KeyCheckoutBorrower`` and answers the
desk's owner/occupant lookup, within the user's property and masked per role."""
from __future__ import annotations

from typing import Any, Mapping

from flask_babel import gettext as _
from sqlalchemy import select

from models.base import db
from models.key_borrowers import BORROWER_KINDS, KeyCheckoutBorrower
from models.reference import Occupant, Unit

from . import occupants as occupant_rules
from .errors import RuleViolation
from .matrix import reads_personal_data
from .personal_data import mask_personal, masked_on_screen
from .scope import scoped


def borrower_kind(value: str | None) -> str:
    """The kind the desk chose; staff unless it named another known kind."""
    return value if value in BORROWER_KINDS else "staff"


def visible_occupant(user: Any, occupant_id: int | None) -> Occupant | None:
    """The occupant ``occupant_id`` if it is current and in ``user``'s property."""
    if occupant_id is None:
        return None
    q = scoped(select(Occupant).where(Occupant.id == occupant_id,
                                      Occupant.voided_at.is_(None)), Occupant, user)
    return db.session.execute(q).scalar_one_or_none()


def _clean(value: str | None) -> str | None:
    return (value or "").strip() or None


def outside_borrower(user: Any, kind: str, values: Mapping[str, Any],
                     occupant_id: int | None) -> KeyCheckoutBorrower | None:
    """The outside borrower the desk described (``None`` for a staff member)."""
    if kind == "contractor":
        return KeyCheckoutBorrower(
            kind="contractor", name=_clean(values.get("contractor_name")) or "",
            company=_clean(values.get("contractor_company")),
            id_number=_clean(values.get("contractor_id_number")),
            phone=_clean(values.get("contractor_phone")))
    if kind == "occupant":
        occupant = visible_occupant(user, occupant_id)
        if occupant is None:
            raise RuleViolation(_("Choose the owner or occupant who borrows the key "
                                  "(type the room, e.g. 1-302, or a name)."))
        room = db.session.get(Unit, occupant.unit_id)
        return KeyCheckoutBorrower(kind="occupant", occupant=occupant,
                                   occupant_id=occupant.id, name=occupant.name,
                                   room=room.room if room else None)
    return None


def occupant_choices(user: Any, term: str, limit: int = 20) -> list[dict]:
    """The desk's owner/occupant lookup: "1-302", a name, or (for roles that read
    owners' phones) a phone fragment; phones shown masked for the others."""
    phones = reads_personal_data(user, "occupant")
    masked = "phone" in masked_on_screen(user, "occupant", Occupant)
    found = occupant_rules.find_occupants(user, term, None, 0, limit, phones=phones)
    rooms = {u.id: u.room for u in db.session.execute(
        select(Unit).where(Unit.id.in_({o.unit_id for o in found}))).scalars()} if found else {}
    out = []
    for o in found:
        phone = (mask_personal(o.phone) if masked else o.phone) if o.phone else ""
        text = f"{rooms.get(o.unit_id, '')} {o.name}" + (f" · {phone}" if phone else "")
        out.append({"id": o.id, "text": text})
    return out
