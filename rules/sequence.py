"""The next gapless per-property number of a register (出门条, 住户搬出登记表).

The same atomic ``UPDATE … RETURNING`` as ``rules.service_orders.next_serial``, on the
shared ``register_sequence`` table keyed by register name."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from models.base import db
from models.sequence import RegisterSequence

from .errors import RuleViolation


def next_number(name: str, property_id: int, column: Any) -> int:
    """The next number of register ``name`` at ``property_id``; ``column`` is the
    numbered column (the sequence starts after its highest stored value)."""
    seq = RegisterSequence.__table__
    stmt = (update(seq).where(seq.c.name == name, seq.c.property_id == property_id)
            .values(last_no=seq.c.last_no + 1).returning(seq.c.last_no))
    for _attempt in range(3):
        n = db.session.execute(stmt).scalar()
        if n is not None:
            return n
        try:
            with db.session.begin_nested():      # first number of the property
                start = db.session.execute(select(func.coalesce(func.max(column), 0)).where(
                    column.class_.property_id == property_id)).scalar_one()
                db.session.execute(insert(seq).values(name=name, property_id=property_id,
                                                      last_no=start))
        except IntegrityError:
            pass                                 # another writer made it first
    raise RuleViolation(_("No number could be issued; try again."))
