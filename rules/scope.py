"""What every rule module reads by: rows of the user's property (head office sees
every property), and the slack allowed for times typed into forms."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

# Times typed into forms have minute precision and clocks drift: "not in the future"
# and "not before the record was made" allow this much.
CLOCK_SKEW = timedelta(minutes=5)


def scoped(q: Any, model: Any, user: Any) -> Any:
    """A ``select`` over ``model`` limited to ``user``'s property.  (Views use
    ``admin_views.base.scope_query`` for Flask-Admin's ``Query`` objects.)"""
    if user is not None and not user.is_head_office:
        q = q.where(model.property_id == user.property_id)
    return q
