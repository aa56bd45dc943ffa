"""Owner files (业主基本情况登记表) around ``Occupant``: family members, who opened
a file unmasked (the access log), and the borrowing of paper files (档案借阅登记).

The file itself is ``models.reference.Occupant``, extended, so every register that
already links an occupant keeps working.  Borrowing a 重要 or 机密 file goes through
an approval chain chosen by the file's secrecy level: the loan's class is picked by
that level (single-table inheritance), because a chain is declared per class
(``__chain__``, ``rules/approvals.py``).
"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import (CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String,
                        Text, text)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .base import PropertyScopedMixin, RegisterMixin, db, utcnow
from .workflow import ApprovalRequestMixin

ACCESS_KINDS = ("details", "history", "as_of", "export", "phone_list")


class OccupantFamilyMember(RegisterMixin, db.Model):
    """家庭成员 — a line of the owner file; birthdays feed the monthly birthday list."""

    __tablename__ = "occupant_family_member"
    __personal__ = frozenset({"phone"})
    occupant_id: Mapped[int] = mapped_column(ForeignKey("occupant.id"), nullable=False,
                                             index=True)
    occupant = relationship("Occupant", back_populates="family")
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    relation: Mapped[str | None] = mapped_column(String(20))
    birthday: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(40))

    def __str__(self) -> str:
        return f"{self.name}（{self.relation}）" if self.relation else self.name


class OwnerFileAccess(PropertyScopedMixin, db.Model):
    """业主档案查阅记录 — who opened which owner file unmasked, when and how.  Rows are
    only ever added (by ``rules.owner_files.record_opening``); no screen edits them."""

    __tablename__ = "owner_file_access"
    # the list's order, per property and across properties (head office)
    __table_args__ = (Index("ix_owner_file_access_property_at", "property_id", "opened_at",
                            "id"),
                      Index("ix_owner_file_access_at", "opened_at", "id"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occupant_id: Mapped[int | None] = mapped_column(ForeignKey("occupant.id"), index=True)
    occupant = relationship("Occupant", lazy="joined")
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False, index=True)
    staff = relationship("Staff", lazy="joined")
    opened_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    # an export or the phone list opens many files at once: what was asked for
    scope: Mapped[str | None] = mapped_column(String(200))


class OwnerFileLoan(RegisterMixin, ApprovalRequestMixin, db.Model):
    """档案借阅登记 — a paper owner file lent and returned; the borrower is the
    applicant.  普通 files are lent without approval; 重要 and 机密 ones are the
    subclasses below, each with its chain."""

    __tablename__ = "owner_file_loan"
    __chain__ = ""
    __table_args__ = (
        CheckConstraint("returned_at IS NULL OR lent_at IS NOT NULL", name="returned_after_lent"),
        Index("ix_owner_file_loan_open", "property_id", "due_on",
              sqlite_where=text("lent_at IS NOT NULL AND returned_at IS NULL"),
              postgresql_where=text("lent_at IS NOT NULL AND returned_at IS NULL")),
    )
    occupant_id: Mapped[int] = mapped_column(ForeignKey("occupant.id"), nullable=False,
                                             index=True)
    occupant = relationship("Occupant", lazy="joined")
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    secrecy: Mapped[str] = mapped_column(String(16), nullable=False, default="normal")
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    lent_at: Mapped[datetime | None] = mapped_column(DateTime)
    lent_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    lent_by = relationship("Staff", foreign_keys=[lent_by_id], lazy="joined")
    returned_at: Mapped[datetime | None] = mapped_column(DateTime)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        if cls.__name__ != "OwnerFileLoan":     # a subclass: the parent's table
            return {"polymorphic_identity": cls.__dict__["__secrecy__"]}
        return {"version_id_col": cls.__table__.c.version, "polymorphic_identity": "normal",
                "polymorphic_on": cls.__table__.c.secrecy}

    def __str__(self) -> str:
        return f"#{self.id} {self.occupant}" if self.occupant else f"#{self.id}"

    def describe(self) -> str:
        return _("Borrow the owner file of %(who)s: %(reason)s",
                 who=str(self.occupant or ""), reason=self.reason)


class ImportantFileLoan(OwnerFileLoan):
    """Borrowing a 重要 file: the department manager approves."""

    __secrecy__ = "important"
    __chain__ = "file_loan_important"


class SecretFileLoan(OwnerFileLoan):
    """Borrowing a 机密 file: the general manager (单位负责人) approves."""

    __secrecy__ = "secret"
    __chain__ = "file_loan_secret"


LOAN_CLASSES = {"normal": OwnerFileLoan, "important": ImportantFileLoan,
                "secret": SecretFileLoan}
