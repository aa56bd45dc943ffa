"""List rows drawn in Python with Flask-Admin's markup (list_page.py draws the chrome)."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import request
from flask_admin.babel import gettext as admin_gettext
from flask_admin.model import template as row_template
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context
from markupsafe import Markup, escape

from rules.personal_data import mask_personal

from . import list_page


class ListRenderMixin:
    """List URL, columns and rows."""

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


    def get_list_columns(self):
        cols = list(super().get_list_columns())
        if hasattr(self.model, "voided_at"):
            cols = [c for c in cols if c[0] != "voided_at"]
            cols.append(("voided_at", _l("Void")))   # lazy: computed once, at start-up
        return cols

    @pass_context
    def render_list_rows(self, context, data, list_columns, actions, row_actions,
                         return_url) -> Markup | None:
        """The table's rows in one call: a scoped Jinja block per row copied the whole
        template context twenty times a page (~0.6 ms of a fee notices' page,
        in-process A/B).  ``None`` (the template draws them) for an empty page or
        when a row is one ``render_list_row`` does not draw."""
        if not data:
            return None
        out: list[str] = []
        for row in data:
            cells = self.render_list_row(context, row, list_columns, actions, row_actions,
                                         return_url)
            if cells is None:
                return None
            out.append(f'<tr class="void-row">{cells}</tr>' if getattr(row, "voided_at", None)
                       else f"<tr>{cells}</tr>")
        return Markup("\n".join(out))

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

# Row actions render_list_row draws itself: action class → (endpoint, icon).
_ROW_LINKS = {
    row_template.ViewRowAction: (".details_view", "fa fa-eye glyphicon glyphicon-eye-open"),
    row_template.EditRowAction: (".edit_view", "fa fa-pencil glyphicon glyphicon-pencil"),
}

