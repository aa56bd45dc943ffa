"""Reference data every register points to: property, building, unit, occupant."""
from __future__ import annotations

from datetime import date

from sqlalchemy import (Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint,
                        false)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import CreatedMixin, RegisterMixin, VersionedMixin, VoidableMixin, db


class Property(VersionedMixin, VoidableMixin, CreatedMixin, db.Model):
    """管理处/小区 — the unit of data scoping: staff see their own property's rows."""

    __tablename__ = "property"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))

    # Every property-scoped view filters on this column name.
    @property
    def property_id(self) -> int:
        return self.id

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Building(RegisterMixin, db.Model):
    """楼栋."""

    __tablename__ = "building"
    __table_args__ = (UniqueConstraint("property_id", "name"),)
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    floors: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return self.name


class Unit(RegisterMixin, db.Model):
    """房号 — one home or office; vacant homes get the 空置房 inspections later."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("property_id", "room"),)
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), nullable=False, index=True)
    building: Mapped[Building] = relationship(lazy="joined")
    room: Mapped[str] = mapped_column(String(40), nullable=False)
    floor: Mapped[int | None] = mapped_column(Integer)
    area_m2: Mapped[float | None] = mapped_column(db.Numeric(10, 2))
    vacant: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    notes: Mapped[str | None] = mapped_column(Text)

    # what __str__ reads: a list showing this row by its name loads only these
    __str_columns__ = ("room",)

    def __str__(self) -> str:
        return self.room


OCCUPANT_KINDS = ("owner", "tenant", "family", "other")
ID_TYPES = ("id_card", "passport", "hk_macau", "taiwan", "other")
FEE_CYCLES = ("month", "quarter", "half_year", "year")
SECRECY_LEVELS = ("normal", "important", "secret")


class Occupant(RegisterMixin, db.Model):
    """业主基本情况登记表 — one file per person and unit (owner, tenant, family member).

    Every register that links an occupant (keys, custody, service orders) keeps its
    link: the owner file is this row, extended (guide Part 3 ch.5)."""

    __tablename__ = "occupant"
    __personal__ = frozenset({"phone", "phone2", "id_number", "employer", "address",
                              "emergency_phone", "emergency_address"})
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False, index=True)
    unit: Mapped[Unit] = relationship(lazy="joined")
    name: Mapped[str] = mapped_column(String(60), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="owner")
    phone: Mapped[str | None] = mapped_column(String(40))
    phone2: Mapped[str | None] = mapped_column(String(40))
    moved_in_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    # -- the owner file (业主基本情况登记表); all nullable: older rows stay valid -----
    id_type: Mapped[str | None] = mapped_column(String(16))
    id_number: Mapped[str | None] = mapped_column(String(40))
    employer: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(200))
    emergency_name: Mapped[str | None] = mapped_column(String(60))
    emergency_phone: Mapped[str | None] = mapped_column(String(40))
    emergency_address: Mapped[str | None] = mapped_column(String(200))
    fee_cycle: Mapped[str | None] = mapped_column(String(16))
    title_filed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                              server_default=false())
    title_filed_on: Mapped[date | None] = mapped_column(Date)
    paper_location: Mapped[str | None] = mapped_column(String(100))
    secrecy: Mapped[str] = mapped_column(String(16), nullable=False, default="normal",
                                         server_default="normal")
    # 档案管理人: a change of keeper is a change of this field, kept in its history
    keeper_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    keeper = relationship("Staff", foreign_keys=[keeper_id], lazy="joined")
    family = relationship("OccupantFamilyMember", back_populates="occupant",
                          order_by="OccupantFamilyMember.id")

    # what __str__ reads besides its own columns: a list showing occupants loads it
    # with them (admin_views/list_query.py ``_lean``), not once per row
    __str_loads__ = ("unit",)
    __str_columns__ = ("name",)

    def __str__(self) -> str:
        return f"{self.name} · {self.unit.room}" if self.unit else self.name
