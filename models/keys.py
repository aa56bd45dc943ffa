"""钥匙使用管理制度: key register, checkout log, applications, spare-key use, spot checks."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String,
                        Text, UniqueConstraint, or_, text)
from sqlalchemy.ext.hybrid import hybrid_property
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import RegisterMixin, db, utcnow
from .workflow import ApprovalRequestMixin, CosignMixin

KEY_CATEGORIES = ("public", "office", "custodial", "deposited", "spare")
KEY_STATUSES = ("in_use", "spare", "lost", "damaged", "void")
NOT_ISSUABLE = frozenset({"lost", "damaged", "void"})
APPLICATION_KINDS = ("copy", "void")
APPLICATION_REASONS = ("work_need", "lost", "damaged", "invalid")

# The guide's words for the values above (shown in lists, forms and errors).
KEY_CATEGORY_LABELS = {
    "public": _l("Public facility"), "office": _l("Office"), "custodial": _l("Custodial home"),
    "deposited": _l("Customer-deposited"), "spare": _l("Spare"),
}
KEY_STATUS_LABELS = {
    "in_use": _l("In use"), "spare": _l("Spare"), "lost": _l("Lost"),
    "damaged": _l("Damaged"), "void": _l("Void"),
}
APPLICATION_KIND_LABELS = {"copy": _l("Copy"), "void": _l("Void the key")}
APPLICATION_REASON_LABELS = {
    "work_need": _l("Work need"), "lost": _l("Lost"), "damaged": _l("Damaged"),
    "invalid": _l("No longer valid"),
}


class Key(RegisterMixin, db.Model):
    """钥匙登记表 — the label equals the lock's name and is unique in the property."""

    __tablename__ = "key"
    __table_args__ = (UniqueConstraint("property_id", "label"),)
    label: Mapped[str] = mapped_column(String(60), nullable=False)
    place: Mapped[str] = mapped_column(String(120), nullable=False)
    category: Mapped[str] = mapped_column(String(16), nullable=False, default="public")
    cabinet: Mapped[str | None] = mapped_column(String(40))
    hook: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="in_use", index=True)
    holder: Mapped[str | None] = mapped_column(String(60))  # 前台 or a named holder
    spare_of_id: Mapped[int | None] = mapped_column(ForeignKey("key.id"), index=True)
    spare_of = relationship("Key", remote_side="Key.id", lazy="select")
    # 托管房钥匙清单: a custodial-home key belongs to its custody agreement.
    custody_agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("custody_agreement.id"), index=True)
    custody_agreement = relationship("CustodyAgreement", back_populates="keys", lazy="select")
    notes: Mapped[str | None] = mapped_column(Text)

    @hybrid_property
    def is_spare(self) -> bool:
        """A spare (备用钥匙) is issued only with the general manager's authorisation:
        by category, by status, or as a copy of another key (``spare_of``) whatever
        its category or status say."""
        return self.category == "spare" or self.status == "spare" or self.spare_of_id is not None

    @is_spare.inplace.expression
    @classmethod
    def _is_spare_expression(cls):
        return or_(cls.category == "spare", cls.status == "spare", cls.spare_of_id.is_not(None))

    def __str__(self) -> str:
        return self.label


class SpareKeyAuthorisation(RegisterMixin, ApprovalRequestMixin, db.Model):
    """备用钥匙使用授权 — the general manager authorises one use of a spare key."""

    __tablename__ = "spare_key_authorisation"
    __chain__ = "spare_key_use"
    key_id: Mapped[int] = mapped_column(ForeignKey("key.id"), nullable=False, index=True)
    key = relationship("Key", lazy="joined")
    purpose: Mapped[str] = mapped_column(Text, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)

    __str_loads__ = ("key",)  # read by __str__: loaded with a list's rows

    def __str__(self) -> str:
        return f"#{self.id} {self.key.label if self.key else ''}"

    def describe(self) -> str:
        return _("Spare key %(label)s: %(purpose)s",
                 label=self.key.label if self.key else "", purpose=self.purpose)


class KeyCheckout(RegisterMixin, db.Model):
    """钥匙领用登记表 — one issue and its return.

    At most one open checkout per key, guaranteed by a partial unique index, so
    two clerks issuing the same key in the same instant cannot both succeed."""

    __tablename__ = "key_checkout"
    # Own text columns searched through an index (models/search.py, built by a migration).
    __search_indexed__ = ("reason",)
    __table_args__ = (
        Index("uq_key_checkout_open", "key_id", unique=True,
              sqlite_where=text("returned_at IS NULL AND voided_at IS NULL"),
              postgresql_where=text("returned_at IS NULL AND voided_at IS NULL")),
        # the list's orders and date filter, per property; they end in the id, the
        # list's tie-break, so PostgreSQL reads a page from the index alone (SQLite's
        # indexes end in the rowid anyway)
        Index("ix_key_checkout_property_out", "property_id", "out_at", "id"),
        Index("ix_key_checkout_property_returned", "property_id", "returned_at", "id"),
        # the same orders across properties, for head office (auditors)
        Index("ix_key_checkout_out", "out_at", "id"),
        Index("ix_key_checkout_returned", "returned_at", "id"),
        CheckConstraint("returned_at IS NULL OR returned_at >= out_at", name="return_after_out"),
    )
    key_id: Mapped[int] = mapped_column(ForeignKey("key.id"), nullable=False, index=True)
    key = relationship("Key", lazy="joined")
    borrower_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False, index=True)
    borrower = relationship("Staff", foreign_keys=[borrower_id], lazy="joined")
    reason: Mapped[str] = mapped_column(String(200), nullable=False)
    out_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False)
    issued_by = relationship("Staff", foreign_keys=[issued_by_id], lazy="joined")
    returned_at: Mapped[datetime | None] = mapped_column(DateTime)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    received_by = relationship("Staff", foreign_keys=[received_by_id], lazy="joined")
    spare_authorisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("spare_key_authorisation.id"), unique=True)
    spare_authorisation = relationship("SpareKeyAuthorisation", lazy="select")
    # 外来人员 / 业主住户: the outside borrower (models.key_borrowers); ``borrower``
    # then names the staff member responsible for the key.
    outside = relationship("KeyCheckoutBorrower", uselist=False, lazy="selectin",
                           back_populates="checkout")

    @property
    def borrower_name(self) -> str:
        """Who has the key: the outside person when there is one, else the staff member."""
        if self.outside is not None:
            return self.outside.name
        return self.borrower.full_name if self.borrower else ""

    __str_loads__ = ("key",)  # read by __str__: loaded with a list's rows

    def __str__(self) -> str:
        return f"{self.key.label if self.key else ''} → {self.borrower_name}"


class KeyApplication(RegisterMixin, ApprovalRequestMixin, CosignMixin, db.Model):
    """钥匙申请表 — copy or void; dept_manager reviews, property_manager approves,
    the front desk executes with a co-signer."""

    __tablename__ = "key_application"
    __chain__ = "key_application"
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    reason: Mapped[str] = mapped_column(String(16), nullable=False)
    detail: Mapped[str | None] = mapped_column(Text)
    copies: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    executed_at: Mapped[datetime | None] = mapped_column(DateTime)
    executed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    executed_by = relationship("Staff", foreign_keys=[executed_by_id], lazy="joined")
    items = relationship("KeyApplicationItem", back_populates="application", lazy="selectin",
                         order_by="KeyApplicationItem.id")

    @property
    def keys(self) -> list[Key]:
        return [i.key for i in self.items]

    @property
    def key_labels(self) -> str:
        return "、".join(k.label for k in self.keys)

    @property
    def awaiting_cosign(self) -> bool:
        return self.executed_by_id is not None and self.executed_at is None

    def describe(self) -> str:
        what = APPLICATION_KIND_LABELS.get(self.kind, self.kind)
        why = APPLICATION_REASON_LABELS.get(self.reason, self.reason)
        copies = f" ×{self.copies}" if self.kind == "copy" else ""
        return f"#{self.id} {what} {self.key_labels}{copies}（{why}）"

    def __str__(self) -> str:
        return f"#{self.id} {self.key_labels}"


class KeyApplicationItem(RegisterMixin, db.Model):
    """A key named in an application; for a copy, also the new key it produced."""

    __tablename__ = "key_application_item"
    application_id: Mapped[int] = mapped_column(ForeignKey("key_application.id"), nullable=False,
                                                index=True)
    application = relationship("KeyApplication", back_populates="items")
    key_id: Mapped[int] = mapped_column(ForeignKey("key.id"), nullable=False, index=True)
    key = relationship("Key", foreign_keys=[key_id], lazy="joined")


class KeySpotCheck(RegisterMixin, db.Model):
    """抽查记录 — the property manager checks the key register, at least monthly."""

    __tablename__ = "key_spot_check"
    checked_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    checked_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), nullable=False)
    checked_by = relationship("Staff", foreign_keys=[checked_by_id], lazy="joined")
    keys_checked: Mapped[int] = mapped_column(Integer, nullable=False)
    discrepancies: Mapped[str | None] = mapped_column(Text)

    def __str__(self) -> str:
        return f"{self.checked_on}"
