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
