"""Forms know their columns: a text field its ``maxlength`` (the browser) and a
``Length`` validator (the server; the flush check in ``rules.lengths`` is the last
line for endpoints without a form), a date field the years people may type (beyond
them the local/UTC conversions overflow: a 500 instead of a message)."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime
from sqlalchemy import inspect as sa_inspect
from wtforms.fields.core import UnboundField
from wtforms.validators import Length, ValidationError

from models.base import db
from rules.lengths import string_limits

from .params import MAX_YEAR, MIN_YEAR

TOO_LONG = _l("At most %(max)d characters.")
OUT_OF_RANGE = _l("Give a date between the years %(low)d and %(high)d.")


class YearRange:
    """A typed date or moment within ``MIN_YEAR``–``MAX_YEAR``."""

    def __call__(self, form: Any, field: Any) -> None:
        value = field.data
        if value is not None and hasattr(value, "year") and \
                not MIN_YEAR <= value.year <= MAX_YEAR:
            raise ValidationError(str(OUT_OF_RANGE) % {"low": MIN_YEAR, "high": MAX_YEAR})


def _add(unbound: UnboundField, validator: Any, render_kw: dict | None = None) -> None:
    kwargs = dict(unbound.kwargs)
    kwargs["validators"] = [*(kwargs.get("validators") or ()), validator]
    if render_kw:
        kwargs["render_kw"] = {**(kwargs.get("render_kw") or {}), **render_kw}
    unbound.kwargs = kwargs              # in place: the field keeps its position


def limit_fields(form_class: type, model: type) -> type:
    """Every field of ``form_class`` named after a length-limited text column of
    ``model`` gets its ``maxlength`` and a ``Length`` validator; every field named
    after a date or date-time column the year range."""
    for name, limit in string_limits(model).items():
        unbound = getattr(form_class, name, None)
        if isinstance(unbound, UnboundField):
            _add(unbound, Length(max=limit, message=TOO_LONG), {"maxlength": limit})
    for attr in sa_inspect(model).column_attrs:
        unbound = getattr(form_class, attr.key, None)
        if isinstance(unbound, UnboundField) and \
                isinstance(attr.columns[0].type, (Date, DateTime)):
            _add(unbound, YearRange())
    return form_class


def max_length(table: str, column: str) -> int | None:
    """Template global for hand-written inputs: ``maxlength="{{ max_length('key_checkout',
    'reason') }}"``."""
    for mapper in db.Model.registry.mappers:
        if mapper.local_table is not None and mapper.local_table.name == table:
            return string_limits(mapper.class_).get(column)
    return None
