"""客户投诉处理记录表 (guide Part 3 ch.3; seed 002 §7; seed 003 篇4), the
不合格品/服务记录处理单 of a complaint whose loss is over 500 yuan (an approval
chain), the per-property work calendar the complaint deadlines count working days
in, and the per-register serial numbers complaints and internal memos share.

``models.sequence.RegisterSequence`` (shared) works like ``ServiceOrderSequence``: one row per (register,
property), incremented by one ``UPDATE … RETURNING`` inside the creating
transaction, so numbers are gapless and never issued twice."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String,
                        Text, UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import RegisterMixin, db
from .workflow import ApprovalRequestMixin

COMPLAINT_CHANNELS = ("phone", "letter", "in_person", "online", "referred")
CHANNEL_LABELS = {"phone": _l("Telephone"), "letter": _l("In writing"),
                  "in_person": _l("In person"), "online": _l("Online"),
                  "referred": _l("Referred from above")}
COMPLAINT_CATEGORIES = ("engineering", "customer_service", "security", "environment")
CATEGORY_LABELS = {"engineering": _l("Engineering and repairs"),
                   "customer_service": _l("Customer service class"),
                   "security": _l("Security services"), "environment": _l("Environment")}
SEVERITIES = ("minor", "important", "major", "unable", "invalid")
SEVERITY_LABELS = {"minor": _l("Minor"), "important": _l("Important"), "major": _l("Major"),
                   "unable": _l("Cannot be handled for now"), "invalid": _l("Invalid")}
OPEN = "closed_at IS NULL AND voided_at IS NULL"


class WorkCalendarDay(RegisterMixin, db.Model):
    """A public holiday (no work) or an extra working day (调休上班) of a property;
    every other Monday–Friday is a working day."""

    __tablename__ = "work_calendar_day"
    __table_args__ = (UniqueConstraint("property_id", "day", name="one_entry_per_day"),)
    day: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    working: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    note: Mapped[str | None] = mapped_column(String(60))

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.note or ''}"


class Complaint(RegisterMixin, db.Model):
    """One complaint; the receiver (signed in when it is logged) tracks it to the end."""

    __tablename__ = "complaint"
    __personal__ = frozenset({"phone"})
    __search_indexed__ = ("content", "complainant", "handling")
    __table_args__ = (
        UniqueConstraint("property_id", "complaint_no", name="complaint_no_once"),
        # the list's orders, per property and across properties (head office)
        *[Index(f"ix_complaint_{scope}by_{column}", *lead, column, "id")
          for column in ("received_at", "complaint_no", "resolved_at")
          for scope, lead in (("property_", ("property_id",)), ("", ()))],
        Index("ix_complaint_open", "property_id", "received_at",
              sqlite_where=text(OPEN), postgresql_where=text(OPEN)),
    )
    complaint_no: Mapped[int] = mapped_column(Integer, nullable=False)
    received_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    channel: Mapped[str] = mapped_column(String(12), nullable=False, default="phone")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    unit = relationship("Unit", lazy="joined")
    complainant: Mapped[str] = mapped_column(String(60), nullable=False)
    phone: Mapped[str | None] = mapped_column(String(30))
    content: Mapped[str] = mapped_column(Text, nullable=False)
    receiver_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False, index=True)
    receiver = relationship("Staff", foreign_keys=[receiver_id], lazy="joined")
    recorder_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    recorder = relationship("Staff", foreign_keys=[recorder_id], lazy="joined")
    public_info_id: Mapped[int | None] = mapped_column(ForeignKey("public_info.id"),
                                                       unique=True)
    public_info = relationship("PublicInfoEntry", lazy="joined")
    category: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    severity: Mapped[str] = mapped_column(String(12), nullable=False, index=True)
    severity_reason: Mapped[str | None] = mapped_column(Text)
    classified_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    classified_by = relationship("Staff", foreign_keys=[classified_by_id], lazy="joined")
    classified_at: Mapped[datetime | None] = mapped_column(DateTime)
    reasonable: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    owner_deadline: Mapped[datetime | None] = mapped_column(DateTime)
    reply_days: Mapped[int | None] = mapped_column(Integer)
    reply_due: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    resolve_due: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    memo_due: Mapped[datetime | None] = mapped_column(DateTime)       # 重要: receipt + 30 min
    memo_sent_at: Mapped[datetime | None] = mapped_column(DateTime)   # the first memo's time
    visit_due: Mapped[datetime | None] = mapped_column(DateTime)      # resolution + 2 days
    first_visit_at: Mapped[datetime | None] = mapped_column(DateTime)  # its first follow-up
    first_reply_at: Mapped[datetime | None] = mapped_column(DateTime)
    handling: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    loss_amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    reported_to_gm_at: Mapped[datetime | None] = mapped_column(DateTime)
    gm_acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    gm_acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    gm_acknowledged_by = relationship("Staff", foreign_keys=[gm_acknowledged_by_id],
                                      lazy="joined")
    manager_visited_at: Mapped[datetime | None] = mapped_column(DateTime)
    owner_confirmed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    closed_by = relationship("Staff", foreign_keys=[closed_by_id], lazy="joined")

    @property
    def number(self) -> str:
        return f"TS{self.complaint_no:05d}" if self.complaint_no else ""

    def __str__(self) -> str:
        return f"{self.number} {(self.content or '')[:20]}"


class ComplaintLossReport(RegisterMixin, ApprovalRequestMixin, db.Model):
    """不合格品/服务记录处理单 for a complaint whose loss is over 500 yuan: the
    department manager analyses, the general manager (管理者代表) approves."""

    __tablename__ = "complaint_loss_report"
    __chain__ = "complaint_loss"
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), nullable=False,
                                              index=True)
    complaint = relationship("Complaint", lazy="joined")
    nonconformity: Mapped[str] = mapped_column(Text, nullable=False)
    cause_analysis: Mapped[str] = mapped_column(Text, nullable=False)
    corrective_action: Mapped[str] = mapped_column(Text, nullable=False)
    responsible: Mapped[str] = mapped_column(String(60), nullable=False)
    deadline: Mapped[date] = mapped_column(Date, nullable=False)

    def describe(self) -> str:
        no = self.complaint.number if self.complaint else ""
        return f"#{self.id} {no} {(self.nonconformity or '')[:30]}"

    def __str__(self) -> str:
        return self.describe()


SUMMARY_KINDS = ("month", "quarter")
SUMMARY_KIND_LABELS = {"month": _l("Monthly complaint summary"),
                       "quarter": _l("Quarterly complaint analysis")}


class ComplaintSummary(RegisterMixin, db.Model):
    """投诉记录汇总表 of one month (due by the 28th) or the quarter's analysis (guide
    ch.3 五: 月度统计, 按季度分析), confirmed by the department manager; the counts are
    read from the register when printed, the conclusion is typed here."""

    __tablename__ = "complaint_summary"
    __table_args__ = (UniqueConstraint("property_id", "kind", "period_start",
                                       name="one_summary_per_period"),)
    kind: Mapped[str] = mapped_column(String(8), nullable=False, default="month")
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    conclusion: Mapped[str | None] = mapped_column(Text)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    confirmed_by = relationship("Staff", foreign_keys=[confirmed_by_id], lazy="joined")
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)

    def __str__(self) -> str:
        label = SUMMARY_KIND_LABELS.get(self.kind, self.kind)
        return f"{label} {self.period_start:%Y-%m}" if self.period_start else str(label)
