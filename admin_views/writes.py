"""Forms and writes: scoped choices, the version the user saw, the property a new
row belongs to, and the rules run before anything is written.

Reads options ``form_choices``, ``property_from`` and ``print_endpoint``.
"""
from __future__ import annotations

from typing import Any

from flask import request
from sqlalchemy import inspect as sa_inspect
from wtforms import Form, HiddenField

from models.base import db
from rules.errors import StaleEdit
from rules.records import check_not_void, check_own_property

from .labels import label_blank_choices
from .scoping import scope_query
from .security import current_staff
from .write_path import explain_failure


class VersionField(HiddenField):
    """Carries the version the user saw; never written onto the model."""

    def populate_obj(self, obj: Any, name: str) -> None:
        return None



class FormsMixin:
    """Create and edit forms, and the checks every write passes."""

    def scaffold_form(self):
        from .form_limits import limit_fields

        form_class = limit_fields(super().scaffold_form(), self.model)
        # No leading underscore: WTForms binds only public names, so "_version_seen"
        # was never a field of the form (never rendered nor posted; the check read a
        # value shared by every form of the class).
        form_class.version_seen = VersionField()
        return form_class

    # Relationship fields whose choices are narrower than "every visible row": field →
    # a no-argument factory (admin_views/choices.py), for create and edit forms alike.
    def _scope_form(self, form: Form) -> Form:
        """Relationship choices limited to the user's property; voided rows left out."""
        user = current_staff()
        rels = sa_inspect(self.model).relationships
        for field in form:
            rel = rels.get(field.name)
            if rel is None or not hasattr(field, "query_factory"):
                continue
            target = rel.mapper.class_

            def factory(target=target):
                q = scope_query(db.session.query(target), target, user)
                if hasattr(target, "voided_at"):
                    q = q.filter(target.voided_at.is_(None))
                return q.order_by(target.id)

            field.query = None
            field.query_factory = factory
        for name, choices in self.form_choices.items():
            field = getattr(form, name, None)
            if field is not None:
                field.query = None
                field.query_factory = choices
        return label_blank_choices(form)

    def create_form(self, obj=None):
        return self._scope_form(super().create_form(obj))

    def edit_form(self, obj=None):
        form = self._scope_form(super().edit_form(obj))
        if request.method == "GET" and obj is not None:
            if hasattr(obj, "version"):
                form.version_seen.data = obj.version
        return form

    def create_model(self, form):
        with db.session.no_autoflush:
            return super().create_model(form)

    def update_model(self, form, model):
        # Filling the model from the form looks up related rows (ajax fields run a
        # query); an autoflush there would write the half-filled row, bump its
        # version and defeat the stale-edit check.  Nothing is written before commit.
        with db.session.no_autoflush:
            return super().update_model(form, model)

    def on_model_change(self, form, model, is_created: bool) -> None:
        # Flask-Admin adds the new row to the session before calling this; rules
        # that query must not autoflush a half-filled row.
        with db.session.no_autoflush:
            self._checked_change(form, model, is_created)

    def _checked_change(self, form, model, is_created: bool) -> None:
        user = current_staff()
        if is_created:
            if hasattr(model, "created_by_id"):
                model.created_by_id = user.id
            self._assign_property(model, user)
        else:
            check_not_void(model)
            seen = getattr(getattr(form, "version_seen", None), "data", None)
            if hasattr(model, "version") and str(seen) != str(model.version):
                raise StaleEdit(model)
        # Staff may belong to head office (no property): rules.staff.check_home_property
        check_own_property(user, model)
        self.validate_rules(form, model, is_created)

    def _assign_property(self, model, user) -> None:
        if not hasattr(model, "property_id") or type(model).__name__ == "Property":
            return
        if self.property_from:
            parent = getattr(model, self.property_from)
            if parent is not None:
                model.property_id = parent.property_id
        elif model.property_id is None and getattr(model, "property", None) is not None:
            model.property_id = model.property.id
        elif model.property_id is None and not user.is_head_office:
            model.property_id = user.property_id

    def validate_rules(self, form, model, is_created: bool) -> None:
        """Register-specific rules; raise ``RuleViolation`` with a clear message."""

    def get_save_return_url(self, model, is_created: bool = False) -> str:
        """保存并打印 goes to the new record's print; otherwise Flask-Admin's."""
        if self.print_endpoint and "_print" in request.form:
            return self.get_url(self.print_endpoint, id=model.id)
        return super().get_save_return_url(model, is_created)

    def handle_view_exception(self, exc: Exception) -> bool:
        """Clear messages instead of SQL or a 500 (the one write path's words)."""
        return explain_failure(exc, self.endpoint) or super().handle_view_exception(exc)

