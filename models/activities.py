"""社区文化活动工作流程 (guide Part 3 ch. 9): the 社区文化年度活动计划 listed every December
for the next year, the 活动方案 submitted 30 days before each activity, both approved by
the general manager, and the 社区文化活动记录表 with its numbered photos.  Kept
permanently: nothing here is ever deleted."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import (CheckConstraint, Date, DateTime, ForeignKey, Index, Integer,
                        Numeric, String, Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import RegisterMixin, db
from .ops import StoredFileMixin
from .workflow import ApprovalRequestMixin

MONEY = Numeric(10, 2)
# The large activities every year's plan holds (the guide: 兒童節、中秋節、聖誕節).
REQUIRED_FESTIVALS = ("儿童节", "中秋节", "圣诞节")


class ActivityPlan(RegisterMixin, ApprovalRequestMixin, db.Model):
    """社区文化年度活动计划: listed in December, reviewed by the general manager."""

    __tablename__ = "activity_plan"
    __chain__ = "activity_plan"
    year: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    lines = relationship("ActivityPlanLine", back_populates="plan", lazy="selectin",
                         order_by="ActivityPlanLine.planned_on", cascade="save-update, merge")

    @property
    def total_budget(self) -> Decimal:
        return sum((ln.budget or Decimal("0") for ln in self.lines), Decimal("0"))

    def describe(self) -> str:
        return _("Community activity plan %(year)s (%(n)s activities, budget %(b)s yuan)",
                 year=self.year, n=len(self.lines), b=self.total_budget)

    def __str__(self) -> str:
        return f"{self.year}"


class ActivityPlanLine(RegisterMixin, db.Model):
    """One activity of the year's plan: 活动时间, 活动主题, 费用预算."""

    __tablename__ = "activity_plan_line"
    __table_args__ = (CheckConstraint("budget >= 0", name="budget_not_negative"),)
    plan_id: Mapped[int] = mapped_column(ForeignKey("activity_plan.id"), nullable=False,
                                         index=True)
    plan = relationship("ActivityPlan", back_populates="lines")
    planned_on: Mapped[date] = mapped_column(Date, nullable=False)
    theme: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    budget: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=Decimal("0"))

    def __str__(self) -> str:
        return f"{self.planned_on} {self.theme}"


class ActivityProposal(RegisterMixin, ApprovalRequestMixin, db.Model):
    """活动方案: submitted at least 30 days before the activity, approved by the
    general manager; the owners are told at least a week before."""

    __tablename__ = "activity_proposal"
    __chain__ = "activity_proposal"
    __table_args__ = (CheckConstraint("budget >= 0", name="budget_not_negative"),)
    theme: Mapped[str] = mapped_column(String(80), nullable=False)
    planned_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    costs_materials: Mapped[str | None] = mapped_column(Text)    # 所需费用及物料
    staffing: Mapped[str | None] = mapped_column(Text)           # 现场人员安排
    budget: Mapped[Decimal] = mapped_column(MONEY, nullable=False, default=Decimal("0"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    # 已通知业主: the day the owners' notice went out.  Since the notice register
    # exists it is the dispatch date of the 重要信息 raised from the proposal
    # (``notice``); older rows keep the date typed on the proposal.
    owners_notified_on: Mapped[date | None] = mapped_column(Date)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("important_notice.id"),
                                                  index=True)
    notice = relationship("ImportantNotice", lazy="select")

    def describe(self) -> str:
        return _("Activity proposal: %(theme)s on %(day)s (budget %(b)s yuan)",
                 theme=self.theme, day=self.planned_on, b=self.budget)

    def __str__(self) -> str:
        return f"{self.planned_on} {self.theme}"


class ActivityRecord(RegisterMixin, db.Model):
    """社区文化活动记录表: what was held, by whom, with its photos and the report
    handed to the office."""

    __tablename__ = "activity_record"
    __search_indexed__ = ("place", "summary")
    __table_args__ = (
        CheckConstraint("participants >= 0", name="participants_not_negative"),
        CheckConstraint("visited_count >= 0", name="visited_not_negative"),
        Index("ix_activity_record_property_held", "property_id", "held_at", "id"),
    )
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("activity_proposal.id"),
                                                    index=True)
    proposal = relationship("ActivityProposal", lazy="joined")
    theme: Mapped[str] = mapped_column(String(80), nullable=False)
    held_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    place: Mapped[str] = mapped_column(String(120), nullable=False)
    participants: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    leader_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False)
    leader = relationship("Staff", foreign_keys=[leader_id], lazy="joined")
    summary: Mapped[str | None] = mapped_column(Text)             # 过程记录 / 文字总结
    album_no: Mapped[str | None] = mapped_column(String(40))      # 相册编号
    report_submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Follow-up visits counted by hand before the 客户回访记录表 linked its visits
    # here (old rows); new visits are rows of kind 活动 (``rules.activities.visits_done``).
    visited_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    photos = relationship("ActivityPhoto", back_populates="record", lazy="select",
                          order_by="ActivityPhoto.seq_no")

    def __str__(self) -> str:
        return f"{self.held_at:%Y-%m-%d} {self.theme}" if self.held_at else self.theme


class ActivityPhoto(StoredFileMixin, RegisterMixin, db.Model):
    """A numbered photo with what its back says (时间, 主题, 主人公, 照相人, 内容简介);
    the file is stored like a deposit's photo (``rules.valuables``)."""

    __tablename__ = "activity_photo"
    __table_args__ = (UniqueConstraint("record_id", "seq_no", name="photo_number_once"),)
    record_id: Mapped[int] = mapped_column(ForeignKey("activity_record.id"), nullable=False,
                                           index=True)
    record = relationship("ActivityRecord", back_populates="photos")
    seq_no: Mapped[int] = mapped_column(Integer, nullable=False)
    taken_at: Mapped[datetime | None] = mapped_column(DateTime)
    theme: Mapped[str | None] = mapped_column(String(80))
    subject: Mapped[str | None] = mapped_column(String(80))       # 照片主人公
    photographer: Mapped[str | None] = mapped_column(String(60))
    description: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return f"No.{self.seq_no} {self.subject or ''}".strip()
