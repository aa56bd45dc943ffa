"""The next gapless per-property number of a register (出门条, 住户搬出登记表).

The same atomic ``UPDATE … RETURNING`` as ``rules.service_orders.next_serial``, on the
shared ``register_sequence`` table keyed by register name."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from models.base import db
from models.sequence import RegisterSequence

from .errors import RuleViolation


def next_number(name: str, property_id: int, column: Any) -> int:
    """The next number of register ``name`` at ``property_id``; ``column`` is the
    numbered column (the sequence starts after its highest stored value)."""
    seq = RegisterSequence.__table__
    stmt = (update(seq).where(seq.c.name == name, seq.c.property_id == property_id)
            .values(last_no=seq.c.last_no + 1).returning(seq.c.last_no))
    # A form's new record is usually pending in the session, still without its number:
    # autoflushing it here (the first number of a property reads the column's max)
    # would fail on its NOT NULL number.
    with db.session.no_autoflush:
        return _next(name, property_id, column, stmt, seq)


def _next(name: str, property_id: int, column: Any, stmt, seq) -> int:
    for _attempt in range(3):
        n = db.session.execute(stmt).scalar()
        if n is not None:
            return n
        # first number of the property: the sequence starts after the highest stored
        # number; a writer who made the row first wins (no savepoint: it would flush).
        start = db.session.execute(select(func.coalesce(func.max(column), 0)).where(
            column.class_.property_id == property_id)).scalar_one()
        db.session.execute(_insert_unless_there(seq).values(
            name=name, property_id=property_id, last_no=start))
    raise RuleViolation(_("No number could be issued; try again."))


def _insert_unless_there(table):
    """``INSERT … ON CONFLICT DO NOTHING`` in the session's dialect."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(table).on_conflict_do_nothing()
