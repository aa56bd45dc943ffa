"""客户回访记录表 (guide ch.4, ch.1 §7, ch.2; seed 003 篇2/篇5): one visit or call
back to a resident, of a kind (new resident, complaint, repair …), linked to what
it follows, with the resident's satisfaction and the desk's review."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (Boolean, Date, DateTime, ForeignKey, Index, String, Text, literal_column,
                        text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import RegisterMixin, db

VISIT_KINDS = ("new_resident", "complaint", "repair", "urgent_repair", "leak", "holiday",
               "routine", "special", "help", "activity", "newspaper", "first_aid", "other")
VISIT_KIND_LABELS = {
    "new_resident": _l("New resident"), "complaint": _l("Complaint"),
    "repair": _l("Repair or service order"), "urgent_repair": _l("Urgent repair"),
    "leak": _l("Leak after rain"), "holiday": _l("Holiday greeting"),
    "routine": _l("Routine visit"), "special": _l("Special service"), "help": _l("Help"),
    "activity": _l("Activity"), "newspaper": _l("Newspapers"), "first_aid": _l("First aid"),
    "other": _l("Other"),
}
VISIT_METHODS = ("phone", "home", "letter", "sms")
VISIT_METHOD_LABELS = {"phone": _l("Telephone"), "home": _l("Home visit"),
                       "letter": _l("Letter"), "sms": _l("Text message")}
RATINGS = ("satisfied", "fair", "dissatisfied")
SECOND_DUE = "needs_second_visit AND voided_at IS NULL"


# "Needs a second visit", written as the partial index ``ix_followup_visit_second_due``
# writes it: SQLite takes a partial index only for the same words, and SQLAlchemy
# writes a boolean column on its own as ``needs_second_visit = 1`` there (PostgreSQL
# takes neither that nor ``IS true``): every home page then read every visit ever made.
NEEDS_SECOND_VISIT = literal_column("followup_visit.needs_second_visit")


class FollowUpVisit(RegisterMixin, db.Model):
    """One line of the 客户回访记录表; the visitor is whoever is signed in."""

    __tablename__ = "followup_visit"
    __search_indexed__ = ("shortcomings", "suggestions")
    __table_args__ = (
        *[Index(f"ix_followup_visit_{scope}by_{column}", *lead, column, "id")
          for column in ("visited_at", "due_on")
          for scope, lead in (("property_", ("property_id",)), ("", ()))],
        Index("ix_followup_visit_property_kind", "property_id", "kind", "visited_at"),
        Index("ix_followup_visit_second_due", "property_id", "visited_at",
              sqlite_where=text(SECOND_DUE), postgresql_where=text(SECOND_DUE)),
        # which new residents and paid orders were visited (every home page): most
        # visits link neither, and SQLite's statistics count those NULLs as one value
        # shared by every row, so it read the whole table rather than the plain index
        *[Index(f"ix_followup_visit_{column}_linked", column,
                sqlite_where=text(f"{column} IS NOT NULL"),
                postgresql_where=text(f"{column} IS NOT NULL"))
          for column in ("occupant_id", "service_order_id")],
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    unit = relationship("Unit", lazy="joined")
    occupant_id: Mapped[int | None] = mapped_column(ForeignKey("occupant.id"), index=True)
    occupant = relationship("Occupant", lazy="joined")
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"), index=True)
    complaint = relationship("Complaint", lazy="joined")
    service_order_id: Mapped[int | None] = mapped_column(ForeignKey("service_order.id"),
                                                         index=True)
    service_order = relationship("ServiceOrder", lazy="joined")
    # 下雨后回访 / 节日 batch, and the 社区文化活动 a visit of kind 活动 follows
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("followup_batch.id"), index=True)
    batch = relationship("FollowUpBatch", lazy="select")       # not in the lists: no join
    activity_record_id: Mapped[int | None] = mapped_column(ForeignKey("activity_record.id"),
                                                           index=True)
    activity_record = relationship("ActivityRecord", lazy="select")
    due_on: Mapped[date | None] = mapped_column(Date)
    visited_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    method: Mapped[str] = mapped_column(String(8), nullable=False, default="phone")
    visitor_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False, index=True)
    visitor = relationship("Staff", foreign_keys=[visitor_id], lazy="joined")
    accompanied_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    accompanied_by = relationship("Staff", foreign_keys=[accompanied_by_id], lazy="joined")
    quality: Mapped[str | None] = mapped_column(String(12))
    effect: Mapped[str | None] = mapped_column(String(12))
    satisfaction: Mapped[str] = mapped_column(String(12), nullable=False, default="satisfied")
    shortcomings: Mapped[str | None] = mapped_column(Text)
    suggestions: Mapped[str | None] = mapped_column(Text)
    customer_confirmed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # 不满意 and no second visit yet (set and cleared by rules.followups.check_visit)
    needs_second_visit: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    second_visit_of_id: Mapped[int | None] = mapped_column(ForeignKey("followup_visit.id"),
                                                           index=True)
    second_visit_of = relationship("FollowUpVisit", remote_side="FollowUpVisit.id",
                                   lazy="joined")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    reviewed_by = relationship("Staff", foreign_keys=[reviewed_by_id], lazy="joined")
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    review_comment: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return f"{self.visited_at:%Y-%m-%d} {VISIT_KIND_LABELS.get(self.kind, self.kind)}"
