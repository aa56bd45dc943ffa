"""The one base view every register inherits.

``RegisterView`` closes Flask-Admin 2.2's gaps in one place (its own endpoints
ignore ``get_query`` in ``get_one``, ajax lookups and exports; it flashes SQL) so a
register view is only declarative options:

- every endpoint — Flask-Admin's own and any ``@expose`` added later — is mapped
  to a matrix action and checked on the server in ``_handle_view``; an endpoint
  with no mapping is refused (fail closed);
- every query, including ``get_one`` and relationship choices, is scoped to the
  staff member's property;
- delete is replaced by void-with-reason; voided rows stay listed, marked;
- edits carry the version the user saw; a stale save is refused;
- database and rule errors become clear form messages, never SQL or a 500.
"""
from __future__ import annotations

import csv
import io
import logging
from contextvars import ContextVar
from datetime import datetime
from typing import Any, Callable, Iterable
from urllib.parse import quote

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_admin.babel import gettext as admin_gettext
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla import filters as sqla_filters
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_admin.model import template as row_template
from flask_admin.helpers import get_redirect_target
from flask_babel import gettext as _
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from jinja2 import pass_context
from markupsafe import Markup, escape
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import or_
from werkzeug.wrappers import Response
from wtforms import Form, HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from i18n import local_tz, utc_to_local
from models.base import db, utcnow
from rules.errors import RuleViolation, StaleEdit
from rules.scope import scoped as scope_query  # noqa: F401 — one scoping rule
from rules.personal_data import mask_personal, masked_in_exports, masked_on_screen

from . import list_page
from .write_path import commit, explain_failure
from .fields import LocalTimeModelConverter
from .labels import (
    COMMON_CHOICES,
    COMMON_LABELS,
    DETAIL_TYPE_FORMATTERS,
    EXPORT_TYPE_FORMATTERS,
    LIST_TYPE_FORMATTERS,
    label_blank_choices,
    search_placeholder,
    with_dotted_labels,
)
from rules.matrix import permits

log = logging.getLogger(__name__)

# Flask-Admin endpoint name → matrix action.  ``None``: never allowed.
ENDPOINT_ACTIONS: dict[str, str | None] = {
    "index_view": "view",
    "details_view": "view",
    "create_view": "create",
    "edit_view": "edit",
    "delete_view": None,       # registers are voided, never deleted
    "action_view": "view",     # each action is checked again in is_action_allowed
    "export": "export",
    "ajax_lookup": "create|edit",
    "ajax_update": "edit",
}


def requires(action: str) -> Callable:
    """Mark a custom ``@expose`` endpoint with the matrix action it needs.

    ``"create|edit"`` means either.  Endpoints without a mark are refused."""

    def wrap(fn: Callable) -> Callable:
        fn._matrix_action = action
        return fn

    return wrap


def list_datetime(view, value: datetime, name: str) -> str:
    """List cells show stored UTC times as the property's local time, to the minute
    (the zone is looked up once per view: a page has forty such cells)."""
    tz = view.__dict__.get("_local_tz")
    if tz is None:
        tz = view._local_tz = local_tz()
    return f"{utc_to_local(value, tz):%Y-%m-%d %H:%M}"


def detail_datetime(view, value: datetime, name: str) -> str:
    """Details show local time to the second."""
    return f"{utc_to_local(value):%Y-%m-%d %H:%M:%S}"


def current_staff():
    return current_user if current_user and current_user.is_authenticated else None


class CappedCount(int):
    """A row count that stopped at the cap: shown as "10000+", pages as 10000."""

    capped = True

    def __str__(self) -> str:
        return f"{int(self) - 1}+"


class CappedCountQuery:
    """Wraps Flask-Admin's count query.  Filters and joins pass through; ``scalar``
    counts at most ``cap + 1`` rows (an index-only ``LIMIT`` scan instead of an
    exact ``count(*)`` over millions of rows), unless the user asked for the exact
    number."""

    def __init__(self, query, cap: int | None):
        self._q = query
        self._cap = cap

    def __getattr__(self, name: str):
        attr = getattr(self._q, name)
        if not callable(attr):
            return attr

        def passthrough(*args, **kwargs):
            result = attr(*args, **kwargs)
            return CappedCountQuery(result, self._cap) if hasattr(result, "with_entities") \
                else result

        return passthrough

    def scalar(self):
        from sqlalchemy import func, literal_column

        if self._cap is None:
            return self._q.scalar()
        inner = self._q.with_entities(literal_column("1")).limit(self._cap + 1).subquery()
        n = self._q.session.query(func.count()).select_from(inner).scalar()
        return CappedCount(n) if n > self._cap else n


def _reverse_order(query):
    """``query`` ordered the other way: every ORDER BY term flipped.  Both databases
    place NULLs at one end of an ascending order and at the other end of a
    descending one (SQLite: first, then last; PostgreSQL: last, then first), so the
    flipped order is exactly the reverse row sequence, NULLs included."""
    from sqlalchemy.sql import operators
    from sqlalchemy.sql.elements import UnaryExpression

    def flip(term):
        if isinstance(term, UnaryExpression) and term.modifier is operators.desc_op:
            return term.element.asc()
        if isinstance(term, UnaryExpression) and term.modifier is operators.asc_op:
            return term.element.desc()
        if isinstance(term, UnaryExpression) and term.modifier is not None:
            raise ValueError(f"cannot reverse the order term {term}")   # NULLS FIRST/LAST
        return term.desc()

    return query.order_by(None).order_by(*[flip(t) for t in query._order_by_clauses])


# False while a list's page query is built for a walk in the list's order (many
# matches): the by-value filters below then apply Flask-Admin's plain ILIKE.
_filters_use_index: ContextVar[bool] = ContextVar("filters_use_index", default=True)


def _filter_values(col, value: str) -> list | None:
    """The values of ``col`` a contains-filter for ``value`` matches; ``None`` when
    the plain ILIKE applies (too many distinct values, or a walk in list order)."""
    from flask_admin.contrib.sqla import tools

    from models.search import values_matching

    if not _filters_use_index.get():
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


class VersionField(HiddenField):
    """Carries the version the user saw; never written onto the model."""

    def populate_obj(self, obj: Any, name: str) -> None:
        return None


class ScopedAjaxLoader(QueryAjaxModelLoader):
    """Ajax lookups scoped to the user's property, capped, voided rows left out."""

    MAX_LIMIT = 20

    def _scoped(self):
        q = scope_query(self.session.query(self.model), self.model, current_staff())
        if hasattr(self.model, "voided_at"):
            q = q.filter(self.model.voided_at.is_(None))
        return q

    def get_one(self, pk):
        from .params import parse_id

        pk = parse_id(pk)
        if pk is None:
            return None
        return self._scoped().filter(getattr(self.model, self.pk) == pk).one_or_none()

    def get_list(self, term, offset=0, limit=10):
        from .params import bounded_int

        limit = bounded_int(limit or 10, 10, 1, self.MAX_LIMIT)
        q = self._scoped()
        if term:
            q = q.filter(or_(*[f.ilike(f"%{term}%") for f in self._cached_fields]))
        return q.order_by(getattr(self.model, self.pk)).offset(bounded_int(offset, 0)).limit(limit).all()


class SecureIndexView(AdminIndexView):
    """Admin landing page; login required (Flask-Admin's index is public by default)."""

    def is_accessible(self) -> bool:
        return current_staff() is not None and current_user.is_active

    def inaccessible_callback(self, name, **kwargs):
        return redirect(url_for("auth.login", next=request.full_path))

    @expose("/")
    def index(self):
        """待办: approvals and co-signs waiting for me, what is due, charts."""
        from rules import approvals, due, stats

        user = current_staff()
        charts = stats.charts_for(user)
        return self.render("admin/kefu_index.html", approvals=approvals.waiting_for(user),
                           chains=approvals, cosigns=due.cosigns_waiting(user),
                           due=due.due_for(user), charts=charts,
                           my_pending=[r for r in approvals.requests_of(user)
                                       if r.status == "pending" and r.voided_at is None])


class SecureViewMixin:
    """Login + matrix enforcement shared by model views and custom ``BaseView`` pages."""

    register: str = ""
    # Flask-Admin endpoints this view switches off (e.g. ``edit_view`` where a
    # record changes only through its own workflow actions).
    disabled_endpoints: tuple[str, ...] = ()

    def is_accessible(self) -> bool:
        return current_staff() is not None and current_user.is_active

    def inaccessible_callback(self, name, **kwargs):
        if current_staff() is None:
            return redirect(url_for("auth.login", next=request.full_path))
        abort(403)

    def is_visible(self) -> bool:
        return self.allowed("view")

    def allowed(self, action: str, obj: Any = None) -> bool:
        user = current_staff()
        return any(permits(user, self.register, a, obj) for a in action.split("|"))

    def endpoint_action(self, name: str) -> str | None:
        if name in self.disabled_endpoints:
            return None
        fn = getattr(self, name, None)
        marked = getattr(fn, "_matrix_action", None)
        if marked:
            return marked
        return ENDPOINT_ACTIONS.get(name)

    def _handle_view(self, name: str, **kwargs):
        if not self.is_accessible():
            return self.inaccessible_callback(name, **kwargs)
        action = self.endpoint_action(name)
        if action is None or not self.allowed(action):
            abort(403)
        return None


def _local_time_filter(cls):
    """``cls`` with its typed value(s) read as the property's local time: lists show
    local time (``list_datetime``) and every datetime column is stored in UTC."""
    from i18n import local_to_utc

    def clean(self, value):
        got = super(sub, self).clean(value)
        return [local_to_utc(v) for v in got] if isinstance(got, list) else local_to_utc(got)

    sub = type(f"Local{cls.__name__}", (cls,), {"clean": clean})
    return sub


class LocalTimeFilterConverter(sqla_filters.FilterConverter):
    datetime_filters = tuple(
        f if f is sqla_filters.FilterEmpty else _local_time_filter(f)
        for f in sqla_filters.FilterConverter.datetime_filters)


class RegisterView(SecureViewMixin, ModelView):
    """Base for every register and reference-data view.  Options as class attributes:

    - ``register``: the key in ``rules.matrix.MATRIX``;
    - ``property_from``: relationship whose property a new row inherits
      (e.g. a unit takes its building's); otherwise the user's own property, or a
      choice limited to the properties the user may see;
    - ``action_permissions``: list-action name → matrix action.
    """

    property_from: str | None = None
    action_permissions: dict[str, str] = {}
    # Datetime fields are typed and shown in local (property) time, stored as UTC.
    model_form_converter = LocalTimeModelConverter

    # Flask-Admin options every register shares.
    can_delete = False
    can_view_details = True
    can_set_page_size = False
    page_size = 20
    column_display_pk = False
    column_default_sort = ("id", True)
    details_modal = False
    export_types = ["csv", "xlsx"]
    export_max_rows = 0
    list_template = "admin/kefu_list.html"
    filter_converter = LocalTimeFilterConverter()
    # 是/否 for booleans, blank for None (labels.py), local time for datetimes
    column_type_formatters = {**LIST_TYPE_FORMATTERS, datetime: list_datetime}
    column_type_formatters_detail = {**DETAIL_TYPE_FORMATTERS, datetime: detail_datetime}
    column_type_formatters_export = {**EXPORT_TYPE_FORMATTERS, datetime: detail_datetime}
    details_template = "admin/kefu_details.html"
    edit_template = "admin/kefu_edit.html"
    form_excluded_columns = (
        "version", "voided_at", "void_reason", "voided_by_id", "created_at", "created_by_id",
    )
    column_exclude_list = ("version", "void_reason", "created_by_id", "voided_by_id")
    column_details_exclude_list = ("version",)

    def __init__(self, model, name=None, category=None, endpoint=None, **kwargs):
        # Shared exclusions merged with a subclass's own.
        extra = tuple(getattr(self, "form_excluded_columns_extra", ()))
        self.form_excluded_columns = tuple(RegisterView.form_excluded_columns) + extra
        if self.property_from:
            self.form_excluded_columns += ("property",)
        self.column_labels = with_dotted_labels(
            {**COMMON_LABELS, **(type(self).column_labels or {})},
            self.column_filters, self.column_searchable_list)
        self.column_choices = {**COMMON_CHOICES, **(self.column_choices or {})}
        own = type(self).column_formatters
        self.column_formatters = {"voided_at": void_badge,
                                  **(own if isinstance(own, dict) else {})}
        # Exports are plain text: no HTML badges or links; choices still become labels.
        own_export = type(self).column_formatters_export
        self.column_formatters_export = {"voided_at": void_text,
                                         **(own_export if isinstance(own_export, dict) else {})}
        super().__init__(model, db, name=name, category=category, endpoint=endpoint, **kwargs)

    def search_placeholder(self) -> str | None:
        return search_placeholder(self)

    # -- per-request flags, for the UI only (enforcement is _handle_view) ---
    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return self.allowed("create")

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return "edit_view" not in self.disabled_endpoints and self.allowed("edit")

    @property
    def can_export(self) -> bool:  # type: ignore[override]
        return self.allowed("export")

    @property
    def can_void(self) -> bool:
        return hasattr(self.model, "voided_at") and self.allowed("void")

    @property
    def can_history(self) -> bool:
        return self.allowed("history")

    # -- actions ------------------------------------------------------------
    def is_action_allowed(self, name: str) -> bool:
        if name == "delete":
            return False
        return self.allowed(self.action_permissions.get(name, name))

    # -- scoping ------------------------------------------------------------
    def get_query(self):
        return self.narrow(scope_query(super().get_query(), self.model, current_staff()))

    # Only the rows whose columns hold these values (water orders among service
    # orders): the list, details, forms and the register as of a day all apply it.
    rows_where: dict[str, Any] = {}

    def narrow(self, query):
        """Rows of the model this view shows (``rows_where``)."""
        for column, value in self.rows_where.items():
            query = query.filter(getattr(self.model, column) == value)
        return query

    def shows_snapshot(self, snap: dict) -> bool:
        """Whether a history snapshot is a row of this view (``rows_where``)."""
        return all(snap.get(column) == value for column, value in self.rows_where.items())

    # Lists count at most this many rows unless ?exact=1 (then the exact number).
    count_cap: int | None = 10_000
    # A search counts fewer: each candidate is re-checked against the term, so a
    # common word's 10,000 cost ~130 ms on PostgreSQL; "1000+" (50 pages) is plenty
    # to decide to narrow the search, and the exact number is one click away.
    search_count_cap: int | None = 1_000

    def get_count_query(self):
        from sqlalchemy import func

        # func.count() rather than Flask-Admin's count('*'): SQLite's fast count path
        # does not apply to a bound '*' parameter.
        q = self.narrow(scope_query(db.session.query(func.count()).select_from(self.model),
                                    self.model, current_staff()))
        if request.args.get("exact") == "1":
            return CappedCountQuery(q, None)
        searching = bool((request.args.get("search") or "").strip())
        return CappedCountQuery(q, self.search_count_cap if searching else self.count_cap)

    def get_one(self, id: Any):
        """Scoped like the list (Flask-Admin's own get_one ignores get_query)."""
        from .params import parse_id

        pk = parse_id(id)
        if pk is None:
            return None
        return self.get_query().filter(self.model.id == pk).one_or_none()

    # A search or filter matching at most this many rows lists them by id (see get_list).
    few_matches: int = 2_000

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True,
                 page_size=None):
        """Flask-Admin's get_list, with the steps that keep it fast at a million rows:

        - a common search word is counted among the newest records, without the
          search index (``_common_search``), and its page found by a plain walk;
        - a plain list's capped count is kept per scope (``_count``);
        - a search or filter matching few rows (the count says so) reads their ids
          first (the indexes find them without any order) and the page is sorted
          from those — otherwise the database walks the whole time index in order,
          looking for a match;
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
        if narrow:
            few = self._few_matches(query)
            if few is not None:
                query = query.filter(self._id_among(few or [0]))
        if not execute:                      # an export iterates this query itself
            query = self._lean(query)
        query, joins = self._apply_sorting(query, joins, sort_column, sort_desc)
        if not execute:                      # an export: every row, in order
            return count, self._apply_pagination(query, page, page_size)
        size = page_size or self.page_size or 0
        skipped = page * size
        from_end = self._from_the_end(count, page, size)
        if from_end is None:
            query = self._apply_pagination(query, page, page_size)
        elif from_end[1] <= 0:
            return count, []                 # past the last page
        else:
            skipped, rows = from_end
            query = _reverse_order(query).offset(skipped).limit(rows)
        shallow = skipped < self.deferred_join_from
        found = self._lean(query).all() if shallow else self._load_page(query)
        return count, (found[::-1] if from_end else found)

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
        ``count_cap`` records always will: that "10000+" is kept per view and
        scope (the count read ~10,000 index entries on every page view)."""
        if count_query is None:
            return None
        if narrowed or not self.count_cap or request.args.get("exact") == "1":
            return count_query.scalar()
        user = current_staff()
        if user is None:
            return count_query.scalar()
        key = (self.count_cap, None if user.is_head_office else user.property_id)
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
        if count_query is None:
            return None
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
            token = _filters_use_index.set(use_index)
            try:
                query, count_query, joins, count_joins = self._apply_filters(
                    query, count_query, joins, count_joins, filters)
            finally:
                _filters_use_index.reset(token)
        return query, count_query, joins

    def _id_among(self, ids: list[int]):
        """``id IN ids``; on PostgreSQL ``id = ANY(:ids)``, one array parameter: a
        search with 800 matches bound 800 parameters, 20 ms of parsing and planning."""
        if db.session.get_bind().dialect.name == "postgresql":
            from sqlalchemy import Integer, any_, bindparam
            from sqlalchemy.dialects.postgresql import ARRAY

            return self.model.id == any_(bindparam("few_ids", ids, type_=ARRAY(Integer)))
        return self.model.id.in_(ids)

    def _few_matches(self, query) -> list[int] | None:
        """The ids matching ``query`` when there are at most ``few_matches``."""
        ids = [i for (i,) in query.with_entities(self.model.id).order_by(None)
               .limit(self.few_matches + 1)]
        return ids if len(ids) <= self.few_matches else None

    def _lean(self, query):
        """Load with a row only the relations the list shows, and not theirs (a
        staff member's home property, a key's property): a page was a 12-way join
        of 200 columns, an export built ten objects per row.  Other many-to-one
        links load on use, usually from the identity map (every row's property is
        the same one); collections loaded with their rows stay so (an order's
        lines: one ``SELECT … IN`` per page), without their own relations."""
        from sqlalchemy.orm import joinedload, lazyload, selectinload

        options = self.__dict__.get("_lean_options")
        if options is None:                  # the same for every page: built once
            # "*" first: one option, not one per relation (each is part of every
            # query's cache key).  Then what is loaded with the rows.
            options = [lazyload("*")]
            options += [selectinload(getattr(self.model, rel.key)).lazyload("*")
                        for rel in sa_inspect(self.model).relationships
                        if rel.uselist and rel.lazy == "selectin"]
            options += [joinedload(j).lazyload("*") for j in self._auto_joins]
            self._lean_options = options
        return query.options(*options)

    # Pages starting at this offset or deeper are loaded by a deferred join.
    deferred_join_from: int = 200

    def _load_page(self, query) -> list:
        """Deferred join: the page's ids come from the filtered, sorted id-only query
        (an index walk; a deep page no longer drags the eager joins through every
        skipped row), then only those rows are loaded with their relations."""

        ids = [i for (i,) in query.with_entities(self.model.id)]
        if not ids:
            return []
        rows = self._lean(self.get_query().filter(self.model.id.in_(ids)))
        by_id = {r.id: r for r in rows}
        return [by_id[i] for i in ids if i in by_id]

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
    column_search_by_value: tuple[str, ...] = ()
    # Searchable identifiers (a record number): the term is looked for as the whole
    # value, on the column's index — a number's digits inside other numbers are noise.
    column_search_exact: tuple[str, ...] = ()

    def scaffold_filters(self, name):
        """Flask-Admin's filters; a "contains" / "not contains" filter on a column of
        few distinct values (``column_search_by_value``) is an IN list, like the search,
        and an identifier (``column_search_exact``) has none."""
        found = super().scaffold_filters(name)
        key = getattr(name, "key", name)
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

        from models.search import ilike, indexed_condition

        if any(len(path or ()) > 1 for _f, path in self._search_fields):
            return super()._apply_search(query, count_query, joins, count_joins, search)
        indexed = set(getattr(self.model, "__search_indexed__", ()) if use_index else ())
        for term in search.split(" "):
            if not term:
                continue
            like = tools.parse_like_term(term)
            conds = []
            for field, path in self._search_fields:
                if path:
                    local, remote = path[0].property.local_remote_pairs[0]
                    conds.append(_in_small_table(local, select(remote).where(
                        ilike(db.session, field, like))))
                elif field.key in self.column_search_exact:
                    conds.append(field == term)
                elif field.key in self.column_search_by_value:
                    values = self.search_values(field, term, like) if use_index else None
                    conds.append(field.in_(values) if values is not None
                                 else ilike(db.session, field, like))
                elif field.key not in indexed:
                    conds.append(ilike(db.session, field, like))
            own = [f.key for f, path in self._search_fields if not path and f.key in indexed]
            if own:
                conds.append(indexed_condition(db.session, self.model, own, term, like))
            query = query.filter(or_(*conds))
            if count_query is not None:
                count_query = count_query.filter(or_(*conds))
        return query, count_query, joins, count_joins

    def _get_list_extra_args(self):
        args = super()._get_list_extra_args()
        if args.page is not None and args.page < 0:
            args.page = 0
        return args

    # -- forms ----------------------------------------------------------------
    def scaffold_form(self):
        from .form_limits import limit_fields

        form_class = limit_fields(super().scaffold_form(), self.model)
        # No leading underscore: WTForms binds only public names, so "_version_seen"
        # was never a field of the form (never rendered nor posted; the check read a
        # value shared by every form of the class).
        form_class.version_seen = VersionField()
        return form_class

    # Relationship fields whose choices are narrower than "every visible row": field →
    # a no-argument factory (admin_views/choices.py), for create and edit forms alike.
    form_choices: dict[str, Callable[[], Any]] = {}

    def _scope_form(self, form: Form) -> Form:
        """Relationship choices limited to the user's property; voided rows left out."""
        user = current_staff()
        rels = sa_inspect(self.model).relationships
        for field in form:
            rel = rels.get(field.name)
            if rel is None or not hasattr(field, "query_factory"):
                continue
            target = rel.mapper.class_

            def factory(target=target):
                q = scope_query(db.session.query(target), target, user)
                if hasattr(target, "voided_at"):
                    q = q.filter(target.voided_at.is_(None))
                return q.order_by(target.id)

            field.query = None
            field.query_factory = factory
        for name, choices in self.form_choices.items():
            field = getattr(form, name, None)
            if field is not None:
                field.query = None
                field.query_factory = choices
        return label_blank_choices(form)

    def create_form(self, obj=None):
        return self._scope_form(super().create_form(obj))

    def edit_form(self, obj=None):
        form = self._scope_form(super().edit_form(obj))
        if request.method == "GET" and obj is not None:
            if hasattr(obj, "version"):
                form.version_seen.data = obj.version
        return form

    def _create_ajax_loader(self, name, options):
        remote = getattr(self.model, name).prop.mapper.class_
        return ScopedAjaxLoader(name, db.session, remote, **options)

    # -- writes -----------------------------------------------------------------
    def create_model(self, form):
        with db.session.no_autoflush:
            return super().create_model(form)

    def update_model(self, form, model):
        # Filling the model from the form looks up related rows (ajax fields run a
        # query); an autoflush there would write the half-filled row, bump its
        # version and defeat the stale-edit check.  Nothing is written before commit.
        with db.session.no_autoflush:
            return super().update_model(form, model)

    def on_model_change(self, form, model, is_created: bool) -> None:
        # Flask-Admin adds the new row to the session before calling this; rules
        # that query must not autoflush a half-filled row.
        with db.session.no_autoflush:
            self._checked_change(form, model, is_created)

    def _checked_change(self, form, model, is_created: bool) -> None:
        user = current_staff()
        if is_created:
            if hasattr(model, "created_by_id"):
                model.created_by_id = user.id
            self._assign_property(model, user)
        else:
            if getattr(model, "voided_at", None) is not None and \
                    sa_inspect(model).attrs.voided_at.history.unchanged:
                raise RuleViolation(_("A voided record cannot be changed."))
            seen = getattr(getattr(form, "version_seen", None), "data", None)
            if hasattr(model, "version") and str(seen) != str(model.version):
                raise StaleEdit(model)
        # Staff may belong to head office (no property): rules.staff.check_home_property
        if hasattr(model, "property_id") and type(model).__name__ not in ("Property", "Staff"):
            if model.property_id is None or not user.can_see_property(model.property_id):
                raise RuleViolation(_("You may only record data for your own property."))
        self.validate_rules(form, model, is_created)

    def _assign_property(self, model, user) -> None:
        if not hasattr(model, "property_id") or type(model).__name__ == "Property":
            return
        if self.property_from:
            parent = getattr(model, self.property_from)
            if parent is not None:
                model.property_id = parent.property_id
        elif model.property_id is None and getattr(model, "property", None) is not None:
            model.property_id = model.property.id
        elif model.property_id is None and not user.is_head_office:
            model.property_id = user.property_id

    def validate_rules(self, form, model, is_created: bool) -> None:
        """Register-specific rules; raise ``RuleViolation`` with a clear message."""

    def handle_view_exception(self, exc: Exception) -> bool:
        """Clear messages instead of SQL or a 500 (the one write path's words)."""
        return explain_failure(exc, self.endpoint) or super().handle_view_exception(exc)

    # -- void instead of delete -------------------------------------------------
    @expose("/void/", methods=("GET", "POST"))
    @requires("void")
    def void_view(self):
        return_url = get_redirect_target() or self.get_url(".index_view")
        if not hasattr(self.model, "voided_at"):
            abort(404)
        model = self.get_one_or_back()
        if model is None:
            return redirect(return_url)
        if model.voided_at is not None:
            flash(_("This record is already void."), "error")
            return redirect(return_url)
        form = VoidForm(formdata=request.form if request.method == "POST" else None)
        if request.method == "GET":
            form.version.data = model.version
        if request.method == "POST" and form.validate() and commit(
                lambda: self._void_checked(model, form), _("The record was voided."),
                self.endpoint):
            return redirect(return_url)
        return self.render("admin/kefu_void.html", model=model, form=form,
                           return_url=return_url)

    def _void_checked(self, model, form) -> None:
        if str(form.version.data) != str(model.version):
            raise StaleEdit(model)
        self.void_model(model, form.reason.data.strip())

    def void_model(self, model, reason: str) -> None:
        """Mark void; subclasses extend (e.g. a key application voids spares)."""
        self.check_void(model)
        model.voided_at = utcnow()
        model.voided_by_id = current_staff().id
        model.void_reason = reason

    def check_void(self, model) -> None:
        """Raise ``RuleViolation`` when this row may not be voided now."""

    # -- history of one record, and records as they were -----------------------
    def readable(self, masked: frozenset[str] | None = None):
        """Stored values as people read them; personal columns masked for this user."""
        from audit.history import Readable

        choices = {k: dict(v) for k, v in (self.column_choices or {}).items()}
        return Readable(self.model, self.column_labels, choices,
                        masked=self.masked_columns() if masked is None else masked)

    def masked_columns(self, export: bool = False) -> frozenset[str]:
        """The model's personal columns this user sees masked: on screen, or (with
        ``export``) in a file, which also masks for roles without the export right."""
        user = current_staff()
        key = ("_kefu_masked", self.endpoint, export)
        cached = g.get("_kefu_masked_cols", {})
        if key not in cached:
            masked = masked_on_screen(user, self.register, self.model)
            if export:
                masked |= masked_in_exports(user, self.model)
            cached[key] = masked
            g._kefu_masked_cols = cached
        return cached[key]

    @pass_context
    def get_detail_value(self, context, model, name):
        value = super().get_detail_value(context, model, name)
        if value is None:                # a choice column left empty: blank, not "None"
            return ""
        if name in self.masked_columns() and value not in (None, ""):
            return mask_personal(value)
        return value

    def get_one_or_back(self, missing: str | None = None):
        """The record named by ``id`` (query or form), scoped like the list; ``None``
        after flashing ``missing`` (the caller redirects).  Every custom endpoint
        loads its record here."""
        model = self.get_one(request.values.get("id"))
        if model is None:
            flash(missing or admin_gettext("Record does not exist."), "error")
        return model

    def related_entries(self, model) -> list:
        """History entries of rows that belong to this record (approval steps)."""
        if not getattr(type(model), "__chain__", ""):
            return []
        from sqlalchemy import select

        from models.audit import AuditEntry
        from models.workflow import ApprovalDecision

        ids = db.session.execute(select(ApprovalDecision.id).where(
            ApprovalDecision.request_table == model.__table__.name,
            ApprovalDecision.request_id == model.id)).scalars().all()
        if not ids:
            return []
        return list(db.session.execute(select(AuditEntry).where(
            AuditEntry.table_name == "approval_decision",
            AuditEntry.row_id.in_([str(i) for i in ids]))).scalars())

    @expose("/history/")
    @requires("history")
    def history_view(self):
        """Every history entry of one record, oldest first (voided records included),
        with a field-by-field diff in the UI language."""
        from audit.history import Readable, entries_of
        from models.workflow import ApprovalDecision

        return_url = get_redirect_target() or self.get_url(".index_view")
        model = self.get_one_or_back()
        if model is None:
            return redirect(return_url)
        own = self.readable()
        steps = Readable(ApprovalDecision, {
            "decision": _("Decision"), "comment": _("Comment"), "step_name": _("Step"),
            "actor_id": _("Staff member"), "role": _("Role")})
        entries = sorted(entries_of(model) + self.related_entries(model), key=lambda e: e.id)
        rows = [(e, (steps if e.table_name == "approval_decision" else own).changes(e))
                for e in entries]
        return self.render("admin/kefu_history.html", model=model, rows=rows,
                           return_url=return_url)

    @expose("/as_of/")
    @requires("history")
    def as_of_view(self):
        """The record as it was after a given history entry, or at a given local time."""
        from audit.history import column_keys, snapshot_after, snapshot_at
        from i18n import local_to_utc

        return_url = get_redirect_target() or self.get_url(".index_view")
        model = self.get_one_or_back()
        if model is None:
            return redirect(return_url)
        from .params import MAX_BIG_ID, parse_id, parse_moment

        # ``at`` and ``entry`` were checked before the view (params.check_request_dates)
        at_text = request.args.get("at", "")
        entry_id = parse_id(request.args.get("entry"), MAX_BIG_ID)
        if entry_id is not None:
            snap, entry = snapshot_after(model, entry_id)
        else:
            at = parse_moment(at_text) if at_text else None
            snap, entry = snapshot_at(model, local_to_utc(at) if at else utcnow())
        fields = [k for k in column_keys(self.model) if k != "version"]
        rows = self.readable().snapshot(snap, fields) if snap else []
        return self.render("admin/kefu_as_of.html", model=model, rows=rows, entry=entry,
                           at=at_text, return_url=return_url)

    @expose("/register_as_of/")
    @requires("view")
    def register_as_of_view(self):
        """The whole register (the user's property) as it stood at the end of a day,
        rebuilt from history; printable, and exportable as CSV by those who may export."""
        from audit.history import column_keys, snapshots_as_of
        from i18n import local_day_end_utc, local_now, local_today

        from .params import parse_day

        # a malformed ``as_of`` was answered with 400 before the view
        as_of = parse_day(request.args["as_of"]) if request.args.get("as_of") else local_today()
        user = current_staff()
        scoped = hasattr(self.model, "property_id") and not user.is_head_office
        snaps = snapshots_as_of(self.model.__table__.name, local_day_end_utc(as_of),
                                user.property_id if scoped else None)
        snaps = {rid: snap for rid, snap in snaps.items() if self.shows_snapshot(snap)}
        wanted = [c[0] for c in self.get_list_columns()]
        keys = column_keys(self.model)
        fields = [k for k in wanted if k in keys] or [k for k in keys if k != "version"]
        for extra in ("voided_at", "void_reason"):
            if extra in keys and extra not in fields:
                fields.append(extra)
        as_csv = request.args.get("format") == "csv"
        if as_csv and not self.allowed("export"):
            abort(403)
        readable = self.readable(self.masked_columns(export=as_csv))
        rows = [(int(rid), readable.snapshot(snap, fields))
                for rid, snap in sorted(snaps.items(), key=lambda kv: int(kv[0]))]
        headers = [readable.label(f) for f in fields]
        if as_csv:
            return self._as_of_csv(as_of, headers, rows)
        return self.render("admin/kefu_register_as_of.html", rows=rows, headers=headers,
                           as_of=as_of, printed_at=local_now())

    def _as_of_csv(self, as_of, headers, rows):
        def generate():
            buf = io.StringIO()
            writer = csv.writer(buf)
            yield "\ufeff"
            writer.writerow(["#", *headers])
            for rid, values in rows:
                writer.writerow([rid, *[neutralise_cell(v) for _l, v in values]])
            yield buf.getvalue()

        name = f"{self.name}_{as_of.isoformat()}.csv"
        return Response(generate(), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": self._content_disposition(name)})

    # -- list rendering ---------------------------------------------------------

    def _get_list_url(self, view_args) -> str:
        """Flask-Admin's list URL (same arguments, same encoding) from the index URL
        built once per request: a list page links ~25 variants of itself."""
        cache = getattr(request, "_kefu_list_base", None)
        if cache is None:
            cache = request._kefu_list_base = {}
        base = cache.get(self.endpoint)
        if base is None:
            base = cache[self.endpoint] = self.get_url(".index_view")
        params = {"page": view_args.page or None, "sort": view_args.sort,
                  "desc": 1 if view_args.sort_desc else None, "search": view_args.search}
        params.update(view_args.extra_args)
        params["page_size"] = self.get_safe_page_size(view_args.page_size)
        params.update(self._get_filters(view_args.filters))
        return list_page.query_url(base, params)

    def _get_filter_groups(self):
        """The filter list with its labels translated, kept per language (its
        options are fixed when the view is built)."""
        cache = self.__dict__.setdefault("_filter_groups_by_locale", {})
        locale = str(get_locale())
        if locale not in cache:
            cache[locale] = super()._get_filter_groups()
        return cache[locale]


    def get_list_columns(self):
        cols = list(super().get_list_columns())
        if hasattr(self.model, "voided_at"):
            cols = [c for c in cols if c[0] != "voided_at"]
            cols.append(("voided_at", _l("Void")))   # lazy: computed once, at start-up
        return cols

    def get_export_columns(self):
        cols = list(super().get_export_columns())
        if hasattr(self.model, "voided_at") and all(c[0] != "voided_at" for c in cols):
            cols.append(("voided_at", _l("Void")))
        return cols

    @pass_context
    def render_list_row(self, context, row, list_columns, actions, row_actions,
                        return_url) -> Markup | None:
        """One list row's cells, built in Python: Flask-Admin's Jinja row (a scoped
        block, a macro per action, a URL build per link) was most of a list page's
        render time.  Same markup as ``admin/model/list.html``; ``None`` (use the
        template) for anything this does not know: editable cells, other actions."""
        if self.column_editable_list:
            return None
        pk = self.get_pk_value(row)
        out: list[str] = []
        if actions:
            out.append(f'<td><input type="checkbox" name="rowid" class="action-checkbox" '
                       f'value="{escape(pk)}" title="{escape(admin_gettext("Select record"))}" />'
                       f'</td>')
        if self.column_display_actions:
            links = self._row_links(row_actions, return_url)
            if links is None:
                return None
            qpk = quote(str(pk), safe="")
            out.append(f'<td class="list-buttons-column">'
                       f'{"".join(before + qpk + after for before, after in links)}</td>')
        locale = context.get("current_locale") or str(get_locale())
        masked = self.masked_columns()
        for c, _name in list_columns:
            value = self._cell(context, row, c, locale)
            if c in masked and value not in (None, ""):
                value = mask_personal(value)
            out.append(f'<td class="col-{c}">{escape(value)}</td>')
        return Markup("".join(out))

    def _cell(self, context, row, name: str, locale: str = "") -> Any:
        """``_get_list_value`` with the per-column lookups done once per view and
        language: the column's formatter or attribute path, its choices already
        translated (a lazy label was translated twice per cell), and the type
        formatter found by the value's exact type (then by ``isinstance``, as
        Flask-Admin does)."""
        plan = self.__dict__.setdefault("_cell_plans", {}).get((name, locale))
        if plan is None:
            choices = {k: str(v) for k, v in self._column_choices_map.get(name, {}).items()}
            plan = self._cell_plans[(name, locale)] = (self.column_formatters.get(name),
                                                       name.split("."), choices)
        fmt, path, choices = plan
        if fmt is not None:
            value = fmt(self, context, row, name)
        else:
            value = row
            for part in path:
                value = getattr(value, part, None) if value is not None else None
        if choices:
            return choices.get(value) or ("" if value is None else value)
        by_type = self.__dict__.setdefault("_type_fmts", {})
        kind = type(value)
        if kind not in by_type:
            by_type[kind] = next((f for t, f in self.column_type_formatters.items()
                                  if isinstance(value, t)), None)
        type_fmt = by_type[kind]
        return type_fmt(self, value, name) if type_fmt is not None else value

    def _row_links(self, row_actions, return_url: str) -> list[tuple[str, str]] | None:
        """Each row action's link as the markup before and after the record's id:
        one URL build and one translated title per page, not per row.  ``None`` when
        an action is not one ``_ROW_LINKS`` knows."""
        cache = getattr(request, "_kefu_row_links", None)
        if cache is None:
            cache = request._kefu_row_links = {}
        key = (self.endpoint, return_url)
        if key not in cache:
            links: list[tuple[str, str]] | None = []
            for action in row_actions:
                link = _ROW_LINKS.get(type(action))
                if link is None:
                    links = None
                    break
                endpoint, icon = link
                html = (f'<a class="icon" href="'
                        f'{escape(self.get_url(endpoint, id="__PK__", url=return_url))}" '
                        f'title="{escape(action.title or "")}"><span class="{icon}"></span></a>')
                before, after = html.split("__PK__", 1)
                links.append((before, after))
            cache[key] = links
        return cache[key]

    # -- export: streamed, BOM for Excel, formula cells neutralised -------------
    def get_export_name(self, export_type: str = "csv") -> str:
        return f"{self.name}_{datetime.now():%Y%m%d_%H%M%S}.{export_type}"

    def _content_disposition(self, filename: str) -> str:
        ascii_name = f"{self.endpoint}.{filename.rsplit('.', 1)[-1]}"
        return f"attachment; filename={ascii_name}; filename*=UTF-8''{quote(filename)}"

    def _export_rows(self) -> Iterable[list[str]]:
        view_args = self._get_list_extra_args()
        sort = self._get_column_by_idx(view_args.sort)
        _count, query = self.get_list(0, sort[0] if sort else None, view_args.sort_desc,
                              view_args.search, view_args.filters, execute=False,
                              page_size=0)
        yield [str(c[1]) for c in self._export_columns]
        masked = self.masked_columns(export=True)
        for row in query.yield_per(1000):
            yield [neutralise_cell(mask_personal(self.get_export_value(row, c[0]))
                                   if c[0] in masked else self.get_export_value(row, c[0]))
                   for c in self._export_columns]

    def _export_csv(self, return_url):
        def generate():
            buf = io.StringIO()
            writer = csv.writer(buf)
            yield "\ufeff"
            for i, row in enumerate(self._export_rows()):
                writer.writerow(row)
                if i % 200 == 0:
                    yield buf.getvalue()
                    buf.seek(0)
                    buf.truncate()
            yield buf.getvalue()

        from flask import stream_with_context

        return Response(stream_with_context(generate()), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": self._content_disposition(
                            self.get_export_name("csv"))})

    def _export_tablib(self, export_type, return_url):
        """XLSX streamed like the CSV (admin_views/xlsx_stream.py): the first bytes
        leave at once and a million rows never sit in memory or on disk."""
        if export_type != "xlsx":
            abort(404)
        from flask import stream_with_context

        from .xlsx_stream import stream_xlsx

        name = self.get_export_name("xlsx")
        return Response(stream_with_context(stream_xlsx(self._export_rows(), str(self.name))),
                        mimetype="application/vnd.openxmlformats-officedocument."
                                 "spreadsheetml.sheet",
                        headers={"Content-Disposition": self._content_disposition(name)})


def _in_small_table(local, subquery):
    """``fk IN (subquery)``; on PostgreSQL ``fk = ANY(ARRAY(subquery))``, which an
    index can serve inside an ``OR`` (an ``IN`` subquery there is a per-row filter)."""
    from sqlalchemy import func

    if db.session.get_bind().dialect.name == "postgresql":
        return local == func.any(func.ARRAY(subquery.scalar_subquery()))
    return local.in_(subquery)


# Row actions render_list_row draws itself: action class → (endpoint, icon).
_ROW_LINKS = {
    row_template.ViewRowAction: (".details_view", "fa fa-eye glyphicon glyphicon-eye-open"),
    row_template.EditRowAction: (".edit_view", "fa fa-pencil glyphicon glyphicon-pencil"),
}


def void_badge(view, context, model, name) -> Markup | str:
    """List/details cell for ``voided_at``: a red badge with the reason as tooltip."""
    if getattr(model, "voided_at", None) is None:
        return ""
    title = escape(model.void_reason or "")
    return Markup(f'<span class="badge badge-danger void-badge" title="{title}">'
                  f'{escape(_("Void"))}</span>')


def void_text(view, context, model, name) -> str:
    """Export cell for ``voided_at``: "作废 <time>: <reason>" or empty."""
    if getattr(model, "voided_at", None) is None:
        return ""
    return f"{_('Void')} {model.voided_at:%Y-%m-%d %H:%M} UTC: {model.void_reason or ''}"


def neutralise_cell(value: Any) -> str:
    """Spreadsheet formula injection: prefix cells starting with = + - @ (or tab/CR)."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


class VoidForm(FlaskForm):
    """CSRF is checked app-wide by CSRFProtect; FlaskForm brings translated messages."""

    class Meta:
        csrf = False

    reason = TextAreaField(_l("Reason for voiding"),
                           validators=[DataRequired(), Length(min=2, max=500)])
    version = HiddenField()
