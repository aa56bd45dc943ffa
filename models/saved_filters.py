"""Saved list filters: a member of staff's named search + filters + sort of one list
(issue 17 item 7, "saved filters per user for the lists they use daily").

A saved filter is a person's preference, not a register record: it belongs to one
member of staff (not to a property), nobody else sees it, and removing it only sets
``removed_at`` (soft delete, so history keeps what was there, as for every table).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import db, utcnow

NAME_MAX = 40
QUERY_MAX = 1000
VIEW_MAX = 60
PER_LIST = 20            # a person's saved filters per list: a short row of links


class SavedFilter(db.Model):
    """One saved query string of one list (``view``: the list view's endpoint)."""

    __tablename__ = "saved_filter"
    __table_args__ = (
        Index("ix_saved_filter_owner_view", "staff_id", "view", "removed_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False)
    view: Mapped[str] = mapped_column(String(VIEW_MAX), nullable=False)
    name: Mapped[str] = mapped_column(String(NAME_MAX), nullable=False)
    query: Mapped[str] = mapped_column(String(QUERY_MAX), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    def __str__(self) -> str:
        return self.name
