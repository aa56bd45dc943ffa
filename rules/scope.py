"""What every rule module reads by: rows of the user's property (head office sees
every property), and the slack allowed for times typed into forms."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import false

# Times typed into forms have minute precision and clocks drift: "not in the future"
# and "not before the record was made" allow this much.
CLOCK_SKEW = timedelta(minutes=5)


def scoped(q: Any, model: Any, user: Any) -> Any:
    """``q`` (a ``select`` or an ORM ``Query``) over ``model`` limited to what
    ``user``'s property may see; head office sees every property.  Without a user
    nothing is visible (fail closed): a rule or view called outside a login must
    not see every property by accident."""
    if user is None:
        return q.filter(false())
    if user.is_head_office:
        return q
    if model.__name__ == "Property":
        return q.filter(model.id == user.property_id)
    if hasattr(model, "property_id"):
        return q.filter(model.property_id == user.property_id)
    return q
