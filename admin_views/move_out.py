"""住户搬出登记表: an occupant's move-out, registered in advance at the desk; the
unit's arrears from the fee register are shown on it (the guide is silent on
settling fees first, so the desk sees them and ticks "fees settled")."""
from __future__ import annotations

from markupsafe import Markup, escape
from wtforms import SelectField

from i18n import local_today
from models.exit_pass import CALL_RESULT_LABELS
from rules import exit_pass as pass_rules

from .base import RegisterView, current_staff
from .exit_pass import CALL_CHOICES, EXIT_LABELS


def _arrears(view, context, model, name) -> Markup | str:
    from rules.fees import unit_arrears

    amount, months = unit_arrears(model.unit_id)
    if not amount:
        return ""
    text = f"¥{amount} ({months})"
    return Markup(f'<span class="badge badge-danger move-out-arrears">{escape(text)}</span>')


class MoveOutView(RegisterView):
    """住户搬出登记表."""

    register = "move_out"
    column_list = ("serial_no", "planned_on", "unit", "occupant", "phone", "goods",
                   "fees_checked", "keys_returned", "clerk", "arrears")
    column_details_list = ("serial_no", "unit", "occupant", "planned_on", "phone", "reason",
                           "goods", "arrears", "fees_checked", "keys_returned",
                           "owner_called_by", "owner_called_at", "owner_call_result", "clerk",
                           "passes", "notes", "created_at", "voided_at")
    column_export_list = ("serial_no", "unit", "occupant", "planned_on", "phone", "reason",
                          "goods", "fees_checked", "keys_returned", "owner_called_by",
                          "owner_called_at", "owner_call_result", "clerk", "notes",
                          "created_at", "voided_at")
    column_labels = EXIT_LABELS
    column_default_sort = ("planned_on", True)
    column_sortable_list = ("serial_no", "planned_on")
    column_searchable_list = ("goods", "reason", "unit.room")
    column_filters = ("planned_on", "keys_returned", "fees_checked")
    column_choices = {"owner_call_result": list(CALL_RESULT_LABELS.items())}
    column_formatters = {"serial_no": lambda v, c, m, n: m.number, "arrears": _arrears,
                         "passes": lambda v, c, m, n: ", ".join(str(p) for p in m.passes)}
    column_formatters_export = {"serial_no": lambda v, c, m, n: m.number}
    form_columns = ("unit", "occupant", "planned_on", "phone", "reason", "goods",
                    "fees_checked", "keys_returned", "owner_called_at", "owner_call_result",
                    "notes")
    form_overrides = {"owner_call_result": SelectField}
    form_args = {"planned_on": {"default": local_today},
                 "owner_call_result": {"choices": CALL_CHOICES}}
    form_ajax_refs = {"unit": {"fields": ("room",), "page_size": 20},
                      "occupant": {"fields": ("name",), "page_size": 20}}

    def validate_rules(self, form, model, is_created: bool) -> None:
        model.owner_call_result = model.owner_call_result or None
        pass_rules.check_move_out(model, current_staff(), is_created)
