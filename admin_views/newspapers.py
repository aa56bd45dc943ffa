"""报纸/杂志订阅单 (the resident pays first; weekend delivery only if the owner asks),
报刊分发表 (the rounds, checked against the subscriptions) and the month's 发放清单
(updated from the subscriptions and confirmed each month)."""
from __future__ import annotations

from flask import redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from i18n import local_now, local_today
from models.mail import ROUND_LABELS, ROUNDS
from models.reference import Unit
from models.mail import DistributionListCheck
from rules import newspapers as paper_rules

from .base import RegisterView, current_staff, requires
from .params import BadParam, parse_day
from .write_path import commit


class SubscriptionView(RegisterView):
    """报纸/杂志订阅单: the resident pays first; the courier then subscribes."""

    register = "subscription"
    list_template = "admin/mail/subscription_list.html"
    column_list = ("unit", "subscriber", "title", "copies", "period_from", "period_until",
                   "amount", "paid_at", "ordered_by", "receipt_returned_at", "weekend_delivery")
    column_details_list = column_list + ("notes", "created_at", "voided_at")
    column_export_list = column_details_list
    column_labels = {
        "unit": _l("Room"), "subscriber": _l("Subscriber"), "title": _l("Newspaper or magazine"),
        "copies": _l("Number of copies"), "period_from": _l("From"), "period_until": _l("Until"),
        "amount": _l("Amount (yuan)"), "paid_at": _l("Payment made at"),
        "ordered_by": _l("Subscribed by"),
        "receipt_returned_at": _l("Receipt and invoice returned at"), "notes": _l("Notes"),
        "weekend_delivery": _l("Owner asked for weekend delivery")}
    column_default_sort = ("period_until", False)
    column_sortable_list = ("period_until", "paid_at")
    column_searchable_list = ("subscriber", "title", "unit.room")
    column_filters = ("period_until", "title")
    form_columns = ("unit", "subscriber", "title", "copies", "period_from", "period_until",
                    "amount", "paid_at", "receipt_returned_at", "weekend_delivery", "notes")
    form_ajax_refs = {"unit": {"fields": ("room",), "page_size": 20}}

    def validate_rules(self, form, model, is_created: bool) -> None:
        if is_created:
            model.ordered_by_id = current_staff().id
        paper_rules.check_subscription(model)

    @expose("/month_list/")
    @requires("view")
    def month_list_view(self):
        """This month's 发放清单 from the subscriptions, and whether it is confirmed."""
        user = current_staff()
        today = local_today()
        rows = paper_rules.month_list(user.property_id, today) \
            if user.property_id is not None else []
        confirmed = paper_rules.list_confirmed(user.property_id, today.replace(day=1)) \
            if user.property_id is not None else None
        return self.render("admin/mail/month_list.html", rows=rows, confirmed=confirmed,
                           month=today.replace(day=1),
                           can_confirm=self.allowed("edit") and user.property_id is not None)

    @expose("/confirm_list/", methods=("POST",))
    @requires("edit")
    def confirm_list_view(self):
        commit(lambda: paper_rules.confirm_list(current_staff()),
               _("This month's distribution list is confirmed."), self.endpoint)
        return redirect(self.get_url(".month_list_view"))


class DistributionView(RegisterView):
    """报刊分发表: a line per unit and title of each round; counts checked against
    the subscriptions on the shortfall page."""
    record_models = (DistributionListCheck,)   # named after this register in the history

    register = "distribution"
    column_list = ("day", "round", "unit", "title", "copies", "delivered_at", "signer")
    column_details_list = column_list + ("notes", "created_at", "voided_at")
    column_export_list = column_details_list
    column_labels = {"day": _l("Date"), "round": _l("Round"), "unit": _l("Room"),
                     "title": _l("Newspaper or magazine"), "copies": _l("Number of copies"),
                     "delivered_at": _l("Delivered at"), "signer": _l("Signed by"),
                     "notes": _l("Notes")}
    column_default_sort = ("day", True)
    column_sortable_list = ("day",)
    column_searchable_list = ("title", "signer", "unit.room")
    column_filters = ("day", "round", "title")
    column_choices = {"round": list(ROUND_LABELS.items())}
    form_columns = ("day", "round", "unit", "title", "copies", "delivered_at", "signer",
                    "notes")
    form_overrides = {"round": SelectField}
    form_args = {"day": {"default": local_today},
                 "round": {"choices": [(r, ROUND_LABELS[r]) for r in ROUNDS]},
                 "delivered_at": {"default": local_now}}
    form_ajax_refs = {"unit": {"fields": ("room",), "page_size": 20}}

    def validate_rules(self, form, model, is_created: bool) -> None:
        paper_rules.check_distribution(model)

    @expose("/check/")
    @requires("view")
    def check_view(self):
        """Each round of a day against the subscriptions: a shortfall means chasing
        the postman (催投递员)."""
        try:
            day = parse_day(request.args["day"]) if request.args.get("day") else local_today()
        except (BadParam, ValueError):
            day = local_today()
        user = current_staff()
        rows = []
        if user.property_id is not None:
            from models.base import db
            for rnd in ROUNDS:
                for unit_id, title, due, got in paper_rules.shortfall(user.property_id, day, rnd):
                    unit = db.session.get(Unit, unit_id)
                    rows.append((ROUND_LABELS[rnd], unit.room if unit else "", title, due, got))
        return self.render("admin/mail/shortfall.html", day=day, rows=rows)
