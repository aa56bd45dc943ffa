"""交接班记录表 (the guide's 交接班管理制度; seed 001 §4.2): the outgoing person hands the
desk over, the incoming person co-signs with their own PIN or password.  What the
desk holds (keys, deposits, service-order numbers, charged orders) is computed from
the other registers and kept as a snapshot of the moment of entry; the open matters
(未完成事项) are child rows carried from one handover to the next until closed."""
from __future__ import annotations

import json
from datetime import datetime, time
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (Boolean, DateTime, ForeignKey, Index, Integer, String, Text, Time,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import RegisterMixin, db
from .workflow import CosignMixin

SHIFTS = ("day", "night")
SHIFT_LABELS = {"day": _l("Day shift"), "night": _l("Night shift")}
MATTER_STATES = ("open", "closed")
MATTER_STATE_LABELS = {"open": _l("Not done yet"), "closed": _l("Closed")}
WAITING = "cosigned_by_id IS NULL AND voided_at IS NULL"


COSIGNED = "cosigned_at IS NOT NULL AND voided_at IS NULL"


class ShiftHandover(RegisterMixin, CosignMixin, db.Model):
    """One 交接班记录表: counts only once the incoming person has co-signed."""

    __tablename__ = "shift_handover"
    __search_indexed__ = ("duty_log", "key_discrepancy", "incident_note")
    __table_args__ = (
        Index("ix_shift_handover_property_at", "property_id", "handed_over_at", "id"),
        Index("ix_shift_handover_at", "handed_over_at", "id"),
        # handovers waiting for the incoming person (the co-signs waiting list)
        Index("ix_shift_handover_waiting", "incoming_id",
              sqlite_where=text(WAITING), postgresql_where=text(WAITING)),
        # the last week's co-signed handovers no supervisor read (every supervisor's
        # home page; without it every handover ever co-signed was read).  Partial, so
        # that no other query can take it: SQLite, without statistics for a new index,
        # took a plain one for the list's ``property_id = ?`` and sorted a million rows
        Index("ix_shift_handover_property_cosigned", "property_id", "cosigned_at",
              sqlite_where=text(COSIGNED), postgresql_where=text(COSIGNED)),
    )
    shift: Mapped[str] = mapped_column(String(8), nullable=False, default="day")
    handed_over_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    outgoing_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False, index=True)
    outgoing = relationship("Staff", foreign_keys=[outgoing_id], lazy="joined")
    incoming_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False, index=True)
    incoming = relationship("Staff", foreign_keys=[incoming_id], lazy="joined")
    duty_log: Mapped[str | None] = mapped_column(Text)
    reported_to: Mapped[str | None] = mapped_column(String(60))
    reported_at: Mapped[datetime | None] = mapped_column(DateTime)
    # 钥匙交接
    keys_expected: Mapped[int | None] = mapped_column(Integer)
    keys_counted: Mapped[int | None] = mapped_column(Integer)
    key_discrepancy: Mapped[str | None] = mapped_column(Text)
    # 寄存物品交接
    deposits_checked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # 服务单统计 (缺号跟踪人 = the outgoing person)
    order_no_from: Mapped[int | None] = mapped_column(Integer)
    order_no_to: Mapped[int | None] = mapped_column(Integer)
    # 收费服务单交财务 (night shift)
    charged_orders_handed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    handed_to_finance_at: Mapped[datetime | None] = mapped_column(DateTime)
    incident_note: Mapped[str | None] = mapped_column(Text)
    # The computed sections as they were at entry: {name: {"title", "rows", …}}
    # (rules/handover.py SECTIONS), JSON text.
    sections_json: Mapped[str | None] = mapped_column(Text)
    matters = relationship("HandoverMatter", back_populates="handover", lazy="select",
                           cascade="all, delete-orphan", order_by="HandoverMatter.id")

    @property
    def sections(self) -> dict[str, Any]:
        return json.loads(self.sections_json) if self.sections_json else {}

    @property
    def is_done(self) -> bool:
        """Counts as a handover: not void and co-signed by the incoming person."""
        return self.voided_at is None and self.is_cosigned

    def describe(self) -> str:
        who = self.outgoing.full_name if self.outgoing else ""
        return f"{self.handed_over_at:%Y-%m-%d %H:%M} {who}"

    def __str__(self) -> str:
        return f"#{self.id} {self.handed_over_at:%Y-%m-%d %H:%M}" if self.handed_over_at \
            else f"#{self.id}"


class HandoverMatter(RegisterMixin, db.Model):
    """未完成事项: one open matter, the butler who follows it up (管家跟踪制), whether
    it was also handed over orally, and its state."""

    __tablename__ = "handover_matter"
    handover_id: Mapped[int] = mapped_column(ForeignKey("shift_handover.id"), nullable=False,
                                             index=True)
    handover = relationship("ShiftHandover", back_populates="matters")
    text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    butler_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    butler = relationship("Staff", foreign_keys=[butler_id], lazy="joined")
    orally_handed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    public_info_id: Mapped[int | None] = mapped_column(ForeignKey("public_info.id"), index=True)
    public_info = relationship("PublicInfoEntry", lazy="joined")
    status: Mapped[str] = mapped_column(String(8), nullable=False, default="open")

    def __str__(self) -> str:
        return (self.text or "")[:40]


class ShiftSetting(RegisterMixin, db.Model):
    """班次时间 of one property (白班 starts, 夜班 starts) and how long before a shift
    ends its handover must be done (seed 001 4.2.1: 交接双方必须提前十分钟交接完工作).
    Without a row the property works 08:00–20:00 / 20:00–08:00."""

    __tablename__ = "shift_setting"
    __table_args__ = (UniqueConstraint("property_id", name="one_shift_setting_per_property"),)
    day_starts: Mapped[time] = mapped_column(Time, nullable=False, default=time(8, 0))
    night_starts: Mapped[time] = mapped_column(Time, nullable=False, default=time(20, 0))
    lead_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=10)

    def __str__(self) -> str:
        return f"{self.day_starts:%H:%M}–{self.night_starts:%H:%M}"


class HandoverRead(RegisterMixin, db.Model):
    """已阅: one person of the desk has read one handover (客服部任何员工每天要查看
    《交接班记录表》); at most once per person and handover."""

    __tablename__ = "handover_read"
    __table_args__ = (UniqueConstraint("handover_id", "staff_id", name="one_read_per_person"),)
    handover_id: Mapped[int] = mapped_column(ForeignKey("shift_handover.id"), nullable=False,
                                             index=True)
    handover = relationship("ShiftHandover", lazy="joined")
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False, index=True)
    staff = relationship("Staff", foreign_keys=[staff_id], lazy="joined")
    read_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)

    __str_loads__ = ("staff",)  # read by __str__: loaded with a list's rows

    def __str__(self) -> str:
        return f"{self.staff.full_name if self.staff else ''} {self.read_at:%Y-%m-%d %H:%M}"
