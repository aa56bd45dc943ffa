"""Rooms linked to people, for every form that asks for a room and a person.

- ``OccupantLookupMixin``: an owner/occupant lookup (Flask-Admin ajax) limited to the
  room chosen on the form (``static/kefu.js`` sends it as ``unit``) that finds "1-302",
  names and phone fragments;
- ``fill_from_room``: the ``form_widget_args`` that tell ``kefu.js`` which fields the
  room fills (name, phone, owner, butler) from ``OccupantView.of_unit_view``.
The data and its scoping are ``rules/occupants.py``."""
from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l

from models.reference import Occupant
from rules import occupants as occupant_rules
from rules.matrix import reads_personal_data

from .base import ScopedAjaxLoader, current_staff
from .params import bounded_int, parse_id

ROOM_CARD_URL = "/admin/occupant/of_unit/"
CHOOSE = _l("Choose one of the room's occupants")


class OccupantAjaxLoader(ScopedAjaxLoader):
    """Owners and occupants: by room, name or phone fragment, within the chosen room."""

    def get_list(self, term, offset=0, limit=10):
        user = current_staff()
        return occupant_rules.find_occupants(
            user, term or "", parse_id(request.args.get("unit")),
            bounded_int(offset, 0), bounded_int(limit or 10, 10, 1, self.MAX_LIMIT),
            phones=reads_personal_data(user, "occupant"))


class OccupantLookupMixin:
    """Put before ``RegisterView``: every ajax reference to ``Occupant`` uses the
    room-limited lookup."""

    def _create_ajax_loader(self, name, options):
        remote = getattr(self.model, name).prop.mapper.class_
        if remote is Occupant:
            from models.base import db

            return OccupantAjaxLoader(name, db.session, remote, **options)
        return super()._create_ajax_loader(name, options)


def fill_from_room(unit: str = "unit", *, name: str | None = None, phone: str | None = None,
                   owner: str | None = None, butler: str | None = None) -> dict[str, Any]:
    """``form_widget_args`` marking the fields the chosen room fills (each stays editable)."""
    args: dict[str, Any] = {unit: {"data-room-card": ROOM_CARD_URL, "data-room-choose": CHOOSE}}
    for role, field in (("name", name), ("phone", phone), ("owner", owner),
                        ("butler", butler)):
        if field:
            args[field] = {f"data-room-{role}": unit}
    return args
