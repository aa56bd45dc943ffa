"""``?unit=<id>`` on a register's list: only the rows of one unit (an owner file's
"fee notices of this unit" and "service orders of this unit" links).

A room's words searched as text also find other rooms that contain them (1-301
matches 11-301), so the links ask by the unit's id.  The unit must be one of the
signed-in person's property: another property's unit, or a value that is no id,
is "no such record" (404), never the whole list passed off as one unit's."""
from __future__ import annotations

from typing import Any

from flask import abort, g, has_request_context, request

from models.reference import Unit
from rules.occupants import visible_unit

from .params import parse_id
from .security import current_staff


def requested_unit(view: Any) -> Unit | None:
    """The unit this request narrows ``view``'s list to, if it asks for one; a 404
    for a unit the user's property does not hold.  Read once per request."""
    if not has_request_context() or "unit" not in request.args \
            or not hasattr(view.model, "unit_id"):
        return None
    cache = g.setdefault("_kefu_unit_rows", {})
    raw = request.args.get("unit")
    if raw not in cache:
        unit = visible_unit(current_staff(), parse_id(raw), voided=True)
        if unit is None:
            abort(404)
        cache[raw] = unit
    return cache[raw]


def unit_narrow(view: Any, query):
    """``query`` narrowed to the requested unit's rows (unchanged without one)."""
    unit = requested_unit(view)
    return query if unit is None else query.filter(view.model.unit_id == unit.id)


def unit_key(view: Any) -> tuple:
    """The part of a list's narrowing key the unit adds (a kept count is per unit)."""
    unit = requested_unit(view)
    return () if unit is None else ("unit", unit.id)
