"""Forms know their columns' lengths: a ``maxlength`` the browser enforces and a
``Length`` validator the server does (the flush check in ``rules.lengths`` is the
last line for endpoints without a form)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields.core import UnboundField
from wtforms.validators import Length

from models.base import db
from rules.lengths import string_limits

TOO_LONG = _l("At most %(max)d characters.")


def limit_lengths(form_class: type, model: type) -> type:
    """Every field of ``form_class`` named after a length-limited text column of
    ``model`` gets its ``maxlength`` and a ``Length`` validator (in place)."""
    for name, limit in string_limits(model).items():
        unbound = getattr(form_class, name, None)
        if not isinstance(unbound, UnboundField):
            continue
        kwargs = dict(unbound.kwargs)
        kwargs["validators"] = [*(kwargs.get("validators") or ()),
                                Length(max=limit, message=TOO_LONG)]
        kwargs["render_kw"] = {**(kwargs.get("render_kw") or {}), "maxlength": limit}
        unbound.kwargs = kwargs
    return form_class


def max_length(table: str, column: str) -> int | None:
    """Template global for hand-written inputs: ``maxlength="{{ max_length('key_checkout',
    'reason') }}"``."""
    for mapper in db.Model.registry.mappers:
        if mapper.local_table is not None and mapper.local_table.name == table:
            return string_limits(mapper.class_).get(column)
    return None
