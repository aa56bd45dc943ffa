"""Gapless per-property numbers for registers other than service orders.

``RegisterSequence`` holds the last number issued per (register, property);
``rules.sequence.next_number`` takes the next one inside the transaction that
inserts the numbered row, like ``rules.service_orders.next_serial``: a rollback
gives the number back, a second writer waits for the row lock."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import db


class RegisterSequence(db.Model):
    """Not a register: every number it hands out is in history with its record."""

    __tablename__ = "register_sequence"
    __audited__ = False
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("property.id"), primary_key=True)
    last_no: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
