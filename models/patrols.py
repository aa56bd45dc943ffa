"""辖区巡查工作流程 (guide Part 3 ch. 6; seeds/002 "(3)公区巡查"): the patrol areas
the manager or supervisor assigns to butlers, the daily 公共区域巡查记录表 with its
checklist, the problems found (发现问题) and the department manager's review.

Every checklist item is a yes/no with a note: "yes" means in order; a "no" needs a
problem row naming the item (``rules.patrols.check_patrol``)."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import RegisterMixin, db

# The checklist of the paper form, in its order: (column, label).  The guide's items
# (公共设备设施 … 园区卫生) then seeds/002's public-area items (地面清洁 … 垃圾清理).
PATROL_CHECKLIST = (
    ("equipment_ok", _l("Public equipment and facilities")),
    ("no_anomaly", _l("No abnormal situation")),
    ("notices_current", _l("Posted notices not out of date")),
    ("guards_ok", _l("Security guards' appearance and spirit")),
    ("hygiene_ok", _l("Estate hygiene")),
    ("floor_clean", _l("Floors clean")),
    ("tiles_ok", _l("Floor and wall tiles intact")),
    ("fire_doors_ok", _l("Fire doors intact")),
    ("facilities_ok", _l("Public facilities intact")),
    ("corridor_lights_ok", _l("Corridor lights work")),
    ("rubbish_cleared", _l("Rubbish cleared in time")),
)
CHECK_ITEMS = tuple(c for c, _ in PATROL_CHECKLIST)
CHECK_LABELS = dict(PATROL_CHECKLIST)
OTHER_ITEM = "other"
PROBLEM_ITEM_LABELS = {**CHECK_LABELS, OTHER_ITEM: _l("Other (renovation, customer information…)")}
NOT_REVIEWED = "reviewed_at IS NULL AND voided_at IS NULL"
PROBLEM_OPEN = "completed_at IS NULL AND voided_at IS NULL"


class PatrolArea(RegisterMixin, db.Model):
    """A patrol area and its responsible butler (分工): an area without an active
    butler is a vacant post the manager must fill ("以免出现空岗")."""

    __tablename__ = "patrol_area"
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    scope: Mapped[str | None] = mapped_column(String(200))
    butler_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    butler = relationship("Staff", foreign_keys=[butler_id], lazy="joined")
    notes: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return self.name


class Patrol(RegisterMixin, db.Model):
    """公共区域巡查记录表: one patrol of one area by the signed-in butler or supervisor,
    reviewed daily by the department manager (the supervisor may deputise)."""

    __tablename__ = "patrol"
    __search_indexed__ = ("renovation", "customer_info", "review_opinion")
    __table_args__ = (
        # the list (newest first) and its date filter, per property and across them
        Index("ix_patrol_property_time", "property_id", "patrolled_at", "id"),
        Index("ix_patrol_time", "patrolled_at", "id"),
        Index("ix_patrol_property_reviewed", "property_id", "reviewed_at", "id"),
        Index("ix_patrol_reviewed", "reviewed_at", "id"),
        # "patrolled today?" per area
        Index("ix_patrol_area_time", "area_id", "patrolled_at"),
        # waiting for review: only unreviewed patrols are in it
        Index("ix_patrol_not_reviewed", "property_id", "patrolled_at",
              sqlite_where=text(NOT_REVIEWED), postgresql_where=text(NOT_REVIEWED)),
    )
    patrolled_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    butler_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False, index=True)
    butler = relationship("Staff", foreign_keys=[butler_id], lazy="joined")
    area_id: Mapped[int] = mapped_column(ForeignKey("patrol_area.id"), nullable=False)
    area = relationship("PatrolArea", lazy="joined")
    # the checklist (PATROL_CHECKLIST): in order, or not, with a note each
    equipment_ok: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    equipment_ok_note: Mapped[str | None] = mapped_column(String(200))
    no_anomaly: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    no_anomaly_note: Mapped[str | None] = mapped_column(String(200))
    notices_current: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    notices_current_note: Mapped[str | None] = mapped_column(String(200))
    guards_ok: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    guards_ok_note: Mapped[str | None] = mapped_column(String(200))
    hygiene_ok: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    hygiene_ok_note: Mapped[str | None] = mapped_column(String(200))
    floor_clean: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    floor_clean_note: Mapped[str | None] = mapped_column(String(200))
    tiles_ok: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    tiles_ok_note: Mapped[str | None] = mapped_column(String(200))
    fire_doors_ok: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    fire_doors_ok_note: Mapped[str | None] = mapped_column(String(200))
    facilities_ok: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    facilities_ok_note: Mapped[str | None] = mapped_column(String(200))
    corridor_lights_ok: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    corridor_lights_ok_note: Mapped[str | None] = mapped_column(String(200))
    rubbish_cleared: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    rubbish_cleared_note: Mapped[str | None] = mapped_column(String(200))
    renovation: Mapped[str | None] = mapped_column(Text)          # 装修户巡查: units checked
    customer_info: Mapped[str | None] = mapped_column(Text)       # 收集客户信息
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    reviewed_by = relationship("Staff", foreign_keys=[reviewed_by_id], lazy="joined")
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    review_opinion: Mapped[str | None] = mapped_column(Text)      # 解决意见
    problems = relationship("PatrolProblem", back_populates="patrol", lazy="selectin",
                            order_by="PatrolProblem.id", cascade="save-update, merge")

    def failed_items(self) -> list[str]:
        return [c for c in CHECK_ITEMS if getattr(self, c) is False]

    def __str__(self) -> str:
        when = f"{self.patrolled_at:%Y-%m-%d}" if self.patrolled_at else ""
        return f"#{self.id} {self.area.name if self.area else ''} {when}".strip()


class PatrolProblem(RegisterMixin, db.Model):
    """发现问题: what was found, where, the department it went to and its outcome,
    followed to the end by one person (最终跟踪人)."""

    __tablename__ = "patrol_problem"
    __table_args__ = (
        Index("ix_patrol_problem_open", "property_id", "created_at",
              sqlite_where=text(PROBLEM_OPEN), postgresql_where=text(PROBLEM_OPEN)),
    )
    patrol_id: Mapped[int] = mapped_column(ForeignKey("patrol.id"), nullable=False, index=True)
    patrol = relationship("Patrol", back_populates="problems")
    item: Mapped[str] = mapped_column(String(24), nullable=False, default=OTHER_ITEM)
    problem: Mapped[str] = mapped_column(Text, nullable=False, default="")
    location: Mapped[str | None] = mapped_column(String(120))
    forwarded_to: Mapped[str | None] = mapped_column(String(20))
    # 内部联络单 (built in parallel): the link's foreign key is added at merge.
    memo_id: Mapped[int | None] = mapped_column(Integer, index=True)
    memo = relationship("InternalMemo", lazy="joined",
                        primaryjoin="foreign(PatrolProblem.memo_id) == InternalMemo.id")
    result: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    tracker_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    tracker = relationship("Staff", foreign_keys=[tracker_id], lazy="joined")

    @property
    def is_open(self) -> bool:
        return self.completed_at is None and self.voided_at is None

    def __str__(self) -> str:
        return f"{self.problem[:30] if self.problem else ''}"
