"""重要信息的发布 (the guide, Part 6): an important notice drafted by customer
service, approved by the department manager or the general manager, then carried
out by phone, in writing or on the notice board; each carrying-out is a line of the
发文记录 (kept at least a year: nothing is ever deleted)."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (Boolean, Date, DateTime, ForeignKey, Index, Integer, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import RegisterMixin, db
from .ops import StoredFileMixin
from .workflow import ApprovalRequestMixin

NOTICE_CATEGORIES = ("weather", "outage", "community", "policy")
NOTICE_CATEGORY_LABELS = {
    "weather": _l("Weather"), "outage": _l("Water, power or gas cut and other disruptions"),
    "community": _l("Community information"), "policy": _l("Policies and house rules")}
CHANNELS = ("phone", "written", "board")
CHANNEL_LABELS = {"phone": _l("Phone notice"), "written": _l("Written notice"),
                  "board": _l("Notice board posting")}
STAGES = ("draft", "approved", "publishing", "done", "withdrawn")
STAGE_LABELS = {"draft": _l("Draft"), "approved": _l("Approved"),
                "publishing": _l("Being published"), "done": _l("Completed"),
                "withdrawn": _l("Taken down")}


class ImportantNotice(ApprovalRequestMixin, RegisterMixin, db.Model):
    """重要信息: one notice and its approval (chain ``important_notice``)."""

    __tablename__ = "important_notice"
    __chain__ = "important_notice"
    __table_args__ = (UniqueConstraint("property_id", "serial_no"),
                      Index("ix_important_notice_property_created", "property_id",
                            "created_at", "id"))
    serial_no: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    category: Mapped[str] = mapped_column(String(12), nullable=False, default="outage")
    content: Mapped[str] = mapped_column(Text, nullable=False)
    # ticked channels, "phone,written,board" (Text: a set of checkboxes, not typed text)
    channels: Mapped[str] = mapped_column(Text, nullable=False, default="written")
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_until: Mapped[date | None] = mapped_column(Date)
    sealed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    key_notice: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    taken_down_at: Mapped[datetime | None] = mapped_column(DateTime)
    taken_down_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    taken_down_by = relationship("Staff", foreign_keys=[taken_down_by_id], lazy="joined")
    dispatches = relationship("NoticeDispatch", back_populates="notice",
                              order_by="NoticeDispatch.id", lazy="selectin")
    attachments = relationship("NoticeAttachment", back_populates="notice",
                               order_by="NoticeAttachment.id", lazy="selectin")

    @property
    def channel_list(self) -> list[str]:
        return [c for c in (self.channels or "").split(",") if c]

    @property
    def stage(self) -> str:
        """草稿 / 已批准 / 发布中 / 已完成 / 已回收, from the approval and the dispatches."""
        if self.taken_down_at is not None:
            return "withdrawn"
        if self.status != "approved":
            return "draft"
        if self.completed_at is not None:
            return "done"
        return "publishing" if any(d.voided_at is None for d in self.dispatches) else "approved"

    def describe(self) -> str:
        return f"No.{self.serial_no} {self.title}"

    def __str__(self) -> str:
        return self.describe()


class NoticeDispatch(RegisterMixin, db.Model):
    """发文记录: one carrying-out of an approved notice."""

    __tablename__ = "notice_dispatch"
    __personal__ = frozenset({"called_phone"})
    __table_args__ = (Index("ix_notice_dispatch_property_sent", "property_id", "sent_at", "id"),)
    notice_id: Mapped[int] = mapped_column(ForeignKey("important_notice.id"), nullable=False,
                                           index=True)
    notice = relationship("ImportantNotice", back_populates="dispatches", lazy="joined")
    channel: Mapped[str] = mapped_column(String(8), nullable=False, default="written")
    scope: Mapped[str | None] = mapped_column(String(200))
    copies: Mapped[int | None] = mapped_column(Integer)
    sender_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False)
    sender = relationship("Staff", foreign_keys=[sender_id], lazy="joined")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    called_party: Mapped[str | None] = mapped_column(String(60))
    called_phone: Mapped[str | None] = mapped_column(String(30))
    confirmed_by: Mapped[str | None] = mapped_column(String(60))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    notes: Mapped[str | None] = mapped_column(String(200))
    # a phone notice is also a line of the 公共信息记录表 (who was called, when)
    public_info_id: Mapped[int | None] = mapped_column(ForeignKey("public_info.id"),
                                                       index=True)
    public_info = relationship("PublicInfoEntry", foreign_keys=[public_info_id],
                               lazy="joined")

    @property
    def channel_label(self) -> str:
        return str(CHANNEL_LABELS.get(self.channel, self.channel))

    def __str__(self) -> str:
        return f"{self.notice.describe() if self.notice else ''} · {self.channel_label}"


class NoticeAttachment(StoredFileMixin, RegisterMixin, db.Model):
    """A file the notice carries (PDF or image), stored like activity photos
    (ops/blobs.py); its SHA-256 is checked whenever it is served."""

    __tablename__ = "notice_attachment"
    notice_id: Mapped[int] = mapped_column(ForeignKey("important_notice.id"), nullable=False,
                                           index=True)
    notice = relationship("ImportantNotice", back_populates="attachments")
