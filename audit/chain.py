"""How an entry is serialised and hashed.  Verification uses the same functions.

hash = SHA-256(prev_hash ‖ "\\n" ‖ canonical JSON of the entry's fields).  The id is
part of the hashed content, so moving an entry to another position breaks the chain.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Mapping

GENESIS = "0" * 64
TS_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

HASHED_FIELDS = (
    "id", "tx_id", "created_at", "table_name", "row_id", "action", "property_id",
    "actor_id", "actor_name", "actor_roles", "client_addr", "reason", "changes",
    "snapshot", "prev_hash",
)


def to_jsonable(value: Any) -> Any:
    """One canonical representation per value, identical on SQLite and PostgreSQL."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value else str(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if hasattr(value, "value"):  # enum
        return to_jsonable(value.value)
    return str(value)


def canonical_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def format_ts(ts: datetime) -> str:
    return ts.strftime(TS_FORMAT)


def entry_hash(entry: Mapping[str, Any]) -> str:
    """Hash of one entry given as a mapping of the table's columns."""
    payload = {k: entry[k] for k in HASHED_FIELDS}
    payload["created_at"] = format_ts(entry["created_at"])
    payload["id"] = int(payload["id"])
    body = canonical_json(payload)
    return hashlib.sha256((entry["prev_hash"] + "\n" + body).encode("utf-8")).hexdigest()


def digest(value: Any) -> str | None:
    """Masked columns (password and PIN hashes) are kept in history as a digest."""
    if value is None:
        return None
    return "sha256:" + hashlib.sha256(str(value).encode("utf-8")).hexdigest()[:32]
