"""《服务单》的管理制度: the price list, service orders (printable in four parts),
settlement, follow-up calls, the due list, the gap report and finance's page.

``ServiceOrderBase`` holds what service and water orders share (they are one
table and one number sequence); ``ServiceOrderView`` and ``admin_views.water.
WaterOrderView`` are its two registers."""
from __future__ import annotations


from flask import redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired

from i18n import cell_text, local_today
from models.base import utcnow
from models.service_orders import (DEPARTMENT_LABELS, DEPARTMENTS, ON_TIME, ON_TIME_LABELS,
                                   ORDER_KIND_LABELS, PAYMENT_LABELS, PAYMENT_METHODS,
                                   REPAIR_CLASS_LABELS, REPAIR_CLASSES,
                                   SATISFACTION, SATISFACTION_LABELS, ServiceOrderLine)
from rules import service_orders as order_rules
from rules import service_prices

from rules.personal_data import mask_personal

from .base import RegisterView, current_staff, requires
from .occupant_lookup import fill_from_room
from .write_path import commit
from .inline_rows import NoDeleteRowsConverter

ORDER_LABELS = {
    "number": _l("Service order No."), "serial_no": _l("Service order No."),
    "kind": _l("Kind"), "unit": _l("Unit"), "customer_name": _l("Customer"),
    "customer_phone": _l("Phone"), "appointment_at": _l("Appointment"),
    "department": _l("Department"), "staff_name": _l("Service staff"),
    "description": _l("Service requested"), "confirm_call_at": _l("On-time confirmation call at"),
    "confirm_call_result": _l("Confirmation call result"), "completed_at": _l("Completed at"),
    "customer_signed": _l("Customer signed off"), "work_notes": _l("Work done"),
    "charge": _l("Charge (yuan)"), "payment_method": _l("Payment"),
    "settled_at": _l("Settled at"), "settled_by": _l("Settled by"),
    "cash_handed_by": _l("Cash handed over by"),
    "finance_received_at": _l("Finance received at"),
    "finance_received_by": _l("Received by (finance)"), "followup_at": _l("Follow-up call at"),
    "followup_by": _l("Follow-up by"), "sat_quality": _l("Quality"),
    "sat_timeliness": _l("Timeliness"), "sat_attitude": _l("Attitude"),
    "followup_notes": _l("Follow-up notes"), "lines": _l("Items"), "items": _l("Items"),
    "water_stock": _l("Water brand"), "water_qty": _l("Buckets"),
    "install_requested": _l("Unpack and install on the dispenser"),
    "delivered_at": _l("Delivered at"), "delivered_by": _l("Delivered by (security)"),
    "empties_returned": _l("Empty buckets taken back"), "owner_signed": _l("Owner signed"),
    "installed": _l("Installed on the dispenser"), "state": _l("State"),
    "repair_class": _l("Kind of repair"),
    # price list
    "item": _l("Service item"), "unit_name": _l("Unit"), "unit_price": _l("Unit price (yuan)"),
    "effective_from": _l("Effective from"), "notes": _l("Notes"), "price": _l("Service item"),
    "quantity": _l("Quantity"),
}


def order_state(view, context, model, name) -> Markup:
    if model.voided_at is not None:
        return Markup("")
    key = order_rules.state_of(model)
    if key == "settled":
        text = cell_text(context, "Settled")
    elif key == "done":
        text = cell_text(context, "Done, not settled")
    else:
        text = cell_text(context, "Open")
    follow = ""
    if order_rules.done_at(model) is not None and model.followup_at is None:
        due = cell_text(context, "Follow-up due")   # outside the f-string: extracted
        follow = f' <span class="badge badge-warning">{escape(due)}</span>'
    return Markup(f'<span class="badge badge-info order-state" data-state="{key}">'
                  f'{escape(text)}</span>{follow}')


class SettleForm(FlaskForm):
    method = RadioField(_l("Payment"), choices=[(m, PAYMENT_LABELS[m]) for m in PAYMENT_METHODS],
                        validators=[InputRequired()])


class FollowUpForm(FlaskForm):
    sat_quality = SelectField(_l("Quality"), choices=[(s, SATISFACTION_LABELS[s])
                                                     for s in SATISFACTION])
    sat_timeliness = SelectField(_l("Timeliness"), choices=[(s, SATISFACTION_LABELS[s])
                                                           for s in SATISFACTION])
    sat_attitude = SelectField(_l("Attitude"), choices=[(s, SATISFACTION_LABELS[s])
                                                       for s in SATISFACTION])
    notes = TextAreaField(_l("Follow-up notes"))


class ServiceOrderBase(RegisterView):
    """Shared by service and water orders: numbering, print, settle, follow-up."""

    print_endpoint = ".print_view"          # 保存并打印 on the create form

    kind = "service"
    details_template = "admin/orders/order_details.html"
    # Newest first by the time raised (the numbers are issued in that order), which the
    # (property, kind, created_at) index serves with the created-at filter too.
    column_default_sort = ("created_at", True)
    column_labels = ORDER_LABELS
    column_filters = ("created_at", "completed_at", "payment_method", "department")
    column_searchable_list = ("customer_name", "staff_name", "description", "unit.room")
    column_choices = {"kind": list(ORDER_KIND_LABELS.items()),
                      "department": list(DEPARTMENT_LABELS.items()),
                      "payment_method": list(PAYMENT_LABELS.items()),
                      "confirm_call_result": list(ON_TIME_LABELS.items()),
                      "sat_quality": list(SATISFACTION_LABELS.items()),
                      "sat_timeliness": list(SATISFACTION_LABELS.items()),
                      "sat_attitude": list(SATISFACTION_LABELS.items()),
                      "repair_class": list(REPAIR_CLASS_LABELS.items())}
    # Choice columns (department, payment, …) are labelled by column_choices.
    column_formatters = {"serial_no": lambda v, c, m, n: m.number,
                         "items": lambda v, c, m, n: "; ".join(str(x) for x in m.lines),
                         "state": order_state}
    column_formatters_export = {"serial_no": lambda v, c, m, n: m.number,
                                "items": lambda v, c, m, n: "; ".join(str(x) for x in m.lines)}
    form_overrides = {"department": SelectField, "confirm_call_result": SelectField}
    form_args = {
        "department": {"choices": [(d, DEPARTMENT_LABELS[d]) for d in DEPARTMENTS]},
        "confirm_call_result": {"choices": [("", "—")] + [(k, ON_TIME_LABELS[k])
                                                          for k in ON_TIME]},
    }
    form_ajax_refs = {"unit": {"fields": ("room",), "page_size": 20}}
    form_widget_args = fill_from_room(name="customer_name", phone="customer_phone")
    # The end of every order's details and export: settlement, finance, follow-up.
    settlement_columns = ("settled_at", "settled_by", "cash_handed_by", "finance_received_at",
                          "finance_received_by", "followup_at", "followup_by", "sat_quality",
                          "sat_timeliness", "sat_attitude", "followup_notes", "created_at",
                          "voided_at")

    @property
    def rows_where(self) -> dict[str, str]:
        return {"kind": self.kind}

    def validate_rules(self, form, model, is_created: bool) -> None:
        model.kind = self.kind
        model.confirm_call_result = model.confirm_call_result or None
        if is_created:
            model.created_at = model.created_at or utcnow()
            if model.unit is not None:
                model.property_id = model.unit.property_id
        self.price(model)
        order_rules.default_repair_class(model, is_created)
        order_rules.check_order(model)
        if is_created:
            model.serial_no = order_rules.next_serial(model.property_id)

    def price(self, model) -> None:
        order_rules.price_lines(model)

    def check_void(self, model) -> None:
        order_rules.check_void(model)

    # -- print: the four parts ----------------------------------------------------------
    @expose("/print/")
    @requires("view")
    def print_view(self):
        model = self.get_one_or_404()
        parts = [_("Part 1: customer service"), _("Part 2: finance"), _("Part 3: customer"),
                 _("Part 4: service department")]
        phone = model.customer_phone or ""
        if phone and "customer_phone" in self.masked_columns():
            phone = mask_personal(phone)
        return self.render("admin/orders/order_print.html", model=model, parts=parts,
                           labels=ORDER_LABELS, departments=DEPARTMENT_LABELS,
                           payments=PAYMENT_LABELS, phone=phone)

    def _summary(self, model) -> list:
        return [(_("Service order No."), model.number), (_("Unit"), model.unit.room),
                (_("Customer"), model.customer_name), (_("Charge (yuan)"), model.charge)]

    @expose("/settle/", methods=("GET", "POST"))
    @requires("edit")
    def settle_view(self):
        model = self.get_one_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        model_id = model.id
        form = SettleForm()
        if request.method == "POST" and form.validate() and commit(
                lambda: order_rules.settle(model, current_staff(), form.method.data),
                lambda: _("Settled: %(how)s.", how=PAYMENT_LABELS[model.payment_method]),
                self.endpoint):
            return redirect(self.get_url(".details_view", id=model_id))
        return self.render("admin/kefu_form_page.html", form=form, form_id="settle-form",
                           heading=_("Settle service order No.%(n)s", n=model.number),
                           summary=self._summary(model), submit_label=_("Settle"),
                           back=self.get_url(".details_view", id=model.id))

    @expose("/follow_up/", methods=("GET", "POST"))
    @requires("edit")
    def follow_up_view(self):
        model = self.get_one_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        model_id = model.id
        form = FollowUpForm()
        if request.method == "POST" and form.validate() and commit(
                lambda: order_rules.follow_up(model, current_staff(), form.sat_quality.data,
                                              form.sat_timeliness.data, form.sat_attitude.data,
                                              form.notes.data),
                _("Follow-up call recorded."), self.endpoint):
            return redirect(self.get_url(".details_view", id=model_id))
        return self.render("admin/kefu_form_page.html", form=form, form_id="followup-form",
                           heading=_("Follow-up call for service order No.%(n)s",
                                     n=model.number),
                           summary=self._summary(model), submit_label=_("Save"),
                           back=self.get_url(".details_view", id=model.id))


class ServiceOrderView(ServiceOrderBase):
    """服务单."""

    register = "service_order"
    kind = "service"
    # (new columns go last: a saved list's ?sort=N counts the columns before it)
    column_list = ("serial_no", "unit", "customer_name", "items",
                   "appointment_at", "department", "completed_at", "charge", "payment_method",
                   "state", "repair_class")
    column_sortable_list = ("serial_no", "appointment_at", "completed_at", "charge")
    column_filters = (*ServiceOrderBase.column_filters, "repair_class")
    column_details_list = (
        "serial_no", "unit", "customer_name", "customer_phone", "description", "repair_class",
        "items",
        "appointment_at", "department", "staff_name", "confirm_call_at", "confirm_call_result",
        "completed_at", "customer_signed", "work_notes", "charge", "payment_method",
        *ServiceOrderBase.settlement_columns)
    column_export_list = column_details_list
    form_columns = ("unit", "customer_name", "customer_phone", "description", "repair_class",
                    "lines", "appointment_at", "department", "staff_name", "confirm_call_at",
                    "confirm_call_result", "completed_at", "customer_signed", "work_notes")
    form_overrides = {**ServiceOrderBase.form_overrides, "repair_class": SelectField}
    # Left empty on a new order, the class is taken from the description's words
    # (rules.service_orders.default_repair_class); a chosen class is kept.
    form_args = {**ServiceOrderBase.form_args, "repair_class": {
        "choices": [("", _l("— from the description"))]
        + [(k, REPAIR_CLASS_LABELS[k]) for k in REPAIR_CLASSES]}}

    def create_form(self, obj=None):
        """A new order's class starts empty (Flask-Admin would preselect the column's
        default, 'normal', which would read as the desk's choice)."""
        form = super().create_form(obj)
        if "repair_class" in form and "repair_class" not in request.form:
            form.repair_class.data = ""
        return form
    inline_model_form_converter = NoDeleteRowsConverter   # lines are changed, never deleted
    inline_models = [(ServiceOrderLine, {
        "form_columns": ("id", "price", "quantity"),
        "form_label": _l("Service item"),  # "添加 服务项目", not 品名 (medicine)
        "column_labels": {"price": _l("Service item"), "quantity": _l("Quantity")},
        "form_args": {"price": {"query_factory": lambda: order_rules.current_prices(
            current_staff())}, "quantity": {"default": 1}},
    })]


class ServicePriceView(RegisterView):
    """专项服务项目及收费标准: a revision is a new row with a later effective date;
    orders keep the price they were issued with."""

    register = "service_price"
    column_list = ("item", "unit_name", "unit_price", "department", "effective_from", "notes")
    column_searchable_list = ("item", "department")
    column_filters = ("effective_from", "department")
    column_default_sort = ("effective_from", True)
    form_columns = ("item", "unit_name", "unit_price", "department", "effective_from", "notes")
    form_overrides = {"department": SelectField}
    form_args = {"department": {"choices": [(d, DEPARTMENT_LABELS[d]) for d in DEPARTMENTS]},
                 "effective_from": {"default": local_today}}
    column_labels = ORDER_LABELS
    column_choices = {"department": list(DEPARTMENT_LABELS.items())}

    def validate_rules(self, form, model, is_created: bool) -> None:
        service_prices.check_price(model, is_created)
