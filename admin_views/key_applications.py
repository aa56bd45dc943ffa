"""钥匙使用管理制度, the requests: copy/void applications (approval chain, then the
desk executes with a second person), spare-key authorisations and monthly spot
checks.  The key register, the desk and the checkout log are in ``keys.py``."""
from __future__ import annotations


from datetime import date
from typing import Any

from flask import flash, redirect, request
from flask_admin import expose
from flask_admin.contrib.sqla.fields import QuerySelectMultipleField
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField
from wtforms.validators import DataRequired, NumberRange

from i18n import local_today
from models.keys import (APPLICATION_KIND_LABELS, APPLICATION_KINDS, APPLICATION_REASON_LABELS,
                         APPLICATION_REASONS, Key, KeyApplicationItem)
from rules import key_register
from rules import key_applications as application_rules
from rules import keys as key_rules
from rules.two_person import KEY_APPLICATION_EXECUTION, verify_cosigner

from .approvals import ApprovalRequestView
from .choices import spare_keys, usable_keys
from .base import RegisterView, current_staff, requires
from .write_path import commit

from .keys import KEY_LABELS, label_of


class KeysField(QuerySelectMultipleField):
    """The keys an application names; stored as items, not as a model attribute."""

    def populate_obj(self, obj: Any, name: str) -> None:
        return None


class KeyApplicationView(ApprovalRequestView):
    """钥匙申请表: copy or void → dept_manager → property_manager → desk executes,
    co-signed."""
    record_models = (KeyApplicationItem,)   # named after this register in the history

    register = "key_application"
    details_template = "admin/keys/application_details.html"
    column_list = ("id", "kind", "reason", "key_labels", "copies", "applicant", "status",
                   "created_at", "executed_at", "cosigned_by")
    column_filters = ("status", "kind", "reason", "created_at")
    column_searchable_list = ("detail",)
    column_labels = KEY_LABELS
    column_display_pk = True
    form_columns = ("kind", "reason", "keys", "copies", "detail")
    form_extra_fields = {"keys": KeysField(_l("Keys applied for"), validators=[DataRequired()],
                                           get_label="label", allow_blank=False)}
    form_excluded_columns_extra = ("items", "executed_at", "executed_by")
    form_overrides = {"kind": SelectField, "reason": SelectField, "copies": IntegerField}
    form_args = {
        "kind": {"choices": [(k, APPLICATION_KIND_LABELS[k]) for k in APPLICATION_KINDS]},
        "reason": {"choices": [(r, APPLICATION_REASON_LABELS[r]) for r in APPLICATION_REASONS]},
        "copies": {"default": 1, "validators": [DataRequired(), NumberRange(min=1, max=10)]},
    }
    column_formatters = {"kind": label_of(APPLICATION_KIND_LABELS),
                         "reason": label_of(APPLICATION_REASON_LABELS)}
    column_choices = {"kind": list(APPLICATION_KIND_LABELS.items()),
                      "reason": list(APPLICATION_REASON_LABELS.items()),
                      "status": [("pending", _l("Pending")), ("approved", _l("Approved")),
                                 ("rejected", _l("Rejected")), ("executed", _l("Executed"))]}

    form_choices = {"keys": usable_keys}

    def validate_rules(self, form, model, is_created: bool) -> None:
        if not is_created:
            return
        keys = list(form.keys.data or [])
        model.property_id = key_register.application_property(keys, current_staff())
        if model.kind == "void":
            model.copies = 1
        for key in keys:
            model.items.append(KeyApplicationItem(key=key, property_id=model.property_id,
                                                  created_by_id=current_staff().id))

    # -- execution by the desk, co-signed -----------------------------------------------
    def can_execute(self, model) -> bool:
        return (self.allowed("edit") and model.status == "approved"
                and model.executed_by_id is None and model.voided_at is None)

    def can_cosign_now(self, model) -> bool:
        user = current_staff()
        return (model.awaiting_cosign and self.allowed("cosign")
                and user.id not in (model.executed_by_id, model.applicant_id)
                and model.voided_at is None)

    @expose("/execute/", methods=("POST",))
    @requires("edit")
    def execute_view(self):
        model = self.get_one_or_back(_("Request not found."))
        back = self.get_url(".details_view", id=request.values.get("id"))
        if model is None:
            return redirect(self.get_url(".index_view"))
        user = current_staff()
        username = (request.form.get("cosigner_username") or "").strip()
        secret = request.form.get("cosigner_secret") or ""
        method = "pin" if request.form.get("cosign_method") == "pin" else "password"
        later = request.form.get("later") == "1"
        touched: list[Key] = []

        def execute() -> None:
            if later:
                application_rules.execute_pending_cosign(model, user)
                return
            application_rules.check_executable(model)
            cosigner = verify_cosigner(KEY_APPLICATION_EXECUTION, username=username,
                                       secret=secret, method=method, actor_id=user.id,
                                       property_id=model.property_id)
            touched.extend(application_rules.execute_with_cosigner(model, user, cosigner, method))

        if later:
            if commit(execute, where=self.endpoint):
                flash(_("Execution recorded; it takes effect when a second staff member "
                        "co-signs."), "warning")
        else:
            commit(execute, lambda: _("Application executed: %(keys)s.",
                                      keys="、".join(k.label for k in touched)), self.endpoint)
        return redirect(back)

    @expose("/cosign/", methods=("POST",))
    @requires("cosign")
    def cosign_view(self):
        model = self.get_one_or_back(_("Request not found."))
        if model is None:
            return redirect(self.get_url(".index_view"))
        back = self.get_url(".details_view", id=model.id)
        touched: list[Key] = []
        commit(lambda: touched.extend(application_rules.cosign_execution(model, current_staff())),
               lambda: _("Co-signed; application executed: %(keys)s.",
                         keys="、".join(k.label for k in touched)), self.endpoint)
        return redirect(back)


class SpareKeyAuthorisationView(ApprovalRequestView):
    """备用钥匙使用授权: the general manager authorises one use of a spare key."""

    register = "spare_key_authorisation"
    column_list = ("id", "key", "purpose", "applicant", "status", "created_at", "used_at")
    column_filters = ("status", "created_at")
    column_searchable_list = ("purpose",)
    column_labels = KEY_LABELS
    column_display_pk = True
    form_columns = ("key", "purpose")
    form_excluded_columns_extra = ("used_at",)
    property_from = "key"

    form_choices = {"key": spare_keys}

    def validate_rules(self, form, model, is_created: bool) -> None:
        if is_created:
            key_register.check_spare_authorisation(model.key)


class KeySpotCheckView(RegisterView):
    """抽查记录: the property manager checks the register at least monthly."""

    register = "key_spot_check"
    list_template = "admin/keys/spot_check_list.html"
    column_list = ("checked_on", "checked_by", "keys_checked", "discrepancies", "property")
    column_default_sort = ("checked_on", True)
    column_filters = ("checked_on",)
    form_columns = ("checked_on", "keys_checked", "discrepancies")
    column_labels = KEY_LABELS
    form_args = {"checked_on": {"default": local_today},
                 "keys_checked": {"validators": [DataRequired(), NumberRange(min=1)]}}

    def validate_rules(self, form, model, is_created: bool) -> None:
        if is_created:
            model.checked_by_id = current_staff().id
        key_register.check_spot_check(model.checked_on)

    def last_check(self) -> tuple[date | None, bool]:
        """The latest check of the user's property and whether one is overdue."""
        return key_rules.last_spot_check(current_staff())
