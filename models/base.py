"""The SQLAlchemy instance and the mixins every register is built from.

A register model is ``class Key(RegisterMixin, db.Model)``: it then carries the
property it belongs to, an optimistic-lock version, creation stamps and the void
state.  History is written for every mapped model by ``audit.listener``; nothing
here needs to opt in.
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, ForeignKey, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    """Naive UTC timestamp: one format on SQLite and PostgreSQL alike."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class VersionedMixin:
    """Optimistic concurrency: UPDATE … WHERE version = :seen, else StaleDataError."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}


class VoidableMixin:
    """Registers are never deleted: a row is voided with a reason and stays listed."""

    voided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    void_reason: Mapped[str | None] = mapped_column(Text, nullable=True)

    @declared_attr
    def voided_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("staff.id", use_alter=True), nullable=True)

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class CreatedMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        # use_alter: staff and property refer to each other.
        return mapped_column(ForeignKey("staff.id", use_alter=True), nullable=True)


class PropertyScopedMixin:
    """Every register row belongs to one property (管理处/小区); staff see their own."""

    @declared_attr
    def property_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("property.id"), nullable=False, index=True)

    @declared_attr
    def property(cls):
        from sqlalchemy.orm import relationship

        return relationship("Property", lazy="joined", innerjoin=True)


class RegisterMixin(PropertyScopedMixin, VersionedMixin, VoidableMixin, CreatedMixin):
    """All the columns a register row needs besides its own fields."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)


def short_str(value: str | None, length: int = 40) -> str:
    value = value or ""
    return value if len(value) <= length else value[: length - 1] + "…"


__all__ = [
    "db", "Base", "utcnow", "VersionedMixin", "VoidableMixin", "CreatedMixin",
    "PropertyScopedMixin", "RegisterMixin", "String", "short_str",
]
