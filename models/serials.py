"""Gapless per-property serial numbers for registers other than service orders
(which keep their own ``ServiceOrderSequence``): one row per (property, register)
holding the last number issued; ``rules.serials.next_number`` takes the next one
inside the transaction that inserts the record."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import db


class RegisterSequence(db.Model):
    """The last serial number issued per property and register (编号)."""

    __tablename__ = "register_sequence"
    # Not a register: every number it hands out is in history with its record.
    __audited__ = False
    property_id: Mapped[int] = mapped_column(ForeignKey("property.id"), primary_key=True)
    register: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_no: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
