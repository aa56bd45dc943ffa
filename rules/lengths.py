"""Text that does not fit its column is refused as a rule, on every database.

PostgreSQL raises on a value longer than ``VARCHAR(n)`` (a 500 without this);
SQLite silently stores it.  Checked before every flush, so a custom endpoint that
writes straight from ``request.form`` is covered like a generated form.
"""
from __future__ import annotations

from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import String, event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from .errors import RuleViolation


@cache
def string_limits(model: type) -> dict[str, int]:
    """``{attribute: maximum length}`` of the model's length-limited text columns."""
    limits = {}
    for attr in sa_inspect(model).column_attrs:
        column = attr.columns[0]
        length = getattr(column.type, "length", None)
        if isinstance(column.type, String) and length:
            limits[attr.key] = length
    return limits


def too_long(obj: Any) -> tuple[str, int] | None:
    """The first ``(attribute, maximum)`` whose value does not fit, else ``None``."""
    for key, limit in string_limits(type(obj)).items():
        value = obj.__dict__.get(key)
        if isinstance(value, str) and len(value) > limit:
            return key, limit
    return None


def check_lengths(obj: Any) -> None:
    """Raise a ``RuleViolation`` naming the start of the over-long text."""
    found = too_long(obj)
    if found:
        key, limit = found
        start = getattr(obj, key)[:12]
        raise RuleViolation(_("The text “%(start)s…” is too long: at most %(n)d characters.",
                              start=start, n=limit))


def _before_flush(session: Session, _context, _instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        check_lengths(obj)


def install(session_factory=Session) -> None:
    """Check every flush (idempotent)."""
    if not event.contains(session_factory, "before_flush", _before_flush):
        event.listen(session_factory, "before_flush", _before_flush)
