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

The due lists and finance's daily list are in ``rules.service_order_due``.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, insert, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError

from audit import mark_action
from i18n import local_today
from models.base import db, utcnow
from models.service_orders import (ORDER_KINDS, PAYMENT_METHODS, REPAIR_CLASSES, SATISFACTION,
                                   ServiceOrder,
                                   ServiceOrderLine, ServiceOrderSequence, ServicePrice,
                                   repair_class_from_words)
from models.staff import Staff

from .errors import RuleViolation
from .scope import CLOCK_SKEW, scoped

# The due lists and finance's day live in ``service_order_due`` (re-exported: these
# names stay part of this module).
from .service_order_due import (DUE_LIST_LIMIT, FOLLOWUP_WITHIN,  # noqa: F401
                                PRICE_LIST_MAX_AGE, cash_waiting, charged_on, done_at,
                                due_items, finance_due_items, followups_counts,
                                followups_due, gaps_this_month, price_list_due, state_of)


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


def serial_range(property_id: int, start: datetime,
                 end: datetime | None = None) -> tuple[int | None, int | None]:
    """The lowest and highest order number raised from ``start`` (to ``end``).

    Read from that time's orders through the created-at index, kind by kind, and
    fenced (``OFFSET 0``) so PostgreSQL does not answer min/max by walking the
    numbers' index instead: numbers rise with time, so the walk up from the lowest
    number passes every order ever raised before ``start`` (164 ms of every home
    page at a million orders), and SQLite without the kinds read them all too."""
    when = [ServiceOrder.created_at >= start]
    if end is not None:
        when.append(ServiceOrder.created_at <= end)
    rows = select(ServiceOrder.serial_no).where(
        ServiceOrder.property_id == property_id, ServiceOrder.kind.in_(ORDER_KINDS),
        *when).offset(0).subquery()
    return tuple(db.session.execute(select(func.min(rows.c.serial_no),
                                           func.max(rows.c.serial_no))).one())


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


def default_repair_class(order: ServiceOrder, is_created: bool) -> None:
    """The repair class (普通维修 / 急修 / 渗漏水) when the form left it empty: on a new
    order it is taken from the words of the description and work notes (急修/紧急 →
    urgent, else 渗漏/漏水/渗水 → leak); on an edit, empty means ordinary.  A class the
    desk chose is kept, whatever the words say (the field wins)."""
    if not order.repair_class:
        order.repair_class = (repair_class_from_words(order.description, order.work_notes)
                              if is_created and order.kind == "service" else "normal")
    if order.repair_class not in REPAIR_CLASSES:
        raise RuleViolation(_("Choose the kind of repair."))


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
