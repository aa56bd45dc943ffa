"""托管房的管理制度: custody agreements (and their key list), interior inspections
with a co-signing second person, vacant-home inspections, and the due list."""
from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, request
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import SelectField
from wtforms.validators import DataRequired, NumberRange

from i18n import local_now
from models.base import db, utcnow
from models.custody import (CONTACT_METHOD_LABELS, CONTACT_METHODS, INSPECTION_REASON_LABELS,
                            INSPECTION_REASONS, VACANT_CHECKLIST, VACANT_CHECKLIST_LABELS,
                            CustodyInspection)
from models.keys import Key, KeyCheckout
from rules import custody as custody_rules

from .choices import butlers_first
from .occupant_lookup import OccupantLookupMixin, fill_from_room
from .base import RegisterView, SecureViewMixin, current_staff, requires, scope_query
from .write_path import commit
from .cosign import COSIGN_FIELD_NAMES, cosign_fields, cosigner_from
from .params import parse_id

CUSTODY_LABELS = {
    "unit": _l("Unit"), "owner": _l("Owner"), "butler": _l("Responsible butler"),
    "purpose": _l("Purpose"), "starts_on": _l("From"), "ends_on": _l("Until"),
    "power_gas_reminded": _l("Owner reminded to switch off power and close the gas valve"),
    "security_notified_at": _l("Security told to patrol outside at"),
    "owner_confirmed": _l("Owner's confirmation"),
    "inspect_every_days": _l("Routine inspection every (days)"),
    "winter_check_from": _l("Winter daily check from"),
    "winter_check_until": _l("Winter daily check until"),
    "agreement": _l("Custody agreement"), "inspected_at": _l("Inspected at"),
    "reason": _l("Reason"), "interior": _l("Inside the home"),
    "owner_contacted_at": _l("Owner contacted at"), "owner_contact_method": _l("Contacted by"),
    "inspector": _l("Inspector"), "other_staff": _l("Other staff present"),
    "key_checkout": _l("Key checkout used"), "findings": _l("Findings"),
    "follow_up": _l("Follow-up"), "cosigned_by": _l("Second person (co-signed)"),
    "cosigned_at": _l("Co-signed at"), "repair_forwarded_to": _l("Repair forwarded to"),
    "done": _l("State"), **VACANT_CHECKLIST_LABELS,
}


def inspection_state(view, context, model, name) -> Markup:
    if model.voided_at is not None:
        return Markup("")
    if model.is_done:
        return Markup(f'<span class="badge badge-success inspection-state" data-state="done">'
                      f'{escape(_("Done"))}</span>')
    return Markup(f'<span class="badge badge-warning inspection-state" data-state="pending">'
                  f'{escape(_("Waiting for the second person to co-sign"))}</span>')


class CustodyAgreementView(OccupantLookupMixin, RegisterView):
    """钥匙托管协议书 with its 托管房钥匙清单."""

    register = "custody_agreement"
    property_from = "unit"
    details_template = "admin/custody/agreement_details.html"
    column_list = ("unit", "owner", "butler", "purpose", "starts_on", "ends_on",
                   "inspect_every_days", "winter_check_from", "winter_check_until")
    column_searchable_list = ("purpose",)
    column_filters = ("starts_on", "ends_on")
    column_default_sort = ("ends_on", False)
    form_columns = ("unit", "owner", "butler", "purpose", "starts_on", "ends_on",
                    "power_gas_reminded", "security_notified_at", "owner_confirmed",
                    "inspect_every_days", "winter_check_from", "winter_check_until")
    form_excluded_columns_extra = ("keys",)
    column_labels = CUSTODY_LABELS
    form_ajax_refs = {"unit": {"fields": ("room",), "page_size": 20},
                      "owner": {"fields": ("name", "phone"), "page_size": 20}}
    form_args = {"inspect_every_days": {"default": 7,
                                        "validators": [DataRequired(), NumberRange(1, 90)]}}

    form_choices = {"butler": butlers_first}
    form_widget_args = fill_from_room(owner="owner", butler="butler")

    def validate_rules(self, form, model, is_created: bool) -> None:
        custody_rules.check_agreement(model)

    def key_list(self, model) -> list[Key]:
        return [k for k in model.keys]

    def inspections(self, model) -> list[CustodyInspection]:
        return list(db.session.execute(
            select(CustodyInspection).where(CustodyInspection.agreement_id == model.id)
            .order_by(CustodyInspection.inspected_at.desc()).limit(20)).scalars())


class CustodyInspectionView(RegisterView):
    """托管房巡查记录表: inside the home only after contacting the owner, and only
    with a second person who co-signs (on this form, or later signed in)."""

    register = "custody_inspection"
    disabled_endpoints = ("edit_view",)    # a co-signed record is not edited; void it
    details_template = "admin/custody/inspection_details.html"
    column_list = ("agreement", "inspected_at", "reason", "interior", "inspector",
                   "cosigned_by", "owner_contacted_at", "findings", "done")
    column_default_sort = ("inspected_at", True)
    column_filters = ("inspected_at", "reason", "interior")
    column_searchable_list = ("findings",)
    form_columns = ("agreement", "inspected_at", "reason", "interior", "owner_contacted_at",
                    "owner_contact_method", "other_staff", "key_checkout", "findings",
                    "follow_up", *COSIGN_FIELD_NAMES)
    form_extra_fields = cosign_fields()
    form_overrides = {"reason": SelectField, "owner_contact_method": SelectField}
    form_args = {
        "reason": {"choices": [(r, INSPECTION_REASON_LABELS[r]) for r in INSPECTION_REASONS]},
        "owner_contact_method": {"choices": [("", "—")] + [(m, CONTACT_METHOD_LABELS[m])
                                                          for m in CONTACT_METHODS]},
        "inspected_at": {"default": local_now},
        "interior": {"default": True},
    }
    column_labels = CUSTODY_LABELS
    column_choices = {"reason": list(INSPECTION_REASON_LABELS.items()),
                      "owner_contact_method": list(CONTACT_METHOD_LABELS.items())}
    column_formatters = {
        "reason": lambda v, c, m, n: INSPECTION_REASON_LABELS.get(m.reason, m.reason),
        "done": inspection_state,
    }
    property_from = "agreement"

    def create_form(self, obj=None):
        form = super().create_form(obj)
        user = current_staff()

        def recent_custodial_checkouts():
            q = (db.session.query(KeyCheckout).join(Key, KeyCheckout.key_id == Key.id)
                 .filter(Key.custody_agreement_id.is_not(None),
                         KeyCheckout.out_at >= utcnow() - timedelta(days=30)))
            return scope_query(q, KeyCheckout, user).order_by(KeyCheckout.out_at.desc())

        form.key_checkout.query_factory = recent_custodial_checkouts
        wanted = parse_id(request.args.get("agreement"))
        if request.method == "GET" and wanted is not None:
            from models.custody import CustodyAgreement

            q = scope_query(db.session.query(CustodyAgreement), CustodyAgreement, user)
            form.agreement.data = q.filter(CustodyAgreement.id == wanted).one_or_none()
        return form

    def validate_rules(self, form, model, is_created: bool) -> None:
        if not is_created:
            return
        user = current_staff()
        model.inspector_id = user.id
        model.owner_contact_method = model.owner_contact_method or None
        custody_rules.check_inspection(model)
        if model.interior:
            cosigner, method = cosigner_from(
                {n: getattr(form, n).data for n in COSIGN_FIELD_NAMES},
                custody_rules.CUSTODY_INSPECTION, user.id, model.property_id)
            if cosigner is not None:
                from rules.two_person import record_cosign

                record_cosign(model, cosigner, method)

    def after_model_change(self, form, model, is_created: bool) -> None:
        if is_created and not model.is_done:
            flash(_("Saved as pending: an interior inspection counts as done only when a "
                    "second staff member co-signs."), "warning")

    @expose("/cosign/", methods=("POST",))
    @requires("cosign")
    def cosign_view(self):
        model = self.get_one_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        model_id = model.id
        commit(lambda: custody_rules.cosign_later(model, current_staff()), _("Co-signed."),
               self.endpoint)
        return redirect(self.get_url(".details_view", id=model_id))

    def can_cosign_now(self, model) -> bool:
        user = current_staff()
        return (not model.is_cosigned and model.interior and model.voided_at is None
                and self.allowed("cosign") and user.id != model.inspector_id)


class VacantHomeInspectionView(RegisterView):
    """空置房巡查表 (seeds/002): at least twice a month, with its checklist."""

    register = "vacant_home_inspection"
    disabled_endpoints = ("edit_view",)    # facts of one visit; a mistake is voided
    property_from = "unit"
    column_list = ("unit", "inspected_at", "inspector", *VACANT_CHECKLIST, "findings",
                   "repair_forwarded_to")
    column_default_sort = ("inspected_at", True)
    column_filters = ("inspected_at",)
    form_columns = ("unit", "inspected_at", *VACANT_CHECKLIST, "findings",
                    "repair_forwarded_to")
    column_labels = CUSTODY_LABELS
    form_ajax_refs = {"unit": {"fields": ("room",), "page_size": 20}}
    form_args = {"inspected_at": {"default": local_now},
                 **{c: {"default": True} for c in VACANT_CHECKLIST}}

    def validate_rules(self, form, model, is_created: bool) -> None:
        if is_created:
            model.inspector_id = current_staff().id
        custody_rules.check_vacant_inspection(model)


class InspectionsDueView(SecureViewMixin, BaseView):
    """巡查待办: routine, winter and vacant-home inspections due; agreements ending."""

    register = "custody_agreement"

    @expose("/")
    @requires("view")
    def index(self):
        user = current_staff()
        return self.render("admin/custody/due.html",
                           custody=custody_rules.custody_due(user),
                           vacant=custody_rules.vacant_due(user))
