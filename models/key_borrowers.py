"""A key borrowed by someone who is not staff: a contractor (外来施工/维修人员) or an
owner/occupant of the property.

A side table keyed by the checkout (one row at most per checkout) rather than new
columns on ``key_checkout``: the checkout log's rows, history and search index stay
as they are, and ``key_checkout.borrower_id`` keeps naming a staff member — for an
outside borrower, the one responsible for the key (by default the issuing clerk).
"""
from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import RegisterMixin, db

BORROWER_KINDS = ("staff", "contractor", "occupant")
OUTSIDE_KINDS = ("contractor", "occupant")


class KeyCheckoutBorrower(RegisterMixin, db.Model):
    """The outside borrower of one checkout, as given when the key went out (the room
    and name of an occupant are copied, so the record says who had it then)."""

    __tablename__ = "key_checkout_borrower"
    __personal__ = frozenset({"id_number", "phone"})
    __table_args__ = (
        CheckConstraint("kind IN ('contractor', 'occupant')", name="borrower_kind"),
        CheckConstraint("kind <> 'occupant' OR occupant_id IS NOT NULL",
                        name="occupant_borrower_named"),
        CheckConstraint("kind <> 'contractor' OR (company IS NOT NULL AND "
                        "id_number IS NOT NULL AND phone IS NOT NULL)",
                        name="contractor_borrower_identified"),
    )
    checkout_id: Mapped[int] = mapped_column(ForeignKey("key_checkout.id"), nullable=False,
                                             unique=True)
    checkout = relationship("KeyCheckout", back_populates="outside")
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    occupant_id: Mapped[int | None] = mapped_column(ForeignKey("occupant.id"), index=True)
    occupant = relationship("Occupant", lazy="select")
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    company: Mapped[str | None] = mapped_column(String(120))
    id_number: Mapped[str | None] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(40))
    room: Mapped[str | None] = mapped_column(String(40))

    def __str__(self) -> str:
        extra = self.company if self.kind == "contractor" else self.room
        return f"{self.name}（{extra}）" if extra else self.name
