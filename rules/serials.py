"""编号 per property and register, in order, no gaps, no duplicates — the
mechanism of ``rules.service_orders.next_serial`` over ``RegisterSequence``."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from models.base import db
from models.serials import RegisterSequence

from .errors import RuleViolation


def next_number(register: str, model: type, property_id: int) -> int:
    """The next ``serial_no`` of ``model`` at ``property_id``, taken in the caller's
    transaction: one atomic ``UPDATE … RETURNING`` (locked until commit; a rollback
    gives the number back)."""
    seq = RegisterSequence.__table__
    stmt = (update(seq).where(seq.c.property_id == property_id, seq.c.register == register)
            .values(last_no=seq.c.last_no + 1).returning(seq.c.last_no))
    for _attempt in range(3):
        n = db.session.execute(stmt).scalar()
        if n is not None:
            return n
        try:
            with db.session.begin_nested():      # the register's first number here
                start = db.session.execute(select(func.coalesce(func.max(model.serial_no), 0))
                                           .where(model.property_id == property_id)).scalar_one()
                db.session.execute(insert(seq).values(property_id=property_id,
                                                      register=register, last_no=start))
        except IntegrityError:
            pass
    raise RuleViolation(_("No number could be issued; try again."))
