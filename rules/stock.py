"""Stock that must never go negative, shared by the medicine box and the water
store: a row is re-read under a row lock before it is changed.

On PostgreSQL ``SELECT … FOR UPDATE`` makes a second clerk wait for the first and
then see the reduced quantity; on SQLite the write lock serialises writers and
the version column turns a lost race into a conflict message.  A CHECK
constraint (quantity >= 0) is the last line either way."""
from __future__ import annotations

from typing import TypeVar

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from audit import mark_action
from models.base import db

from .errors import RuleViolation

T = TypeVar("T")


def locked(obj: T) -> T:
    """``obj`` reloaded under a row lock (its current quantity)."""
    cls = type(obj)
    return db.session.execute(
        select(cls).where(cls.id == obj.id).options(lazyload("*"))
        .with_for_update(of=cls).execution_options(populate_existing=True)).scalar_one()


def take(obj, quantity: int, action: str, what: str) -> None:
    """Remove ``quantity`` from ``obj.quantity`` or refuse with a clear message."""
    if quantity is None or quantity <= 0:
        raise RuleViolation(_("The quantity must be at least 1."))
    row = locked(obj)
    if row.quantity < quantity:
        raise RuleViolation(_("Only %(n)s left of %(what)s: %(q)s cannot be issued.",
                              n=row.quantity, what=what, q=quantity))
    row.quantity -= quantity
    mark_action(row, action)


def put_back(obj, quantity: int, action: str) -> None:
    row = locked(obj)
    row.quantity += quantity
    mark_action(row, action)


def set_counted(obj, counted: int, action: str = "count") -> int:
    """Set the stock to what was counted; returns what the register expected."""
    if counted is None or counted < 0:
        raise RuleViolation(_("A counted quantity cannot be negative."))
    row = locked(obj)
    expected = row.quantity
    if counted != expected:
        row.quantity = counted
    mark_action(row, action)
    return expected
