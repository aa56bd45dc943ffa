"""药箱管理制度 as small functions.

- only batches within their expiry date are issued, and the responsible person
  re-confirms the expiry on every issue (药品领用前再次确认有效期);
- never more than is in the box: stock never goes negative (``rules.stock``);
- a half-monthly count sets each batch to what was counted and records the
  differences; a voided issue puts its quantity back.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from i18n import local_day_end_utc, local_today
from models.base import db, utcnow
from models.medicine import (MedicineBatch, MedicineCount, MedicineCountLine, MedicineItem,
                             MedicineUsage)
from models.staff import Staff

from . import stock
from .due import DueRow, due_filter, provides_due
from .errors import RuleViolation
from .scope import scoped

COUNT_EVERY_DAYS = 15          # 每半月清点一次
EXPIRY_WARNING_DAYS = 30


def check_item(item: MedicineItem) -> None:
    """药品清单: a minimum stock is a count, never below zero."""
    if item.min_stock is None or item.min_stock < 0:
        raise RuleViolation(_("The minimum stock cannot be negative."))


def check_counted(quantity: int | None) -> int:
    """A counted quantity (``None`` when it could not be read as a count) is 0 or more."""
    if quantity is None or quantity < 0:
        raise RuleViolation(_("A counted quantity cannot be negative."))
    return quantity


def check_new_batch(batch: MedicineBatch, today: date | None = None) -> None:
    """A received batch has a quantity and is not already expired (not put in the box)."""
    check_counted(batch.quantity)
    if batch.expires_on is not None and batch.expires_on < (today or local_today()):
        raise RuleViolation(_("This batch is already expired: do not put it in the box."))


def check_batch_void(batch: MedicineBatch) -> None:
    """A batch with stock is counted out first, so the count explains where it went."""
    if batch.quantity:
        raise RuleViolation(_("Count the batch out first (a count of 0) before voiding it."))


def check_issue_unchanged(is_created: bool) -> None:
    """An issue moved stock: it is voided with a reason (which puts it back), never edited."""
    if not is_created:
        raise RuleViolation(_("An issue is not edited: void it with a reason."))


def check_usage(u: MedicineUsage, today: date | None = None) -> None:
    today = today or local_today()
    batch = u.batch
    if batch is None:
        raise RuleViolation(_("Choose the batch the medicine is taken from."))
    if batch.voided_at is not None or batch.item.voided_at is not None:
        raise RuleViolation(_("This batch is void and cannot be issued."))
    if batch.expires_on < today:
        raise RuleViolation(_("Batch %(b)s expired on %(d)s and cannot be issued.",
                              b=batch.batch_no, d=batch.expires_on))
    if not u.expiry_reconfirmed:
        raise RuleViolation(_("Re-confirm the expiry date before issuing."))
    if not (u.recipient_name or "").strip() or not (u.reason or "").strip():
        raise RuleViolation(_("Record who received it and why."))
    if u.issued_at and u.issued_at > utcnow() + timedelta(minutes=5):
        raise RuleViolation(_("The time of issue cannot be in the future."))


def issue(u: MedicineUsage) -> None:
    """Check and take the quantity from the batch, under its row lock."""
    check_usage(u)
    stock.take(u.batch, u.quantity, "issue", str(u.batch.item))


def void_usage(u: MedicineUsage) -> None:
    stock.put_back(u.batch, u.quantity, "void_issue")


def take_count(user: Staff, property_id: int, counted: dict[int, int],
               restock_needed: str = "", notes: str = "") -> MedicineCount:
    """清点: one line per batch of the property, each batch set to its count."""
    batches = db.session.execute(select(MedicineBatch).where(
        MedicineBatch.property_id == property_id, MedicineBatch.voided_at.is_(None))
        .order_by(MedicineBatch.id)).scalars().all()
    if not batches:
        raise RuleViolation(_("There is nothing in the medicine box to count."))
    missing = [b for b in batches if b.id not in counted]
    if missing:
        raise RuleViolation(_("Give a counted quantity for every batch (missing: %(b)s).",
                              b=", ".join(str(b.item) for b in missing[:3])))
    count = MedicineCount(property_id=property_id, counted_at=utcnow(), counted_by_id=user.id,
                          restock_needed=(restock_needed or "").strip() or None,
                          notes=(notes or "").strip() or None, created_by_id=user.id)
    db.session.add(count)
    for b in batches:
        expected = stock.set_counted(b, counted[b.id])
        count.lines.append(MedicineCountLine(property_id=property_id, batch_id=b.id,
                                             expected=expected, counted=counted[b.id],
                                             created_by_id=user.id))
    return count


# -- due -------------------------------------------------------------------------------

def last_count(user) -> Any:
    q = scoped(select(func.max(MedicineCount.counted_at)).where(
        MedicineCount.voided_at.is_(None)), MedicineCount, user)
    return db.session.execute(q).scalar()


def due(user, today: date | None = None) -> list[DueRow]:
    today = today or local_today()
    rows: list[DueRow] = []
    # the batches named: in the home page's due check (rows alone, relations on
    # use) they were one query per medicine
    items = db.session.execute(scoped(select(MedicineItem).where(
        MedicineItem.voided_at.is_(None)), MedicineItem, user)
        .options(selectinload(MedicineItem.batches))
        .order_by(MedicineItem.name)).scalars().all()
    if not items:
        return rows
    seen = last_count(user)
    if seen is None or seen < local_day_end_utc(today - timedelta(days=COUNT_EVERY_DAYS)):
        rows.append(DueRow("count", _("Last count: %(d)s", d=seen.date() if seen
                                      else _("never"))))
    soon = today + timedelta(days=EXPIRY_WARNING_DAYS)
    for item in items:
        usable = 0
        for b in item.batches:
            if b.voided_at is not None or b.quantity <= 0:
                continue
            if b.expires_on < today:
                rows.append(DueRow("expired", _("%(item)s batch %(b)s expired on %(d)s, %(n)s "
                                                "still in the box", item=item, b=b.batch_no,
                                                d=b.expires_on, n=b.quantity), b))
                continue
            usable += b.quantity
            if b.expires_on <= soon:
                rows.append(DueRow("expiring", _("%(item)s batch %(b)s expires on %(d)s",
                                                 item=item, b=b.batch_no, d=b.expires_on), b))
        if usable < item.min_stock:
            rows.append(DueRow("low", _("%(item)s: %(n)s in date, minimum %(m)s", item=item,
                                        n=usable, m=item.min_stock), item))
    return rows


DUE_LABELS = (("count", _l("Medicine box: count overdue (every 15 days)")),
              ("expiring", _l("Medicine expiring within 30 days")),
              ("expired", _l("Expired medicine still in the box")),
              ("low", _l("Medicine below minimum stock")))


# the list showing each kind's rows (the count has none: its page is the due page)
DUE_LISTS = {"expiring": "medicine_batch", "expired": "medicine_batch", "low": "medicine_item"}


def _rows_of(kind: str):
    def rows(user) -> list:
        return [r.obj for r in due(user) if r.kind == kind]
    return rows


for _kind, _page in DUE_LISTS.items():
    due_filter(f"medicine_{_kind}", _page)(_rows_of(_kind))


@provides_due("medicine_item")
def due_items(user) -> list[tuple]:
    rows = due(user)
    out: list[tuple] = []
    for kind, label in DUE_LABELS:
        n = sum(1 for r in rows if r.kind == kind)
        if n:
            out.append((str(label), n, "medicine_due",
                        *((f"medicine_{kind}",) if kind in DUE_LISTS else ())))
    return out
