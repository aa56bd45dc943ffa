"""History anchored outside the database.

Whoever can write to the database as its owner can disable the append-only
triggers, rewrite the chain and recompute every hash: the chain then verifies.
Two things they cannot reach stop that:

- ``KEFU_ANCHOR_FILE``: every successful checkpoint's head (``ID:HASH``) is
  appended to a file outside the database (another disk, a log shipper, a
  write-once mount); ``audit verify`` checks the newest line by itself;
- ``KEFU_ANCHOR_KEY``: every checkpoint row carries an HMAC of its outcome under
  a key from the configuration; a checkpoint forged or edited in the database
  fails, and each signed successful checkpoint's head must still be in the chain.
"""
from __future__ import annotations

import fcntl
import hashlib
import hmac as hmac_
import os
from datetime import datetime
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.engine import Engine

from models.audit import AuditCheckpoint, AuditEntry

from .verify import Progress, VerifyResult, verify


def _config(name: str) -> str | None:
    return current_app.config.get(name) if has_app_context() else None


def sign(at: datetime, ok: bool, head_id: int, head_hash: str,
         key: str | None = None) -> str | None:
    """HMAC-SHA256 of a checkpoint's outcome, or None when no key is configured."""
    key = key or _config("KEFU_ANCHOR_KEY")
    if not key:
        return None
    msg = f"{at:%Y-%m-%dT%H:%M:%S.%f}:{int(bool(ok))}:{head_id}:{head_hash}".encode()
    return hmac_.new(key.encode(), msg, hashlib.sha256).hexdigest()


def _line_mac(head: str, key: str | None) -> str:
    return hmac_.new(key.encode(), head.encode(), hashlib.sha256).hexdigest() if key else "-"


def append(head_id: int, head_hash: str, at: datetime) -> None:
    """Append ``time ID:HASH mac`` to the anchor file (when one is configured)."""
    path = _config("KEFU_ANCHOR_FILE")
    if not path:
        return
    head = f"{head_id}:{head_hash}"
    line = f"{at:%Y-%m-%dT%H:%M:%SZ} {head} {_line_mac(head, _config('KEFU_ANCHOR_KEY'))}\n"
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="ascii") as f:
        fcntl.flock(f, fcntl.LOCK_EX)       # several instances may append at once
        f.write(line)
        f.flush()
        os.fsync(f.fileno())


def newest() -> tuple[tuple[int, str] | None, str | None]:
    """(anchor, problem): the last line of the anchor file, checked against its MAC."""
    path = _config("KEFU_ANCHOR_FILE")
    if not path or not Path(path).is_file():
        return None, None
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        f.seek(max(0, f.tell() - 4096))
        lines = [x for x in f.read().decode("ascii", "replace").splitlines() if x.strip()]
    if not lines:
        return None, None
    parts = lines[-1].split()
    try:
        _at, head, mac = parts
        aid, ahash = head.split(":", 1)
        anchor = (int(aid), ahash)
    except ValueError:
        return None, f"the external anchor file's last line cannot be read: {lines[-1][:120]}"
    key = _config("KEFU_ANCHOR_KEY")
    if key and not hmac_.compare_digest(mac, _line_mac(head, key)):
        return anchor, "the external anchor's HMAC does not match (the file was edited)"
    return anchor, None


def check_checkpoints(engine: Engine, res: VerifyResult) -> None:
    """Signed checkpoints: each HMAC valid, none unsigned after signing began, and
    each successful one's head still in the chain with the same hash."""
    key = _config("KEFU_ANCHOR_KEY")
    if not key:
        return
    with engine.connect() as conn:
        rows = conn.execute(select(AuditCheckpoint.id, AuditCheckpoint.verified_at,
                                   AuditCheckpoint.ok,
                                   AuditCheckpoint.head_id, AuditCheckpoint.head_hash,
                                   AuditCheckpoint.hmac).order_by(AuditCheckpoint.id)).all()
        heads: dict[int, str] = {}
        signed = False
        for cp in rows:
            if cp.hmac is None:
                if signed:
                    res.problems.append(f"checkpoint #{cp.id} is not signed (added in the "
                                        f"database)")
                continue
            signed = True
            if not hmac_.compare_digest(cp.hmac, sign(cp.verified_at, cp.ok, cp.head_id,
                                                      cp.head_hash, key)):
                res.problems.append(f"checkpoint #{cp.id}: HMAC does not match (forged or "
                                    f"edited in the database)")
            elif cp.ok and 0 < cp.head_id <= res.head_id:
                heads[cp.head_id] = cp.head_hash
        ids = sorted(heads)
        for i in range(0, len(ids), 1000):
            for eid, h in conn.execute(select(AuditEntry.id, AuditEntry.hash).where(
                    AuditEntry.id.in_(ids[i:i + 1000]))):
                if h != heads[eid]:
                    res.problems.append(f"entry #{eid}: differs from the head of a signed "
                                        f"checkpoint (history rewritten)")
                    res.bad_entry_id = res.bad_entry_id or eid


def verify_anchored(engine: Engine, check_rows: bool = True,
                    anchor: tuple[int, str] | None = None,
                    progress: Progress | None = None) -> VerifyResult:
    """``verify`` against the given anchor or, without one, the newest external
    anchor; then the signed checkpoints."""
    problem = None
    if anchor is None:
        anchor, problem = newest()
    res = verify(engine, check_rows=check_rows, anchor=anchor, progress=progress)
    if problem:
        res.problems.append(problem)
    check_checkpoints(engine, res)
    return res
