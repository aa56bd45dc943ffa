"""桶装饮用水管理制度: stock per brand with its price, receipts signed by the desk
with the expiry checked, and the three-daily count.  Orders are service orders
(``models.service_orders.ServiceOrder`` with ``kind="water"``)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, Numeric,
                        String, Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import RegisterMixin, db, utcnow

GUIDE_PRICE = Decimal("15.00")     # 娃哈哈: 每桶15元 (the guide)


class WaterStock(RegisterMixin, db.Model):
    """桶装饮用水库存: one row per brand kept in the store room."""

    __tablename__ = "water_stock"
    __table_args__ = (UniqueConstraint("property_id", "brand", name="brand_once"),
                      CheckConstraint("quantity >= 0", name="stock_not_negative"),
                      CheckConstraint("price_per_bucket >= 0", name="price_not_negative"))
    brand: Mapped[str] = mapped_column(String(40), nullable=False)
    price_per_bucket: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False,
                                                      default=GUIDE_PRICE)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    low_threshold: Mapped[int] = mapped_column(Integer, nullable=False, default=10)
    place: Mapped[str | None] = mapped_column(String(80))

    def __str__(self) -> str:
        return f"{self.brand} ¥{self.price_per_bucket}"


class WaterReceipt(RegisterMixin, db.Model):
    """A delivery from the supplier, received and signed at the desk."""

    __tablename__ = "water_receipt"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)
    stock_id: Mapped[int] = mapped_column(ForeignKey("water_stock.id"), nullable=False,
                                          index=True)
    stock = relationship("WaterStock", lazy="joined")
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    expires_on: Mapped[date] = mapped_column(Date, nullable=False)
    expiry_checked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    received_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False)
    received_by = relationship("Staff", foreign_keys=[received_by_id], lazy="joined")
    received_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow,
                                                  index=True)
    supplier_note: Mapped[str | None] = mapped_column(String(120))

    def __str__(self) -> str:
        return f"#{self.id} {self.stock.brand if self.stock else ''} ×{self.quantity}"


class WaterCount(RegisterMixin, db.Model):
    """The three-daily count; sets the stock to what was counted."""

    __tablename__ = "water_count"
    __table_args__ = (CheckConstraint("counted >= 0", name="counted_not_negative"),)
    stock_id: Mapped[int] = mapped_column(ForeignKey("water_stock.id"), nullable=False,
                                          index=True)
    stock = relationship("WaterStock", lazy="joined")
    expected: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    counted: Mapped[int] = mapped_column(Integer, nullable=False)
    earliest_expiry: Mapped[date | None] = mapped_column(Date)
    counted_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False)
    counted_by = relationship("Staff", foreign_keys=[counted_by_id], lazy="joined")
    counted_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow,
                                                 index=True)
    notes: Mapped[str | None] = mapped_column(Text)

    @property
    def difference(self) -> int:
        return (self.counted or 0) - (self.expected or 0)

    def __str__(self) -> str:
        return f"#{self.id} {self.stock.brand if self.stock else ''}"
