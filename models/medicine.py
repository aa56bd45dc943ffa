"""药箱管理制度: the box and its responsible person, the medicine list (items and
their batches), half-monthly stock counts and the usage log.

Stock lives on the batch (``MedicineBatch.quantity``): expiry is per batch, and a
usage names the batch it came from.  A CHECK keeps it from going negative even if
a rule were bypassed; the version column makes two clerks issuing from the same
batch at once conflict instead of both succeeding.
"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import RegisterMixin, db, utcnow

MEDICINE_KINDS = ("medicine", "equipment")
MEDICINE_KIND_LABELS = {"medicine": _l("Medicine"), "equipment": _l("First-aid equipment")}


class MedicineBox(RegisterMixin, db.Model):
    """The box of a property and the one person responsible for it."""

    __tablename__ = "medicine_box"
    __table_args__ = (UniqueConstraint("property_id", name="one_box_per_property"),)
    place: Mapped[str] = mapped_column(String(80), nullable=False)
    responsible_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False)
    responsible = relationship("Staff", foreign_keys=[responsible_id], lazy="joined")

    def __str__(self) -> str:
        return self.place


class MedicineItem(RegisterMixin, db.Model):
    """药品清单: one line per medicine or piece of equipment."""

    __tablename__ = "medicine_item"
    __table_args__ = (CheckConstraint("min_stock >= 0", name="min_stock_not_negative"),)
    name: Mapped[str] = mapped_column(String(80), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(12), nullable=False, default="medicine")
    specification: Mapped[str | None] = mapped_column(String(80))
    unit_name: Mapped[str] = mapped_column(String(12), nullable=False, default="盒")
    min_stock: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    notes: Mapped[str | None] = mapped_column(Text)
    batches = relationship("MedicineBatch", back_populates="item", lazy="selectin",
                           order_by="MedicineBatch.expires_on")

    @property
    def stock(self) -> int:
        return sum(b.quantity for b in self.batches if b.voided_at is None)

    def __str__(self) -> str:
        return f"{self.name} {self.specification or ''}".strip()


class MedicineBatch(RegisterMixin, db.Model):
    """A batch of an item in the box: its own expiry date and quantity."""

    __tablename__ = "medicine_batch"
    __table_args__ = (CheckConstraint("quantity >= 0", name="stock_not_negative"),)
    item_id: Mapped[int] = mapped_column(ForeignKey("medicine_item.id"), nullable=False,
                                         index=True)
    item = relationship("MedicineItem", back_populates="batches", lazy="joined")
    batch_no: Mapped[str] = mapped_column(String(40), nullable=False)
    expires_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    received_on: Mapped[date | None] = mapped_column(Date)

    def __str__(self) -> str:
        return f"{self.item} · {self.batch_no} · {self.expires_on} · {self.quantity}"


class MedicineCount(RegisterMixin, db.Model):
    """清点: the half-monthly count; its lines set each batch to what was counted."""

    __tablename__ = "medicine_count"
    counted_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow,
                                                 index=True)
    counted_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False)
    counted_by = relationship("Staff", foreign_keys=[counted_by_id], lazy="joined")
    restock_needed: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    lines = relationship("MedicineCountLine", back_populates="count", lazy="selectin",
                         order_by="MedicineCountLine.id")

    @property
    def differences(self) -> int:
        return sum(1 for line in self.lines if line.difference)

    def __str__(self) -> str:
        return f"#{self.id} {self.counted_at:%Y-%m-%d}" if self.counted_at else f"#{self.id}"


class MedicineCountLine(RegisterMixin, db.Model):
    __tablename__ = "medicine_count_line"
    __table_args__ = (CheckConstraint("counted >= 0", name="counted_not_negative"),)
    count_id: Mapped[int] = mapped_column(ForeignKey("medicine_count.id"), nullable=False,
                                          index=True)
    count = relationship("MedicineCount", back_populates="lines")
    batch_id: Mapped[int] = mapped_column(ForeignKey("medicine_batch.id"), nullable=False,
                                          index=True)
    batch = relationship("MedicineBatch", lazy="joined")
    expected: Mapped[int] = mapped_column(Integer, nullable=False)
    counted: Mapped[int] = mapped_column(Integer, nullable=False)

    @property
    def difference(self) -> int:
        return self.counted - self.expected


class MedicineUsage(RegisterMixin, db.Model):
    """药品领用登记表.  Voiding a mistaken entry puts the quantity back."""

    __tablename__ = "medicine_usage"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)
    batch_id: Mapped[int] = mapped_column(ForeignKey("medicine_batch.id"), nullable=False,
                                          index=True)
    batch = relationship("MedicineBatch", lazy="joined")
    quantity: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    recipient_name: Mapped[str] = mapped_column(String(60), nullable=False)
    recipient_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    recipient_unit = relationship("Unit", lazy="joined")
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False)
    issued_by = relationship("Staff", foreign_keys=[issued_by_id], lazy="joined")
    issued_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow,
                                                index=True)
    expiry_reconfirmed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    def __str__(self) -> str:
        return f"#{self.id} {self.recipient_name}"
