"""Where uploaded files (deposit photos) live: somewhere every app instance sees.

``KEFU_BLOB_STORE`` = ``db`` (default: the ``stored_blob`` table) or ``s3``
(an S3-compatible bucket, ``KEFU_S3_BUCKET`` / ``KEFU_S3_ENDPOINT``; needs boto3,
which is not a dependency).  Files are written once under a fresh key and never
changed or deleted; the row naming a file keeps its SHA-256 (in the history), so
what is served is checked against it.
"""
from __future__ import annotations

import hashlib
from typing import Protocol

from flask import current_app
from sqlalchemy import select

from models.base import db, utcnow
from models.ops import StoredBlob


class BlobStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes | None: ...


class DatabaseBlobStore:
    """Rows of ``stored_blob``, written in the same transaction as the record that
    names them (a refused or failed save leaves neither)."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        db.session.add(StoredBlob(key=key, content_type=content_type, size_bytes=len(data),
                                  created_at=utcnow(), data=data))

    def get(self, key: str) -> bytes | None:
        return db.session.execute(select(StoredBlob.data).where(StoredBlob.key == key)).scalar()


class S3BlobStore:
    """An S3-compatible bucket (MinIO, Ceph, a cloud's object store)."""

    def __init__(self, bucket: str, endpoint: str | None = None, prefix: str = "kefu/"):
        import boto3  # optional: only when configured

        self.bucket, self.prefix = bucket, prefix
        self.client = boto3.client("s3", endpoint_url=endpoint or None)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self.prefix + key, Body=data,
                               ContentType=content_type)

    def get(self, key: str) -> bytes | None:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)["Body"].read()
        except self.client.exceptions.NoSuchKey:
            return None


def store() -> BlobStore:
    kind = current_app.config.get("KEFU_BLOB_STORE", "db")
    if kind == "s3":
        return S3BlobStore(current_app.config["KEFU_S3_BUCKET"],
                           current_app.config.get("KEFU_S3_ENDPOINT"))
    return DatabaseBlobStore()


def read_checked(key: str, sha256: str) -> bytes | None:
    """The file's bytes if present and still the ones recorded, else None."""
    data = store().get(key)
    if data is None or hashlib.sha256(data).hexdigest() != sha256:
        return None
    return data
