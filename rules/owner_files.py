"""Owner files (guide Part 3 ch.5; 001 第十三条; 004 2.6): what makes a file complete,
what is due, who opened a file unmasked, and lending a paper file.

Rules never commit; the caller (``admin_views.write_path.commit`` or the view) does.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import extract, or_, select

from i18n import local_today
from models.base import db, utcnow
from models.owner_files import LOAN_CLASSES, OccupantFamilyMember, OwnerFileAccess, OwnerFileLoan
from models.reference import Building, Occupant, Unit

from .butler_areas import limit_to_area
from .due import DueRow, due_filter, provides_due
from .errors import RuleViolation
from .scope import scoped

# A file still missing these this many days after moving in is due (建立客户档案:
# 入住后应及时建立).
INCOMPLETE_AFTER = timedelta(days=30)
REQUIRED = {
    "phone": _l("Phone"), "id_number": _l("ID number"),
    "emergency_name": _l("Emergency contact"), "emergency_phone": _l("Emergency phone"),
    "fee_cycle": _l("Fee cycle"),
}
DUE_LIMIT = 200
LONGEST_LOAN = timedelta(days=90)


def missing_fields(occ: Occupant) -> list[str]:
    """The labels of the file's required fields still empty."""
    return [str(label) for key, label in REQUIRED.items() if not getattr(occ, key)]


# -- the access log ---------------------------------------------------------------------

def record_opening(user: Any, kind: str, property_id: int | None,
                   occupant_id: int | None = None, scope: str | None = None) -> None:
    """Add 业主档案查阅记录 lines (the caller commits): one for a file, or for a list or
    export one per property it covered (head office: every property)."""
    from models.reference import Property

    if property_id is not None:
        properties = [property_id]
    elif user.property_id is not None:
        properties = [user.property_id]
    else:
        properties = list(db.session.execute(select(Property.id).where(
            Property.voided_at.is_(None))).scalars())
    for pid in properties:
        db.session.add(OwnerFileAccess(property_id=pid, occupant_id=occupant_id,
                                       staff_id=user.id, opened_at=utcnow(), kind=kind,
                                       scope=(scope or None) and scope[:200]))


# -- borrowing a paper file (档案借阅登记) ----------------------------------------------

def loan_class(occ: Occupant | None) -> type[OwnerFileLoan]:
    """The loan class (and so the approval chain) for the file's secrecy level."""
    return LOAN_CLASSES.get(getattr(occ, "secrecy", None) or "normal", OwnerFileLoan)


def check_new_loan(loan: OwnerFileLoan, today: date | None = None) -> None:
    today = today or local_today()
    occ = loan.occupant
    if occ is None or occ.voided_at is not None:
        raise RuleViolation(_("Choose the owner file to borrow."))
    if occ.property_id != loan.property_id:
        raise RuleViolation(_("You may only record data for your own property."))
    if type(loan) is not loan_class(occ):
        raise RuleViolation(_("The file's secrecy level changed; fill in the form again."))
    if not (loan.reason or "").strip():
        raise RuleViolation(_("Say why the file is borrowed."))
    if loan.due_on is None or loan.due_on < today:
        raise RuleViolation(_("The due date cannot be in the past."))
    if loan.due_on > today + LONGEST_LOAN:
        raise RuleViolation(_("A file is lent for at most %(n)s days.", n=LONGEST_LOAN.days))
    loan.secrecy = occ.secrecy or "normal"
    if not type(loan).__chain__:
        loan.status = "approved"      # 普通: no approval needed


def check_loan_voidable(loan: OwnerFileLoan) -> None:
    """A lent file comes back through 归还, never by withdrawing the loan."""
    if loan.lent_at is not None:
        raise RuleViolation(_("A lent file is taken back, not withdrawn."))


def lend(loan: OwnerFileLoan, user: Any) -> None:
    """借出: only an approved loan, once."""
    if loan.voided_at is not None:
        raise RuleViolation(_("A voided record cannot be changed."))
    if loan.lent_at is not None:
        raise RuleViolation(_("This file has already been lent."))
    if loan.status != "approved":
        raise RuleViolation(_("This file may not be lent before the loan is approved."))
    loan.lent_at, loan.lent_by_id, loan.status = utcnow(), user.id, "executed"


def take_back(loan: OwnerFileLoan, user: Any) -> None:
    """归还: the file comes back to its cabinet."""
    if loan.lent_at is None:
        raise RuleViolation(_("This file has not been lent."))
    if loan.returned_at is not None:
        raise RuleViolation(_("This file has already been returned."))
    loan.returned_at = utcnow()


# -- lists ------------------------------------------------------------------------------

def phone_list(user: Any, building_id: int | None = None) -> list[Occupant]:
    """业主电话联络表: live files by building and room."""
    q = scoped(select(Occupant).join(Unit, Occupant.unit_id == Unit.id)
               .join(Building, Unit.building_id == Building.id)
               .where(Occupant.voided_at.is_(None)), Occupant, user)
    if building_id is not None:
        q = q.where(Unit.building_id == building_id)
    q = limit_to_area(q, Occupant.unit_id, user)
    return list(db.session.execute(q.order_by(Building.name, Unit.room, Occupant.id)).scalars())


def birthdays(user: Any, month: int) -> list[OccupantFamilyMember]:
    """Family members born in ``month`` (the monthly birthday cards of ch.9)."""
    q = scoped(select(OccupantFamilyMember).join(Occupant).where(
        OccupantFamilyMember.voided_at.is_(None), Occupant.voided_at.is_(None),
        extract("month", OccupantFamilyMember.birthday) == month), OccupantFamilyMember, user)
    q = limit_to_area(q, Occupant.unit_id, user)
    rows = db.session.execute(q).scalars().all()
    return sorted(rows, key=lambda m: (m.birthday.day, m.name))


# -- due ----------------------------------------------------------------------------------

def units_without_owner(user: Any, limit: int = DUE_LIMIT) -> list[DueRow]:
    has_owner = select(Occupant.id).where(Occupant.unit_id == Unit.id, Occupant.kind == "owner",
                                          Occupant.voided_at.is_(None)).exists()
    q = scoped(select(Unit).where(Unit.vacant.is_(False), Unit.voided_at.is_(None), ~has_owner),
               Unit, user).order_by(Unit.room).limit(limit)
    return [DueRow("no_owner", _("%(room)s: occupied, no owner file", room=u.room), u, True)
            for u in db.session.execute(q).scalars()]


def incomplete_files(user: Any, today: date | None = None,
                     limit: int = DUE_LIMIT) -> list[DueRow]:
    today = today or local_today()
    empty = [getattr(Occupant, k).is_(None) for k in REQUIRED]
    q = scoped(select(Occupant).where(
        Occupant.voided_at.is_(None), Occupant.moved_in_on.is_not(None),
        Occupant.moved_in_on <= today - INCOMPLETE_AFTER, or_(*empty)), Occupant, user)
    rows = db.session.execute(q.order_by(Occupant.moved_in_on, Occupant.id).limit(limit))
    return [DueRow("incomplete", _("%(who)s: file incomplete (%(missing)s)", who=str(o),
                                   missing="、".join(missing_fields(o))), o, True)
            for o in rows.scalars()]


def loans_overdue(user: Any, today: date | None = None, limit: int = DUE_LIMIT) -> list[DueRow]:
    today = today or local_today()
    q = scoped(select(OwnerFileLoan).where(
        OwnerFileLoan.voided_at.is_(None), OwnerFileLoan.lent_at.is_not(None),
        OwnerFileLoan.returned_at.is_(None), OwnerFileLoan.due_on < today),
        OwnerFileLoan, user).order_by(OwnerFileLoan.due_on, OwnerFileLoan.id).limit(limit)
    return [DueRow("loan", _("%(what)s: due back on %(day)s", what=str(loan), day=loan.due_on),
                   loan, True) for loan in db.session.execute(q).scalars()]


due_filter("owner_files_incomplete", "occupant")(
    lambda user: [r.obj.id for r in incomplete_files(user)])


@provides_due("occupant")
def due_items(user: Any) -> list[tuple]:
    """Units without an owner file are units, no owner file rows: their due page."""
    out = []
    for label, rows, *name in (
            (_("Occupied units without an owner file"), units_without_owner(user)),
            (_("Owner files incomplete after move-in"), incomplete_files(user),
             "owner_files_incomplete")):
        if rows:
            out.append((label, len(rows), "owner_files_due", *name))
    return out


@due_filter("owner_file_loans_overdue", "owner_file_loan")
def loans_overdue_ids(user: Any) -> list[int]:
    return [r.obj.id for r in loans_overdue(user)]


@provides_due("owner_file_loan")
def loan_due_items(user: Any) -> list[tuple]:
    n = len(loans_overdue(user))
    return [(_("Owner files not returned by the due date"), n, "owner_files_due",
             "owner_file_loans_overdue")] if n else []

