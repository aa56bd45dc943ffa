"""贵重物品寄存工作流程: deposits, their photos, and the one release of each."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (Boolean, CheckConstraint, DateTime, ForeignKey, String, Text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import RegisterMixin, db, utcnow
from .ops import StoredFileMixin
from .workflow import CosignMixin

SIZE_CLASSES = ("small", "large")
SIZE_CLASS_LABELS = {"small": _l("Small (sealed envelope or archive bag, kept in the owner's file)"),
                     "large": _l("Large (sealed, photographed, departments notified)")}
SMALL_CONTAINERS = ("envelope", "archive_bag")
SMALL_CONTAINER_LABELS = {"envelope": _l("Sealed envelope"), "archive_bag": _l("Archive bag")}
ITEM_KINDS = ("document", "key", "jewellery", "electronics", "parcel", "other",
              "hazardous", "cash", "food")
ITEM_KIND_LABELS = {
    "document": _l("Documents"), "key": _l("Key"), "jewellery": _l("Jewellery"),
    "electronics": _l("Electronics"), "parcel": _l("Parcel"), "other": _l("Other"),
    "hazardous": _l("Flammable, explosive or toxic goods"), "cash": _l("Cash"), "food": _l("Food"),
}
PROHIBITED_KINDS = frozenset({"hazardous", "cash", "food"})
ID_TYPES = ("id_card", "passport", "hk_macau_permit", "other")
ID_TYPE_LABELS = {"id_card": _l("Resident ID card"), "passport": _l("Passport"),
                  "hk_macau_permit": _l("Home-return permit"), "other": _l("Other ID")}
RELEASE_TO = ("owner", "other")


class ValuablesDeposit(RegisterMixin, CosignMixin, db.Model):
    """贵重物品寄存登记表.  Released once; a released deposit is read-only.

    The co-sign columns hold the second staff member of a release to someone
    other than the owner."""

    __tablename__ = "valuables_deposit"
    __personal__ = frozenset({"recipient_id_number"})
    __table_args__ = (
        CheckConstraint("released_at IS NULL OR released_at >= deposited_at",
                        name="release_after_deposit"),
    )
    owner_id: Mapped[int] = mapped_column(ForeignKey("occupant.id"), nullable=False, index=True)
    owner = relationship("Occupant", lazy="joined")
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False, index=True)
    unit = relationship("Unit", lazy="joined")
    item_kind: Mapped[str] = mapped_column(String(16), nullable=False, default="other")
    description: Mapped[str] = mapped_column(Text, nullable=False)
    size_class: Mapped[str] = mapped_column(String(8), nullable=False, default="small")
    container: Mapped[str | None] = mapped_column(String(16))
    seal_number: Mapped[str | None] = mapped_column(String(40))
    departments_notified: Mapped[str | None] = mapped_column(String(120))
    storage_place: Mapped[str] = mapped_column(String(80), nullable=False)
    butler_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False, index=True)
    butler = relationship("Staff", foreign_keys=[butler_id], lazy="joined")
    deposited_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    owner_confirmed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    key_reason: Mapped[str | None] = mapped_column(Text)           # a deposited key: why
    owner_instructions: Mapped[str | None] = mapped_column(Text)   # … and what the owner says
    # -- release ------------------------------------------------------------------
    released_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    released_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    released_by = relationship("Staff", foreign_keys=[released_by_id], lazy="joined")
    release_to: Mapped[str | None] = mapped_column(String(8))
    recipient_name: Mapped[str | None] = mapped_column(String(60))
    recipient_id_type: Mapped[str | None] = mapped_column(String(16))
    recipient_id_number: Mapped[str | None] = mapped_column(String(40))
    confirm_called_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    confirm_called_by = relationship("Staff", foreign_keys=[confirm_called_by_id], lazy="joined")
    confirm_called_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirm_result: Mapped[str | None] = mapped_column(String(200))
    photos = relationship("DepositPhoto", back_populates="deposit", lazy="selectin",
                          order_by="DepositPhoto.id")

    @property
    def is_released(self) -> bool:
        return self.released_at is not None

    def __str__(self) -> str:
        return f"#{self.id} {self.description[:20] if self.description else ''}"


class DepositPhoto(StoredFileMixin, RegisterMixin, db.Model):
    """A photo of a deposit, stored under ``instance/uploads`` by content hash name;
    rows and files are never deleted (voiding the deposit keeps them)."""

    __tablename__ = "deposit_photo"
    deposit_id: Mapped[int] = mapped_column(ForeignKey("valuables_deposit.id"), nullable=False,
                                            index=True)
    deposit = relationship("ValuablesDeposit", back_populates="photos")
