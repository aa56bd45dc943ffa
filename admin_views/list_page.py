"""A list page's chrome drawn in Python, with Flask-Admin's markup.

Flask-Admin's ``model/list.html`` imports five macro modules "with context" (each
re-run on every render), builds every pager and sort link with ``url_for`` and
translates its filter list on every request: ~20 ms of a 30 ms list page at a
million rows, where the database's share is 1–3 ms.  ``templates/admin/kefu_list.html``
keeps the same blocks and markup but takes these parts from here: links are the
view's index URL (built once per request) plus an encoded query string, the pager
and the column headers are strings (the filter list is kept per view and language
by ``RegisterView._get_filter_groups``).
"""
from __future__ import annotations

from typing import Any, Callable, Iterable
from urllib.parse import urlencode

from flask import request, url_for
from flask_admin.babel import gettext as admin_gettext
from markupsafe import Markup, escape
from werkzeug.datastructures import iter_multi_items

# What Werkzeug's url_for leaves unescaped in a query string (its ``_urlencode``).
_QUERY_SAFE = "!$'()*,/:;?@"


def query_url(base: str, params: Any) -> str:
    """``base`` with ``params`` (a mapping or pairs; ``None`` values dropped) as its
    query string, encoded exactly as ``url_for`` encodes extra arguments."""
    items = [(k, v) for k, v in iter_multi_items(params) if v is not None]
    return f"{base}?{urlencode(items, safe=_QUERY_SAFE)}" if items else base


def static_url(endpoint: str, filename: str, v: str | None = None) -> str:
    """``url_for`` of a static file, kept per (endpoint, file, version, mount
    point): a page links ~20 of them and they never change while the app runs."""
    key = (endpoint, filename, v, request.script_root)
    url = _static_urls.get(key)
    if url is None:
        url = _static_urls[key] = (url_for(endpoint, filename=filename, v=v) if v
                                   else url_for(endpoint, filename=filename))
    return url


_static_urls: dict[tuple, str] = {}


def _page_item(label: str, url: str | None, state: str = "") -> str:
    href = escape(url) if url is not None else "javascript:void(0)"
    cls = f"page-item {state}".strip()
    return f'<li class="{cls}"><a class="page-link" href="{href}">{label}</a></li>'


def pager(page: int, pages: int, url: Callable[[int], str], more: bool = False,
          full: bool = True) -> Markup:
    """Flask-Admin's ``lib.pager``: first, previous, seven numbers, next, last.

    ``more``: the count stopped at its cap ("10000+"), so the list goes on past
    ``pages``: the numbers follow the page shown, "next" stays while the page is
    ``full``, and there is no "last" (Flask-Admin's pager took the cap's 501 pages
    for all there were: its last link led to page 501, and page 1000 showed
    495–501 with no way on)."""
    if more:
        pages = max(pages, page + (2 if full else 1))
    if pages <= 1:
        return Markup("")
    lo, hi = page - 3, page + 4
    if lo < 0:
        hi -= lo
    if hi >= pages:
        lo = lo - hi + pages
    lo, hi = max(lo, 0), min(hi, pages)
    out = ['<ul class="pagination">',
           _page_item("&laquo;", url(0)) if lo > 0 else _page_item("&laquo;", None, "disabled"),
           _page_item("&lt;", url(page - 1)) if page > 0 else _page_item("&lt;", None, "disabled")]
    for p in range(lo, hi):
        out.append(_page_item(str(p + 1), None, "active") if p == page
                   else _page_item(str(p + 1), url(p)))
    out.append(_page_item("&gt;", url(page + 1)) if page + 1 < pages
               else _page_item("&gt;", None, "disabled"))
    out.append(_page_item("&raquo;", url(pages - 1)) if hi < pages and not more
               else _page_item("&raquo;", None, "disabled"))
    out.append("</ul>")
    return Markup("".join(out))


def simple_pager(page: int, have_next: bool, url: Callable[[int], str]) -> Markup:
    """Flask-Admin's ``lib.simple_pager`` (no count: previous and next only)."""
    prev = _page_item("&lt;", url(page - 1)) if page > 0 \
        else _page_item("&lt;", url(0), "disabled")
    nxt = _page_item("&gt;", url(page + 1)) if have_next \
        else _page_item("&gt;", url(page), "disabled")
    return Markup(f'<ul class="pagination">{prev}{nxt}</ul>')


def header_cells(view: Any, list_columns: Iterable[tuple[str, Any]], sort_column: int | None,
                 sort_desc: bool, sort_url: Callable[..., str]) -> Markup:
    """The column headers: a sort link on sortable columns, the arrow on the one
    the list is sorted by, a tooltip where the view describes the column."""
    out = []
    for i, (c, name) in enumerate(list_columns):
        name = str(name)                     # a lazy label: translated once
        label = escape(name)
        if view.is_sortable(c):
            title = escape(admin_gettext("Sort by %(name)s", name=name))
            if sort_column == i:
                arrow = "down" if sort_desc else "up"
                inner = (f'<a href="{escape(sort_url(i, True))}" title="{title}">{label} '
                         f'<span class="fa fa-chevron-{arrow} glyphicon glyphicon-chevron-{arrow}">'
                         f'</span></a>')
            else:
                inner = f'<a href="{escape(sort_url(i))}" title="{title}">{label}</a>'
        else:
            inner = str(label)
        desc = view.column_descriptions.get(c)
        if desc:
            inner += (f' <a class="fa fa-question-circle glyphicon glyphicon-question-sign" '
                      f'title="{escape(desc)}" href="javascript:void(0)" data-role="tooltip"></a>')
        out.append(f'<th class="column-header col-{escape(c.replace(".", "-"))}">{inner}</th>')
    return Markup("".join(out))
