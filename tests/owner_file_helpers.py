"""Shared by the owner-file tests: the demo files and their numbers."""
from __future__ import annotations

from sqlalchemy import select

from models.base import db
from models.owner_files import OwnerFileAccess, OwnerFileLoan
from models.reference import Occupant, Unit

PHONE, PHONE_MASKED = "13800000001", "138****0001"            # 张伟, 1-301 (重要)
EMERGENCY, EMERGENCY_MASKED = "13900000088", "139****0088"
ID_NUMBER = "440305198001011234"
CHILD_PHONE = "13900000099"
# who reads owner files unmasked, who sees them masked, who does not see them at all
READERS = ("butler", "supervisor", "dept_manager", "property_manager", "general_manager",
           "auditor")
MASKED = ("clerk", "finance")
KEPT_OUT = ("courier", "security", "admin")


def occupant_id(app, room: str) -> int:
    with app.app_context():
        return db.session.execute(select(Occupant.id).join(Unit).where(Unit.room == room)
                                  .order_by(Occupant.id)).scalars().first()


def accesses(app) -> list[tuple[str, str, int | None]]:
    """(username, kind, occupant id) of every access-log line, oldest first."""
    from models.staff import Staff

    with app.app_context():
        rows = db.session.execute(select(Staff.username, OwnerFileAccess.kind,
                                         OwnerFileAccess.occupant_id)
                                  .join(Staff, Staff.id == OwnerFileAccess.staff_id)
                                  .order_by(OwnerFileAccess.id)).all()
        return [tuple(r) for r in rows]


def loans(app) -> list[OwnerFileLoan]:
    with app.app_context():
        return list(db.session.execute(select(OwnerFileLoan).order_by(OwnerFileLoan.id))
                    .scalars())
