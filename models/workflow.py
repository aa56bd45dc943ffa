"""Columns and tables the two generic engines need.

- ``ApprovalRequestMixin`` + ``ApprovalDecision``: a request moving through a
  chain declared in ``rules/approvals.py``; one decision row per step, unique per
  (request, step) so two approvers acting at once cannot both decide a step.
- ``CosignMixin``: the second person of a two-person action (``rules/two_person.py``).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .base import PropertyScopedMixin, db, utcnow

REQUEST_STATES = ("pending", "approved", "rejected", "executed")


class ApprovalRequestMixin:
    """A request that needs the approvals of its chain (``__chain__``)."""

    __chain__: str = ""
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="pending", index=True)
    current_step: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)

    @declared_attr
    def applicant_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("staff.id"), nullable=False, index=True)

    @declared_attr
    def applicant(cls):
        return relationship("Staff", foreign_keys=[cls.applicant_id], lazy="joined")


class CosignMixin:
    """Second staff member confirming with their own credentials."""

    cosigned_at: Mapped[datetime | None] = mapped_column(DateTime)
    cosign_method: Mapped[str | None] = mapped_column(String(16))

    @declared_attr
    def cosigned_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("staff.id"), nullable=True)

    @declared_attr
    def cosigned_by(cls):
        return relationship("Staff", foreign_keys=[cls.cosigned_by_id], lazy="joined")

    @property
    def is_cosigned(self) -> bool:
        return self.cosigned_by_id is not None


class ApprovalDecision(PropertyScopedMixin, db.Model):
    """One step of one request, approved or rejected, with its comment."""

    __tablename__ = "approval_decision"
    __table_args__ = (UniqueConstraint("request_table", "request_id", "step_index"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain: Mapped[str] = mapped_column(String(40), nullable=False)
    request_table: Mapped[str] = mapped_column(String(64), nullable=False)
    request_id: Mapped[int] = mapped_column(Integer, nullable=False)
    step_index: Mapped[int] = mapped_column(Integer, nullable=False)
    step_name: Mapped[str] = mapped_column(String(40), nullable=False)
    role: Mapped[str] = mapped_column(String(32), nullable=False)
    decision: Mapped[str] = mapped_column(String(16), nullable=False)  # approve | reject
    comment: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False)
    actor = relationship("Staff", foreign_keys=[actor_id], lazy="joined")
    decided_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
