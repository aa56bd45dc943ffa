"""The butlers' areas and what their month is signed off with (the guide, Part 3 ch. 7):

- ``ButlerBuilding`` (区域管家分区): which building a butler looks after; a butler
  reads and keeps the owner files, fee notices and arrears of their own buildings only.
- ``FeeRateConfirmation`` (收费率确认): 每月由管家汇总当月费用收取比率和累计比率，并与
  财务部核实确认签字 — the customer-service side prepares the month's figures, finance
  co-signs them (``rules.two_person``).
- ``OwnerFileTidy`` (客户档案定期整理): the supervisor's quarterly tidy of the files.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import RegisterMixin, db


class ButlerBuilding(RegisterMixin, db.Model):
    """区域管家分区: one building in one butler's care."""

    __tablename__ = "butler_building"
    building_id: Mapped[int] = mapped_column(ForeignKey("building.id"), nullable=False,
                                             index=True)
    building = relationship("Building", lazy="joined")
    butler_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False, index=True)
    butler = relationship("Staff", foreign_keys=[butler_id], lazy="joined")
    notes: Mapped[str | None] = mapped_column(Text)

    __str_loads__ = ("building", "butler")  # read by __str__: loaded with a list's rows

    def __str__(self) -> str:
        return f"{self.building.name if self.building else ''} · " \
               f"{self.butler.full_name if self.butler else ''}"


class FeeRateConfirmation(RegisterMixin, db.Model):
    """收费率确认: the month's figures as prepared, and finance's signature."""

    __tablename__ = "fee_rate_confirmation"
    period: Mapped[str] = mapped_column(String(7), nullable=False)
    figures: Mapped[str] = mapped_column(Text, nullable=False, default="[]")  # JSON rows
    prepared_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False)
    prepared_by = relationship("Staff", foreign_keys=[prepared_by_id], lazy="joined")
    prepared_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    cosigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    cosigned_by = relationship("Staff", foreign_keys=[cosigned_by_id], lazy="joined")
    cosigned_at: Mapped[datetime | None] = mapped_column(DateTime)
    cosign_method: Mapped[str | None] = mapped_column(String(10))

    def __str__(self) -> str:
        return self.period


class OwnerFileTidy(RegisterMixin, db.Model):
    """客户档案定期整理: one quarter's check of a property's owner files."""

    __tablename__ = "owner_file_tidy"
    quarter: Mapped[str] = mapped_column(String(7), nullable=False)       # 2026-Q4
    files_checked: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    files_updated: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    details: Mapped[str | None] = mapped_column(Text)       # which files, what was updated
    done_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False)
    done_by = relationship("Staff", foreign_keys=[done_by_id], lazy="joined")
    done_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)

    def __str__(self) -> str:
        return self.quarter
