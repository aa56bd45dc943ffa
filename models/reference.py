"""Reference data every register points to: property, building, unit, occupant."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
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

    def __str__(self) -> str:
        return self.room


OCCUPANT_KINDS = ("owner", "tenant", "family", "other")


class Occupant(RegisterMixin, db.Model):
    """业主/住户 — basic contact fields; the full owner file comes with its own register."""

    __tablename__ = "occupant"
    __personal__ = frozenset({"phone", "phone2"})
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False, index=True)
    unit: Mapped[Unit] = relationship(lazy="joined")
    name: Mapped[str] = mapped_column(String(60), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="owner")
    phone: Mapped[str | None] = mapped_column(String(40))
    phone2: Mapped[str | None] = mapped_column(String(40))
    moved_in_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return f"{self.name} · {self.unit.room}" if self.unit else self.name
