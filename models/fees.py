"""费用催缴工作流程 (the guide, Part 3 ch. 7): finance prints the month's 缴费通知单 per
unit; the area butler checks the account, delivers it (mailbox, phone, fax,
registered letter), collects and hands the money to finance, who confirms; unpaid
units become 欠费催缴 cases with their collection attempts."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, Numeric,
                        String, Text, UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .base import RegisterMixin, db

MONEY = Numeric(12, 2)
FEE_ITEMS = ("property_fee", "utilities", "sign_bill", "other")
FEE_ITEM_LABELS = {"property_fee": _l("Property fee"), "utilities": _l("Water and electricity"),
                   "sign_bill": _l("Signed service charges"), "other": _l("Other")}
DELIVERY_METHODS = ("mailbox", "phone", "fax", "registered_letter")
DELIVERY_LABELS = {"mailbox": _l("Put in the mailbox"), "phone": _l("By phone"),
                   "fax": _l("By fax"), "registered_letter": _l("Registered letter")}
CAUSES = ("owner", "service", "third_party", "hardship")
CAUSE_LABELS = {"owner": _l("The owner's own reasons"), "service": _l("Service not up to standard"),
                "third_party": _l("A third party"), "hardship": _l("Financial hardship")}
ATTEMPT_METHODS = ("phone", "visit", "letter")
ATTEMPT_LABELS = {"phone": _l("Phone"), "visit": _l("Visit"), "letter": _l("Written demand")}
# The notices the dashboard counts as due (rules.fee_collection.due_where): an
# outside company's collection not yet made, money collected but not confirmed by
# finance.  A few at any time, among every notice ever issued: each has a partial
# index, so counting them reads them alone (migration e2b8d4f6a1c3).
PICKUP_OPEN = "pickup_at IS NOT NULL AND paid_at IS NULL AND voided_at IS NULL"
NOT_CONFIRMED = "paid_at IS NOT NULL AND confirmed_at IS NULL AND voided_at IS NULL"
# 异议 recorded, 异议处理 (到财务部核实) not yet: due until handled (migration 8a3c5e7f9b21)
OBJECTION_OPEN = "objection IS NOT NULL AND objection_handling IS NULL AND voided_at IS NULL"


def period_number(period: str) -> int:
    """"2019-05" as 201905: the month as a number, in the same order."""
    year, dash, month = period[:4], period[4:5], period[5:]
    if dash != "-" or not (year.isdigit() and month.isdigit() and len(month) == 2):
        raise ValueError(f"not a YYYY-MM month: {period!r}")
    return int(year) * 100 + int(month)


class FeeNotice(RegisterMixin, db.Model):
    """缴费通知单: one unit's bill for one month."""

    __tablename__ = "fee_notice"
    __personal__ = frozenset({"pickup_phone"})
    __search_indexed__ = ("period",)
    # derived from period (the history keeps period itself)
    __audit_exclude__ = frozenset({"period_no"})
    __table_args__ = (
        UniqueConstraint("property_id", "period", "unit_id", name="fee_notice_once"),
        # The list's order (newest month first) walks these.  The month is the
        # number ``period_no``: with every key of fixed width the database reads
        # each entry's id and unit at a fixed offset, where after the text month it
        # worked each one out (a butler's page 1000 tests 40,000 entries against the
        # area: 4.9 -> 3.5 ms, migration 5b9e2c4d7a13).  The unit too: the area's
        # test reads the index alone (migration c7f3a1d2e8b6).
        Index("ix_fee_notice_property_period_no", "property_id", "period_no", "id", "unit_id"),
        Index("ix_fee_notice_period_no", "period_no", "id"),
        # a month looked up (searched for, its rates summed)
        Index("ix_fee_notice_property_period", "property_id", "period", "id", "unit_id"),
        Index("ix_fee_notice_period", "period", "id"),
        Index("ix_fee_notice_unit_period", "unit_id", "period"),
        # the list's other orders and the paid-at filter, per property and across
        Index("ix_fee_notice_property_amount", "property_id", "amount_due", "id"),
        Index("ix_fee_notice_amount", "amount_due", "id"),
        Index("ix_fee_notice_property_paid", "property_id", "paid_at", "id"),
        Index("ix_fee_notice_paid", "paid_at", "id"),
        Index("ix_fee_notice_pickup_open", "property_id", "pickup_at",
              sqlite_where=text(PICKUP_OPEN), postgresql_where=text(PICKUP_OPEN)),
        Index("ix_fee_notice_not_confirmed", "property_id", "paid_at",
              sqlite_where=text(NOT_CONFIRMED), postgresql_where=text(NOT_CONFIRMED)),
        Index("ix_fee_notice_objection_open", "property_id", "unit_id",
              sqlite_where=text(OBJECTION_OPEN), postgresql_where=text(OBJECTION_OPEN)),
        CheckConstraint("amount_due >= 0", name="due_not_negative"),
    )
    period: Mapped[str] = mapped_column(String(7), nullable=False)
    # ``period_number(period)``, kept by ``_number_the_month``: the list's order key
    period_no: Mapped[int] = mapped_column(Integer, nullable=False)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False)
    unit = relationship("Unit", lazy="joined")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("occupant.id"), index=True)
    owner = relationship("Occupant", lazy="joined")
    amount_due: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=Decimal("0"))
    printed_at: Mapped[datetime | None] = mapped_column(DateTime)
    finance_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    finance = relationship("Staff", foreign_keys=[finance_id], lazy="joined")
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    checked_by = relationship("Staff", foreign_keys=[checked_by_id], lazy="joined")
    checked_at: Mapped[datetime | None] = mapped_column(DateTime)
    delivery_method: Mapped[str | None] = mapped_column(String(20))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)
    objection: Mapped[str | None] = mapped_column(Text)
    objection_handling: Mapped[str | None] = mapped_column(Text)
    paid_amount: Mapped[Decimal | None] = mapped_column(MONEY)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime)
    collected_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    collected_by = relationship("Staff", foreign_keys=[collected_by_id], lazy="joined")
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    confirmed_by = relationship("Staff", foreign_keys=[confirmed_by_id], lazy="joined")
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    receipt_returned_at: Mapped[datetime | None] = mapped_column(DateTime)
    # 外单位取费: time, place, contact, phone
    pickup_at: Mapped[datetime | None] = mapped_column(DateTime)
    pickup_place: Mapped[str | None] = mapped_column(String(100))
    pickup_contact: Mapped[str | None] = mapped_column(String(60))
    pickup_phone: Mapped[str | None] = mapped_column(String(30))
    lines = relationship("FeeNoticeLine", back_populates="notice", lazy="selectin",
                         order_by="FeeNoticeLine.id", cascade="save-update, merge")

    @property
    def outstanding(self) -> Decimal:
        return max(Decimal("0"), (self.amount_due or 0) - (self.paid_amount or 0))

    __str_loads__ = ("unit",)  # read by __str__: loaded with a list's rows

    @validates("period")
    def _number_the_month(self, key: str, value: str) -> str:
        self.period_no = period_number(value)
        return value

    def __str__(self) -> str:
        return f"{self.period} {self.unit.room if self.unit else ''}"


class FeeNoticeMonth(db.Model):
    """How many notices each building has in each month.  Not a register: the
    database keeps it from ``fee_notice`` and ``unit`` by triggers (migration
    3c8d1f5a7e92), like an index, and nothing in the app writes it.  A deep page of
    the notices' list (newest month first) reads where its month starts here and
    walks that month alone, not every newer notice (``admin_views/month_pages.py``)."""

    __tablename__ = "fee_notice_month"
    __audited__ = False
    __table_args__ = (Index("ix_fee_notice_month_period", "period_no"),)
    property_id: Mapped[int] = mapped_column(ForeignKey("property.id"), primary_key=True)
    period_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), primary_key=True)
    notices: Mapped[int] = mapped_column(Integer, nullable=False)


class FeeNoticeLine(RegisterMixin, db.Model):
    """A 费项 of a notice: 物业费, 水电, 签单服务费, 其他."""

    __tablename__ = "fee_notice_line"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)
    notice_id: Mapped[int] = mapped_column(ForeignKey("fee_notice.id"), nullable=False,
                                           index=True)
    notice = relationship("FeeNotice", back_populates="lines")
    item: Mapped[str] = mapped_column(String(16), nullable=False, default="other")
    amount: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=Decimal("0"))

    def __str__(self) -> str:
        return f"{FEE_ITEM_LABELS.get(self.item, self.item)} ¥{self.amount}"


class ArrearsCase(RegisterMixin, db.Model):
    """欠费催缴: one unit's arrears and what was done about them."""

    __tablename__ = "arrears_case"
    __table_args__ = (
        # the unit too: a butler's list walks this index testing each row's unit
        # against the area, reading the index alone (migration b4e2a9c7d105)
        Index("ix_arrears_case_property_since", "property_id", "since", "id", "unit_id"),
        Index("ix_arrears_case_since", "since", "id"),
        Index("ix_arrears_case_property_amount", "property_id", "amount", "id"),
        Index("ix_arrears_case_amount", "amount", "id"),
        Index("ix_arrears_case_property_months", "property_id", "months", "id"),
        Index("ix_arrears_case_months", "months", "id"),
        Index("ix_arrears_case_property_open", "property_id", "settled_on", "months"),
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False, index=True)
    unit = relationship("Unit", lazy="joined")
    months: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    amount: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=Decimal("0"))
    since: Mapped[date] = mapped_column(Date, nullable=False)
    cause: Mapped[str | None] = mapped_column(String(16))
    letter_sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    letter_deadline: Mapped[date | None] = mapped_column(Date)
    reported_at: Mapped[datetime | None] = mapped_column(DateTime)
    visited_at: Mapped[datetime | None] = mapped_column(DateTime)
    legal_on: Mapped[date | None] = mapped_column(Date)
    # 经济实在有困难的客户，可视情况延长期限: granted by a manager, who is recorded
    extended_to: Mapped[date | None] = mapped_column(Date)
    extension_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    extension_approved_by = relationship("Staff", foreign_keys=[extension_approved_by_id],
                                         lazy="joined")
    settled_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    attempts = relationship("ArrearsAttempt", back_populates="case", lazy="selectin",
                            order_by="ArrearsAttempt.id", cascade="save-update, merge")

    __str_loads__ = ("unit",)  # read by __str__: loaded with a list's rows

    def __str__(self) -> str:
        return f"{self.unit.room if self.unit else ''} ¥{self.amount}"


class ArrearsAttempt(RegisterMixin, db.Model):
    """催缴记录: one call, visit or written demand."""

    __tablename__ = "arrears_attempt"
    case_id: Mapped[int] = mapped_column(ForeignKey("arrears_case.id"), nullable=False,
                                         index=True)
    case = relationship("ArrearsCase", back_populates="attempts")
    at: Mapped[datetime | None] = mapped_column(DateTime)
    method: Mapped[str] = mapped_column(String(10), nullable=False, default="phone")
    staff_name: Mapped[str | None] = mapped_column(String(60))
    result: Mapped[str | None] = mapped_column(String(200))

    def __str__(self) -> str:
        return f"{ATTEMPT_LABELS.get(self.method, self.method)} {self.result or ''}"
