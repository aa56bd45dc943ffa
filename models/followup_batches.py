"""回访批次 (guide Part 3 ch.1 §7 and ch.4): a batch of follow-up visits a supervisor
starts after rain (下雨后回访: the units with leak repairs, listed when it starts) or
a holiday greeting (节日回访: the SMS or written greeting, and optional sample
visits).  Visits of the batch are 客户回访记录表 rows linked to it."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import RegisterMixin, db

BATCH_KINDS = ("leak", "holiday")
BATCH_KIND_LABELS = {"leak": _l("Visits after rain (units with leak repairs)"),
                     "holiday": _l("Holiday greetings")}
FESTIVALS = ("new_year", "spring_festival", "labour_day", "children", "teachers",
             "national_day", "double_ninth")
FESTIVAL_LABELS = {"new_year": _l("New Year's Day"), "spring_festival": _l("Spring Festival"),
                   "labour_day": _l("Labour Day"), "children": _l("Children's Day"),
                   "teachers": _l("Teachers' Day"), "national_day": _l("National Day"),
                   "double_ninth": _l("Double Ninth Festival")}
GREETING_METHODS = ("sms", "letter")
GREETING_LABELS = {"sms": _l("Text message (butlers)"),
                   "letter": _l("Written greeting (customer service)")}


class FollowUpBatch(RegisterMixin, db.Model):
    """One 下雨后回访 or 节日回访 batch; ``held_on`` is the rainy day or the festival."""

    __tablename__ = "followup_batch"
    __table_args__ = (Index("ix_followup_batch_property_held", "property_id", "kind",
                            "held_on", "id"),)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    held_on: Mapped[date] = mapped_column(Date, nullable=False)
    festival: Mapped[str | None] = mapped_column(String(16))
    greeting_method: Mapped[str | None] = mapped_column(String(8))
    greeting: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    units = relationship("FollowUpBatchUnit", back_populates="batch", lazy="selectin",
                         order_by="FollowUpBatchUnit.id")

    def __str__(self) -> str:
        what = FESTIVAL_LABELS.get(self.festival or "", None) if self.kind == "holiday" \
            else BATCH_KIND_LABELS["leak"]
        return f"{self.held_on} {what or self.kind}"


class FollowUpBatchUnit(RegisterMixin, db.Model):
    """A unit a 下雨后回访 batch must visit, with the leak repair it had."""

    __tablename__ = "followup_batch_unit"
    __table_args__ = (UniqueConstraint("batch_id", "unit_id", name="batch_unit_once"),)
    batch_id: Mapped[int] = mapped_column(ForeignKey("followup_batch.id"), nullable=False,
                                          index=True)
    batch = relationship("FollowUpBatch", back_populates="units")
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), nullable=False, index=True)
    unit = relationship("Unit", lazy="joined")
    service_order_id: Mapped[int | None] = mapped_column(ForeignKey("service_order.id"))
    service_order = relationship("ServiceOrder", lazy="joined")

    __str_loads__ = ("unit",)  # read by __str__: loaded with a list's rows

    def __str__(self) -> str:
        return self.unit.room if self.unit else ""
