"""Small helpers shared by the test modules."""
from __future__ import annotations

import json

from sqlalchemy import select, text

from models import AuditEntry, Building, Property, Staff
from models.base import db


def staff_id(username: str) -> int:
    return db.session.execute(select(Staff.id).where(Staff.username == username)).scalar_one()


def property_id(code: str) -> int:
    return db.session.execute(select(Property.id).where(Property.code == code)).scalar_one()


def entries_for(table: str, row_id) -> list[AuditEntry]:
    return list(db.session.execute(
        select(AuditEntry).where(AuditEntry.table_name == table,
                                 AuditEntry.row_id == str(row_id)).order_by(AuditEntry.id)
    ).scalars())


def changes(entry: AuditEntry) -> dict:
    return json.loads(entry.changes)


def snapshot(entry: AuditEntry) -> dict:
    return json.loads(entry.snapshot)


def building_named(name: str) -> Building | None:
    return db.session.execute(select(Building).where(Building.name == name)).scalar_one_or_none()


def audit_count() -> int:
    return db.session.execute(text("SELECT count(*) FROM audit_log")).scalar_one()


def run_cli(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))
