"""已阅 of a 交接班记录表 (交接班管理制度: 客服部任何员工每天要查看《交接班记录表》,
对每项问题、事项要了解情况直至问题解决).

Besides the two who signed it, the people of the desk (the next shift, the
supervisor, the department manager) acknowledge they read a co-signed handover, once
each, at a local time shown to all.  A handover that no supervisor or department
manager has read a day after it was signed is due to them.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select

from models.base import db, utcnow
from models.handover import HandoverRead, ShiftHandover
from models.staff import Staff

from .due import due_filter, provides_due
from .errors import RuleViolation
from .scope import scoped

READERS = ("clerk", "butler", "supervisor", "dept_manager", "property_manager",
           "general_manager")
SUPERVISORS = ("supervisor", "dept_manager")
READ_WITHIN = timedelta(days=1)
DUE_LOOKBACK = timedelta(days=7)        # older unread handovers are the audit's business


def reads_of(h: ShiftHandover) -> list[HandoverRead]:
    return list(db.session.execute(select(HandoverRead).where(
        HandoverRead.handover_id == h.id, HandoverRead.voided_at.is_(None))
        .order_by(HandoverRead.read_at, HandoverRead.id)).scalars())


def has_read(h: ShiftHandover, user: Staff) -> bool:
    return any(r.staff_id == user.id for r in reads_of(h))


def can_read(h: ShiftHandover, user: Staff) -> bool:
    try:
        check_read(h, user)
    except RuleViolation:
        return False
    return True


def check_read(h: ShiftHandover, user: Staff) -> None:
    """Who may acknowledge: desk people and managers of the property, not the two who
    signed it, once, and only a handover that counts (co-signed, not void)."""
    if h.voided_at is not None:
        raise RuleViolation(_("This record is void."))
    if not h.is_cosigned:
        raise RuleViolation(_("The handover is not signed by the incoming person yet: read "
                              "it once it is signed."))
    if not user.has_role(*READERS) or user.property_id != h.property_id:
        raise RuleViolation(_("Only the desk and the managers of this property acknowledge "
                              "reading a handover."))
    if user.id in (h.outgoing_id, h.cosigned_by_id):
        raise RuleViolation(_("You signed this handover: no need to acknowledge reading "
                              "it."))
    if has_read(h, user):
        raise RuleViolation(_("You have already acknowledged reading this handover."))


def acknowledge(h: ShiftHandover, user: Staff, now: datetime | None = None) -> HandoverRead:
    check_read(h, user)
    read = HandoverRead(handover_id=h.id, staff_id=user.id, property_id=h.property_id,
                        read_at=now or utcnow(), created_by_id=user.id)
    db.session.add(read)
    return read


def unread_by_supervisors(user, now: datetime | None = None):
    """Co-signed handovers of the last week signed more than a day ago that no
    supervisor or department manager has read (a query of ShiftHandover)."""
    now = now or utcnow()
    supervisor_read = exists().where(
        HandoverRead.handover_id == ShiftHandover.id, HandoverRead.voided_at.is_(None),
        HandoverRead.staff_id.in_(select(Staff.id).where(
            or_(*[Staff.roles.like(f"%{r}%") for r in SUPERVISORS]))))
    return scoped(select(ShiftHandover).where(
        ShiftHandover.voided_at.is_(None), ShiftHandover.cosigned_at.is_not(None),
        ShiftHandover.cosigned_at < now - READ_WITHIN,
        ShiftHandover.cosigned_at >= now - DUE_LOOKBACK, ~supervisor_read),
        ShiftHandover, user)


@due_filter("handover_unread", "shift_handover")
def unread_where(user):
    """The rows of the item below: ids of the same query it counts."""
    return ShiftHandover.id.in_(unread_by_supervisors(user).with_only_columns(ShiftHandover.id))


@provides_due("shift_handover")
def read_due(user, now: datetime | None = None) -> list[tuple[str, int, str]]:
    if not user.has_role(*SUPERVISORS):
        return []
    n = db.session.execute(select(func.count()).select_from(
        unread_by_supervisors(user, now).subquery())).scalar_one()
    return [(_("Handovers not read by a supervisor within a day"), n,
             "shift_handover", "handover_unread")] if n else []
