"""物品搬出工作流程 (the guide, Part 3 ch. 8; Part 5's 出门条): the 住户搬出登记表
(an occupant moving out registers in advance) and the 出门条 (exit pass) the desk
issues after the owner confirmed by phone, checked once at the gate by security.

Both are numbered per property without gaps (``rules.sequence.next_number``).  A
pass is valid until the end of the local day after it was issued (有效期壹天)."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer,
                        String, Text, UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import RegisterMixin, db

GATES = ("main", "north", "garage")
GATE_LABELS = {"main": _l("Main gate"), "north": _l("North gate"),
               "garage": _l("Garage exit")}
PURPOSES = ("goods", "construction", "move_out")
PURPOSE_LABELS = {"goods": _l("Owner's goods"),
                  "construction": _l("Contractor's tools and materials"),
                  "move_out": _l("Occupant moving out")}
CALL_RESULTS = ("agreed", "refused", "not_reached")
CALL_RESULT_LABELS = {"agreed": _l("Owner agreed to the release"),
                      "refused": _l("Owner refused"), "not_reached": _l("Owner not reached")}
STATES = ("issued", "used", "expired", "void")
STATE_LABELS = {"issued": _l("Pass issued"), "used": _l("Released at the gate"),
                "expired": _l("Expired"), "void": _l("Void")}
OPEN_PASS = "checked_at IS NULL AND voided_at IS NULL"


class MoveOut(RegisterMixin, db.Model):
    """住户搬出登记表: one occupant's move-out, registered before the day."""

    __tablename__ = "move_out"
    __personal__ = frozenset({"phone"})
    __search_indexed__ = ("goods", "reason")
    __table_args__ = (
        UniqueConstraint("property_id", "serial_no", name="move_out_serial_once"),
        Index("ix_move_out_property_planned", "property_id", "planned_on", "id"),
        Index("ix_move_out_planned", "planned_on", "id"),
        Index("ix_move_out_property_serial", "property_id", "serial_no", "id"),
    )
    serial_no: Mapped[int] = mapped_column(Integer, nullable=False)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False, index=True)
    unit = relationship("Unit", lazy="joined")
    occupant_id: Mapped[int] = mapped_column(ForeignKey("occupant.id"), nullable=False,
                                             index=True)
    occupant = relationship("Occupant", lazy="joined")
    planned_on: Mapped[date] = mapped_column(Date, nullable=False)
    phone: Mapped[str | None] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(Text)
    goods: Mapped[str] = mapped_column(Text, nullable=False)
    fees_checked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    keys_returned: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # a tenant moving out: the owner is phoned (who phoned, when, result)
    owner_called_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    owner_called_by = relationship("Staff", foreign_keys=[owner_called_by_id], lazy="joined")
    owner_called_at: Mapped[datetime | None] = mapped_column(DateTime)
    owner_call_result: Mapped[str | None] = mapped_column(String(12))
    clerk_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False)
    clerk = relationship("Staff", foreign_keys=[clerk_id], lazy="joined")
    notes: Mapped[str | None] = mapped_column(Text)
    passes = relationship("ExitPass", back_populates="move_out", lazy="selectin",
                          order_by="ExitPass.pass_no")

    @property
    def number(self) -> str:
        return f"{self.serial_no:05d}" if self.serial_no else ""

    __str_loads__ = ("unit",)  # read by __str__: loaded with a list's rows

    def __str__(self) -> str:
        return f"No.{self.number} {self.unit.room if self.unit else ''} {self.planned_on}"


class ExitPass(RegisterMixin, db.Model):
    """出门条."""

    __tablename__ = "exit_pass"
    __personal__ = frozenset({"id_number"})
    __search_indexed__ = ("holder_name", "company", "plate")
    __table_args__ = (
        UniqueConstraint("property_id", "pass_no", name="exit_pass_no_once"),
        Index("ix_exit_pass_property_issued", "property_id", "issued_at", "id"),
        Index("ix_exit_pass_issued", "issued_at", "id"),
        Index("ix_exit_pass_property_no", "property_id", "pass_no", "id"),
        Index("ix_exit_pass_open", "property_id", "issued_at",
              sqlite_where=text(OPEN_PASS), postgresql_where=text(OPEN_PASS)),
    )
    pass_no: Mapped[int] = mapped_column(Integer, nullable=False)
    purpose: Mapped[str] = mapped_column(String(16), nullable=False, default="goods")
    issued_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    valid_until: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False, index=True)
    unit = relationship("Unit", lazy="joined")
    move_out_id: Mapped[int | None] = mapped_column(ForeignKey("move_out.id"), index=True)
    move_out = relationship("MoveOut", back_populates="passes", lazy="joined")
    company: Mapped[str | None] = mapped_column(String(100))
    holder_name: Mapped[str] = mapped_column(String(60), nullable=False)
    id_number: Mapped[str] = mapped_column(String(30), nullable=False)
    gate: Mapped[str] = mapped_column(String(12), nullable=False, default="main")
    plate: Mapped[str | None] = mapped_column(String(20))
    issuer_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False)
    issuer = relationship("Staff", foreign_keys=[issuer_id], lazy="joined")
    # the owner's phone confirmation: the owner phoned, by whom, when, the answer
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("occupant.id"), index=True)
    owner = relationship("Occupant", lazy="joined")
    confirm_called_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    confirm_called_by = relationship("Staff", foreign_keys=[confirm_called_by_id],
                                     lazy="joined")
    confirm_called_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirm_result: Mapped[str | None] = mapped_column(String(12))
    public_info_id: Mapped[int | None] = mapped_column(ForeignKey("public_info.id"))
    public_info = relationship("PublicInfoEntry", lazy="joined")
    # the gate: security's check, once
    guard_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    guard = relationship("Staff", foreign_keys=[guard_id], lazy="joined")
    checked_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    items = relationship("ExitPassItem", back_populates="exit_pass", lazy="selectin",
                         order_by="ExitPassItem.id", cascade="save-update, merge")

    @property
    def number(self) -> str:
        return f"{self.pass_no:06d}" if self.pass_no else ""

    def state(self, now: datetime) -> str:
        """已开具 / 已放行 / 已过期 / 作废 at ``now`` (UTC)."""
        if self.voided_at is not None:
            return "void"
        if self.checked_at is not None:
            return "used"
        return "expired" if now >= self.valid_until else "issued"

    def __str__(self) -> str:
        return f"No.{self.number} {self.holder_name}"


class ExitPassItem(RegisterMixin, db.Model):
    """所携带物品及数量: one line of goods on a pass."""

    __tablename__ = "exit_pass_item"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)
    exit_pass_id: Mapped[int] = mapped_column(ForeignKey("exit_pass.id"), nullable=False,
                                              index=True)
    exit_pass = relationship("ExitPass", back_populates="items")
    name: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    quantity: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    def __str__(self) -> str:
        return f"{self.name} ×{self.quantity}"
