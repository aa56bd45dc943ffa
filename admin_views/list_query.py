"""The list query that stays fast at a million rows: capped counts, common words
counted among the newest rows, deep pages from the other end (the reads by id:
list_by_id.py).

Reads options ``count_cap``, ``search_count_cap``, ``filter_count_cap``,
``few_matches``, ``probe_sample``, ``probe_rows``, ``list_collections`` (declared
in base.py).
"""
from __future__ import annotations

from flask import request
from sqlalchemy import inspect as sa_inspect

from models.base import db

from .list_by_id import ByIdMixin
from .list_count import CappedCount, CappedCountQuery, reversed_order
from .search_filters import bounded_matches, filters_use_index, on_postgresql
from .security import current_staff
from .scoping import scope_query


class ListQueryMixin(ByIdMixin):
    """Flask-Admin's list query, counted and paged for big registers."""

    def get_count_query(self):
        from sqlalchemy import func

        # func.count() rather than Flask-Admin's count('*'): SQLite's fast count path
        # does not apply to a bound '*' parameter.
        q = self.narrow(scope_query(db.session.query(func.count()).select_from(self.model),
                                    self.model, current_staff()))
        if request.args.get("exact") == "1":
            return CappedCountQuery(q, None)
        if (request.args.get("search") or "").strip():
            return CappedCountQuery(q, self.search_count_cap)
        if any(k.startswith("flt") and v for k, v in request.args.items()):
            # a filter's count goes as far as "few matches" (read by id) and no
            # further: a month of a busy register counted 10,001 rows on every page
            # (3.3 ms of a butler's arrears on PostgreSQL); "2000+", exact on a click
            caps = [c for c in (self.count_cap, self.filter_count_cap) if c]
            return CappedCountQuery(q, min(caps) if caps else None)
        return CappedCountQuery(q, self.count_cap)

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True,
                 page_size=None):
        """Flask-Admin's get_list, with the steps that keep it fast at a million rows:

        - a common search word is counted among the newest records, without the
          search index (``_common_search``), and its page found by a plain walk;
        - a plain list's capped count is kept per scope (``_count``);
        - a search or filter matching few rows (the count says so) reads them
          first (the indexes find them without any order) and the page is sorted
          from those — otherwise the database walks the whole time index in order,
          looking for a match (SQLite: their ids, ``_few_matches``; PostgreSQL: the
          matches materialized, ``_bounded_page``, also for a code's known ids);
        - a shallow page is one query; deeper pages a deferred join (``_load_page``).
        """

        page = max(0, page or 0)
        indexed = execute and search and getattr(self.model, "__search_indexed__", ())
        common = self._common_search(search, filters) if indexed else None
        if common is not None:
            # Thousands match: walking the time index with a plain LIKE finds a page
            # at once, cheaper than reading every candidate out of the search index.
            count, query, joins = common
        else:
            query, count_query, joins = self._narrowed(search, filters)
            count = self._count(count_query, search or filters)
            by_value = execute and (search or filters) and self.column_search_by_value
            if (indexed or by_value) and isinstance(count, CappedCount):
                # Thousands match: the page is a walk in the list's order, testing
                # each row; through an index the database would fetch and sort all
                # of them (a staff name on 1M history entries: 1.2 s).
                query, _count, joins = self._narrowed(search, filters, use_index=False)
        narrow = execute and (search or filters) and count is not None \
            and not isinstance(count, CappedCount) and count <= self.few_matches
        postgres = on_postgresql()
        if narrow and not postgres:          # (PostgreSQL: _bounded_page below)
            few = self._few_matches(query)
            if few is not None:              # the ids alone: the page sorted from them
                query, joins = self.get_query().filter(self._id_among(few or [0])), {}
        if not execute:                      # an export iterates this query itself
            query = self._lean(query, export=True)
        query, joins = self._apply_sorting(query, joins, sort_column, sort_desc)
        if not execute:                      # an export: every row, in order
            return count, self._apply_pagination(query, page, page_size)
        size = page_size or self.page_size or 0
        skipped = page * size
        from_end = self._from_the_end(count, page, size)
        started = None if from_end is not None else \
            self._page_start(query, skipped, count, search or filters, sort_column)
        if started is not None:              # the page's month first (month_pages.py)
            query, skipped = started
            query = query.offset(skipped).limit(size)
        elif from_end is None:
            query = self._apply_pagination(query, page, page_size)
        elif from_end[1] <= 0:
            return count, []                 # past the last page
        else:
            skipped, rows = from_end
            query = reversed_order(query).offset(skipped).limit(rows)
        if postgres and (narrow or self.model.__tablename__ in bounded_matches()):
            found = self._bounded_page(query, skipped, rows if from_end else size)
            if found is not None:
                return count, (found[::-1] if from_end else found)
        # a few matches' page: their ids sorted alone, then 20 rows joined (the
        # joins for all 1,800 matches before the sort: 2.5 ms of a month's filter)
        shallow = skipped < self.deferred_join_from and not narrow
        found = self._lean(query).all() if shallow else self._load_page(query)
        return count, (found[::-1] if from_end else found)

    def _page_start(self, query, skipped: int, count, narrowed, sort_column):
        """(``query`` begun nearer its page, rows still to skip) for a deep page a
        view can find more cheaply than by skipping rows (``MonthPagesMixin``);
        ``None``: skip them."""
        return None

    def _from_the_end(self, count, page: int, size: int) -> tuple[int, int] | None:
        """(rows after the page, rows on it) when the page lies in the back half of
        a list whose exact count is known: it is then read from the other end, in the
        reverse order (the same index walked backwards), so the last page of a
        million rows skips 0 rows instead of 999,980 (an OFFSET reads every row it
        skips).  ``None`` for front-half pages and capped counts."""
        if not size or count is None or isinstance(count, CappedCount) \
                or 2 * page * size <= count:
            return None
        after = count - (page + 1) * size
        return max(after, 0), size + min(after, 0)

    def _count(self, count_query, narrowed) -> int | None:
        """The list's (capped) count.  The registers are append-only — records are
        voided, never deleted — so a scope whose whole list once held more than
        ``count_cap`` records always will: that "10000+" is kept per view, scope and
        narrowing (``narrow_key``: a due item's rows, a butler's area; the count read
        ~10,000 index entries on every page view)."""
        if count_query is None:
            return None
        if narrowed or not self.count_cap or request.args.get("exact") == "1":
            return count_query.scalar()
        user = current_staff()
        narrowing = self.narrow_key()
        if user is None or narrowing is None:
            return count_query.scalar()
        key = (self.count_cap, None if user.is_head_office else user.property_id, *narrowing)
        full = self.__dict__.setdefault("_full_scopes", set())
        if key in full:
            return CappedCount(self.count_cap + 1)
        count = count_query.scalar()
        if isinstance(count, CappedCount):
            full.add(key)
        return count

    # A search first reads the newest records without its index: this many for a
    # sample, and this many at most to prove "1000+" (see _common_search).
    probe_sample: int = 2_000
    probe_rows: int = 20_000

    def _common_search(self, search, filters) -> tuple | None:
        """(count, query, joins) with the count "1000+" when the newest records
        alone hold more matches than the search count's cap, else ``None`` (then
        the count goes through the search index).

        Why: the search index hands over every candidate before the first thousand
        are counted — for a common word (维修, one record in ten) 100,000 of them
        at a million rows, 30–100 ms.  Read in id order, the same word is found a
        thousand times within ~10,000 records.  So a sample of the newest
        ``probe_sample`` records decides: dense enough to reach the cap within
        ``probe_rows`` records → count there (a proven lower bound, shown as
        "1000+"; the exact number is one click away); else the index, which is
        cheap for rare words.  The query returned is the plain (index-free) one."""
        from sqlalchemy import func, select

        cap = self.search_count_cap
        if not cap or request.args.get("exact") == "1":
            return None
        query, count_query, joins = self._narrowed(search, filters, use_index=False)
        if count_query is None or self.model.__tablename__ in bounded_matches():
            return None                      # no sample: the matches are known by id
        # The newest id as a value, not a subquery: PostgreSQL then plans the range
        # for the ~2,000 rows it is (for an unknown bound it guessed a third of the
        # table and started parallel workers: 1.3 -> 7.8 ms).
        newest = db.session.scalar(select(func.max(self.model.id))) or 0
        sample = count_query.filter(self.model.id > newest - self.probe_sample).scalar()
        if sample * self.probe_rows < cap * self.probe_sample:
            return None
        found = count_query.filter(self.model.id > newest - self.probe_rows).scalar()
        return (found, query, joins) if isinstance(found, CappedCount) else None

    def _narrowed(self, search, filters, use_index: bool = True):
        """The list and count queries with the search and filters applied."""
        joins: dict = {}
        count_joins: dict = {}
        query = self.get_query()
        count_query = self.get_count_query() if not self.simple_list_pager else None
        if self._search_supported and search:
            query, count_query, joins, count_joins = self._apply_search(
                query, count_query, joins, count_joins, search, use_index=use_index)
        if filters and self._filters:
            token = filters_use_index.set(use_index)
            try:
                query, count_query, joins, count_joins = self._apply_filters(
                    query, count_query, joins, count_joins, filters)
            finally:
                filters_use_index.reset(token)
        return query, count_query, joins

    def _lean(self, query, export: bool = False):
        """Load with a row only the relations the list shows, and not theirs (a
        staff member's home property, a key's property): a page was a 12-way join
        of 200 columns, an export built ten objects per row.  Other many-to-one
        links load on use, usually from the identity map (every row's property is
        the same one); collections loaded with their rows stay so (an order's
        lines: one ``SELECT … IN`` per page) where the list reads them
        (``list_collections``; an export has every column, so all of them),
        without their own relations but those a related model's ``__str_loads__``
        names."""
        from sqlalchemy.orm import lazyload, selectinload

        cached = "_lean_export" if export else "_lean_options"
        options = self.__dict__.get(cached)
        if options is None:                  # the same for every page: built once
            # "*" first: one option, not one per relation (each is part of every
            # query's cache key).  Then what is loaded with the rows.
            wanted = None if export else self.list_collections
            options = [lazyload("*")]
            options += [selectinload(getattr(self.model, rel.key)).lazyload("*")
                        for rel in sa_inspect(self.model).relationships
                        if rel.uselist and rel.lazy == "selectin"
                        and (wanted is None or rel.key in wanted)]
            options += _joined_alone(self._auto_joins, named_only=True)
            setattr(self, cached, options)
        return query.options(*options)

    def _record_loaded(self, query):
        """``query`` loading one record for its page, form or step: the record's own
        many-to-one relations joined (and what their names read), theirs on use.
        The models' eager joins nest (a notice's unit's building's property, its
        owner's keeper's home property…): a fee notice was a join of 21 tables,
        planned afresh on PostgreSQL (~2 ms of a 3.5 ms statement); their own
        relations are mostly already in the identity map (the property, the
        signed-in person) or read by none of its pages."""
        options = self.__dict__.get("_record_options")
        if options is None:
            options = self._record_options = _joined_alone(
                [getattr(self.model, rel.key) for rel in sa_inspect(self.model).relationships
                 if not rel.uselist and rel.lazy == "joined"])
        return query.options(*options)

    def get_sortable_columns(self):
        """Flask-Admin's, with ``column_sort_keys``: a column people click sorted by
        another column of the same row (the month by its number).  Flask-Admin's own
        ``("period", "period_no")`` would rename the column to its key, which the
        list does not show."""
        columns = super().get_sortable_columns()
        for shown, key in self.column_sort_keys.items():
            columns[shown] = getattr(self.model, key)
        return columns

    def _sort_direction(self, sort_column, sort_desc) -> tuple[str | None, bool]:
        """Name and direction of the column the list is ordered by."""
        if sort_column is not None:
            return str(sort_column), bool(sort_desc)
        default = self.column_default_sort
        if isinstance(default, list):
            default = default[-1] if default else None
        if isinstance(default, tuple):
            return str(default[0]), bool(default[1])
        return (str(default), False) if default else (None, False)

    def _apply_sorting(self, query, joins, sort_column, sort_desc):
        """The chosen order, then ``id`` the same way: rows with equal times keep
        their place between pages, and the order is that of the (property, time)
        indexes, whose entries end in the row id."""
        query, joins = super()._apply_sorting(query, joins, sort_column, sort_desc)
        name, desc_ = self._sort_direction(sort_column, sort_desc)
        if name != "id":
            query = query.order_by(self.model.id.desc() if desc_ else self.model.id)
        return query, joins

    # Searchable own columns of few distinct values in a big table (staff names in
    # the history): a term is matched against those values and becomes ``col IN
    # (…)`` on the column's index (models.search.values_matching), same rows.
    def _get_list_extra_args(self):
        args = super()._get_list_extra_args()
        if args.page is not None and args.page < 0:
            args.page = 0
        return args


def _joined_alone(joins, named_only: bool = False) -> list:
    """Loader options joining each relation of ``joins`` with the rows, without its
    own relations (loaded on use) but what its ``__str__`` reads (an occupant's
    unit: ``__str_loads__``), which comes in the same join, not in a query per row.
    ``named_only`` (a list or an export, which show a related row by its name):
    of a related model declaring ``__str_columns__`` only those columns (a staff
    member's 16 columns were read, sent and built for a name: ~0.9 ms of a fee
    notices' page of 20 rows and five related rows each)."""
    from sqlalchemy.orm import joinedload

    options = []
    for j in joins:
        target = j.property.mapper.class_
        options += [_named(joinedload(j).joinedload(getattr(target, name)),
                           getattr(target, name).property.mapper.class_, named_only)
                    .lazyload("*") for name in getattr(target, "__str_loads__", ())]
        options.append(_named(joinedload(j), target, named_only).lazyload("*"))
    return options


def _named(loader, target, named_only: bool):
    """``loader`` reading only ``target.__str_columns__`` when ``named_only``."""
    columns = getattr(target, "__str_columns__", None) if named_only else None
    return loader.load_only(*(getattr(target, c) for c in columns)) if columns else loader
