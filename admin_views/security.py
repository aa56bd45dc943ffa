"""Who may use an endpoint: login, then the role matrix, checked on the server.

Every endpoint — Flask-Admin's own and any ``@expose`` added later — maps to a
matrix action (``ENDPOINT_ACTIONS`` or ``@requires``) and is checked in
``_handle_view``; an endpoint with no mapping is refused (fail closed).  The
``can_*`` flags only shape the UI; enforcement is here.
"""
from __future__ import annotations

from typing import Any, Callable

from flask import abort, redirect, request, url_for
from flask_login import current_user

from rules.matrix import permits

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


def current_staff():
    """The signed-in staff member, else ``None`` (asked ~100 times a page: the proxy
    is looked through once)."""
    user = current_user._get_current_object()
    return user if user is not None and user.is_authenticated else None


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


class PermissionFlagsMixin:
    """Per-request ``can_*`` flags for the templates, from the same matrix."""

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
