"""A register's own 待办 page: its due rows grouped by kind, each linking to the
record it is about.  A register declares the page with options, like a list."""
from __future__ import annotations

from typing import Any

from flask import url_for
from flask_admin import BaseView, expose

from rules.due import DueRow

from .security import SecureViewMixin, current_staff, requires


class DuePageView(SecureViewMixin, BaseView):
    """Options: ``register`` (whose "view" the page needs), ``sections`` (kind, label)
    in page order, ``section_actions`` (kind → (label, endpoint) of a button),
    ``extra_template``; ``rows(user)`` and ``row_url(row)`` say what and where."""

    register: str = ""
    sections: tuple[tuple[str, Any], ...] = ()
    section_actions: dict[str, tuple[Any, str]] = {}
    extra_template: str | None = None

    def rows(self, user) -> list[DueRow]:
        raise NotImplementedError

    def row_url(self, row: DueRow) -> str:
        raise NotImplementedError

    def extra(self, user) -> dict:
        """More values for ``extra_template``."""
        return {}

    @expose("/")
    @requires("view")
    def index(self):
        user = current_staff()
        rows = self.rows(user)
        sections = []
        for kind, label in self.sections:
            action = self.section_actions.get(kind)
            sections.append({
                "id": kind, "title": str(label),
                "rows": [{"text": r.text, "url": self.row_url(r), "kind": r.kind}
                         for r in rows if r.kind == kind],
                "action": (str(action[0]), url_for(action[1])) if action else None})
        return self.render("admin/kefu_due.html", sections=sections,
                           extra_template=self.extra_template, **self.extra(user))
