"""《服务单》 due items and finance, split from ``rules.service_orders`` (whose
names they remain, re-exported there): the follow-up calls due within 2 days of
completion, the half-yearly price list, numbers voided or missing this month, and
the cash finance has not yet received.  Registered here as due providers of
``service_order`` and ``finance``.

Nothing here imports ``rules.service_orders`` at import time (it imports this
module), so either may be imported first.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from i18n import local_day_end_utc, local_today
from models.base import db, utcnow
from models.service_orders import ServiceOrder, ServicePrice

from .due import DueRow, due_filter, provides_due
from .scope import scoped

FOLLOWUP_WITHIN = timedelta(days=2)
PRICE_LIST_MAX_AGE = timedelta(days=183)     # 每半年进行一次更改和调整


def done_at(order: ServiceOrder) -> datetime | None:
    """When the work was done: a water order when delivered, others when completed."""
    return order.delivered_at if order.kind == "water" else order.completed_at


def state_of(order: Any) -> str:
    """Where an order stands: ``settled``, ``done`` (done, not settled) or ``open`` (an
    order, or a row with its kind and times)."""
    if order.settled_at is not None:
        return "settled"
    return "done" if done_at(order) is not None else "open"


# -- due ---------------------------------------------------------------------------------

# A due page lists at most this many (oldest first); the dashboard counts them all.
DUE_LIST_LIMIT = 200


def _waiting_for_followup(user):
    """Orders done (completed, or a water order delivered) and not yet called back
    (served by the partial index ``ix_service_order_followup_due``)."""
    done = func.coalesce(ServiceOrder.completed_at, ServiceOrder.delivered_at)
    return done, scoped(select(ServiceOrder).where(
        ServiceOrder.voided_at.is_(None), ServiceOrder.followup_at.is_(None), done.is_not(None)),
        ServiceOrder, user)


def followups_due(user, now: datetime | None = None,
                  limit: int = DUE_LIST_LIMIT) -> list[DueRow]:
    """Completed (or delivered) orders without a follow-up call, oldest first;
    overdue after 2 days."""
    now = now or utcnow()
    done, q = _waiting_for_followup(user)
    rows = []
    for o in db.session.execute(q.order_by(done, ServiceOrder.id).limit(limit)).scalars():
        finished = done_at(o) or o.completed_at
        overdue = finished < now - FOLLOWUP_WITHIN
        rows.append(DueRow("followup", _("No.%(n)s %(room)s, completed %(d)s", n=o.number,
                                         room=o.unit.room if o.unit else "", d=finished.date()),
                           o, overdue))
    return rows


def followups_counts(user, now: datetime | None = None) -> tuple[int, int]:
    """(waiting, of which overdue), counted by the database."""
    now = now or utcnow()
    done, q = _waiting_for_followup(user)
    late = case((done < now - FOLLOWUP_WITHIN, 1), else_=0)
    total, overdue = db.session.execute(
        q.with_only_columns(func.count(), func.coalesce(func.sum(late), 0))).one()
    return int(total), int(overdue)


def followups_counts_by_kind(user, now: datetime | None = None) -> dict[str, tuple[int, int]]:
    """{kind: (waiting, of which overdue)}: each kind's orders are their own list."""
    now = now or utcnow()
    done, q = _waiting_for_followup(user)
    late = case((done < now - FOLLOWUP_WITHIN, 1), else_=0)
    rows = db.session.execute(q.with_only_columns(
        ServiceOrder.kind, func.count(), func.coalesce(func.sum(late), 0))
        .group_by(ServiceOrder.kind)).all()
    found = {kind: (int(n), int(n_late)) for kind, n, n_late in rows}
    return {kind: found.get(kind, (0, 0)) for kind in ("service", "water")}


def _followup_filter(late: bool):
    def where(user):
        from sqlalchemy import and_

        done = func.coalesce(ServiceOrder.completed_at, ServiceOrder.delivered_at)
        clauses = [ServiceOrder.voided_at.is_(None), ServiceOrder.followup_at.is_(None),
                   done.is_not(None)]
        if late:
            clauses.append(done < utcnow() - FOLLOWUP_WITHIN)
        return and_(*clauses)
    return where


for _kind, _page in (("service", "service_order"), ("water", "water_order")):
    due_filter(f"followup_{_kind}", _page)(_followup_filter(False))
    due_filter(f"followup_{_kind}_late", _page)(_followup_filter(True))


def price_list_due(user, today: date | None = None) -> list[DueRow]:
    today = today or local_today()
    newest = db.session.execute(scoped(select(func.max(ServicePrice.effective_from)).where(
        ServicePrice.voided_at.is_(None)), ServicePrice, user)).scalar()
    if newest is None or newest < today - PRICE_LIST_MAX_AGE:
        return [DueRow("prices", _("Price list last revised: %(d)s", d=newest or _("never")))]
    return []


def gaps_this_month(user) -> int:
    """Voided or missing numbers among this month's orders (the handover checks them)."""
    if user.property_id is None:
        return 0
    today = local_today()
    start = local_day_end_utc(today.replace(day=1) - timedelta(days=1))
    from .service_orders import gap_report, serial_range     # (it imports this module)

    lo, hi = serial_range(user.property_id, start)
    if lo is None:
        return 0

    report = gap_report(user.property_id, lo, hi)
    return len(report["missing"]) + len(report["voided"])


@provides_due("service_order")
def due_items(user) -> list[tuple[str, int, str]]:
    out = []
    waiting, late = followups_counts(user)
    labels = {"service": (_("Follow-up calls due"),
                          _("Follow-up calls overdue (more than 2 days)")),
              "water": (_("Water orders: follow-up calls due"),
                        _("Water orders: follow-up calls overdue (more than 2 days)"))}
    if waiting:
        for kind, (n, n_late) in followups_counts_by_kind(user).items():
            if n:
                out.append((labels[kind][0], n, "service_due", f"followup_{kind}"))
            if n_late:
                out.append((labels[kind][1], n_late, "service_due", f"followup_{kind}_late"))
    elif late:
        out.append((labels["service"][1], late, "service_due"))
    if price_list_due(user):
        out.append((_("Price list older than half a year"), 1, "service_due"))
    gaps = gaps_this_month(user)
    if gaps:
        out.append((_("Service-order numbers voided or missing this month"), gaps,
                    "service_order_gaps"))
    return out


# -- finance -----------------------------------------------------------------------------

def charged_on(user, day: date) -> list[ServiceOrder]:
    """The day's charged orders, for finance (夜班将收费服务单交财务部)."""
    lo, hi = local_day_end_utc(day - timedelta(days=1)), local_day_end_utc(day)
    q = scoped(select(ServiceOrder).where(
        ServiceOrder.voided_at.is_(None), ServiceOrder.charge > 0,
        ServiceOrder.settled_at >= lo, ServiceOrder.settled_at < hi), ServiceOrder, user)
    return list(db.session.execute(q.order_by(ServiceOrder.serial_no)).scalars())


def cash_waiting(user) -> int:
    q = scoped(select(func.count()).select_from(ServiceOrder).where(
        ServiceOrder.voided_at.is_(None), ServiceOrder.payment_method == "cash",
        ServiceOrder.finance_received_at.is_(None)), ServiceOrder, user)
    return db.session.execute(q).scalar_one()


@provides_due("finance")
def finance_due_items(user) -> list[tuple[str, int, str]]:
    n = cash_waiting(user)
    return [(_("Cash from service orders not yet received by finance"), n, "finance")] \
        if n else []

