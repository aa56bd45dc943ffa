"""Writes history entries from SQLAlchemy flush events.

``after_flush`` sees every ORM write, whichever view or command made it, with
primary keys assigned and attribute history intact.  Entries are inserted with
Core on the same connection, so they commit or roll back with the change.
Hard deletes of audited rows and ORM bulk UPDATE/DELETE (which bypass flush
events) are refused outright.
"""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import event, func, inspect, select, text
from sqlalchemy.orm import Mapper, Session

from models.audit import AuditEntry
from models.base import utcnow

from .chain import GENESIS, canonical_json, digest, entry_hash, to_jsonable
from .context import current_actor, current_reason

# Big-endian "AUDT": the advisory lock that serialises chain writers on PostgreSQL.
CHAIN_LOCK_KEY = 0x41554454


class HistoryViolation(RuntimeError):
    """Raised when code tries to erase or bypass history."""


def is_audited(obj_or_cls: Any) -> bool:
    cls = obj_or_cls if isinstance(obj_or_cls, type) else type(obj_or_cls)
    return getattr(cls, "__audited__", True) and hasattr(cls, "__table__")


def audited_columns(mapper: Mapper) -> list[str]:
    exclude = getattr(mapper.class_, "__audit_exclude__", frozenset())
    return [p.key for p in mapper.column_attrs if p.key not in exclude]


def snapshot_of(obj: Any) -> dict[str, Any]:
    """The row as history records it (also used by verification)."""
    mapper = inspect(obj).mapper
    masked = getattr(mapper.class_, "__audit_mask__", frozenset())
    snap = {}
    for key in audited_columns(mapper):
        value = getattr(obj, key)
        snap[key] = digest(value) if key in masked else to_jsonable(value)
    return snap


def snapshot_of_row(mapper: Mapper, row: Any) -> dict[str, Any]:
    """Same as ``snapshot_of`` for a Core row of the mapped table (verification)."""
    masked = getattr(mapper.class_, "__audit_mask__", frozenset())
    snap = {}
    for key in audited_columns(mapper):
        col = mapper.column_attrs[key].columns[0]
        value = row._mapping[col]
        snap[key] = digest(value) if key in masked else to_jsonable(value)
    return snap


def mark_action(obj: Any, action: str, reason: str | None = None) -> None:
    """Name the next history entry of ``obj`` (approve, cosign, execute, …): one of
    ``audit.actions.ACTION_LABELS``, so people read it in their language."""
    from .actions import ACTION_LABELS

    if action not in ACTION_LABELS:
        raise ValueError(f"history action {action!r} has no label in audit/actions.py")
    obj.__dict__["_audit_action"] = action
    if reason is not None:
        obj.__dict__["_audit_reason"] = reason


def _row_key(obj: Any) -> str:
    # identity is not set yet for rows inserted in this flush; the key values are.
    ident = inspect(obj).mapper.primary_key_from_instance(obj)
    return ":".join(str(v) for v in ident)


def _changes_for(obj: Any, is_new: bool) -> dict[str, list[Any]]:
    state = inspect(obj)
    mapper = state.mapper
    masked = getattr(mapper.class_, "__audit_mask__", frozenset())
    changes: dict[str, list[Any]] = {}
    for key in audited_columns(mapper):
        hist = state.attrs[key].history
        if is_new:
            value = getattr(obj, key)
            if value is not None:
                changes[key] = [None, digest(value) if key in masked else to_jsonable(value)]
            continue
        if not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else getattr(obj, key)
        old_j = digest(old) if key in masked else to_jsonable(old)
        new_j = digest(new) if key in masked else to_jsonable(new)
        if old_j != new_j:
            changes[key] = [old_j, new_j]
    return changes


def _action_for(obj: Any, is_new: bool, changes: dict) -> str:
    explicit = obj.__dict__.pop("_audit_action", None)
    if explicit:
        return explicit
    if is_new:
        return "insert"
    if "voided_at" in changes and changes["voided_at"][0] is None:
        return "void"
    return "update"


def _before_flush(session: Session, flush_context, instances) -> None:
    for obj in session.deleted:
        if is_audited(obj):
            raise HistoryViolation(
                f"{type(obj).__name__} rows are never deleted; void them with a reason"
            )
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, AuditEntry):
            raise HistoryViolation("history entries are written only by the audit listener")


def _after_flush(session: Session, flush_context) -> None:
    pending = []
    for is_new, objs in ((True, session.new), (False, session.dirty)):
        for obj in objs:
            if not is_audited(obj):
                continue
            changes = _changes_for(obj, is_new)
            explicit = "_audit_action" in obj.__dict__
            if not is_new and not changes and not explicit:
                continue  # touched but unchanged: nothing to record
            pending.append((obj, is_new, changes))
    if not pending:
        return

    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CHAIN_LOCK_KEY})
    last = conn.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    last_id, prev_hash = (last[0], last[1]) if last else (0, GENESIS)

    actor = current_actor()
    ctx_reason = current_reason()
    tx_id = session.info.get("audit_tx_id")
    if tx_id is None:
        tx_id = session.info["audit_tx_id"] = uuid.uuid4().hex
    now = utcnow()
    rows = []
    for obj, is_new, changes in pending:
        action = _action_for(obj, is_new, changes)
        reason = obj.__dict__.pop("_audit_reason", None) or ctx_reason
        if action == "void" and not reason:
            reason = getattr(obj, "void_reason", None)
        last_id += 1
        entry = {
            "id": last_id,
            "tx_id": tx_id,
            "created_at": now,
            "table_name": obj.__table__.name,
            "row_id": _row_key(obj),
            "action": action,
            "property_id": getattr(obj, "property_id", None),
            "actor_id": actor.id if actor else None,
            "actor_name": actor.name if actor else "anonymous",
            "actor_roles": actor.roles if actor else "",
            "client_addr": actor.addr if actor else None,
            "reason": reason,
            "changes": canonical_json(changes),
            "snapshot": canonical_json(snapshot_of(obj)),
            "prev_hash": prev_hash,
        }
        entry["hash"] = prev_hash = entry_hash(entry)
        rows.append(entry)
    conn.execute(AuditEntry.__table__.insert(), rows)


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop("audit_tx_id", None)


def _refuse_bulk_writes(orm_execute_state) -> None:
    if not (orm_execute_state.is_update or orm_execute_state.is_delete):
        return
    mapper = orm_execute_state.bind_mapper
    if mapper is not None and (is_audited(mapper.class_) or mapper.class_ is AuditEntry):
        raise HistoryViolation(
            f"bulk UPDATE/DELETE on {mapper.class_.__name__} would bypass history"
        )


def _full_history_on_columns(mapper: Mapper, class_) -> None:
    """Load the old value before an attribute is overwritten, so updates to
    expired objects still record what was there before."""
    if not is_audited(class_):
        return
    for prop in mapper.column_attrs:
        prop.class_attribute.impl.active_history = True


_installed = False


def install(session_factory=Session) -> None:
    """Attach the listeners (idempotent)."""
    global _installed
    if _installed:
        return
    event.listen(session_factory, "before_flush", _before_flush)
    event.listen(session_factory, "after_flush", _after_flush)
    event.listen(session_factory, "after_transaction_end", _after_transaction_end)
    event.listen(session_factory, "do_orm_execute", _refuse_bulk_writes)
    event.listen(Mapper, "mapper_configured", _full_history_on_columns)
    _installed = True
    # Mappers configured before install() get the same treatment.
    from sqlalchemy.orm import configure_mappers

    from models.base import Base

    configure_mappers()
    for mapper in Base.registry.mappers:
        _full_history_on_columns(mapper, mapper.class_)


def history_count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
