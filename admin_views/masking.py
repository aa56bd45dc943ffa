"""Personal columns masked on screen, in history and in files for roles that do
not need them (rules/personal_data.py decides; this applies it to a view)."""
from __future__ import annotations

from flask import g
from jinja2 import pass_context

from rules.personal_data import mask_personal, masked_in_exports, masked_on_screen

from .security import current_staff


class MaskingMixin:
    """``masked_columns`` for lists, details, history and exports."""

    # -- history of one record, and records as they were -----------------------
    def readable(self, masked: frozenset[str] | None = None):
        """Stored values as people read them; personal columns masked for this user."""
        from audit.history import Readable

        choices = {k: dict(v) for k, v in (self.column_choices or {}).items()}
        return Readable(self.model, self.column_labels, choices,
                        masked=self.masked_columns() if masked is None else masked,
                        formatters=getattr(self, "history_formatters", None))

    def masked_columns(self, export: bool = False) -> frozenset[str]:
        """The model's personal columns this user sees masked: on screen, or (with
        ``export``) in a file, which also masks for roles without the export right."""
        user = current_staff()
        key = ("_kefu_masked", self.endpoint, export)
        cached = g.get("_kefu_masked_cols", {})
        if key not in cached:
            masked = masked_on_screen(user, self.register, self.model)
            if export:
                masked |= masked_in_exports(user, self.model)
            cached[key] = masked
            g._kefu_masked_cols = cached
        return cached[key]

    @pass_context
    def get_detail_value(self, context, model, name):
        value = super().get_detail_value(context, model, name)
        if value is None:                # a choice column left empty: blank, not "None"
            return ""
        if name in self.masked_columns() and value not in (None, ""):
            return mask_personal(value)
        return value

