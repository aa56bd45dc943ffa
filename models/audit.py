"""The append-only, hash-chained history table.

Rows are written only by ``audit.listener`` (a Core insert in the same transaction
as the change they describe).  The ORM refuses to update or delete them, and on
PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE (see the migration).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db

# SQLite only auto-assigns INTEGER primary keys; ids are assigned by the chain
# writer anyway (last id + 1 under the chain lock), so no sequence is involved.
AuditId = BigInteger().with_variant(Integer(), "sqlite")


class AuditEntry(db.Model):
    __tablename__ = "audit_log"
    __audited__ = False
    __table_args__ = (
        Index("ix_audit_log_record", "table_name", "row_id", "id"),
        Index("ix_audit_log_actor", "actor_id", "id"),
        Index("ix_audit_log_property", "property_id", "id"),
        Index("ix_audit_log_created_at", "created_at"),
        # the log list's filters and searches, newest first (migration 9d4e6b2f8a51)
        Index("ix_audit_log_actor_name", "actor_name", "id"),
        Index("ix_audit_log_action", "action", "id"),
        Index("ix_audit_log_table", "table_name", "id"),
        Index("ix_audit_log_row", "row_id", "id"),
    )

    id: Mapped[int] = mapped_column(AuditId, primary_key=True, autoincrement=False)
    tx_id: Mapped[str] = mapped_column(String(32), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    table_name: Mapped[str] = mapped_column(String(64), nullable=False)
    row_id: Mapped[str] = mapped_column(String(64), nullable=False)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    property_id: Mapped[int | None] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str | None] = mapped_column(String(120))
    actor_roles: Mapped[str | None] = mapped_column(String(200))
    client_addr: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[str] = mapped_column(Text, nullable=False)   # canonical JSON {field: [old, new]}
    snapshot: Mapped[str] = mapped_column(Text, nullable=False)  # canonical JSON of the row after
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)

    def __str__(self) -> str:
        return f"#{self.id} {self.table_name}:{self.row_id} {self.action}"


class AuditCheckpoint(db.Model):
    """A verification run of the chain: "verified up to entry N at time T".

    Written by ``audit verify`` and by the auditors' "verify now"; not a register
    (no history of its own), and only ever inserted."""

    __tablename__ = "audit_checkpoint"
    __audited__ = False
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    verified_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    ok: Mapped[bool] = mapped_column(Boolean, nullable=False)
    entries: Mapped[int] = mapped_column(AuditId, nullable=False)
    head_id: Mapped[int] = mapped_column(AuditId, nullable=False)
    head_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    bad_entry_id: Mapped[int | None] = mapped_column(AuditId)
    problems: Mapped[str | None] = mapped_column(Text)
    rows_checked: Mapped[int] = mapped_column(AuditId, nullable=False, default=0)
    seconds: Mapped[float] = mapped_column(Float, nullable=False)
    run_by: Mapped[str] = mapped_column(String(120), nullable=False)
    # HMAC-SHA256 of the checkpoint's head under KEFU_ANCHOR_KEY (a key kept out of
    # the database): a checkpoint row forged in the database cannot carry a valid one
    hmac: Mapped[str | None] = mapped_column(String(64))


class AuditVerifyJob(db.Model):
    """A "verify now" run in the background: who started it, how far it got, and the
    checkpoint it recorded.  Kept in the database so every worker and instance can
    show it.  ``active`` is TRUE while it runs and NULL afterwards; being unique, it
    lets only one run at a time, whichever worker starts it."""

    __tablename__ = "audit_verify_job"
    __audited__ = False
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    started_by: Mapped[str] = mapped_column(String(120), nullable=False)
    active: Mapped[bool | None] = mapped_column(Boolean, unique=True)
    # the last sign of life; a running job silent for longer than the stale limit
    # is taken as interrupted (its worker died or was restarted)
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    entries_total: Mapped[int] = mapped_column(AuditId, nullable=False, default=0)
    entries_checked: Mapped[int] = mapped_column(AuditId, nullable=False, default=0)
    rows_checked: Mapped[int] = mapped_column(AuditId, nullable=False, default=0)
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("audit_checkpoint.id"))
    error: Mapped[str | None] = mapped_column(Text)
    checkpoint: Mapped[AuditCheckpoint | None] = relationship()
