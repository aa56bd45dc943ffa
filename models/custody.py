"""托管房的管理制度: custody agreements (with their key list), interior inspections
by two or more staff, and the vacant-home inspections of seeds/002."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import RegisterMixin, db, utcnow
from .workflow import CosignMixin

INSPECTION_REASONS = ("routine", "rain", "winter_ac", "other")
INSPECTION_REASON_LABELS = {
    "routine": _l("Routine"), "rain": _l("After rain"),
    "winter_ac": _l("Winter low-temperature air-conditioning check (owner's request)"),
    "other": _l("Other"),
}
CONTACT_METHODS = ("phone", "wechat", "sms", "in_person")
CONTACT_METHOD_LABELS = {"phone": _l("Phone"), "wechat": _l("WeChat"), "sms": _l("Text message"),
                         "in_person": _l("In person")}
VACANT_CHECKLIST = ("entrance_door_ok", "walls_ok", "windows_ok", "leaks_ok", "intercom_ok",
                    "gas_meter_ok")
VACANT_CHECKLIST_LABELS = {
    "entrance_door_ok": _l("Entrance door"), "walls_ok": _l("Walls"),
    "windows_ok": _l("Windows, glass and handles"), "leaks_ok": _l("Ceiling and floor: no leaks"),
    "intercom_ok": _l("Video intercom"), "gas_meter_ok": _l("Gas meter"),
}


class CustodyAgreement(RegisterMixin, db.Model):
    """钥匙托管协议书 — the owner hands the home's keys to the butler's care."""

    __tablename__ = "custody_agreement"
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False, index=True)
    unit = relationship("Unit", lazy="joined")
    owner_id: Mapped[int] = mapped_column(ForeignKey("occupant.id"), nullable=False, index=True)
    owner = relationship("Occupant", lazy="joined")
    butler_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False, index=True)
    butler = relationship("Staff", foreign_keys=[butler_id], lazy="joined")
    purpose: Mapped[str] = mapped_column(Text, nullable=False)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    power_gas_reminded: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    security_notified_at: Mapped[datetime | None] = mapped_column(DateTime)
    owner_confirmed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # 定期巡查: every N days (the guide says "regularly"; the agreement fixes it).
    inspect_every_days: Mapped[int] = mapped_column(Integer, nullable=False, default=7)
    # 冬季空调低温运行: the owner asked for a daily check in this period.
    winter_check_from: Mapped[date | None] = mapped_column(Date)
    winter_check_until: Mapped[date | None] = mapped_column(Date)
    keys = relationship("Key", back_populates="custody_agreement", lazy="select",
                        order_by="Key.label")

    def is_active_on(self, day: date) -> bool:
        return self.voided_at is None and self.starts_on <= day <= self.ends_on

    def winter_active_on(self, day: date) -> bool:
        return bool(self.winter_check_from and self.winter_check_until
                    and self.winter_check_from <= day <= self.winter_check_until)

    __str_loads__ = ("unit", "owner")  # read by __str__: loaded with a list's rows

    def __str__(self) -> str:
        return f"#{self.id} {self.unit.room if self.unit else ''} {self.owner.name if self.owner else ''}"


class CustodyInspection(RegisterMixin, CosignMixin, db.Model):
    """托管房巡查记录表 — interior inspections need prior owner contact and two or
    more staff; the second co-signs.  Until co-signed it is pending, not done."""

    __tablename__ = "custody_inspection"
    __table_args__ = (Index("ix_custody_inspection_agreement_time", "agreement_id",
                            "inspected_at"),)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("custody_agreement.id"), nullable=False)
    agreement = relationship("CustodyAgreement", lazy="joined")
    inspected_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    reason: Mapped[str] = mapped_column(String(16), nullable=False, default="routine")
    interior: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    owner_contacted_at: Mapped[datetime | None] = mapped_column(DateTime)
    owner_contact_method: Mapped[str | None] = mapped_column(String(16))
    inspector_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False)
    inspector = relationship("Staff", foreign_keys=[inspector_id], lazy="joined")
    other_staff: Mapped[str | None] = mapped_column(String(120))   # a third person and more
    key_checkout_id: Mapped[int | None] = mapped_column(ForeignKey("key_checkout.id"))
    key_checkout = relationship("KeyCheckout", lazy="joined")
    findings: Mapped[str | None] = mapped_column(Text)
    follow_up: Mapped[str | None] = mapped_column(Text)

    @property
    def is_done(self) -> bool:
        """Counts as an inspection: not void, and co-signed when it was inside."""
        return self.voided_at is None and (not self.interior or self.is_cosigned)

    def __str__(self) -> str:
        return f"#{self.id}"


class VacantHomeInspection(RegisterMixin, db.Model):
    """空置房巡查表 — at least twice a month per vacant home, with its checklist."""

    __tablename__ = "vacant_home_inspection"
    __table_args__ = (Index("ix_vacant_home_inspection_unit_time", "unit_id", "inspected_at"),)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False)
    unit = relationship("Unit", lazy="joined")
    inspector_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False)
    inspector = relationship("Staff", foreign_keys=[inspector_id], lazy="joined")
    inspected_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    entrance_door_ok: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    walls_ok: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    windows_ok: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    leaks_ok: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    intercom_ok: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    gas_meter_ok: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    findings: Mapped[str | None] = mapped_column(Text)
    repair_forwarded_to: Mapped[str | None] = mapped_column(String(120))

    __str_loads__ = ("unit",)  # read by __str__: loaded with a list's rows

    def __str__(self) -> str:
        return f"#{self.id} {self.unit.room if self.unit else ''}"
