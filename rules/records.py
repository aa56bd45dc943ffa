"""Rules every record shares, whichever register it belongs to."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import inspect as sa_inspect

from .errors import RuleViolation


def check_not_void(model: Any) -> None:
    """A voided record is frozen: only the void itself may have just been set."""
    if getattr(model, "voided_at", None) is not None and \
            sa_inspect(model).attrs.voided_at.history.unchanged:
        raise RuleViolation(_("A voided record cannot be changed."))


def check_own_property(user: Any, model: Any) -> None:
    """Data is recorded for a property the user may see (staff and properties
    themselves are checked by ``rules.staff``)."""
    if hasattr(model, "property_id") and type(model).__name__ not in ("Property", "Staff"):
        if model.property_id is None or not user.can_see_property(model.property_id):
            raise RuleViolation(_("You may only record data for your own property."))
