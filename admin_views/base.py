"""The one base view every register inherits, composed of small mixins.

``RegisterView`` closes Flask-Admin 2.2's gaps in one place (its own endpoints
ignore ``get_query`` in ``get_one``, ajax lookups and exports; it flashes SQL) so a
register view is only declarative options.  Each concern lives in its own module:

=====================  ===========================================================
``security.py``        endpoint → matrix action, ``requires``, fail closed
``scoping.py``         the user's property, ``rows_where``, ``get_one_or_back``
``list_query.py``      capped counts, few matches by id, deep pages
``search_filters.py``  search and filters on indexes, local-time filters
``list_render.py``     list URL, columns and rows (``list_page.py``: the chrome)
``masking.py``         personal columns masked for roles that do not need them
``writes.py``          forms, stale edits, property of new rows, ``validate_rules``
``voiding.py``         void with a reason instead of delete
``history_views.py``   history, as-of, the register as of a day
``export.py``          streamed CSV/XLSX (``xlsx_stream.py``: the file format)
``dashboard.py``       the landing page
=====================  ===========================================================

Every option is declared once, below, at the top of ``RegisterView``; the mixins
only read them.  The names other modules import from here stay importable.
"""
from __future__ import annotations

from typing import Any, Callable

from flask_admin.contrib.sqla import ModelView

from models.base import db

from .dashboard import SecureIndexView  # noqa: F401 — re-exported
from .export import ExportMixin, neutralise_cell  # noqa: F401
from .fields import LocalTimeModelConverter
from .history_views import HistoryMixin
from .labels import (
    COMMON_CHOICES,
    COMMON_LABELS,
    DETAIL_TYPE_FORMATTERS,
    EXPORT_TYPE_FORMATTERS,
    LIST_TYPE_FORMATTERS,
    search_placeholder,
    with_dotted_labels,
)
from .list_count import CappedCount, CappedCountQuery  # noqa: F401
from .list_query import ListQueryMixin
from .list_render import ListRenderMixin
from .masking import MaskingMixin
from .scoping import ScopedAjaxLoader, ScopingMixin, scope_query  # noqa: F401
from .search_filters import LocalTimeFilterConverter, SearchFiltersMixin
from .security import (  # noqa: F401
    ENDPOINT_ACTIONS,
    PermissionFlagsMixin,
    SecureViewMixin,
    current_staff,
    requires,
)
from .voiding import VoidForm, VoidMixin, void_badge, void_text  # noqa: F401
from .writes import FormsMixin, VersionField  # noqa: F401


class RegisterView(SecureViewMixin, PermissionFlagsMixin, ScopingMixin, ListQueryMixin,
                   SearchFiltersMixin, ListRenderMixin, MaskingMixin, FormsMixin, VoidMixin,
                   HistoryMixin, ExportMixin, ModelView):
    """Base for every register and reference-data view."""

    # -- who and which rows ----------------------------------------------------
    register: str = ""                       # the key in rules.matrix.MATRIX
    disabled_endpoints: tuple[str, ...] = ()  # Flask-Admin endpoints switched off
    action_permissions: dict[str, str] = {}  # list-action name → matrix action
    rows_where: dict[str, Any] = {}          # only rows with these column values
    property_from: str | None = None         # relation a new row takes its property from

    # -- list query (big registers) --------------------------------------------
    page_size = 20                           # rows per page
    can_set_page_size = False                # one page size for everyone
    column_default_sort = ("id", True)       # newest first; ties broken by id
    count_cap: int | None = 10_000           # "10000+" beyond this (exact on ?exact=1)
    search_count_cap: int | None = 1_000     # a search counts fewer ("1000+")
    filter_count_cap: int | None = 2_000     # a filter: to where few matches end ("2000+")
    few_matches: int = 2_000                 # at most this many matches: read by id
    probe_sample: int = 2_000                # newest rows sampled for a common word
    probe_rows: int = 20_000                 # newest rows read to prove "1000+"
    deferred_join_from: int = 200            # deeper pages load by a deferred join
    list_collections: tuple[str, ...] | None = None  # collections the list reads (None: all)
    column_sort_keys: dict[str, str] = {}    # a column sorted by another of its row

    # -- search and filters ----------------------------------------------------
    column_search_by_value: tuple[str, ...] = ()  # few distinct values: col IN (…)
    column_search_exact: tuple[str, ...] = ()     # identifiers: the whole value only
    column_search_month: tuple[str, ...] = ()     # "YYYY-MM" text: a month or a year
    filter_converter = LocalTimeFilterConverter()  # typed times are local

    # -- lists and details -----------------------------------------------------
    column_display_pk = False                # the id is not a column people read
    can_view_details = True                  # every record has a details page
    details_modal = False                    # details on their own page (printable)
    list_template = "admin/kefu_list.html"   # list chrome drawn in Python
    details_template = "admin/kefu_details.html"  # void banner, history links
    column_type_formatters = LIST_TYPE_FORMATTERS           # 是/否, blanks, local time
    column_type_formatters_detail = DETAIL_TYPE_FORMATTERS  # the same, to the second
    column_exclude_list = ("version", "void_reason", "created_by_id", "voided_by_id")
    column_details_exclude_list = ("version",)  # internal counter
    history_formatters: dict[str, Callable[[Any], str]] = {}  # stored value → text (JSON)

    # -- forms and writes ------------------------------------------------------
    can_delete = False                       # registers are voided, never deleted
    create_template = "admin/kefu_create.html"  # 保存并打印 where a record prints
    edit_template = "admin/kefu_edit.html"   # version field, rule messages
    print_endpoint: str | None = None        # e.g. ".print_view": offers 保存并打印
    model_form_converter = LocalTimeModelConverter  # datetimes typed in local time
    form_excluded_columns = (                # stamps the app sets itself
        "version", "voided_at", "void_reason", "voided_by_id", "created_at", "created_by_id",
    )
    form_choices: dict[str, Callable[[], Any]] = {}  # field → choices factory (choices.py)

    # -- exports -----------------------------------------------------------------
    export_types = ["csv", "xlsx"]           # both streamed
    export_max_rows = 0                      # no cap: the stream never holds them all
    column_type_formatters_export = EXPORT_TYPE_FORMATTERS  # local time, 是/否

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
