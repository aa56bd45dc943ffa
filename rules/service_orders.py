"""《服务单》的管理制度 as small functions.

- serial numbers per property, in order, no gaps, no duplicates (``next_serial``;
  see ``models.service_orders`` for why it holds under concurrency); a mistaken
  order is voided with a reason and keeps its number;
- each line copies the item and unit price from the price list when it is added,
  so later price revisions never change an issued order;
- completion needs the customer's sign-off; an order is settled once (cash handed
  to finance, sign-bill with the property fee, or no charge) and is then read-only;
- the desk calls the customer within 2 days of completion (follow-up);
- the price list is revised every half year.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import case, func, insert, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError

from audit import mark_action
from i18n import local_day_end_utc, local_today
from models.base import db, utcnow
from models.service_orders import (PAYMENT_METHODS, SATISFACTION, ServiceOrder,
                                   ServiceOrderLine, ServiceOrderSequence, ServicePrice)
from models.staff import Staff

from .due import DueRow, due_filter, provides_due
from .errors import RuleViolation
from .scope import CLOCK_SKEW, scoped

FOLLOWUP_WITHIN = timedelta(days=2)
PRICE_LIST_MAX_AGE = timedelta(days=183)     # 每半年进行一次更改和调整



# -- serial numbers -----------------------------------------------------------------------

def next_serial(property_id: int) -> int:
    """The next number of ``property_id``, taken inside the caller's transaction.

    One ``UPDATE … SET last_no = last_no + 1 RETURNING last_no``: atomic on both
    databases, and the row stays locked (PostgreSQL) or the database write-locked
    (SQLite) until the order commits — a second create waits and gets the next
    number; a rollback gives the number back, so nothing is skipped."""
    seq = ServiceOrderSequence.__table__
    stmt = (update(seq).where(seq.c.property_id == property_id)
            .values(last_no=seq.c.last_no + 1).returning(seq.c.last_no))
    for _attempt in range(3):
        n = db.session.execute(stmt).scalar()
        if n is not None:
            return n
        try:
            with db.session.begin_nested():      # first order of the property
                start = db.session.execute(select(func.coalesce(func.max(
                    ServiceOrder.serial_no), 0)).where(
                        ServiceOrder.property_id == property_id)).scalar_one()
                db.session.execute(insert(seq).values(property_id=property_id, last_no=start))
        except IntegrityError:
            pass                                 # another create made it first
    raise RuleViolation(_("No service-order number could be issued; try again."))


def gap_report(property_id: int, lo: int, hi: int) -> dict:
    """Numbers in [lo, hi] never issued, and numbers voided (with the reason)."""
    rows = db.session.execute(select(ServiceOrder.serial_no, ServiceOrder.voided_at,
                                     ServiceOrder.void_reason, ServiceOrder.id).where(
        ServiceOrder.property_id == property_id, ServiceOrder.serial_no.between(lo, hi))
        .order_by(ServiceOrder.serial_no)).all()
    present = {r.serial_no for r in rows}
    last = db.session.execute(select(ServiceOrderSequence.last_no).where(
        ServiceOrderSequence.property_id == property_id)).scalar() or 0
    top = min(hi, max(last, max(present, default=0)))
    return {"missing": [n for n in range(lo, top + 1) if n not in present],
            "voided": [r for r in rows if r.voided_at is not None],
            "issued": len(rows), "last": last}


# -- lines and prices -----------------------------------------------------------------------

def current_prices(user, today: date | None = None):
    """Price-list rows in force: the newest effective row of each item."""
    today = today or local_today()
    q = scoped(select(ServicePrice).where(ServicePrice.voided_at.is_(None),
                                           ServicePrice.effective_from <= today),
                ServicePrice, user).order_by(ServicePrice.item,
                                             ServicePrice.effective_from.desc(),
                                             ServicePrice.id.desc())
    seen, out = set(), []
    for p in db.session.execute(q).scalars():
        if (p.property_id, p.item) not in seen:
            seen.add((p.property_id, p.item))
            out.append(p)
    return out


def price_lines(order: ServiceOrder) -> None:
    """Copy item and price onto new or re-priced lines; total the charge."""
    total = Decimal("0")
    for line in order.lines:
        line.property_id = order.property_id
        if line.created_by_id is None:
            line.created_by_id = order.created_by_id
        if line.quantity is None or line.quantity <= 0:
            raise RuleViolation(_("Each item needs a quantity of at least 1."))
        # A line keeps the price it was added with; only a new line or a changed
        # item copies the price list again.
        changed = line.id is None or sa_inspect(line).attrs.price.history.has_changes()
        if line.price is not None and (changed or not line.item):
            if line.price.voided_at is not None:
                raise RuleViolation(_("This price-list item is void."))
            line.item = line.price.item
            line.unit_price = line.price.unit_price
        if not line.item:
            raise RuleViolation(_("Choose each item from the price list."))
        line.amount = (Decimal(line.unit_price) * line.quantity).quantize(Decimal("0.01"))
        total += line.amount
    order.charge = total


def check_order(order: ServiceOrder) -> None:
    now = utcnow()
    if order.is_settled:
        raise RuleViolation(_("A settled service order cannot be changed."))
    if not (order.customer_name or "").strip():
        raise RuleViolation(_("Record the customer's name."))
    if order.unit is not None and order.unit.property_id != order.property_id:
        raise RuleViolation(_("You may only record data for your own property."))
    if order.kind == "water":
        if order.water_stock is None or not order.water_qty or order.water_qty <= 0:
            raise RuleViolation(_("A water order needs the brand and the number of buckets."))
        if order.water_stock.property_id != order.property_id:
            raise RuleViolation(_("You may only record data for your own property."))
    for field in ("confirm_call_at", "completed_at"):
        value = getattr(order, field)
        if value is not None and value > now + CLOCK_SKEW:
            raise RuleViolation(_("A call or completion cannot be in the future."))
    if order.completed_at is not None:
        if not order.customer_signed:
            raise RuleViolation(_("A completed order needs the customer's sign-off."))
        if order.created_at and order.completed_at < order.created_at - CLOCK_SKEW:
            raise RuleViolation(_("Completion cannot be before the order was raised."))
    if order.confirm_call_at is not None and not order.confirm_call_result:
        raise RuleViolation(_("Record the result of the on-time confirmation call."))


def check_void(order: ServiceOrder) -> None:
    """Cash finance has received is settled there, not by voiding the order."""
    if order.settled_at is not None and order.payment_method == "cash" \
            and order.finance_received_at is not None:
        raise RuleViolation(_("Finance has received the cash of this order; it cannot be "
                              "voided here."))


def water_line(order: ServiceOrder) -> None:
    """A water order's one line: buckets at the brand's price (the stock's price)."""
    s = order.water_stock
    if order.lines:
        line = order.lines[0]
    else:
        line = ServiceOrderLine(property_id=order.property_id, created_by_id=order.created_by_id)
        order.lines.append(line)
    if line.id is None or line.quantity != order.water_qty or line.item != s.brand:
        line.item = f"{s.brand} 桶装饮用水"
        line.unit_price = s.price_per_bucket
    line.quantity = order.water_qty


# -- settlement, finance, follow-up -------------------------------------------------------

def settle(order: ServiceOrder, user: Staff, method: str) -> None:
    if order.voided_at is not None:
        raise RuleViolation(_("This record is void."))
    if order.is_settled:
        raise RuleViolation(_("This order was already settled."))
    done = order.delivered_at if order.kind == "water" else order.completed_at
    if done is None:
        raise RuleViolation(_("Settle an order after the work is done (or the water "
                              "delivered)."))
    if method not in PAYMENT_METHODS:
        raise RuleViolation(_("Choose cash, sign-bill or no charge."))
    if method == "free" and order.charge > 0:
        raise RuleViolation(_("This order has a charge: settle it in cash or by sign-bill."))
    if method != "free" and order.charge <= 0:
        raise RuleViolation(_("This order has no charge: settle it as no charge."))
    order.payment_method = method
    order.settled_at = utcnow()
    order.settled_by_id = user.id
    if method == "cash":
        order.cash_handed_by_id = user.id
    mark_action(order, "settle")


def finance_receive(order: ServiceOrder, user: Staff) -> None:
    """Finance confirms the cash of an order was handed over (who and when)."""
    if order.payment_method != "cash" or not order.is_settled or order.voided_at is not None:
        raise RuleViolation(_("Only settled cash orders are handed to finance."))
    if order.finance_received_at is not None:
        raise RuleViolation(_("Finance already received this cash."))
    order.finance_received_at = utcnow()
    order.finance_received_by_id = user.id
    mark_action(order, "finance_receive")


def follow_up(order: ServiceOrder, user: Staff, quality: str, timeliness: str, attitude: str,
              notes: str = "") -> None:
    if order.voided_at is not None:
        raise RuleViolation(_("This record is void."))
    if order.completed_at is None and order.delivered_at is None:
        raise RuleViolation(_("The follow-up call comes after the service is completed."))
    if order.followup_at is not None:
        raise RuleViolation(_("The follow-up call was already recorded."))
    if any(v not in SATISFACTION for v in (quality, timeliness, attitude)):
        raise RuleViolation(_("Record the customer's satisfaction with quality, timeliness "
                              "and attitude."))
    order.followup_at = utcnow()
    order.followup_by_id = user.id
    order.sat_quality, order.sat_timeliness, order.sat_attitude = quality, timeliness, attitude
    order.followup_notes = (notes or "").strip() or None
    mark_action(order, "follow_up")


def done_at(order: ServiceOrder) -> datetime | None:
    return order.delivered_at if order.kind == "water" else order.completed_at


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
    lo, hi = db.session.execute(select(func.min(ServiceOrder.serial_no),
                                       func.max(ServiceOrder.serial_no)).where(
        ServiceOrder.property_id == user.property_id, ServiceOrder.created_at >= start)).one()
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

