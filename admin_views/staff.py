"""Staff and their roles (admin only)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from rules.errors import RuleViolation
from rules.roles import ROLE_LABELS, ROLES

from .base import RegisterView


class RolesField(SelectMultipleField):
    """Edits the space-separated ``Staff.roles`` column as a multi-select."""

    def process_data(self, value):
        self.data = value.split() if isinstance(value, str) else list(value or [])

    def populate_obj(self, obj, name):
        obj.role_set = self.data or []


class StaffView(RegisterView):
    register = "staff"
    column_list = ("username", "full_name", "roles", "home_property", "active", "phone")
    column_searchable_list = ("username", "full_name")
    column_filters = ("active",)
    column_exclude_list = ("password_hash", "pin_hash")
    column_details_exclude_list = ("password_hash", "pin_hash", "version", "session_epoch")
    column_export_exclude_list = ("password_hash", "pin_hash", "session_epoch")
    form_columns = ("username", "full_name", "roles", "home_property", "phone", "active", "locale")
    column_labels = {
        "username": _l("Username"), "full_name": _l("Full name"), "roles": _l("Roles"),
        "active": _l("Active"), "locale": _l("Language"), "home_property": _l("Home property"),
    }
    form_overrides = {"roles": RolesField, "locale": SelectField}
    form_args = {
        "roles": {"choices": [(r, ROLE_LABELS[r]) for r in ROLES],
                  "validators": [DataRequired()]},
        "locale": {"choices": [("", _l("Default (Chinese)")), ("zh_Hans_CN", "中文"),
                               ("en", "English")], "validators": [Optional()]},
        "home_property": {"blank_text": _l("All properties (head office)")},
        "username": {"validators": [DataRequired(), Length(min=2, max=60),
                                    Regexp(r"^[A-Za-z0-9_.-]+$")]},
    }
    form_extra_fields = {
        "new_password": PasswordField(_l("New password"),
                                      validators=[Optional(), Length(min=8, max=200)]),
        "new_pin": PasswordField(_l("New co-sign PIN"),
                                 validators=[Optional(), Regexp(r"^\d{4,8}$")]),
    }
    column_formatters = {
        "roles": lambda v, c, m, n: "、".join(str(ROLE_LABELS.get(r, r)) for r in m.role_set),
    }

    def validate_rules(self, form, model, is_created: bool) -> None:
        unknown = model.role_set - set(ROLES)
        if unknown:
            raise RuleViolation(_("Unknown roles: %(r)s", r=", ".join(sorted(unknown))))
        if form.new_password.data:
            model.set_password(form.new_password.data)
        elif is_created:
            raise RuleViolation(_("A new staff member needs a password."))
        if form.new_pin.data:
            model.set_pin(form.new_pin.data)
        if model.locale == "":
            model.locale = None
