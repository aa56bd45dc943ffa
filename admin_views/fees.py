"""缴费通知单 (finance generates the month's notices; the butler checks, delivers and
collects; finance confirms), 欠费催缴 (arrears cases with their collection attempts)
and 收费率 (the month's and cumulative collection rate per butler)."""
from __future__ import annotations

import re
from decimal import Decimal

from flask import redirect, request
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from wtforms import SelectField

from i18n import local_now, local_to_utc, local_today
from models.base import db
from models.fees import (
    ATTEMPT_LABELS,
    ATTEMPT_METHODS,
    CAUSE_LABELS,
    CAUSES,
    DELIVERY_LABELS,
    DELIVERY_METHODS,
    FEE_ITEM_LABELS,
    FEE_ITEMS,
    ArrearsAttempt,
    FeeNoticeLine,
    FeeNoticeMonth,
)
from models.staff import Staff
from rules import fee_collection
from rules import fees as fee_rules

from .base import RegisterView, SecureViewMixin, current_staff, requires, scope_query
from .fee_areas import ButlerAreaMixin
from .fee_prints import ArrearsVisitMixin, FeeNoticePrintMixin
from .inline_rows import NoDeleteRowsConverter
from .labels import words_of_request
from .month_pages import MonthPagesMixin
from .params import BadParam, parse_id, parse_moment, parse_month
from .write_path import commit

FEE_LABELS = {
    "period": _l("Month"), "unit": _l("Unit"), "owner": _l("Owner"), "lines": _l("Fee items"),
    "amount_due": _l("Amount due (yuan)"), "printed_at": _l("Printed at"),
    "finance": _l("Finance"), "checked_by": _l("Account checked by"),
    "checked_at": _l("Account checked at"), "delivery_method": _l("Delivery method"),
    "delivered_at": _l("Handed out at"), "objection": _l("Objection"),
    "objection_handling": _l("Objection handled (checked with finance)"),
    "paid_amount": _l("Amount paid (yuan)"), "paid_at": _l("Paid at"),
    "collected_by": _l("Payment collected by"), "confirmed_by": _l("Confirmed by finance"),
    "confirmed_at": _l("Finance confirmed at"),
    "receipt_returned_at": _l("Receipt or invoice returned at"),
    "pickup_at": _l("Collection from an outside company: time"),
    "pickup_place": _l("Collection place"), "pickup_contact": _l("Collection contact"),
    "pickup_phone": _l("Collection contact phone"), "item": _l("Fee item"),
    "amount": _l("Amount (yuan)"), "state": _l("State"),
    # arrears
    "months": _l("Months in arrears"), "since": _l("In arrears since"), "cause": _l("Cause"),
    "letter_sent_at": _l("Written demand sent at"), "letter_deadline": _l("Pay by (deadline)"),
    "reported_at": _l("Reported to the general manager at"),
    "visited_at": _l("Visited by the managers at"), "legal_on": _l("Legal action from"),
    "settled_on": _l("Settled on"), "notes": _l("Notes"), "attempts": _l("Collection attempts"),
    "at": _l("Time"), "method": _l("Method"), "staff_name": _l("Staff"), "result": _l("Result"),
    "flag": _l("Flag"), "extended_to": _l("Deadline extended to"),
    "extension_approved_by": _l("Extension approved by"),
}


def _money(text: str | None) -> Decimal | None:
    text = (text or "").strip()
    return Decimal(text) if re.fullmatch(r"\d{1,9}(\.\d{1,2})?", text) else None


def _moment(text: str | None):
    try:
        return local_to_utc(parse_moment(text or ""))
    except BadParam:
        return None


def _notice_states() -> dict[str, str]:
    return {"confirmed": _("Paid, confirmed by finance"), "paid": _("Paid, awaiting finance"),
            "delivered": _("Delivered"), "checked": _("Account checked"), "printed": _("Printed")}


def notice_state(view, context, model, name) -> str:
    """Where a notice stands, from its latest step (the words translated once per page)."""
    words = words_of_request("fee_notice_state", _notice_states)
    if model.confirmed_at:
        return words["confirmed"]
    if model.paid_at:
        return words["paid"]
    if model.delivered_at:
        return words["delivered"]
    return words["checked"] if model.checked_at else words["printed"]


class FeeNoticeView(ButlerAreaMixin, MonthPagesMixin, FeeNoticePrintMixin, RegisterView):
    """缴费通知单."""

    register = "fee_notice"
    details_template = "admin/fees/notice_details.html"
    list_template = "admin/fees/notice_list.html"
    column_list = ("period", "unit", "owner", "amount_due", "checked_by", "delivery_method",
                   "delivered_at", "paid_amount", "collected_by", "state")
    column_details_list = ("period", "unit", "owner", "lines", "amount_due", "printed_at",
                           "finance", "checked_by", "checked_at", "delivery_method",
                           "delivered_at", "objection", "objection_handling", "paid_amount",
                           "paid_at", "collected_by", "confirmed_by", "confirmed_at",
                           "receipt_returned_at", "pickup_at", "pickup_place", "pickup_contact",
                           "pickup_phone", "state", "created_at", "voided_at")
    column_export_list = column_details_list
    column_labels = FEE_LABELS
    # by the month's number (models.fees.FeeNotice.period_no): the same order, read
    # from an index of fixed-width keys
    column_default_sort = ("period_no", True)
    column_sortable_list = ("period", "amount_due")
    column_sort_keys = {"period": "period_no"}
    month_counts = FeeNoticeMonth            # a deep page starts at its month
    list_collections = ()                    # the list shows the total, not the lines
    column_searchable_list = ("period", "unit.room")
    column_search_month = ("period",)
    column_filters = ("period", "delivered_at", "paid_at")
    column_choices = {"delivery_method": list(DELIVERY_LABELS.items())}
    column_formatters = {"state": notice_state,
                         "lines": lambda v, c, m, n: "; ".join(str(x) for x in m.lines)}
    column_formatters_export = {"state": notice_state,
                                "lines": lambda v, c, m, n: "; ".join(str(x) for x in m.lines)}
    form_columns = ("lines", "objection", "objection_handling", "receipt_returned_at",
                    "pickup_at", "pickup_place", "pickup_contact", "pickup_phone")
    inline_model_form_converter = NoDeleteRowsConverter
    inline_models = [(FeeNoticeLine, {
        "form_columns": ("id", "item", "amount"), "form_label": _l("Fee item"),
        "column_labels": {"item": _l("Fee item"), "amount": _l("Amount (yuan)")},
        "form_overrides": {"item": SelectField},
        "form_args": {"item": {"choices": [(i, FEE_ITEM_LABELS[i]) for i in FEE_ITEMS]}},
    })]

    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return False

    def this_month(self) -> str:
        return fee_rules.period_of(local_today())

    def validate_rules(self, form, model, is_created: bool) -> None:
        for line in model.lines:
            line.property_id = line.property_id or model.property_id
        fee_rules.reprice(model)
        fee_collection.check_pickup(model)
        fee_collection.check_receipt(model)

    def _back(self, model_id: int):
        return redirect(self.get_url(".details_view", id=model_id))

    @expose("/generate/", methods=("POST",))
    @requires("create")
    def generate_view(self):
        try:
            first = parse_month(request.form.get("month", ""))
        except BadParam:
            first = local_today()
        made: list[int] = []
        commit(lambda: made.append(fee_rules.generate_month(current_staff(), first.year,
                                                            first.month)),
               lambda: _("%(n)s fee notices issued for %(m)s.", n=made[0],
                         m=fee_rules.period_of(first)), self.endpoint)
        return redirect(self.get_url(".index_view"))

    @expose("/check/", methods=("POST",))
    @requires("edit")
    def check_view(self):
        model = self.get_one_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        model_id = model.id
        commit(lambda: fee_rules.check_account(model, current_staff()),
               _("Account checked."), self.endpoint)
        return self._back(model_id)

    @expose("/deliver/", methods=("POST",))
    @requires("edit")
    def deliver_view(self):
        model = self.get_one_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        model_id, f = model.id, request.form
        commit(lambda: fee_rules.deliver(model, f.get("method", ""), _moment(f.get("at"))),
               _("Delivery recorded."), self.endpoint)
        return self._back(model_id)

    @expose("/pay/", methods=("POST",))
    @requires("edit")
    def pay_view(self):
        model = self.get_one_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        model_id, f = model.id, request.form
        collector = db.session.get(Staff, parse_id(f.get("collected_by")) or 0)
        commit(lambda: fee_rules.record_payment(model, _money(f.get("amount")),
                                                _moment(f.get("at")), collector),
               _("Payment recorded; finance confirms it."), self.endpoint)
        return self._back(model_id)

    @expose("/confirm/", methods=("POST",))
    @requires("cosign")
    def confirm_view(self):
        model = self.get_one_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        model_id = model.id
        commit(lambda: fee_rules.confirm_payment(model, current_staff()),
               _("Payment confirmed by finance."), self.endpoint)
        return self._back(model_id)

    def render(self, template, **kwargs):
        if template == self.details_template:
            user = current_staff()
            kwargs.update(
                methods=[(m, DELIVERY_LABELS[m]) for m in DELIVERY_METHODS], now=local_now(),
                collectors=db.session.execute(scope_query(select(Staff).where(
                    Staff.active.is_(True)), Staff, user).order_by(Staff.full_name))
                .scalars().all())
        return super().render(template, **kwargs)


def arrears_flag_text(view, context, model, name) -> str:
    if model.settled_on:
        return ""
    if model.months > fee_rules.ONE_YEAR:
        return _("Over a year: legal action")
    if model.months >= fee_rules.HALF_YEAR:
        return _("Half a year: written demand and report")
    return ""


def arrears_flag(view, context, model, name) -> Markup | str:
    text = arrears_flag_text(view, context, model, name)
    if not text:
        return ""
    kind = "legal" if model.months > fee_rules.ONE_YEAR else "half"
    return Markup(f'<span class="badge badge-warning arrears-flag" data-flag="{kind}">'
                  f'{escape(text)}</span>')


class ArrearsCaseView(ButlerAreaMixin, ArrearsVisitMixin, RegisterView):
    """欠费催缴: a unit's arrears, the cause and every collection attempt."""

    register = "arrears_case"
    details_template = "admin/fees/arrears_details.html"
    property_from = "unit"
    column_list = ("unit", "months", "amount", "since", "cause", "letter_sent_at",
                   "letter_deadline", "reported_at", "legal_on", "flag")
    column_details_list = ("unit", "months", "amount", "since", "cause", "attempts",
                           "letter_sent_at", "letter_deadline", "reported_at", "visited_at",
                           "extended_to", "extension_approved_by", "legal_on", "settled_on",
                           "notes", "flag", "created_at", "voided_at")
    column_export_list = column_details_list
    column_labels = FEE_LABELS
    column_default_sort = ("since", False)
    column_sortable_list = ("since", "months", "amount")
    list_collections = ()                    # the list shows no attempts
    column_searchable_list = ("unit.room",)
    column_filters = ("since", "months", "cause")
    column_choices = {"cause": list(CAUSE_LABELS.items())}
    column_formatters = {"flag": arrears_flag,
                         "attempts": lambda v, c, m, n: "; ".join(str(a) for a in m.attempts)}
    column_formatters_export = {
        "flag": arrears_flag_text,
        "attempts": lambda v, c, m, n: "; ".join(str(a) for a in m.attempts)}
    form_columns = ("unit", "months", "amount", "since", "cause", "attempts", "letter_sent_at",
                    "letter_deadline", "reported_at", "extended_to", "legal_on",
                    "settled_on", "notes")    # visited_at: the managers' visit (visit_view)
    form_overrides = {"cause": SelectField}
    form_args = {"cause": {"choices": [("", "—")] + [(c, CAUSE_LABELS[c]) for c in CAUSES]}}
    form_ajax_refs = {"unit": {"fields": ("room",), "page_size": 20}}
    inline_model_form_converter = NoDeleteRowsConverter
    inline_models = [(ArrearsAttempt, {
        "form_columns": ("id", "at", "method", "staff_name", "result"),
        "form_label": _l("Collection attempt"),
        "column_labels": {"at": _l("Time"), "method": _l("Method"), "staff_name": _l("Staff"),
                          "result": _l("Result")},
        "form_overrides": {"method": SelectField},
        "form_args": {"method": {"choices": [(m, ATTEMPT_LABELS[m]) for m in ATTEMPT_METHODS]}},
    })]

    def validate_rules(self, form, model, is_created: bool) -> None:
        self.check_area(model)
        model.cause = model.cause or None
        if model.unit is not None:
            amount, months = fee_rules.unit_arrears(model.unit.id)
            if months:                       # the fee register says how much, not the form
                model.amount, model.months = amount, months
        fee_rules.check_case(model)
        fee_rules.check_extension(model, current_staff(),
                                  sa_inspect(model).attrs.extended_to.history.has_changes())


class FeeRatesView(SecureViewMixin, BaseView):
    """收费率: the month's and the year's cumulative collection rate per butler."""

    register = "fee_notice"

    @expose("/")
    @requires("view")
    def index(self):
        try:
            first = parse_month(request.args.get("month", ""))
        except BadParam:
            first = local_today()
        rows = fee_rules.collection_rates(current_staff(), first.year, first.month)
        return self.render("admin/fees/rates.html", rows=rows,
                           month=fee_rules.period_of(first))
