"""信件、报刊管理制度 (the guide, Part 2; seed 003 报刊收发操作规程):

- 邮件签收表 + 邮件代收记录表 (``MailItem``): every letter and parcel received for a
  resident, delivered against a signature or returned with a reason; weekend items
  taken in by the duty clerk on the owner's behalf and handed to the courier on Monday;
- 报纸/杂志订阅单 (``Subscription``): a resident's paid subscription;
- 报刊分发表 (``Distribution``): the twice-daily newspaper rounds, signed per unit;
- ``MailArchive``: the month's sheets filed on the 10th of the next month.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String,
                        Text, UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .base import RegisterMixin, db

MAIL_KINDS = ("express", "parcel", "parcel_slip", "ems", "registered", "important", "ordinary")
MAIL_KIND_LABELS = {
    "express": _l("Express"), "parcel": _l("Parcel"), "parcel_slip": _l("Parcel slip"),
    "ems": _l("EMS"), "registered": _l("Registered letter"),
    "important": _l("Important letter"), "ordinary": _l("Ordinary mail")}
# Special mail: the resident signs for it (快件、包裹、包裹单、特快专递 …, 重要信件).
SPECIAL_KINDS = ("express", "parcel", "parcel_slip", "ems", "registered", "important")
# Delivered within 10 minutes of receipt on weekdays (003 4.3.4: 接到快件后应于10分钟内送至).
FAST_KINDS = ("express", "ems")
RETURN_REASONS = ("unclaimed", "unknown_room", "misdelivered")
RETURN_REASON_LABELS = {"unclaimed": _l("Unclaimed"), "unknown_room": _l("Room unknown"),
                        "misdelivered": _l("Delivered here by mistake")}
MAIL_OPEN = "delivered_at IS NULL AND returned_at IS NULL AND voided_at IS NULL"
ROUNDS = ("am", "pm")
ROUND_LABELS = {"am": _l("Morning (before 9:30)"), "pm": _l("Afternoon (before 17:00)")}
MONEY = Numeric(10, 2)


def reversed_key(tracking_no: str | None) -> str | None:
    """The value of ``tracking_rev``: the number upper-cased and reversed."""
    return tracking_no.upper()[::-1] if tracking_no else None


class MailItem(RegisterMixin, db.Model):
    """One line of the 邮件签收表 (or, at weekends, of the 邮件代收记录表)."""

    __tablename__ = "mail_item"
    __personal__ = frozenset({"recipient_phone"})
    __search_indexed__ = ("recipient_name",)
    # tracking numbers are found by their beginning or their end (what a clerk types
    # from a label), on their own indexes: models/search.affix_condition
    __search_affix__ = ("tracking_no",)
    # derived from tracking_no (the history keeps tracking_no itself)
    __audit_exclude__ = frozenset({"tracking_rev"})
    __table_args__ = (
        UniqueConstraint("property_id", "serial_no"),
        Index("ix_mail_item_property_received", "property_id", "received_at", "id"),
        Index("ix_mail_item_received", "received_at", "id"),
        Index("ix_mail_item_property_delivered", "property_id", "delivered_at", "id"),
        # items still at the desk (the due list), and one open item per tracking number
        Index("ix_mail_item_open", "property_id", "received_at",
              sqlite_where=text(MAIL_OPEN), postgresql_where=text(MAIL_OPEN)),
        Index("uq_mail_item_open_tracking", "property_id", "tracking_no", unique=True,
              sqlite_where=text(MAIL_OPEN + " AND tracking_no IS NOT NULL"),
              postgresql_where=text(MAIL_OPEN + " AND tracking_no IS NOT NULL")),
    )
    serial_no: Mapped[int] = mapped_column(Integer, nullable=False)
    received_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="parcel", index=True)
    carrier: Mapped[str | None] = mapped_column(String(40))
    tracking_no: Mapped[str | None] = mapped_column(String(40), index=True)
    # upper(tracking_no) reversed: a suffix search is a range on its index
    tracking_rev: Mapped[str | None] = mapped_column(String(40))
    recipient_name: Mapped[str | None] = mapped_column(String(60))
    recipient_phone: Mapped[str | None] = mapped_column(String(30))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    unit = relationship("Unit", lazy="joined")
    received_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False)
    received_by = relationship("Staff", foreign_keys=[received_by_id], lazy="joined")
    proxy_receipt: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    delivered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    delivered_by = relationship("Staff", foreign_keys=[delivered_by_id], lazy="joined")
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)
    signer: Mapped[str | None] = mapped_column(String(60))
    returned_at: Mapped[datetime | None] = mapped_column(DateTime)
    return_reason: Mapped[str | None] = mapped_column(String(16))
    handed_to_courier_at: Mapped[datetime | None] = mapped_column(DateTime)
    notes: Mapped[str | None] = mapped_column(Text)

    @validates("tracking_no")
    def _keep_reversed(self, key: str, value: str | None) -> str | None:
        self.tracking_rev = reversed_key(value)
        return value

    @property
    def is_open(self) -> bool:
        return self.delivered_at is None and self.returned_at is None and self.voided_at is None

    def __str__(self) -> str:
        return f"No.{self.serial_no} {self.tracking_no or ''} {self.recipient_name or ''}".strip()


class Subscription(RegisterMixin, db.Model):
    """报纸/杂志订阅单: the resident pays, then the courier subscribes for them."""

    __tablename__ = "subscription"
    __table_args__ = (Index("ix_subscription_property_until", "property_id", "period_until"),)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False, index=True)
    unit = relationship("Unit", lazy="joined")
    subscriber: Mapped[str] = mapped_column(String(60), nullable=False)
    title: Mapped[str] = mapped_column(String(80), nullable=False)
    copies: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    period_from: Mapped[date] = mapped_column(Date, nullable=False)
    period_until: Mapped[date] = mapped_column(Date, nullable=False)
    amount: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime)
    ordered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    ordered_by = relationship("Staff", foreign_keys=[ordered_by_id], lazy="joined")
    receipt_returned_at: Mapped[datetime | None] = mapped_column(DateTime)
    notes: Mapped[str | None] = mapped_column(String(200))
    # 业主要求周末送报: papers go out at weekends too (else kept for Monday)
    weekend_delivery: Mapped[bool | None] = mapped_column(Boolean)

    __str_loads__ = ("unit",)  # read by __str__: loaded with a list's rows

    def __str__(self) -> str:
        return f"{self.unit.room if self.unit else ''} {self.title} ×{self.copies}"


class Distribution(RegisterMixin, db.Model):
    """报刊分发表: one unit's papers of one round, signed for."""

    __tablename__ = "distribution"
    __table_args__ = (Index("ix_distribution_property_day", "property_id", "day", "round"),)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    round: Mapped[str] = mapped_column(String(2), nullable=False, default="am")
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False, index=True)
    unit = relationship("Unit", lazy="joined")
    title: Mapped[str] = mapped_column(String(80), nullable=False)
    copies: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)
    signer: Mapped[str | None] = mapped_column(String(60))
    notes: Mapped[str | None] = mapped_column(String(200))

    __str_loads__ = ("unit",)  # read by __str__: loaded with a list's rows

    def __str__(self) -> str:
        return f"{self.day} {self.round} {self.unit.room if self.unit else ''} {self.title}"


class MailArchive(RegisterMixin, db.Model):
    """The month's 邮件签收表 / 代收记录表 / 报刊签收表 filed (每月10号收集整理入档)."""

    __tablename__ = "mail_archive"
    __table_args__ = (UniqueConstraint("property_id", "month"),)
    month: Mapped[date] = mapped_column(Date, nullable=False)      # first day of the month
    archived_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False)
    archived_by = relationship("Staff", foreign_keys=[archived_by_id], lazy="joined")
    archived_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class DistributionListCheck(RegisterMixin, db.Model):
    """发放清单每月更新: the month's distribution list checked against the
    subscriptions and confirmed (due from the 1st until it is)."""

    __tablename__ = "distribution_list_check"
    __table_args__ = (UniqueConstraint("property_id", "month"),)
    month: Mapped[date] = mapped_column(Date, nullable=False)      # first day of the month
    confirmed_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False)
    confirmed_by = relationship("Staff", foreign_keys=[confirmed_by_id], lazy="joined")
    confirmed_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    lines: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    copies: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
