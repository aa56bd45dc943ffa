"""Reading history back: one record's entries, readable changes, a record or a
whole table as it was at a moment.

Reads only; the writer is ``audit.listener``.  Queries use the
``(table_name, row_id, id)`` index, so one record's history costs one index range
scan whatever the size of the log.
"""
from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, Mapping

from flask_babel import gettext as _
from sqlalchemy import func, inspect as sa_inspect, select

from models.audit import AuditEntry
from models.base import Base, db

ISO_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


def entries_of(model: Any) -> list[AuditEntry]:
    return list(db.session.execute(
        select(AuditEntry).where(AuditEntry.table_name == model.__table__.name,
                                 AuditEntry.row_id == str(model.id))
        .order_by(AuditEntry.id)).scalars())


def model_for_table(table: str):
    for mapper in Base.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == table:
            return mapper.class_
    return None


def stored_for_display(table: str, stored: str | None,
                       personal: frozenset[str] = frozenset()) -> str | None:
    """An entry's stored ``changes`` or ``snapshot`` JSON for display: the digests of
    secret columns (password/PIN hashes) replaced by a mark, and the ``personal``
    columns (those this reader may not read) masked.  Exports keep the stored text,
    which the chain's verification needs."""
    from rules.personal_data import mask_personal

    secret = getattr(model_for_table(table), "__audit_mask__", frozenset())
    if not stored or not (secret or personal):
        return stored
    data = json.loads(stored)

    def shown(key: str, v: Any) -> Any:
        if v in (None, ""):
            return v
        return _("(set)") if key in secret else mask_personal(v)

    for key in (secret | personal) & data.keys():
        value = data[key]
        data[key] = [shown(key, v) for v in value] if isinstance(value, list) \
            else shown(key, value)
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


class Readable:
    """Turns stored values into what people read: labels for fields and choices,
    names for linked rows, local times, 是/否 — in the UI language."""

    def __init__(self, model_cls, labels: Mapping[str, Any],
                 choices: Mapping[str, Mapping[str, Any]] | None = None,
                 masked: frozenset[str] = frozenset(),
                 formatters: Mapping[str, Any] | None = None):
        self.model_cls = model_cls
        self.labels = labels
        self.choices = choices or {}
        # field → function(stored value) → text, for values stored in a form people
        # do not read (a JSON column): a view's ``history_formatters``
        self.formatters = formatters or {}
        self.masked = masked        # personal columns this reader sees as 138****0001
        self.targets: dict[str, Any] = {}
        if model_cls is not None:
            for col in model_cls.__table__.columns:
                for fk in col.foreign_keys:
                    target = model_for_table(fk.column.table.name)
                    if target is not None:
                        self.targets[col.key] = target
        self._cache: dict[tuple[Any, Any], str] = {}
        # password/PIN hashes: history keeps a digest (for verification); people see
        # only that one was set or changed, whatever their role
        self.secret = getattr(model_cls, "__audit_mask__", frozenset())

    def label(self, field: str) -> str:
        lab = self.labels.get(field) or self.labels.get(field.removesuffix("_id"))
        return str(lab) if lab else field

    def value(self, field: str, value: Any) -> str:
        from flask_babel import format_datetime

        if value is None or value == "":
            return "—"
        if field in self.secret:
            return _("(set)")
        if field in self.masked:
            from rules.personal_data import mask_personal

            return mask_personal(value)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if field in self.formatters:
            return self.formatters[field](value)
        if field in self.choices:
            return str(self.choices[field].get(value, value))
        target = self.targets.get(field)
        if target is not None:
            key = (target, value)
            if key not in self._cache:
                row = db.session.get(target, value)
                self._cache[key] = str(row) if row is not None else f"#{value}"
            return self._cache[key]
        if isinstance(value, str) and ISO_DATETIME.match(value):
            try:
                from datetime import timezone

                return format_datetime(datetime.fromisoformat(value).replace(tzinfo=timezone.utc))
            except ValueError:
                return value
        return str(value)

    def changes(self, entry: AuditEntry) -> list[tuple[str, str, str]]:
        out = []
        for field, (old, new) in sorted(json.loads(entry.changes).items()):
            if field == "version":
                continue
            if field in self.secret and old is not None and new is not None:
                out.append((self.label(field), _("(set)"), _("(changed)")))
                continue
            out.append((self.label(field), self.value(field, old), self.value(field, new)))
        return out

    def snapshot(self, snap: Mapping[str, Any], order: list[str] | None = None
                 ) -> list[tuple[str, str]]:
        fields = order or [k for k in snap if k != "version"]
        return [(self.label(f), self.value(f, snap.get(f))) for f in fields if f in snap]


def snapshot_at(model: Any, moment: datetime) -> tuple[dict | None, AuditEntry | None]:
    """The record as history recorded it at ``moment`` (UTC): the snapshot of its
    last entry at or before then, with that entry."""
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.table_name == model.__table__.name,
                                 AuditEntry.row_id == str(model.id),
                                 AuditEntry.created_at <= moment)
        .order_by(AuditEntry.id.desc()).limit(1)).scalar_one_or_none()
    return (json.loads(entry.snapshot), entry) if entry else (None, None)


def snapshot_after(model: Any, entry_id: int) -> tuple[dict | None, AuditEntry | None]:
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.table_name == model.__table__.name,
                                 AuditEntry.row_id == str(model.id),
                                 AuditEntry.id <= entry_id)
        .order_by(AuditEntry.id.desc()).limit(1)).scalar_one_or_none()
    return (json.loads(entry.snapshot), entry) if entry else (None, None)


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


def column_keys(model_cls) -> list[str]:
    return [c.key for c in sa_inspect(model_cls).column_attrs]
