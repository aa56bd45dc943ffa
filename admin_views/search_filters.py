"""Search and filters without joins or casts, so the indexes serve them.

Reads options ``column_search_by_value`` and ``column_search_exact``.
"""
from __future__ import annotations

import re
from contextvars import ContextVar

from flask import g
from flask_admin.contrib.sqla import filters as sqla_filters
from flask_babel import get_locale
from sqlalchemy import false, or_

from models.base import db

# False while a list's page query is built for a walk in the list's order (many
# matches): the by-value filters below then apply Flask-Admin's plain ILIKE.
filters_use_index: ContextVar[bool] = ContextVar("filters_use_index", default=True)


def _filter_values(col, value: str) -> list | None:
    """The values of ``col`` a contains-filter for ``value`` matches; ``None`` when
    the plain ILIKE applies (too many distinct values, or a walk in list order)."""
    from flask_admin.contrib.sqla import tools

    from models.search import values_matching

    if not filters_use_index.get():
        return None
    return values_matching(db.session, col, tools.parse_like_term(value))


class ValuesLikeFilter(sqla_filters.FilterLike):
    """"Contains" over a column of few distinct values: ``col IN`` the matching values
    (models.search.values_matching), the same rows as Flask-Admin's ``ILIKE``."""

    def apply(self, query, value, alias=None):
        col = self.get_column(alias)
        values = _filter_values(col, value)
        return super().apply(query, value, alias) if values is None \
            else query.filter(col.in_(values))


class ValuesNotLikeFilter(sqla_filters.FilterNotLike):
    """"Not contains" likewise: ``col NOT IN`` the matching values (``NOT ILIKE``
    and ``NOT IN`` both leave out the NULLs)."""

    def apply(self, query, value, alias=None):
        col = self.get_column(alias)
        values = _filter_values(col, value)
        return super().apply(query, value, alias) if values is None \
            else query.filter(col.is_not(None), col.not_in(values))

def _local_time_filter(cls, local: bool = True):
    """``cls`` reading a range typed "A 至 B" as well as Flask-Admin's "A to B" (the
    Chinese picker writes 至) and, for datetimes (``local``), its value(s) as the
    property's local time: lists show local time and datetimes are stored in UTC."""
    from i18n import local_to_utc

    def same_separator(value):
        return value.replace(" 至 ", " to ") if isinstance(value, str) else value

    def validate(self, value):
        return super(sub, self).validate(same_separator(value))

    def clean(self, value):
        got = super(sub, self).clean(same_separator(value))
        if not local:
            return got
        return [local_to_utc(v) for v in got] if isinstance(got, list) else local_to_utc(got)

    sub = type(f"Local{cls.__name__}", (cls,), {"clean": clean, "validate": validate})
    return sub


class LocalTimeFilterConverter(sqla_filters.FilterConverter):
    datetime_filters = tuple(
        f if f is sqla_filters.FilterEmpty else _local_time_filter(f)
        for f in sqla_filters.FilterConverter.datetime_filters)
    date_filters = tuple(
        f if f is sqla_filters.FilterEmpty else _local_time_filter(f, local=False)
        for f in sqla_filters.FilterConverter.date_filters)


def _in_small_table(local, subquery, key: tuple):
    """``fk IN (subquery)``; on PostgreSQL the small table's ids read first and given
    as an array (``fk = ANY(:ids)``, which an index can serve inside an ``OR``; an
    ``IN`` subquery there is a per-row filter), or no condition at all when none
    match.  A term no room holds (a month, 2019-05) then leaves the notices' own
    month alone, a range of their order index, where ``unit_id = ANY(ARRAY(SELECT
    …))`` kept the ``OR`` and the list walked every newer month (47 ms at a million
    notices)."""
    from sqlalchemy import false

    if db.session.get_bind().dialect.name == "postgresql":
        ids = _ids_of_request("kefu_small_ids", key, subquery)
        return _any_of(local, ids, "small_ids") if ids else false()
    return local.in_(subquery)


def _ids_of_request(kept: str, key: tuple, statement) -> list[int]:
    """``statement``'s ids, read once per request and ``key``: a list asks up to three
    times (its count, a sample, its page)."""
    memo = g.setdefault(kept, {})
    if key not in memo:
        memo[key] = db.session.execute(statement).scalars().all()
    return memo[key]


def _any_of(column, ids: list[int], name: str):
    """``column = ANY(:ids)``: the ids as one array parameter, not one each."""
    from sqlalchemy import ARRAY, Integer, any_, bindparam

    return column == any_(bindparam(name, sorted(set(ids)), unique=True, type_=ARRAY(Integer)))


def choice_codes(choices, term: str) -> list:
    """The stored codes whose label (in the page's language or Chinese) contains
    ``term``: people search a category by the word they read, not its code."""
    from flask_babel import force_locale

    term = term.casefold()
    found = []
    for value, label in choices:
        words = {str(label)}
        with force_locale("zh_Hans_CN"):
            words.add(str(label))
        if any(term in w.casefold() for w in words):
            found.append(value)
    return found


class SearchFiltersMixin:
    """Search terms and by-value filters on indexes."""

    def scaffold_filters(self, name):
        """Flask-Admin's filters; a "contains" / "not contains" filter on a column of
        few distinct values (``column_search_by_value``) is an IN list, like the search,
        and an identifier (``column_search_exact``) has none."""
        found = super().scaffold_filters(name)
        key = getattr(name, "key", name)
        choices = (self.column_choices or {}).get(key) if isinstance(key, str) else None
        if found and choices and "." not in key and key not in self.column_search_by_value:
            # a code: 等于 / 不等于 one of its labels (not "contains" a code nobody reads)
            first = found[0]
            options = [(str(v), label) for v, label in choices]
            return [sqla_filters.FilterEqual(first.column, first.name, options=options),
                    sqla_filters.FilterNotEqual(first.column, first.name, options=options)]
        if found and key in self.column_search_exact:      # an identifier: no "contains"
            return [f for f in found if not isinstance(
                f, (sqla_filters.FilterLike, sqla_filters.FilterNotLike))]
        if not found or key not in self.column_search_by_value:
            return found
        swap = {sqla_filters.FilterLike: ValuesLikeFilter,
                sqla_filters.FilterNotLike: ValuesNotLikeFilter}
        return [swap[type(f)](f.column, f.name, f.options, f.data_type)
                if type(f) in swap else f for f in found]

    def search_values(self, field, term: str, like: str) -> list | None:
        """The stored values of a ``column_search_by_value`` column a search term
        finds (a view may add values the term names in words, e.g. a person's name)."""
        from models.search import values_matching

        return values_matching(db.session, field, like)

    def _apply_search(self, query, count_query, joins, count_joins, search,
                      use_index: bool = True):
        """Search without joins: a term in a related table's column becomes
        ``fk IN (SELECT id FROM that table WHERE column LIKE …)`` on the small
        table, and own columns are compared without Flask-Admin's CAST, so
        indexes stay usable and a rare name does not scan a join of millions.
        Own columns listed in the model's ``__search_indexed__`` go through the
        search index (models/search.py); the results are those of ``ILIKE``."""
        from flask_admin.contrib.sqla import tools
        from sqlalchemy import select

        from models.search import AFFIX_TERM, affix_condition, ilike, indexed_condition

        if any(len(path or ()) > 1 for _f, path in self._search_fields):
            return super()._apply_search(query, count_query, joins, count_joins, search)
        every_indexed = set(getattr(self.model, "__search_indexed__", ()))
        affix = set(getattr(self.model, "__search_affix__", ()))
        for term in search.split(" "):
            if not term:
                continue
            # A code's fragment (a register with __search_affix__) keeps the indexes
            # even for a walk in list order: its matches cluster in one stretch of
            # time (SF000012… ), so a walk scanned a LIKE over most rows (1.1 s).
            code = bool(affix) and AFFIX_TERM.fullmatch(term) is not None
            indexed = every_indexed if use_index or code else set()
            like = tools.parse_like_term(term)
            conds = []
            for field, path in self._search_fields:
                if path:
                    local, remote = path[0].property.local_remote_pairs[0]
                    conds.append(_in_small_table(local, select(remote).where(
                        ilike(db.session, field, like)), (str(local), str(field), like)))
                elif field.key in affix:               # a code: its beginning or end
                    cond = affix_condition(db.session, self.model, field.key, term)
                    if cond is not None:
                        conds.append(cond)
                elif field.key in self.column_search_exact:
                    conds.append(field == term)
                elif field.key in self.column_search_month:
                    # the month's number, where the list sorts by it (column_sort_keys)
                    key = self.column_sort_keys.get(field.key)
                    month = month_condition(field, term,
                                            getattr(self.model, key) if key else None)
                    if month is not None:
                        conds.append(month)
                elif field.key in (self.column_choices or {}):
                    codes = choice_codes(self.column_choices[field.key], term)
                    if codes:                      # 维修 finds the code its label names
                        conds.append(field.in_(codes))
                    conds.append(ilike(db.session, field, like))
                elif field.key in self.column_search_by_value:
                    values = self.search_values(field, term, like) if use_index or code \
                        else None
                    conds.append(field.in_(values) if values is not None
                                 else ilike(db.session, field, like))
                elif field.key not in indexed:
                    conds.append(ilike(db.session, field, like))
            own = [f.key for f, path in self._search_fields if not path and f.key in indexed
                   and f.key not in self.column_search_month]
            if own:
                conds.append(indexed_condition(db.session, self.model, own, term, like))
            match = or_(*conds) if conds else false()
            if code and conds:
                match = _code_matches(self.model, conds, term) \
                    if on_postgresql() else match
            query = query.filter(match)
            if count_query is not None:
                count_query = count_query.filter(match)
        return query, count_query, joins, count_joins

    def _get_filter_groups(self):
        """The filter list with its labels translated, kept per language (its
        options are fixed when the view is built)."""
        cache = self.__dict__.setdefault("_filter_groups_by_locale", {})
        locale = str(get_locale())
        if locale not in cache:
            cache[locale] = super()._get_filter_groups()
        return cache[locale]


MONTH_TERM = re.compile(r"(\d{4})-(\d{1,2})")
YEAR_TERM = re.compile(r"\d{4}")
MONTHISH_TERM = re.compile(r"\d{0,4}-\d{0,2}")      # part of "YYYY-MM" (2019-0, -05)


def month_condition(field, term: str, number=None):
    """A "YYYY-MM" column searched for ``term``: the month itself (2019-05, 2019-5),
    every month of a year (2019), a part of a month with its dash (2019-0, -05) by
    "contains"; ``None`` for a term no month can hold (a room 15-1203, a name, a
    phone's digits).  Equality and a range
    use the column's index: "contains" walked every month newer than the one
    searched for (a million fee notices, 2019-05: 70 ms; now 0.7).

    ``number``: the column holding the month as a number (201905), by which the
    list is ordered: the month or year is then a range of it alone, and the list's
    order index is walked over that month only (testing the text month on each
    entry of every newer month, the fee notices' 2019-05 took 25 ms).  Not both:
    the database takes two tests of one fact for independent, expects four rows of
    2,000, and joins all 2,000 before sorting them."""
    from models.fees import period_number
    from models.search import ilike

    found = MONTH_TERM.fullmatch(term)
    if found and 1 <= int(found.group(2)) <= 12:
        month = f"{found.group(1)}-{int(found.group(2)):02d}"
        if number is None:
            return field == month
        return number == period_number(month)
    if YEAR_TERM.fullmatch(term):
        if number is None:
            return field.between(f"{term}-01", f"{term}-12")
        return number.between(period_number(f"{term}-01"), period_number(f"{term}-12"))
    if MONTHISH_TERM.fullmatch(term):
        return ilike(db.session, field, f"%{term}%")
    return None


# A code's fragment on PostgreSQL: at most this many matching rows are read by id.
CODE_IDS_MAX = 5_000


def on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _code_matches(model, conds, key):
    """The rows matching a code's fragment, read by id from each condition's index.

    Matches of a tracking-number prefix lie in one stretch of time (SF000012… were
    received together), so PostgreSQL's walk of the list's time index, testing each
    row against the OR of the columns, read 870,000 rows for one page (1.7–3.7 s at
    a million rows).  Read first, the ids cost one index range per column (2,500
    rows: 37 ms with the page sorted from them).  A fragment matching more than
    ``CODE_IDS_MAX`` rows keeps the walk: its matches are dense enough to fill a
    page at once.
    """
    from sqlalchemy import select, union_all

    ids = _ids_of_request("kefu_code_ids", (model.__tablename__, key), union_all(
        *(select(model.id).where(c) for c in conds)).limit(CODE_IDS_MAX + 1))
    if len(ids) > CODE_IDS_MAX:
        return or_(*conds)
    bounded_matches().add(model.__tablename__)
    return _any_of(model.id, ids or [0], "code_ids")


def bounded_matches() -> set[str]:
    """Tables whose list, in this request, is narrowed to a known list of at most
    ``CODE_IDS_MAX`` ids (list_query.py pages them by id)."""
    return g.setdefault("kefu_bounded_matches", set())
