"""保存当前筛选: a member of staff's named searches of the lists they use daily
(issue 17 item 7).  The list page shows the signed-in person's saved filters of that
list as links (one click applies one) and a form that saves the current search,
filters and sort under a name; only the list's own arguments are kept (search, sort,
desc, page size and the list's filters), anything else is refused with a 400.

A saved filter is a preference of one person, not a register record: another person
never sees it, and removing it sets ``removed_at`` (soft delete, so the history
written for every table still shows it)."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import current_app, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from sqlalchemy import func, select

from audit.until_write import until_next_write
from models.base import db, utcnow
from rules.matrix import permits
from models.saved_filters import NAME_MAX, PER_LIST, QUERY_MAX, SavedFilter
from web_security import BadInput

from .base import SecureViewMixin, current_staff, requires
from .params import parse_id
from .write_path import commit

_FLT = re.compile(r"flt(\d{1,2})_(.+)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
VALUE_MAX = 200


def _allowed(view: Any, key: str, value: str) -> bool:
    """Whether ``key=value`` is one of ``view``'s own list arguments."""
    if len(value) > VALUE_MAX or _CONTROL.search(value):
        return False
    if key == "search":
        return True
    if key == "sort":
        return value.isdigit() and int(value) < len(view.get_list_columns())
    if key == "desc":
        return value == "1"
    if key == "page_size":
        return value.isdigit() and int(value) in view.page_size_options
    match = _FLT.fullmatch(key)
    return bool(match and match.group(2) in (getattr(view, "_filter_args", None) or {}))


def list_query(view: Any, pairs) -> str:
    """The list arguments of ``pairs`` that ``view`` knows, encoded (others dropped)."""
    return urlencode([(k, v) for k, v in pairs if _allowed(view, k, v)])


def list_view(endpoint: str) -> Any:
    """The list view named ``endpoint`` that the signed-in person may read, else 400."""
    admin = current_app.extensions["admin"][0]
    view = next((v for v in admin._views if v.endpoint == endpoint), None)
    if view is None or not hasattr(view, "_filter_args") \
            or not hasattr(view, "get_list_columns") or not view.allowed("view"):
        raise BadInput(_("There is no such list."))
    return view


def _mine(view_endpoint: str | None = None):
    q = select(SavedFilter).where(SavedFilter.staff_id == current_staff().id,
                                  SavedFilter.removed_at.is_(None))
    if view_endpoint is not None:
        q = q.where(SavedFilter.view == view_endpoint)
    return q


def saved_filters_for(view: Any) -> dict:
    """For the list template: the signed-in person's saved filters of ``view`` (name,
    link, id) and the current list arguments the save form sends."""
    user = current_staff()
    if user is None or not hasattr(view, "get_list_columns"):
        return {"saved": [], "query": "", "may_save": False}
    base = url_for(f"{view.endpoint}.index_view")

    def read() -> list[tuple[str, str | None, int]]:
        return [(f.name, f.query, f.id) for f in db.session.execute(
            _mine(view.endpoint).order_by(SavedFilter.name)).scalars()]

    # the same until this person saves or removes one (a write): not a query a page
    rows = until_next_write(("saved_filters", user.id, view.endpoint), read)
    saved = [(name, f"{base}?{query}" if query else base, i) for name, query, i in rows]
    return {"saved": saved, "query": list_query(view, request.args.items(multi=True)),
            "may_save": permits(user, "saved_filter", "create")}


class SavedFilterView(SecureViewMixin, BaseView):
    """The two writes of saved filters; the list page draws them (no page of its own)."""
    record_models = (SavedFilter,)   # named after this register in the history

    register = "saved_filter"

    def is_visible(self) -> bool:
        return False

    @expose("/")
    @requires("view")
    def index(self):
        """我的筛选: every saved filter of the signed-in person, by list (the lists
        draw their own; this page is where one finds them all)."""
        admin = current_app.extensions["admin"][0]
        views = {v.endpoint: v for v in admin._views}
        rows = []
        for f in db.session.execute(_mine().order_by(SavedFilter.view, SavedFilter.name)
                                    ).scalars():
            view = views.get(f.view)
            if view is None or not view.allowed("view"):
                continue
            base = url_for(f"{view.endpoint}.index_view")
            rows.append((view.name, f.name, f"{base}?{f.query}" if f.query else base, f.id))
        return self.render("admin/saved_filters.html", rows=rows,
                           may_remove=self.allowed("void"))

    @expose("/save/", methods=("POST",))
    @requires("create")
    def save_view(self):
        view = list_view(request.form.get("view") or "")
        query = request.form.get("query") or ""
        pairs = parse_qsl(query, keep_blank_values=True)
        if len(query) > QUERY_MAX or any(not _allowed(view, k, v) for k, v in pairs):
            raise BadInput(_("Only this list's search, filters and sort can be saved."))
        query = urlencode(pairs)
        back = url_for(f"{view.endpoint}.index_view") + (f"?{query}" if query else "")
        name = " ".join((request.form.get("name") or "").split())
        if not name or len(name) > NAME_MAX:
            flash(_("Give the filter a name of 1 to %(n)s characters.", n=NAME_MAX), "error")
            return redirect(back)
        me, endpoint = current_staff().id, view.endpoint
        same = db.session.execute(_mine(endpoint).where(SavedFilter.name == name)).scalar()
        count = db.session.execute(_mine(endpoint).with_only_columns(func.count())).scalar()
        if same is None and count >= PER_LIST:
            flash(_("You already have %(n)s saved filters on this list; remove one first.",
                    n=PER_LIST), "error")
            return redirect(back)

        def write() -> None:
            if same is not None:          # the same name again: the newer search wins
                same.query = query
            else:
                db.session.add(SavedFilter(staff_id=me, view=endpoint, name=name,
                                           query=query))

        commit(write, _("Filter saved: %(name)s.", name=name), self.endpoint)
        return redirect(back)

    @expose("/remove/", methods=("POST",))
    @requires("void")
    def remove_view(self):
        found = None
        number = parse_id(request.form.get("id"))
        if number is not None:
            found = db.session.execute(_mine().where(SavedFilter.id == number)).scalar()
        if found is None:
            flash(_("There is no such saved filter of yours."), "error")
            return redirect(url_for("admin.index"))
        back = url_for(f"{list_view(found.view).endpoint}.index_view")
        name = found.name

        def write() -> None:
            found.removed_at = utcnow()

        commit(write, _("Filter removed: %(name)s.", name=name), self.endpoint)
        return redirect(back)
