"""Reading history back: one record's entries, readable changes, a table as of a moment.

Reads only; the writer is ``audit.listener``.  Queries use the
``(table_name, row_id, id)`` index, so one record's history costs one index range
scan whatever the size of the log.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import func, select

from models.audit import AuditEntry
from models.base import db


def entries_of(model: Any) -> list[AuditEntry]:
    return list(db.session.execute(
        select(AuditEntry).where(AuditEntry.table_name == model.__table__.name,
                                 AuditEntry.row_id == str(model.id))
        .order_by(AuditEntry.id)).scalars())


def _display(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)


def readable_changes(entry: AuditEntry, labels: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(field label, before, after) for each changed field, in the UI language."""
    out = []
    for field, (old, new) in sorted(json.loads(entry.changes).items()):
        if field in ("version",):
            continue
        label = labels.get(field) or labels.get(field.removesuffix("_id")) or field
        out.append((str(label), _display(old), _display(new)))
    return out


def snapshots_as_of(table: str, moment: datetime, property_id: int | None = None
                    ) -> dict[str, dict]:
    """Every row of ``table`` as history recorded it at ``moment`` (UTC):
    row id → snapshot after its last change at or before that moment."""
    last = (select(AuditEntry.row_id, func.max(AuditEntry.id).label("last_id"))
            .where(AuditEntry.table_name == table, AuditEntry.created_at <= moment))
    if property_id is not None:
        last = last.where(AuditEntry.property_id == property_id)
    last = last.group_by(AuditEntry.row_id).subquery()
    rows = db.session.execute(
        select(AuditEntry.row_id, AuditEntry.snapshot)
        .join(last, AuditEntry.id == last.c.last_id)).all()
    return {row_id: json.loads(snap) for row_id, snap in rows}
