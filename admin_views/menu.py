"""The navigation bar, rendered once per (user, roles, language, page) and reused.

Flask-Admin's ``layout.menu()`` asks every view ``is_accessible()`` and
``is_visible()`` on every request; with forty registers that is ~40 % of a list
page's server time.  What the menu shows depends only on who is signed in (their
roles and property decide the matrix for ``obj=None``), the UI language and which
page is active, so the rendered HTML is kept per that key.  A role change changes
the key; the cache is per process and bounded.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable

from flask import request
from flask_babel import get_locale
from markupsafe import Markup

from admin_views.base import current_staff

MAX_ENTRIES = 4096
_cache: "OrderedDict[tuple, Markup]" = OrderedDict()


def menu_key(admin_view: Any) -> tuple | None:
    user = current_staff()
    if user is None:
        return None
    return (user.id, user.roles, user.property_id, user.is_active, str(get_locale()),
            admin_view.endpoint, request.script_root)


def cached_menu(admin_view: Any, render: Callable[[], str]) -> Markup:
    """The menu HTML for this request; ``render`` is the template's ``layout.menu``."""
    key = menu_key(admin_view)
    if key is None:
        return Markup(render())
    html = _cache.get(key)
    if html is None:
        html = Markup(render())
        _cache[key] = html
        if len(_cache) > MAX_ENTRIES:
            _cache.popitem(last=False)
    return html


class MenuSection:
    """A navbar dropdown holding several of Flask-Admin's menu categories, each
    under its own header: seventeen categories side by side take two lines at
    1366 px, seven sections take one (issue 17)."""

    def __init__(self, name: Any, categories: list[Any]):
        self.name = name
        self.categories = categories

    def groups(self) -> list[tuple[Any, list[Any]]]:
        """(category, its visible entries) for every category the user can open."""
        out = []
        for category in self.categories:
            children = category.get_children()
            if children:
                out.append((category, children))
        return out

    def is_active(self, view: Any) -> bool:
        return any(category.is_active(view) for category in self.categories)


def menu_sections(admin: Any, sections: list[tuple[Any, list[Any]]]) -> list[Any]:
    """The navbar's top level: Flask-Admin's plain links first (待我审批), then one
    :class:`MenuSection` per entry of ``sections`` in that order, then any
    category no section names (so a new register's menu is never lost)."""
    menu = admin.menu()
    categories = {str(item.name): item for item in menu if item.is_category()}
    out: list[Any] = [item for item in menu if not item.is_category()]
    named: set[str] = set()
    for name, names in sections:
        members = [categories[str(n)] for n in names if str(n) in categories]
        named.update(str(n) for n in names)
        if members:
            out.append(MenuSection(name, members))
    out.extend(item for key, item in categories.items() if key not in named)
    return out
