"""Operations state kept in the database so every app instance sees the same:
backups taken (for the dashboard's "last backup" warning) and stored files
(deposit photos), instead of files on one instance's disk."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import db

_Big = BigInteger().with_variant(Integer(), "sqlite")


class BackupRun(db.Model):
    """One ``flask backup`` run: where the file went, its checksum and the history
    head it contains.  Insert-only; not a register (no history of its own)."""

    __tablename__ = "backup_run"
    __audited__ = False
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finished_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
    ok: Mapped[bool] = mapped_column(Boolean, nullable=False)
    path: Mapped[str] = mapped_column(String(500), nullable=False)
    size_bytes: Mapped[int] = mapped_column(_Big, nullable=False, default=0)
    sha256: Mapped[str | None] = mapped_column(String(64))
    head: Mapped[str | None] = mapped_column(String(100))
    run_by: Mapped[str] = mapped_column(String(120), nullable=False)


class StoredBlob(db.Model):
    """The bytes of an uploaded file, by key (a deposit photo's ``stored_name``).
    Insert-only, like the rows that name them; the row that names a blob carries
    its SHA-256, which is in the history."""

    __tablename__ = "stored_blob"
    __audited__ = False
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(40), nullable=False)
    size_bytes: Mapped[int] = mapped_column(_Big, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class StoredFileMixin:
    """The columns of a record that names an uploaded file (a deposit photo, an
    activity photo, a notice's attachment): the blob's key, the name it was
    uploaded under, its type, size and SHA-256 — checked whenever it is served
    (``ops/blobs.py``)."""

    stored_name: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    original_name: Mapped[str | None] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40), nullable=False)
    size_bytes: Mapped[int] = mapped_column(_Big, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)

    def __str__(self) -> str:
        return self.original_name or self.stored_name
