"""Proves the history was not altered.

Two checks, both streaming in id order:
1. the chain: ids run 1, 2, 3 … without gaps, each entry's ``prev_hash`` is the
   previous entry's hash and its own hash recomputes — catches an entry changed,
   removed or inserted out of order;
2. the live rows: every row of every audited table equals its latest snapshot and
   no row is missing or extra — catches changes made with raw SQL outside the app.
An optional anchor (id and hash exported earlier with ``audit head``) catches a
chain rewritten wholesale from some point on.

Both checks read one snapshot of the database (``read_snapshot``): clerks keep
writing while a verification runs, and a row committed between reading the chain
and reading the rows would otherwise look like a change made outside the app.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Boolean, func, select
from sqlalchemy.engine import Connection, Engine

from models.audit import AuditEntry
from models.base import Base

from .chain import GENESIS, canonical_json, entry_hash
from .listener import is_audited, snapshot_of_row

BATCH = 20_000
ROWS_PROGRESS = 50_000


@dataclass
class VerifyResult:
    entries: int = 0
    head_id: int = 0
    head_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)
    bad_entry_id: int | None = None
    rows_checked: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def _digest(text_: str) -> bytes:
    return hashlib.blake2b(text_.encode("utf-8"), digest_size=12).digest()


# progress(entries checked, entries in the snapshot, live rows checked)
Progress = Callable[[int, int, int], None]


@contextlib.contextmanager
def read_snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection that sees the whole database as of one moment until it closes.

    PostgreSQL: one REPEATABLE READ, READ ONLY transaction (its snapshot is taken at
    the first query).  SQLite: an explicit BEGIN, since the driver opens none for
    reads; in WAL mode the read transaction keeps the snapshot of its first read and
    blocks no writer.  Streaming reads (keyset batches, ``yield_per``) stay inside it.
    """
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN")
        try:
            yield conn
        finally:
            conn.rollback()


def verify(engine: Engine, check_rows: bool = True, anchor: tuple[int, str] | None = None,
           max_problems: int = 20, progress: Progress | None = None) -> VerifyResult:
    """Check the chain and (``check_rows``) the live rows, from one snapshot."""
    with read_snapshot(engine) as conn:
        return _verify(conn, check_rows, anchor, max_problems, progress)


def _verify(conn: Connection, check_rows: bool, anchor: tuple[int, str] | None,
            max_problems: int, progress: Progress | None) -> VerifyResult:
    started = time.perf_counter()
    res = VerifyResult()
    total = conn.execute(select(func.max(AuditEntry.id))).scalar() or 0
    cols = [c for c in AuditEntry.__table__.c]
    latest: dict[str, dict[str, tuple[int, bytes | None]]] = {}
    expected_id, prev_hash, last_id = 1, GENESIS, 0

    def problem(entry_id: int | None, msg: str) -> None:
        if res.bad_entry_id is None and entry_id is not None:
            res.bad_entry_id = entry_id
        res.problems.append(msg)

    while True:
        rows = conn.execute(
            select(*cols).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(BATCH)
        ).mappings().all()
        if not rows:
            break
        for e in rows:
            eid = int(e["id"])
            if res.bad_entry_id is None:
                if eid != expected_id:
                    problem(eid, f"entry #{eid}: expected #{expected_id} next — "
                                 f"entries are missing or out of order")
                elif e["prev_hash"] != prev_hash:
                    problem(eid, f"entry #{eid}: does not link to the entry before it "
                                 f"(removed, inserted or reordered)")
                elif entry_hash(e) != e["hash"]:
                    problem(eid, f"entry #{eid}: content does not match its hash (altered)")
            if anchor and eid == anchor[0] and e["hash"] != anchor[1]:
                problem(eid, f"entry #{eid}: differs from the exported anchor")
            prev_hash, expected_id, last_id = e["hash"], eid + 1, eid
            res.entries += 1
            if check_rows:
                per_table = latest.setdefault(e["table_name"], {})
                per_table[e["row_id"]] = (eid, _digest(e["snapshot"]))
        res.head_id, res.head_hash = last_id, prev_hash
        if progress:
            progress(res.entries, total, 0)
    if anchor and anchor[0] > res.head_id:
        problem(None, f"the chain ends at #{res.head_id} but the anchor names #{anchor[0]}: "
                      f"entries were removed from the end")

    if check_rows and len(res.problems) < max_problems:
        _check_rows(conn, latest, res, problem, max_problems,
                    (lambda rows: progress(res.entries, total, rows)) if progress else None)
    res.seconds = time.perf_counter() - started
    return res


def _check_rows(conn, latest, res, problem, max_problems,
                progress: Callable[[int], None] | None) -> None:
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if not is_audited(cls) or mapper.single:
            continue       # a single-table subclass's rows are its base class's: once
        table = mapper.local_table
        seen = latest.get(table.name, {})
        pk = list(table.primary_key.columns)
        result = conn.execution_options(yield_per=5000).execute(select(table).order_by(*pk))
        for row in result:
            res.rows_checked += 1
            if progress and res.rows_checked % ROWS_PROGRESS == 0:
                progress(res.rows_checked)
            key = ":".join(str(row._mapping[c]) for c in pk)
            last = seen.pop(key, None)
            if last is None:
                problem(None, f"{table.name} row {key} has no history (written outside the app)")
            elif _digest(canonical_json(live := snapshot_of_row(mapper, row))) != last[1] \
                    and not only_columns_added_since(mapper, live, _stored(conn, last[0])):
                problem(last[0], f"{table.name} row {key} differs from its last history "
                                 f"entry #{last[0]} (changed outside the app)")
            if len(res.problems) >= max_problems:
                return
        for key, (eid, _) in seen.items():
            problem(eid, f"{table.name} row {key} is in history (#{eid}) but missing "
                         f"from the table (deleted outside the app)")
            if len(res.problems) >= max_problems:
                return


def _stored(conn: Connection, entry_id: int) -> str:
    return conn.execute(select(AuditEntry.snapshot).where(AuditEntry.id == entry_id)).scalar()


def only_columns_added_since(mapper, live: dict, stored: str | None) -> bool:
    """True when the live row differs from its last snapshot only by columns a later
    migration added, each still empty (NULL or the column's own default).

    An upgrade that adds a column does not rewrite history, so every older row's last
    snapshot lacks it; without this, ``audit verify`` would report every such row as
    changed outside the app the day after the upgrade.  A value written into the new
    column outside the app, or any change to the old columns, is still reported.
    A model's ``__backfilled__`` ({column: function of the old snapshot}) names
    columns its migration filled from the row's other columns: that value is
    accepted too (and no other).
    Only called for rows whose digest differs (the slow path).
    """
    if not stored:
        return False
    old = json.loads(stored)
    added = set(live) - set(old)
    if not added or set(old) - set(live):
        return False
    if canonical_json({k: live[k] for k in old}) != stored:
        return False
    backfilled = getattr(mapper.class_, "__backfilled__", {})
    return all(live[k] is None or live[k] == _default_of(mapper, k)
               or (k in backfilled and live[k] == backfilled[k](old)) for k in added)


def _default_of(mapper, key: str):
    """The value a new column takes on existing rows: its scalar default, if any."""
    col = mapper.column_attrs[key].columns[0]
    if col.default is not None and getattr(col.default, "is_scalar", False):
        return col.default.arg
    server = getattr(col.server_default, "arg", None)
    text_ = str(getattr(server, "text", server) or "").strip("'").lower()
    return {"false": False, "0": False if isinstance(col.type, Boolean) else 0,
            "true": True, "1": True if isinstance(col.type, Boolean) else 1}.get(text_, None)


def record_checkpoint(engine: Engine, res: VerifyResult, run_by: str) -> int:
    """Keep the outcome as "verified up to entry N at time T" (own transaction);
    returns the checkpoint's id."""
    from models.audit import AuditCheckpoint
    from models.base import utcnow

    from . import anchor

    now = utcnow()
    with engine.begin() as conn:
        cp_id = conn.execute(AuditCheckpoint.__table__.insert().values(
            verified_at=now, ok=res.ok, entries=res.entries, head_id=res.head_id,
            head_hash=res.head_hash, bad_entry_id=res.bad_entry_id,
            problems="\n".join(res.problems)[:4000] or None, rows_checked=res.rows_checked,
            seconds=round(res.seconds, 3), run_by=run_by[:120],
            hmac=anchor.sign(now, res.ok, res.head_id, res.head_hash))
        ).inserted_primary_key[0]
    if res.ok and res.head_id:
        anchor.append(res.head_id, res.head_hash, now)
    return cp_id
