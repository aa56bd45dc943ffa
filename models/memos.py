"""内部联络单 (guide Part 5): a numbered note from one department to another,
acknowledged by the receiving department, answered with a result.  It may be about
a complaint or a line of the 公共信息记录表; ``link_table``/``link_id`` name any
other record (e.g. a patrol problem) without a foreign key of its own."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import RegisterMixin, db

OPEN = "replied_at IS NULL AND voided_at IS NULL"
UNACKNOWLEDGED = "received_at IS NULL AND voided_at IS NULL"


class InternalMemo(RegisterMixin, db.Model):
    """One 内部联络单."""

    __tablename__ = "internal_memo"
    __search_indexed__ = ("content", "result", "recipient_name")
    __table_args__ = (
        UniqueConstraint("property_id", "memo_no", name="memo_no_once"),
        *[Index(f"ix_internal_memo_{scope}by_{column}", *lead, column, "id")
          for column in ("sent_at", "memo_no", "due_at")
          for scope, lead in (("property_", ("property_id",)), ("", ()))],
        Index("ix_internal_memo_open", "property_id", "due_at",
              sqlite_where=text(OPEN), postgresql_where=text(OPEN)),
        Index("ix_internal_memo_unacknowledged", "property_id", "sent_at",
              sqlite_where=text(UNACKNOWLEDGED), postgresql_where=text(UNACKNOWLEDGED)),
        Index("ix_internal_memo_link", "link_table", "link_id"),
    )
    memo_no: Mapped[int] = mapped_column(Integer, nullable=False)
    from_department: Mapped[str] = mapped_column(String(20), nullable=False)
    sender_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False, index=True)
    sender = relationship("Staff", foreign_keys=[sender_id], lazy="joined")
    to_department: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    recipient = relationship("Staff", foreign_keys=[recipient_id], lazy="joined")
    recipient_name: Mapped[str | None] = mapped_column(String(60))
    sent_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    due_at: Mapped[datetime | None] = mapped_column(DateTime)
    received_at: Mapped[datetime | None] = mapped_column(DateTime)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    received_by = relationship("Staff", foreign_keys=[received_by_id], lazy="joined")
    received_name: Mapped[str | None] = mapped_column(String(60))
    result: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None] = mapped_column(DateTime)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"), index=True)
    complaint = relationship("Complaint", lazy="joined")
    public_info_id: Mapped[int | None] = mapped_column(ForeignKey("public_info.id"), index=True)
    public_info = relationship("PublicInfoEntry", lazy="joined")
    link_table: Mapped[str | None] = mapped_column(String(64))
    link_id: Mapped[int | None] = mapped_column(Integer)

    @property
    def number(self) -> str:
        return f"LL{self.memo_no:05d}" if self.memo_no else ""

    def __str__(self) -> str:
        return f"{self.number} {(self.content or '')[:20]}"
