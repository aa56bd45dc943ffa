"""内部联络单 rules (guide Part 5; seed 002 §7): the sender is whoever is signed in,
the receiving department acknowledges (a member of staff of that department signed
in, or the name and time of a recipient outside the system), a result only after
receipt, and what is due (a complaint memo not acknowledged within 30 minutes, a
required completion time passed without a result)."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from audit import mark_action
from models.base import db, utcnow
from models.memos import InternalMemo
from models.service_orders import DEPARTMENTS

from .due import due_filter, provides_due
from .errors import RuleViolation
from .scope import CLOCK_SKEW, scoped
from .sequence import next_number

ACKNOWLEDGE_WITHIN = timedelta(minutes=30)
# The department a role works in; managers above the departments acknowledge for any.
ROLE_DEPARTMENTS = {"clerk": "customer_service", "butler": "customer_service",
                    "courier": "customer_service", "supervisor": "customer_service",
                    "dept_manager": "customer_service", "security": "security"}
ANY_DEPARTMENT = ("property_manager", "general_manager")


def number(memo: InternalMemo) -> None:
    memo.memo_no = next_number("internal_memo", memo.property_id,
                               InternalMemo.memo_no)


def departments_of(user) -> set[str]:
    if user.has_role(*ANY_DEPARTMENT):
        return set(DEPARTMENTS)
    return {ROLE_DEPARTMENTS[r] for r in user.role_set if r in ROLE_DEPARTMENTS}


def check_editor(m: InternalMemo, user) -> None:
    """Only the sending or the receiving department changes a memo."""
    if not departments_of(user) & {m.from_department, m.to_department}:
        raise RuleViolation(_("Only the sending or the receiving department changes a "
                              "memo."))


def check_memo(m: InternalMemo, now: datetime | None = None) -> None:
    now = now or utcnow()
    if not (m.content or "").strip():
        raise RuleViolation(_("Write what the memo is about."))
    if m.from_department not in DEPARTMENTS or m.to_department not in DEPARTMENTS:
        raise RuleViolation(_("Choose the sending and the receiving department."))
    if m.sent_at is None or m.sent_at > now + CLOCK_SKEW:
        raise RuleViolation(_("Give the time the memo was sent (not in the future)."))
    for value in (m.received_at, m.replied_at):
        if value is not None and value > now + CLOCK_SKEW:
            raise RuleViolation(_("Times of a memo cannot be in the future."))
    if m.received_at is not None:
        if m.received_at < m.sent_at - CLOCK_SKEW:
            raise RuleViolation(_("A memo cannot be received before it was sent."))
        if m.received_by_id is None and not (m.received_name or "").strip():
            raise RuleViolation(_("Record who received the memo."))
    if (m.result or "").strip() or m.replied_at is not None:
        if m.received_at is None:
            raise RuleViolation(_("A result is recorded only after the memo was received."))
        if not (m.result or "").strip():
            raise RuleViolation(_("Write the result before the reply time."))
        m.replied_at = m.replied_at or now
        if m.replied_at < m.received_at - CLOCK_SKEW:
            raise RuleViolation(_("The reply cannot be before the memo was received."))
    for linked in (m.complaint, m.public_info):
        if linked is not None and linked.property_id != m.property_id:
            raise RuleViolation(_("You may only record data for your own property."))
    c = m.complaint
    if c is not None and m.voided_at is None and (c.memo_sent_at is None
                                                  or m.sent_at < c.memo_sent_at):
        c.memo_sent_at = m.sent_at                 # the complaint's first memo


def acknowledge(m: InternalMemo, user, now: datetime | None = None) -> None:
    """接文人签字 by a member of staff of the receiving department, signed in."""
    if m.voided_at is not None:
        raise RuleViolation(_("This record is void."))
    if m.received_at is not None:
        raise RuleViolation(_("This memo has already been received."))
    if m.to_department not in departments_of(user):
        raise RuleViolation(_("Only staff of the receiving department acknowledge a memo."))
    m.received_at, m.received_by_id = now or utcnow(), user.id
    mark_action(m, "acknowledge")


def _count(user, *where) -> int:
    q = scoped(select(func.count()).select_from(InternalMemo).where(
        InternalMemo.voided_at.is_(None), *where), InternalMemo, user)
    return db.session.execute(q).scalar_one()


def due_where(now: datetime | None = None) -> dict[str, tuple]:
    """Each due kind's conditions on live memos (counted here, listed by the view)."""
    now = now or utcnow()
    return {
        "ack": (InternalMemo.received_at.is_(None), InternalMemo.complaint_id.is_not(None),
                InternalMemo.sent_at < now - ACKNOWLEDGE_WITHIN),
        "result": (InternalMemo.replied_at.is_(None), InternalMemo.due_at < now),
    }


def _kind_filter(kind: str):
    def where(user):
        return and_(InternalMemo.voided_at.is_(None), *due_where()[kind])
    return where


for _kind in ("ack", "result"):
    due_filter(f"memo_late_{_kind}", "internal_memo")(_kind_filter(_kind))


@provides_due("internal_memo")
def due_items(user, now: datetime | None = None) -> list[tuple]:
    where = due_where(now)
    late_ack = _count(user, *where["ack"])
    late_result = _count(user, *where["result"])
    out = []
    if late_ack:
        out.append((_("Complaint memos not acknowledged within 30 minutes"), late_ack,
                    "internal_memo", "memo_late_ack"))
    if late_result:
        out.append((_("Memos past their completion time without a result"), late_result,
                    "internal_memo", "memo_late_result"))
    return out
