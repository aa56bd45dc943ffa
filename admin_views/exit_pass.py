"""出门条 (exit pass, printed in two copies), 住户搬出登记表 (move-out) and the gate
page where security releases a pass once (the guide, Part 3 ch. 8)."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField

from i18n import local_now, local_today, utc_to_local
from models.base import db, utcnow
from models.exit_pass import (
    CALL_RESULT_LABELS,
    CALL_RESULTS,
    GATE_LABELS,
    GATES,
    PURPOSE_LABELS,
    PURPOSES,
    STATE_LABELS,
    ExitPass,
    ExitPassItem,
)
from rules import exit_pass as pass_rules
from rules.matrix import reads_personal_data

from .base import RegisterView, SecureViewMixin, current_staff, requires, scope_query
from .exit_pass_bundle import ExitPassBundleMixin
from .inline_rows import NoDeleteRowsConverter
from .params import bounded_int, parse_id
from .write_path import commit

EXIT_LABELS = {
    "pass_no": _l("Pass No."), "purpose": _l("Purpose"), "issued_at": _l("Pass issued at"),
    "valid_until": _l("Valid until"), "unit": _l("Unit"), "move_out": _l("Move-out registration"),
    "company": _l("Company (contractor, removal firm) or unit"), "holder_name": _l("Name of the holder"),
    "id_number": _l("ID number"), "items": _l("Goods carried and quantities"),
    "gate": _l("Exit gate"), "plate": _l("Vehicle plate"), "issuer": _l("Signed by (issuer)"),
    "owner": _l("Owner phoned"), "confirm_called_by": _l("Owner phoned by"),
    "confirm_called_at": _l("Owner phoned at"), "confirm_result": _l("Owner's answer"),
    "public_info": _l("Public information log line"), "guard": _l("Security signature"),
    "checked_at": _l("Released at the gate at"), "state": _l("State"),
    "name": _l("Item"), "quantity": _l("Quantity"),
    # move-out
    "serial_no": _l("No."), "occupant": _l("Occupant"), "planned_on": _l("Planned moving-out date"),
    "phone": _l("Contact phone"), "reason": _l("Reason for moving out"), "goods": _l("Goods list"),
    "fees_checked": _l("Fees settled (checked)"), "keys_returned": _l("Keys and access cards returned"),
    "owner_called_by": _l("Owner phoned by"), "owner_called_at": _l("Owner phoned at"),
    "owner_call_result": _l("Owner's answer"), "clerk": _l("Handled by"), "notes": _l("Notes"),
    "passes": _l("Exit passes"), "arrears": _l("Arrears (fee register)"),
}
CALL_CHOICES = [("", "—")] + [(k, CALL_RESULT_LABELS[k]) for k in CALL_RESULTS]


def _id_number(view, context, model, name) -> str:
    """Security reads only the last 4 digits (the base masks the rest again alike)."""
    if "id_number" in view.masked_columns():
        return pass_rules.mask_id_number(model.id_number)
    return model.id_number


def _public_info(view, context, model, name) -> str:
    info = model.public_info
    if info is None:
        return ""
    return f"{utc_to_local(info.received_at):%Y-%m-%d %H:%M} {info.reason}"


def _state(view, context, model, name) -> str:
    return str(STATE_LABELS[model.state(utcnow())])


class ExitPassView(ExitPassBundleMixin, RegisterView):
    """出门条: issued by the desk after the owner's phone confirmation; never edited
    (void and issue a new one); released once at the gate (``ExitPassGateView``)."""

    register = "exit_pass"
    details_template = "admin/exit_pass/pass_details.html"
    column_list = ("pass_no", "issued_at", "unit", "holder_name", "id_number", "items", "gate",
                   "plate", "issuer", "state", "checked_at")
    column_details_list = ("pass_no", "purpose", "issued_at", "valid_until", "unit", "move_out",
                           "company", "holder_name", "id_number", "items", "gate", "plate",
                           "issuer", "owner", "confirm_called_by", "confirm_called_at",
                           "confirm_result", "public_info", "state", "guard", "checked_at",
                           "created_at", "voided_at")
    column_export_list = column_details_list
    column_labels = EXIT_LABELS
    column_default_sort = ("issued_at", True)
    column_sortable_list = ("pass_no", "issued_at")
    column_searchable_list = ("holder_name", "company", "plate", "unit.room")
    column_filters = ("issued_at", "checked_at", "gate")
    column_choices = {"gate": list(GATE_LABELS.items()), "purpose": list(PURPOSE_LABELS.items()),
                      "confirm_result": list(CALL_RESULT_LABELS.items())}
    column_formatters = {"pass_no": lambda v, c, m, n: m.number, "id_number": _id_number,
                         "items": lambda v, c, m, n: pass_rules.goods_text(m), "state": _state,
                         "public_info": _public_info}
    column_formatters_export = {"pass_no": lambda v, c, m, n: m.number,
                                "items": lambda v, c, m, n: pass_rules.goods_text(m),
                                "state": _state, "public_info": _public_info}
    form_columns = ("purpose", "unit", "move_out", "company", "holder_name", "id_number",
                    "items", "gate", "plate", "owner", "confirm_called_at", "confirm_result")
    form_overrides = {"purpose": SelectField, "gate": SelectField, "confirm_result": SelectField}
    form_args = {
        "purpose": {"choices": [(p, PURPOSE_LABELS[p]) for p in PURPOSES]},
        "gate": {"choices": [(g, GATE_LABELS[g]) for g in GATES]},
        "confirm_result": {"choices": CALL_CHOICES},
        "confirm_called_at": {"default": local_now},
    }
    form_ajax_refs = {"unit": {"fields": ("room",), "page_size": 20},
                      "owner": {"fields": ("name",), "page_size": 20}}
    inline_model_form_converter = NoDeleteRowsConverter
    inline_models = [(ExitPassItem, {
        "form_columns": ("id", "name", "quantity"),
        "form_label": _l("Goods carried and quantities"),
        "column_labels": {"name": _l("Item"), "quantity": _l("Quantity")},
        "form_args": {"quantity": {"default": 1}},
    })]

    def validate_rules(self, form, model, is_created: bool) -> None:
        model.confirm_result = model.confirm_result or None
        for item in model.items:
            if item.property_id is None:
                item.property_id = model.property_id
            item.created_by_id = item.created_by_id or current_staff().id
        if is_created:
            pass_rules.issue(model, current_staff())
        else:
            pass_rules.check_pass(model)

    def check_void(self, model) -> None:
        pass_rules.check_void(model)

    @expose("/print/")
    @requires("view")
    def print_view(self):
        model = self.get_one_or_404()
        id_number = model.id_number
        if not reads_personal_data(current_staff(), self.register):
            id_number = pass_rules.mask_id_number(id_number)
        return self.render("admin/exit_pass/pass_print.html", model=model, labels=EXIT_LABELS,
                           gates=GATE_LABELS, id_number=id_number,
                           copies=[_("Customer service copy"), _("Security copy")])


class ExitPassGateView(SecureViewMixin, BaseView):
    """门岗放行: security finds the pass by its number and releases the goods once."""

    register = "exit_pass_gate"

    @expose("/")
    @requires("view")
    def index(self):
        user = current_staff()
        wanted = parse_id(request.args.get("no")) if request.args.get("no") else None
        found = None
        if wanted is not None:
            found = db.session.execute(scope_query(select(ExitPass).where(
                ExitPass.pass_no == wanted), ExitPass, user)).scalar_one_or_none()
            if found is None:
                flash(_("There is no exit pass No.%(n)s at this property.", n=wanted), "error")
        limit = bounded_int(request.args.get("limit"), 50, low=1, high=200)
        open_now = db.session.execute(pass_rules.open_passes(user).order_by(
            ExitPass.issued_at.desc(), ExitPass.id.desc()).limit(limit)).scalars().all()
        return self.render("admin/exit_pass/gate.html", found=found, passes=open_now,
                           now=utcnow(), states=STATE_LABELS, gates=GATE_LABELS,
                           mask=pass_rules.mask_id_number, can_mark=self.allowed("edit"),
                           today=local_today())

    @expose("/mark/", methods=("POST",))
    @requires("edit")
    def mark_view(self):
        user = current_staff()
        p = db.session.get(ExitPass, parse_id(request.form.get("id")) or 0)
        if p is None or not user.can_see_property(p.property_id):
            flash(_("Record not found."), "error")
            return redirect(url_for(".index"))
        number = p.number
        seen = bounded_int(request.form.get("version"), -1, low=-1)
        commit(lambda: pass_rules.mark_used(p, user, None if seen < 0 else seen),
               _("Exit pass No.%(n)s: goods released at the gate.", n=number), self.endpoint)
        return redirect(url_for(".index", no=int(number)))
