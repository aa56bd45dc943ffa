"""Index-backed substring search for the big registers.

A model lists its own searchable text columns in ``__search_indexed__``; a
migration builds the index with :func:`create_statements`, and ``RegisterView``
turns a search term into :func:`indexed_condition`.  Results are always those of
a plain ``ILIKE '%term%'``: the index only narrows the candidates, the ``ILIKE``
is re-applied on them.

- PostgreSQL: a ``pg_trgm`` GIN index per column serves ``ILIKE`` for terms of 3+
  characters (CJK characters count as word characters under C.UTF-8); 1–2
  character terms (two-character Chinese names are common) use a GIN index over
  the column's 1- and 2-character grams, ``kefu_short_grams(col) @> ARRAY[term]``.
- SQLite: a contentless FTS5 table ``<table>_search`` with the ``trigram``
  tokenizer, kept in step by triggers.  Terms of 3+ characters are a phrase
  query.  Each value is stored with two sentinel characters appended, so every
  1–2 character substring begins some trigram: a short term becomes an ``OR`` of
  the trigrams that start with it, read from the ``fts5vocab`` table.
"""
from __future__ import annotations

import re
from typing import Any, Sequence

from sqlalchemy import and_, cast, column, func, inspect, or_, select, table, text
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import Text

SENTINEL = "\x1f\x1f"
# A short term whose trigrams are more than this many is searched by a scan.
MAX_SHORT_TRIGRAMS = 400

_PG_GRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION kefu_short_grams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
    SELECT substr(lower(t), i, 1) AS g FROM generate_series(1, length(t)) AS i
    UNION ALL
    SELECT substr(lower(t), i, 2) FROM generate_series(1, length(t) - 1) AS i) AS grams
$$"""


def fts_table(tablename: str) -> str:
    return f"{tablename}_search"


def _stored(prefix: str, columns: Sequence[str]) -> str:
    return ", ".join(f"coalesce({prefix}.{c}, '') || char(31, 31)" for c in columns)


def create_statements(dialect: str, tablename: str, columns: Sequence[str]) -> list[str]:
    """DDL building the search index of ``tablename`` (and filling it)."""
    cols = ", ".join(columns)
    if dialect == "postgresql":
        out = ["CREATE EXTENSION IF NOT EXISTS pg_trgm", _PG_GRAMS_FUNCTION]
        for c in columns:
            out.append(f"CREATE INDEX ix_{tablename}_{c}_trgm ON {tablename} "
                       f"USING gin ({c} gin_trgm_ops)")
            out.append(f"CREATE INDEX ix_{tablename}_{c}_grams ON {tablename} "
                       f"USING gin (kefu_short_grams({c}))")
        return out
    fts = fts_table(tablename)
    delete = (f"INSERT INTO {fts}({fts}, rowid, {cols}) "
              f"VALUES ('delete', old.id, {_stored('old', columns)});")
    insert = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {_stored('new', columns)});"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='', tokenize='trigram')",
        f"CREATE VIRTUAL TABLE {fts}_vocab USING fts5vocab({fts}, 'row')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {tablename} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {tablename} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {cols} ON {tablename} "
        f"BEGIN {delete} {insert} END",
        f"INSERT INTO {fts}(rowid, {cols}) SELECT id, {_stored(tablename, columns)} "
        f"FROM {tablename}",
    ]


def drop_statements(dialect: str, tablename: str, columns: Sequence[str]) -> list[str]:
    """DDL removing what :func:`create_statements` built (pg_trgm itself stays)."""
    if dialect == "postgresql":
        out = []
        for c in columns:
            out += [f"DROP INDEX IF EXISTS ix_{tablename}_{c}_trgm",
                    f"DROP INDEX IF EXISTS ix_{tablename}_{c}_grams"]
        return out + ["DROP FUNCTION IF EXISTS kefu_short_grams(text)"]
    fts = fts_table(tablename)
    return [f"DROP TRIGGER IF EXISTS {fts}_{t}" for t in ("ai", "ad", "au")] + [
        f"DROP TABLE IF EXISTS {fts}_vocab", f"DROP TABLE IF EXISTS {fts}"]


def include_object(obj: Any, name: str | None, type_: str, reflected: bool,
                   compare_to: Any) -> bool:
    """Alembic filter: the search indexes live outside the models' metadata."""
    if not reflected or compare_to is not None or not name:
        return True
    if type_ == "table":
        return "_search" not in name
    if type_ == "index":
        return not name.endswith(("_trgm", "_grams", "_affix"))
    return True


# -- querying -----------------------------------------------------------------------

_present: dict[tuple[str, str], bool] = {}


def index_present(session, tablename: str) -> bool:
    """Whether the search index was built (a database made by ``create_all`` has
    none: search then falls back to a plain scan).  Cached per database."""
    bind = session.get_bind()
    key = (bind.url.render_as_string(hide_password=True), tablename)
    if key not in _present:
        if bind.dialect.name == "postgresql":
            name = f"ix_{tablename}_%_trgm"
            found = session.execute(text("SELECT 1 FROM pg_indexes WHERE tablename = :t "
                                         "AND indexname LIKE :n"),
                                    {"t": tablename, "n": name}).first()
            _present[key] = found is not None
        else:
            _present[key] = inspect(bind).has_table(fts_table(tablename))
    return _present[key]


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _sqlite_query(session, tablename: str, term: str) -> str | None:
    """The FTS5 query for ``term``; ``None`` when a scan is the better plan."""
    if len(term) >= 3:
        return _quote(term)
    vocab = table(f"{fts_table(tablename)}_vocab", column("term"))
    low = term.lower()
    grams = session.execute(select(vocab.c.term).where(
        vocab.c.term >= low, vocab.c.term < low + "\U0010ffff")
        .limit(MAX_SHORT_TRIGRAMS + 1)).scalars().all()
    if len(grams) > MAX_SHORT_TRIGRAMS:
        return None
    return " OR ".join(_quote(g) for g in grams) or _quote(SENTINEL + "\x1f")


def ilike(session, col, like: str) -> ColumnElement:
    """``col ILIKE like``, as a plain ``LIKE`` where that is the same test:

    - on SQLite always (its LIKE and its lower() both fold ASCII letters only), which
      saves SQLAlchemy's ``lower(col) LIKE lower(?)``: 2.5× on Chinese text;
    - on PostgreSQL for a caseless pattern (Chinese, digits, a room number such as
      15-1203): lower-casing the text cannot make it match a pattern with no cased
      letters, and ILIKE lower-cases every value it reads — 3× slower."""
    if session.get_bind().dialect.name == "sqlite" or like.lower() == like.upper():
        return col.like(like)
    return col.ilike(like)


def indexed_condition(session, model, columns: Sequence[str], term: str,
                      like: str) -> ColumnElement:
    """``any column ILIKE like``, narrowed through the search index when it can be.

    ``term`` is the user's word, ``like`` its LIKE pattern ('%term%')."""
    cols = [getattr(model, c) for c in columns]
    scan = or_(*[ilike(session, c, like) for c in cols])
    literal_term = like == f"%{term}%" and not any(ch in term for ch in "%_\\")
    if not literal_term or not index_present(session, model.__tablename__):
        return scan
    if session.get_bind().dialect.name == "postgresql":
        if len(term) >= 3:
            return scan                      # pg_trgm serves ILIKE itself
        wanted = cast(array([term.lower()]), ARRAY(Text))
        # The re-check is on ``col || ''``: on the bare column the planner also
        # "uses" the trigram index for a 1-2 character pattern, which has no
        # trigrams, so that index scan returns every row (120 ms at 1M rows).
        # The ILIKE first: PostgreSQL evaluates the arms in this order, so a row's
        # other columns cost a cheap LIKE, not a kefu_short_grams() call each.
        return or_(*[and_(ilike(session, c.op("||")(""), like),
                          func.kefu_short_grams(c).op("@>")(wanted)) for c in cols])
    query = _sqlite_query(session, model.__tablename__, term)
    if query is None:
        return scan
    fts = table(fts_table(model.__tablename__), column("rowid"),
                column(fts_table(model.__tablename__)))
    candidates = select(fts.c.rowid).where(fts.c[fts_table(model.__tablename__)].match(query))
    return and_(model.id.in_(candidates), scan)


# -- columns of few distinct values -------------------------------------------------

# A column with more distinct values than this is searched by a scan after all.
MAX_DISTINCT_VALUES = 2_000


def values_matching(session, col, like: str, limit: int | None = None) -> list[Any] | None:
    """The distinct values of ``col`` that match ``col ILIKE like``; ``None`` when
    the column holds more than ``limit`` of them.

    For a column of few distinct values in a big table (the history's staff names
    and register names: ~100 among 10M entries) a search becomes ``col IN (…)``,
    which the column's index serves, instead of a scan of every row.  The values
    are read by a loose index scan — a recursive ``min(col) WHERE col > previous``,
    one index seek per value, on both databases — and matched by the database's
    own ``ILIKE`` (via :func:`ilike`), so the result is exactly the scan's."""
    from sqlalchemy import Integer, literal

    limit = MAX_DISTINCT_VALUES if limit is None else limit
    first = select(select(func.min(col)).scalar_subquery().label("x"),
                   literal(1, Integer).label("n")).cte("kefu_values", recursive=True)
    following = select(select(func.min(col)).where(col > first.c.x).scalar_subquery(),
                       first.c.n + 1).where(first.c.x.is_not(None), first.c.n <= limit)
    values = first.union_all(following)
    rows = session.execute(select(values.c.x, ilike(session, values.c.x, like))
                           .where(values.c.x.is_not(None))).all()
    if len(rows) > limit:
        return None
    return [value for value, matched in rows if matched]


# -- codes found by their beginning or their end ---------------------------------------

AFFIX_TERM = re.compile(r"[A-Za-z0-9-]{3,40}")


def affix_index_statements(dialect: str, tablename: str, col: str) -> list[str]:
    """The two indexes of a code column (``__search_affix__``): its upper-cased value
    for a prefix, ``<col>``'s reversal ``<stem>_rev`` for a suffix (stem: the column's
    name before ``_no``).  On PostgreSQL in the "C" collation, so that a range of
    strings is a range of bytes whatever the database's collation."""
    rev = _rev_column(col)
    collate = ' COLLATE "C"' if dialect == "postgresql" else ""
    return [f"CREATE INDEX ix_{tablename}_{col}_prefix_affix ON {tablename} "
            f"(upper({col}){collate})",
            f"CREATE INDEX ix_{tablename}_{col}_suffix_affix ON {tablename} "
            f"({rev}{collate})"]


def _rev_column(col: str) -> str:
    return col.removesuffix("_no") + "_rev"


def _next(key: str) -> str:
    """The least string after every string that starts with ``key`` (ASCII)."""
    return key[:-1] + chr(ord(key[-1]) + 1)


def affix_condition(session, model, col: str, term: str) -> ColumnElement | None:
    """``col`` starts or ends with ``term`` (case-insensitive), as two index ranges;
    ``None`` when ``term`` is no fragment of a code (3–40 letters, digits, dashes).

    A clerk types the last digits from a parcel label, or the beginning; a middle
    fragment of a million digit codes has no index that serves it (the n-gram index
    took 286 ms for one at 1M rows, as most codes share its grams)."""
    if not AFFIX_TERM.fullmatch(term):
        return None
    key = term.upper()
    head = func.upper(getattr(model, col))
    tail = getattr(model, _rev_column(col))
    rev = key[::-1]
    if session.get_bind().dialect.name == "postgresql":
        head, tail = head.collate("C"), tail.collate("C")
        # a BitmapOr of the two indexes (and of the other columns' indexes)
        return or_(and_(head >= key, head < _next(key)), and_(tail >= rev, tail < _next(rev)))
    # SQLite: as an id list, so that its planner reads the indexes (a multi-index OR)
    # instead of walking the list's time index testing each row (0.9 s for a prefix
    # whose 2,500 matches lie in one stretch of time)
    return model.id.in_(select(model.id).where(head >= key, head < _next(key)).union_all(
        select(model.id).where(tail >= rev, tail < _next(rev))))
