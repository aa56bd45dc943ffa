"""《服务单》的管理制度: the price list, service orders with their lines, the
per-property serial number sequence, follow-up calls, and the water fields of a
water order (a water order is a service order of kind "water").

Serial numbers: ``ServiceOrderSequence`` holds the last number issued per
property.  ``rules.service_orders.next_serial`` increments it with one atomic
``UPDATE … RETURNING`` inside the transaction that inserts the order, so a
number is only used when the order commits (no gaps) and two creates cannot get
the same number (the row lock on PostgreSQL, the write lock on SQLite; a unique
constraint on (property, serial) backs it up).  Orders are voided, never deleted,
so an issued number always stays.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer,
                        Numeric, String, Text, UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import RegisterMixin, db

ORDER_KINDS = ("service", "water")
ORDER_KIND_LABELS = {"service": _l("Service"), "water": _l("Bottled water")}
DEPARTMENTS = ("engineering", "cleaning", "security", "customer_service", "greening", "other")
DEPARTMENT_LABELS = {"engineering": _l("Engineering"), "cleaning": _l("Cleaning"),
                     "security": _l("Security"), "customer_service": _l("Customer service"),
                     "greening": _l("Greening"), "other": _l("Other")}
PAYMENT_METHODS = ("cash", "sign_bill", "free")
PAYMENT_LABELS = {"cash": _l("Cash (handed to finance)"),
                  "sign_bill": _l("Sign-bill (billed with the property fee)"),
                  "free": _l("No charge")}
SATISFACTION = ("satisfied", "fair", "dissatisfied")
SATISFACTION_LABELS = {"satisfied": _l("Satisfied"), "fair": _l("Fair"),
                       "dissatisfied": _l("Dissatisfied")}
ON_TIME = ("on_time", "late", "not_reached")
ON_TIME_LABELS = {"on_time": _l("Staff arrived on time"), "late": _l("Staff arrived late"),
                  "not_reached": _l("Customer not reached")}
# 急修 and 渗漏水 are kinds of repair (guide, 物业客服): the order's own field, chosen
# by the desk; the follow-up rules (急修 within 24 h, 下雨后回访) read it.
REPAIR_CLASSES = ("normal", "urgent", "leak")
REPAIR_CLASS_LABELS = {"normal": _l("Ordinary repair"), "urgent": _l("Urgent repair"),
                       "leak": _l("Leak")}
# The words that classed an order before the field existed: the migration that added
# it back-filled existing orders from them (urgent first, then leak), and a new
# order left without a class takes its class from them (rules.service_orders).
URGENT_WORDS = ("急修", "紧急")
LEAK_WORDS = ("渗漏", "漏水", "渗水")


def repair_class_from_words(*texts: str | None) -> str:
    """urgent if any text has an urgent word, else leak if a leak word, else normal."""
    joined = " ".join(t or "" for t in texts)
    if any(w in joined for w in URGENT_WORDS):
        return "urgent"
    if any(w in joined for w in LEAK_WORDS):
        return "leak"
    return "normal"


def _backfilled_repair_class(old: dict):
    """What the migration wrote into an older row (its snapshot ``old`` lacks the
    column): ``audit verify`` accepts this value as well as the default."""
    if old.get("kind") != "service":
        return "normal"
    return repair_class_from_words(old.get("description"), old.get("work_notes"))


MONEY = Numeric(10, 2)
FOLLOWUP_OPEN = "followup_at IS NULL AND voided_at IS NULL"


class ServicePrice(RegisterMixin, db.Model):
    """专项服务项目及收费标准: one priced item; a revision is a new row."""

    __tablename__ = "service_price"
    __table_args__ = (CheckConstraint("unit_price >= 0", name="price_not_negative"),)
    item: Mapped[str] = mapped_column(String(80), nullable=False, index=True)
    unit_name: Mapped[str] = mapped_column(String(12), nullable=False, default="次")
    unit_price: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    department: Mapped[str | None] = mapped_column(String(20))
    effective_from: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    notes: Mapped[str | None] = mapped_column(String(200))

    def __str__(self) -> str:
        return f"{self.item} ¥{self.unit_price}/{self.unit_name}"


class ServiceOrderSequence(db.Model):
    """The last serial number issued per property.  Not a register: it carries
    no record of its own, and every number it hands out is recorded in history
    with the order that took it."""

    __tablename__ = "service_order_sequence"
    __audited__ = False
    property_id: Mapped[int] = mapped_column(ForeignKey("property.id"), primary_key=True)
    last_no: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


# Columns the order lists sort by (admin_views/service_orders.py, water.py); each has
# its (property_id, kind, column, id) and (kind, column, id) index.
SORTABLE = ("created_at", "serial_no", "appointment_at", "completed_at", "delivered_at",
            "charge")


class ServiceOrder(RegisterMixin, db.Model):
    """服务单."""

    __tablename__ = "service_order"
    __personal__ = frozenset({"customer_phone"})
    __search_indexed__ = ("customer_name", "staff_name", "description")
    # columns a migration added and back-filled: the value it wrote, from the old row
    __backfilled__ = {"repair_class": _backfilled_repair_class}
    __table_args__ = (
        UniqueConstraint("property_id", "serial_no", name="serial_once"),
        # the list (newest first, per kind), its created-at filter, the monthly chart
        Index("ix_service_order_property_created", "property_id", "kind", "created_at", "id"),
        # the list's other orders, per property and across properties (head office)
        *[Index(f"ix_service_order_{scope}by_{column}", *lead, "kind", column, "id")
          for column in SORTABLE
          for scope, lead in (("property_", ("property_id",)), ("", ()))
          if (scope, column) != ("property_", "created_at")],
        # follow-up calls due: only the orders still waiting for one are in it
        Index("ix_service_order_followup_due", "property_id", "completed_at",
              sqlite_where=text(FOLLOWUP_OPEN), postgresql_where=text(FOLLOWUP_OPEN)),
        CheckConstraint("charge >= 0", name="charge_not_negative"),
        CheckConstraint("water_qty IS NULL OR water_qty > 0", name="water_qty_positive"),
    )
    serial_no: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False, default="service", index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False, index=True)
    unit = relationship("Unit", lazy="joined")
    customer_name: Mapped[str] = mapped_column(String(60), nullable=False)
    customer_phone: Mapped[str | None] = mapped_column(String(30))
    appointment_at: Mapped[datetime | None] = mapped_column(DateTime)
    department: Mapped[str] = mapped_column(String(20), nullable=False, default="engineering")
    staff_name: Mapped[str | None] = mapped_column(String(60))
    description: Mapped[str | None] = mapped_column(Text)
    # 普通维修 / 急修 / 渗漏水 (REPAIR_CLASSES)
    repair_class: Mapped[str] = mapped_column(String(16), nullable=False, default="normal",
                                              server_default="normal")
    # on-time confirmation call by the desk, within the appointment
    confirm_call_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirm_call_result: Mapped[str | None] = mapped_column(String(12))
    # completion, the customer's sign-off
    completed_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    customer_signed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    work_notes: Mapped[str | None] = mapped_column(Text)
    # charge and payment
    charge: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=Decimal("0"))
    payment_method: Mapped[str | None] = mapped_column(String(10), index=True)
    settled_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    settled_by = relationship("Staff", foreign_keys=[settled_by_id], lazy="joined")
    finance_received_at: Mapped[datetime | None] = mapped_column(DateTime)
    finance_received_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    finance_received_by = relationship("Staff", foreign_keys=[finance_received_by_id],
                                       lazy="joined")
    cash_handed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    cash_handed_by = relationship("Staff", foreign_keys=[cash_handed_by_id], lazy="joined")
    # follow-up call within 2 days of completion
    followup_at: Mapped[datetime | None] = mapped_column(DateTime)
    followup_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    followup_by = relationship("Staff", foreign_keys=[followup_by_id], lazy="joined")
    sat_quality: Mapped[str | None] = mapped_column(String(12))
    sat_timeliness: Mapped[str | None] = mapped_column(String(12))
    sat_attitude: Mapped[str | None] = mapped_column(String(12))
    followup_notes: Mapped[str | None] = mapped_column(Text)
    # a water order: brand, buckets, delivery by security
    water_stock_id: Mapped[int | None] = mapped_column(ForeignKey("water_stock.id"), index=True)
    water_stock = relationship("WaterStock", lazy="joined")
    water_qty: Mapped[int | None] = mapped_column(Integer)
    install_requested: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    delivered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    delivered_by = relationship("Staff", foreign_keys=[delivered_by_id], lazy="joined")
    empties_returned: Mapped[int | None] = mapped_column(Integer)
    owner_signed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    installed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    lines = relationship("ServiceOrderLine", back_populates="order", lazy="selectin",
                         order_by="ServiceOrderLine.id", cascade="save-update, merge")

    @property
    def number(self) -> str:
        return f"{self.serial_no:06d}" if self.serial_no else ""

    @property
    def is_settled(self) -> bool:
        return self.settled_at is not None

    def __str__(self) -> str:
        return f"No.{self.number} {self.unit.room if self.unit else ''}"


class ServiceOrderLine(RegisterMixin, db.Model):
    """An item of an order: name and price copied from the price list at the time."""

    __tablename__ = "service_order_line"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)
    order_id: Mapped[int] = mapped_column(ForeignKey("service_order.id"), nullable=False,
                                          index=True)
    order = relationship("ServiceOrder", back_populates="lines")
    price_id: Mapped[int | None] = mapped_column(ForeignKey("service_price.id"))
    price = relationship("ServicePrice", lazy="joined")
    item: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    unit_price: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=Decimal("0"))
    quantity: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    amount: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=Decimal("0"))

    def __str__(self) -> str:
        return f"{self.item} ×{self.quantity}"
