"""The landing page: what waits for me, what is due, charts."""
from __future__ import annotations

from flask import redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user

from .security import current_staff


class SecureIndexView(AdminIndexView):
    """Admin landing page; login required (Flask-Admin's index is public by default)."""

    def is_accessible(self) -> bool:
        return current_staff() is not None and current_user.is_active

    def inaccessible_callback(self, name, **kwargs):
        return redirect(url_for("auth.login", next=request.full_path))

    @expose("/")
    def index(self):
        """待办: approvals and co-signs waiting for me, what is due, charts."""
        from models.loading import without_eager_joins
        from rules import approvals, due, stats

        from .due_filters import due_url
        from .quick_actions import for_user

        from .nav_counts import remember

        user = current_staff()
        charts = stats.charts_for(user)
        # What the page reads of a waiting request or co-sign (a loss report's
        # complaint, a file's occupant) loads alone: with the models' nested eager
        # joins one complaint was a statement of 26 tables (5.5 ms on PostgreSQL).
        with without_eager_joins():
            waiting, cosigns, due_items = (approvals.waiting_for(user),
                                           due.cosigns_waiting(user), due.due_for(user))
            remember(user, len(waiting), len(cosigns), len(due_items))
            return self.render("admin/kefu_index.html", page_url=page_url, due_url=due_url,
                               quick=for_user(user), approvals=waiting,
                               chains=approvals, cosigns=cosigns, due=due_items,
                               charts=charts,
                               my_pending=[r for r in approvals.requests_of(user)
                                           if approvals.in_progress(r)])


def page_url(page: str, **args) -> str:
    """The link of a page key of ``rules.due`` (the name of a view): a register's
    list, or a custom page's own index; with ``id``, the record's details."""
    from flask import current_app
    from flask_admin.contrib.sqla import ModelView

    admin = current_app.extensions["admin"][0]
    view = next((v for v in admin._views if v.endpoint == page), None)
    if view is None:
        raise LookupError(f"no page {page!r}")
    if isinstance(view, ModelView):
        return url_for(f"{page}.details_view" if "id" in args else f"{page}.index_view", **args)
    return url_for(f"{page}.index", **args)
