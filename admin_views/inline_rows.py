"""Inline child rows that belong to their record (order lines, handover matters):
changed, never deleted — Flask-Admin's inline delete checkbox would hard-delete them."""
from __future__ import annotations

from flask_admin.contrib.sqla.fields import InlineModelFormList
from flask_admin.contrib.sqla.form import InlineModelConverter


class NoDeleteRows(InlineModelFormList):
    def display_row_controls(self, field) -> bool:
        return False

    def should_delete(self, field) -> bool:
        return False


class NoDeleteRowsConverter(InlineModelConverter):
    """``inline_model_form_converter`` of a view whose inline rows are never deleted."""

    inline_field_list_type = NoDeleteRows
