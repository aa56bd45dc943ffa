"""Which rows a view shows: the staff member's property, narrowed by ``rows_where``.

Flask-Admin's own ``get_one`` and ajax lookups ignore ``get_query``; here both go
through the same scoped query, and every custom endpoint loads its record with
``get_one_or_back``.
"""
from __future__ import annotations

from typing import Any

from flask import abort, flash, request
from flask_admin.babel import gettext as admin_gettext
from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from sqlalchemy import or_

from models.base import db
from rules.scope import scoped as scope_query

from .security import current_staff


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


class ScopingMixin:
    """Reads options ``rows_where``."""

    # -- scoping ------------------------------------------------------------
    def get_query(self):
        return self.narrow(self.scoped_query())

    def scoped_query(self):
        """The rows of the signed-in person's properties, before ``narrow``."""
        return scope_query(super().get_query(), self.model, current_staff())

    # Only the rows whose columns hold these values (water orders among service
    def narrow(self, query):
        """Rows of the model this view shows (``rows_where``)."""
        from .due_filters import due_narrow
        from .unit_rows import unit_narrow

        for column, value in self.rows_where.items():
            query = query.filter(getattr(self.model, column) == value)
        query = unit_narrow(self, query)    # ?unit=<id>: one unit's rows
        return due_narrow(self, query)      # ?due=<name>: one dashboard item's rows

    def narrow_key(self) -> tuple | None:
        """What ``narrow`` depends on besides the view and the property: a count kept
        for a list (``ListQueryMixin._count``) is kept per key, ``None`` keeps none.
        The requested due filter's rows may be the user's own."""
        from .due_filters import active_filter
        from .unit_rows import unit_key

        found = active_filter(self)
        user = current_staff()
        due = () if found is None else ("due", found.name, getattr(user, "id", None))
        return (*due, *unit_key(self))

    def shows_snapshot(self, snap: dict) -> bool:
        """Whether a history snapshot is a row of this view (``rows_where``)."""
        return all(snap.get(column) == value for column, value in self.rows_where.items())

    def get_one(self, id: Any):
        """Scoped like the list (Flask-Admin's own get_one ignores get_query)."""
        from .params import parse_id

        pk = parse_id(id)
        if pk is None:
            return None
        return self._record_loaded(self.get_query()).filter(self.model.id == pk).one_or_none()

    def get_one_or_404(self):
        """The record named by ``id``, scoped like the list, or a 404: for pages that
        only show it (prints, files), where there is no form to go back to."""
        model = self.get_one(request.values.get("id"))
        if model is None:
            abort(404)
        return model

    def get_one_or_back(self, missing: str | None = None):
        """The record named by ``id`` (query or form), scoped like the list; ``None``
        after flashing ``missing`` (the caller redirects).  Every custom endpoint
        loads its record here."""
        model = self.get_one(request.values.get("id"))
        if model is None:
            flash(missing or admin_gettext("Record does not exist."), "error")
        return model

    def _create_ajax_loader(self, name, options):
        remote = getattr(self.model, name).prop.mapper.class_
        return ScopedAjaxLoader(name, db.session, remote, **options)

    # -- writes -----------------------------------------------------------------
