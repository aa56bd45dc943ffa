"""Staff and their roles (admin only): create with an initial password and PIN,
edit, deactivate (ends the person's sessions), reset password/PIN, unlock.

Given passwords/PINs must be replaced at the next login (``rules.staff``).  The
secret hashes appear in no list, detail, export or history page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import inspect as sa_inspect
from wtforms import BooleanField, SelectField, SelectMultipleField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from rules.roles import ROLE_LABELS, ROLES
from rules.staff import (check_home_property, check_initial_secrets, check_last_admin,
                         check_roles, give_secrets, unlock)

from .base import RegisterView
from .cosign import FormOnlyPassword, _FormOnly

SECRET_COLUMNS = ("password_hash", "pin_hash")


class RolesField(SelectMultipleField):
    """Edits the space-separated ``Staff.roles`` column as a multi-select."""

    def process_data(self, value):
        self.data = value.split() if isinstance(value, str) else list(value or [])

    def populate_obj(self, obj, name):
        obj.role_set = self.data or []


class FormOnlyBoolean(_FormOnly, BooleanField):
    pass


def _old(model, name: str):
    """The value ``name`` had before this form changed it."""
    hist = sa_inspect(model).attrs[name].history
    return hist.deleted[0] if hist.deleted else getattr(model, name)


class StaffView(RegisterView):
    register = "staff"
    column_list = ("username", "full_name", "roles", "home_property", "active", "phone")
    column_searchable_list = ("username", "full_name")
    column_filters = ("active",)
    column_exclude_list = SECRET_COLUMNS
    column_details_exclude_list = (*SECRET_COLUMNS, "version", "session_epoch")
    column_export_exclude_list = (*SECRET_COLUMNS, "session_epoch")
    form_columns = ("username", "full_name", "roles", "home_property", "phone", "active",
                    "locale", "new_password", "new_pin", "unlock")
    column_labels = {
        "username": _l("Username"), "full_name": _l("Full name"), "roles": _l("Roles"),
        "active": _l("Active"), "locale": _l("Language"), "home_property": _l("Home property"),
        "password_hash": _l("Password"), "pin_hash": _l("Co-sign PIN"),
        "session_epoch": _l("Sessions ended"),
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
        "new_password": FormOnlyPassword(
            _l("Password given (to be changed at first login)"),
            validators=[Optional(), Length(max=200)]),
        "new_pin": FormOnlyPassword(_l("Co-sign PIN given (to be changed at first login)"),
                                    validators=[Optional(), Length(max=8)]),
        "unlock": FormOnlyBoolean(_l("Lift the lock after failed logins or co-signs")),
    }
    column_formatters = {
        "roles": lambda v, c, m, n: "、".join(str(ROLE_LABELS.get(r, r)) for r in m.role_set),
    }

    def create_form(self, obj=None):
        form = super().create_form(obj)
        del form.unlock            # nothing to unlock yet
        return form

    def validate_rules(self, form, model, is_created: bool) -> None:
        check_roles(model.role_set)
        model.property_id = model.home_property.id if model.home_property else None
        # not current_staff(): an admin deactivating themself is no longer "active" here
        check_home_property(current_user._get_current_object(), model.property_id)
        if model.locale == "":
            model.locale = None
        password, pin = form.new_password.data or None, form.new_pin.data or None
        if is_created:
            check_initial_secrets(password, pin)
            give_secrets(model, password, pin)
            return
        check_last_admin(model, _old(model, "active"), frozenset((_old(model, "roles") or "")
                                                                 .split()))
        if _old(model, "active") and not model.active:
            model.end_sessions()   # a leaver's open sessions end at their next request
        give_secrets(model, password, pin)
        if form.unlock.data:
            unlock(model)
