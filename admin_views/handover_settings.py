"""班次时间: a property's 白班/夜班 start times and how long before a shift ends its
handover is done; read by the handover form, its sections and its due items
(rules/handover_times.py).  The department or property manager and the admin set it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, TimeField
from wtforms.validators import InputRequired, NumberRange

from rules import handover_times

from .base import RegisterView

SETTING_LABELS = {"property": _l("Property"), "day_starts": _l("Day shift starts"),
                  "night_starts": _l("Night shift starts"),
                  "lead_minutes": _l("Handover done minutes before the shift ends")}


class ShiftSettingView(RegisterView):
    """One row per property; without it 08:00 / 20:00 and 10 minutes."""

    register = "shift_setting"
    column_list = ("property", "day_starts", "night_starts", "lead_minutes")
    column_details_list = ("property", "day_starts", "night_starts", "lead_minutes",
                           "created_at", "voided_at")
    column_labels = SETTING_LABELS
    form_columns = ("property", "day_starts", "night_starts", "lead_minutes")
    form_overrides = {"day_starts": TimeField, "night_starts": TimeField,
                      "lead_minutes": IntegerField}
    form_args = {
        "day_starts": {"validators": [InputRequired()], "format": "%H:%M",
                       "default": handover_times.DEFAULT_TIMES["day"][0]},
        "night_starts": {"validators": [InputRequired()], "format": "%H:%M",
                         "default": handover_times.DEFAULT_TIMES["night"][0]},
        "lead_minutes": {"validators": [InputRequired(), NumberRange(
            min=0, max=handover_times.MAX_LEAD_MINUTES)],
            "default": handover_times.DEFAULT_LEAD_MINUTES},
    }

    def validate_rules(self, form, model, is_created: bool) -> None:
        handover_times.check_setting(model)
