"""桶装饮用水管理制度 as small functions.

- receipts are signed by the desk with the expiry date checked; expired water is
  not accepted;
- the store is counted every three days; the count sets the stock;
- a water order (a service order of kind "water") is delivered by security, who
  records when, the empty buckets taken back and the owner's signature; the
  buckets leave the stock then, never below zero;
- settlement is cash (handed to finance) or sign-bill (billed with the property
  fee): ``rules.service_orders.settle``.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from audit import mark_action
from i18n import local_day_end_utc, local_today
from models.base import db, utcnow
from models.service_orders import ServiceOrder
from models.staff import Staff
from models.water import WaterCount, WaterReceipt, WaterStock

from . import stock
from .due import DueRow, due_filter, provides_due
from .errors import RuleViolation
from .scope import CLOCK_SKEW, scoped

COUNT_EVERY_DAYS = 3           # 每三天清点
EXPIRY_WARNING_DAYS = 30


def check_stock(s: WaterStock) -> None:
    """A brand's price and reorder threshold are amounts, never below zero."""
    if s.price_per_bucket is None or s.price_per_bucket < 0:
        raise RuleViolation(_("The price cannot be negative."))
    if s.low_threshold is None or s.low_threshold < 0:
        raise RuleViolation(_("The threshold cannot be negative."))


def check_receipt_unchanged(is_created: bool) -> None:
    """A receipt moved stock: it is voided with a reason, never edited."""
    if not is_created:
        raise RuleViolation(_("A receipt is not edited: void it with a reason."))


def check_count_entry(c: WaterCount, is_created: bool) -> None:
    """A count is never edited, and a store with water in it has its earliest expiry."""
    if not is_created:
        raise RuleViolation(_("A count is not edited: void it with a reason."))
    if c.counted and c.earliest_expiry is None:
        raise RuleViolation(_("Confirm the earliest expiry date of the water in stock."))


def check_order_unchanged(order: ServiceOrder, is_created: bool) -> None:
    """A delivered water order is a fact: it is not changed afterwards."""
    if not is_created and order.delivered_at is not None:
        raise RuleViolation(_("A delivered water order cannot be changed."))


def check_order_water(order: ServiceOrder) -> None:
    """A water order names the brand and at least one bucket (its price comes from both)."""
    if order.water_stock is None or not order.water_qty or order.water_qty <= 0:
        raise RuleViolation(_("A water order needs the brand and the number of buckets."))


def delivery_time(at: datetime | None) -> datetime:
    """The delivery time as typed (``None`` when it could not be read)."""
    if at is None:
        raise RuleViolation(_("Give the time of delivery (not in the future)."))
    return at


def receive(r: WaterReceipt, today: date | None = None) -> None:
    today = today or local_today()
    if r.stock is None or r.stock.voided_at is not None:
        raise RuleViolation(_("Choose the water brand received."))
    if not r.expiry_checked:
        raise RuleViolation(_("Check the expiry date of the water before signing for it."))
    if r.expires_on is None or r.expires_on <= today:
        raise RuleViolation(_("This water is expired or expires today: do not accept it."))
    if r.quantity is None or r.quantity <= 0:
        raise RuleViolation(_("The quantity must be at least 1."))
    stock.put_back(r.stock, r.quantity, "receive")


def count(c: WaterCount) -> None:
    if c.stock is None:
        raise RuleViolation(_("Choose the water brand counted."))
    c.expected = stock.set_counted(c.stock, c.counted)


def deliver(order: ServiceOrder, deliverer: Staff, delivered_at: datetime,
            empties_returned: int, owner_signed: bool, installed: bool) -> None:
    """Security delivered the buckets: they leave the stock now.  (Who typed it in is
    the history entry's actor.)"""
    if order.kind != "water":
        raise RuleViolation(_("This is not a water order."))
    if order.voided_at is not None:
        raise RuleViolation(_("This record is void."))
    if order.delivered_at is not None:
        raise RuleViolation(_("This order was already delivered."))
    if deliverer is None or not deliverer.has_role("security") \
            or deliverer.property_id != order.property_id:
        raise RuleViolation(_("Water is delivered by a member of security staff."))
    if delivered_at is None or delivered_at > utcnow() + CLOCK_SKEW:
        raise RuleViolation(_("Give the time of delivery (not in the future)."))
    if delivered_at < order.created_at - CLOCK_SKEW:     # forms give minutes
        raise RuleViolation(_("The delivery cannot be before the order was raised."))
    if empties_returned is None or empties_returned < 0:
        raise RuleViolation(_("Record how many empty buckets were taken back (0 if none)."))
    if not owner_signed:
        raise RuleViolation(_("The owner signs for the delivery."))
    stock.take(order.water_stock, order.water_qty, "deliver", str(order.water_stock))
    order.delivered_at = delivered_at
    order.delivered_by_id = deliverer.id
    order.empties_returned = empties_returned
    order.owner_signed = True
    order.installed = bool(installed)
    mark_action(order, "deliver")


def earliest_expiry(s: WaterStock) -> date | None:
    """Expiry of the oldest buckets still in the store, first in first out: walk the
    receipts newest first until they cover the quantity on hand."""
    if s.quantity <= 0:
        return None
    receipts = db.session.execute(select(WaterReceipt).where(
        WaterReceipt.stock_id == s.id, WaterReceipt.voided_at.is_(None))
        .order_by(WaterReceipt.received_at.desc(), WaterReceipt.id.desc())).scalars()
    left, oldest = s.quantity, None
    for r in receipts:
        oldest = r.expires_on if oldest is None else min(oldest, r.expires_on)
        left -= r.quantity
        if left <= 0:
            break
    return oldest


# -- due -------------------------------------------------------------------------------

def due(user, today: date | None = None) -> list[DueRow]:
    today = today or local_today()
    stocks = db.session.execute(scoped(select(WaterStock).where(
        WaterStock.voided_at.is_(None)), WaterStock, user).order_by(WaterStock.brand)).scalars()
    rows: list[DueRow] = []
    for s in stocks:
        last = db.session.execute(select(func.max(WaterCount.counted_at)).where(
            WaterCount.stock_id == s.id, WaterCount.voided_at.is_(None))).scalar()
        if last is None or last < local_day_end_utc(today - timedelta(days=COUNT_EVERY_DAYS)):
            rows.append(DueRow("count", _("%(brand)s: last count %(d)s", brand=s.brand,
                                          d=last.date() if last else _("never")), s))
        if s.quantity < s.low_threshold:
            rows.append(DueRow("low", _("%(brand)s: %(n)s buckets left (threshold %(m)s)",
                                        brand=s.brand, n=s.quantity, m=s.low_threshold), s))
        oldest = earliest_expiry(s)
        if oldest is not None and oldest <= today + timedelta(days=EXPIRY_WARNING_DAYS):
            rows.append(DueRow("expiring", _("%(brand)s: stock expires on %(d)s",
                                             brand=s.brand, d=oldest), s))
    return rows


DUE_LABELS = (("count", _l("Bottled water: count overdue (every 3 days)")),
              ("low", _l("Bottled water below the threshold")),
              ("expiring", _l("Bottled water expiring within 30 days")))


def _stocks_of(kind: str):
    def rows(user) -> list:
        return [r.obj for r in due(user) if r.kind == kind]
    return rows


for _kind, _label in DUE_LABELS:
    due_filter(f"water_{_kind}", "water_stock")(_stocks_of(_kind))


def _undelivered():
    return (ServiceOrder.kind == "water", ServiceOrder.delivered_at.is_(None),
            ServiceOrder.voided_at.is_(None))


@due_filter("water_undelivered", "water_order")
def undelivered_where(user):
    """Water orders not yet delivered (the list scopes them to the user)."""
    from sqlalchemy import and_

    return and_(*_undelivered())


@provides_due("water_stock")
def due_items(user) -> list[tuple]:
    rows = due(user)
    out: list[tuple] = [(str(label), n, "water_due", f"water_{kind}") for kind, label in DUE_LABELS
                        if (n := sum(1 for r in rows if r.kind == kind))]
    waiting = db.session.execute(scoped(select(func.count()).select_from(ServiceOrder).where(
        *_undelivered()), ServiceOrder, user)).scalar_one()
    if waiting:
        out.append((_("Water orders waiting for delivery"), waiting, "water_delivery",
                    "water_undelivered"))
    return out


# -- monthly figures -----------------------------------------------------------------------

def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """[start, end) of a local month as naive UTC."""
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return local_day_end_utc(first - timedelta(days=1)), local_day_end_utc(nxt - timedelta(days=1))


def used_in_month(user, year: int, month: int) -> int:
    """每月底汇总当月用水数量: buckets delivered in the month."""
    lo, hi = month_bounds(year, month)
    q = scoped(select(func.coalesce(func.sum(ServiceOrder.water_qty), 0)).where(
        ServiceOrder.kind == "water", ServiceOrder.voided_at.is_(None),
        ServiceOrder.delivered_at >= lo, ServiceOrder.delivered_at < hi), ServiceOrder, user)
    return int(db.session.execute(q).scalar_one())


def used_per_month(user, months: int = 12) -> list[tuple[str, int]]:
    """Buckets delivered per local month, oldest first (one query)."""
    from .stats import month_bounds_utc, per_bucket, recent_months

    firsts = recent_months(months)
    totals = per_bucket(ServiceOrder, ServiceOrder.delivered_at, user, month_bounds_utc(firsts),
                        ServiceOrder.kind == "water", ServiceOrder.voided_at.is_(None),
                        value=func.coalesce(ServiceOrder.water_qty, 0))
    return [(d.strftime("%Y-%m"), n) for d, n in zip(firsts, totals)]


def sign_bill_totals(user, year: int, month: int) -> list[dict]:
    """Finance: the month's sign-bill charges per unit, billed with the property fee."""
    lo, hi = month_bounds(year, month)
    q = scoped(select(ServiceOrder).where(
        ServiceOrder.payment_method == "sign_bill", ServiceOrder.voided_at.is_(None),
        ServiceOrder.settled_at >= lo, ServiceOrder.settled_at < hi), ServiceOrder, user)
    per_unit: dict[Any, dict] = defaultdict(lambda: {"orders": [], "total": Decimal("0")})
    for o in db.session.execute(q.order_by(ServiceOrder.serial_no)).scalars():
        row = per_unit[o.unit]
        row["orders"].append(o)
        row["total"] += o.charge
    return [{"unit": u, **v} for u, v in sorted(per_unit.items(), key=lambda kv: kv[0].room)]


def cash_in_month(user, year: int, month: int) -> list[ServiceOrder]:
    lo, hi = month_bounds(year, month)
    q = scoped(select(ServiceOrder).where(
        ServiceOrder.payment_method == "cash", ServiceOrder.voided_at.is_(None),
        ServiceOrder.settled_at >= lo, ServiceOrder.settled_at < hi), ServiceOrder, user)
    return list(db.session.execute(q.order_by(ServiceOrder.serial_no)).scalars())


__all__ = ["receive", "count", "deliver", "earliest_expiry", "due", "due_items",
           "used_in_month", "used_per_month", "sign_bill_totals", "cash_in_month"]
