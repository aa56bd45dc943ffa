"""公共信息记录表: every call, visit and message the front desk takes (the guide,
Part 3 ch. 1-2 and 8: calls, repairs, enquiries, an owner's release of goods).
The columns are the paper form's: date and time, room, caller number, reason,
work-order number, receiver, forwarded to, completion, category A-D, notes."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import RegisterMixin, db

INFO_CATEGORIES = ("A", "B", "C", "D")
OPEN = "completed_at IS NULL AND voided_at IS NULL"
INFO_CATEGORY_LABELS = {"A": _l("A complaint"), "B": _l("B enquiry"),
                        "C": _l("C suggestion or request"), "D": _l("D other")}


class PublicInfoEntry(RegisterMixin, db.Model):
    """One line of the 公共信息记录表."""

    __tablename__ = "public_info"
    __personal__ = frozenset({"caller_phone"})
    __search_indexed__ = ("reason", "caller_name", "caller_phone")
    __table_args__ = (
        # the list's orders and the date filter, per property (ending in the id, the
        # list's tie-break) and across properties, for head office
        Index("ix_public_info_property_received", "property_id", "received_at", "id"),
        Index("ix_public_info_property_completed", "property_id", "completed_at", "id"),
        Index("ix_public_info_received", "received_at", "id"),
        Index("ix_public_info_completed", "completed_at", "id"),
        # open matters (the due list): only lines not completed are in it
        Index("ix_public_info_open", "property_id", "received_at",
              sqlite_where=text(OPEN), postgresql_where=text(OPEN)),
    )
    received_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    unit = relationship("Unit", lazy="joined")
    caller_name: Mapped[str | None] = mapped_column(String(60))
    caller_phone: Mapped[str | None] = mapped_column(String(30), index=True)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    work_order_no: Mapped[int | None] = mapped_column(index=True)
    receiver_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False, index=True)
    receiver = relationship("Staff", foreign_keys=[receiver_id], lazy="joined")
    forwarded_to: Mapped[str | None] = mapped_column(String(20), index=True)
    # 信息接受人: the person the matter went to (older lines name only a department).
    forwarded_to_person_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"),
                                                               index=True)
    forwarded_to_person = relationship("Staff", foreign_keys=[forwarded_to_person_id],
                                       lazy="joined")
    completed_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    completion: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(1), nullable=False, default="B", index=True)
    notes: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.reason[:20]}"
