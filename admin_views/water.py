"""桶装饮用水管理制度: stock per brand, receipts, the three-daily count, water
orders (service orders of kind "water"), security's delivery page, and the water
due list with the monthly totals."""
from __future__ import annotations


from flask import flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from i18n import local_now, local_to_utc
from models.base import db, utcnow
from models.service_orders import ServiceOrder
from models.staff import Staff
from rules import service_orders as order_rules
from rules import water as water_rules

from .base import RegisterView, SecureViewMixin, current_staff, requires
from .due_page import DuePageView
from .write_path import commit
from .params import BadParam, parse_count, parse_id, parse_moment
from .service_orders import ORDER_LABELS, ServiceOrderBase

WATER_LABELS = {
    "brand": _l("Brand"), "price_per_bucket": _l("Price per bucket (yuan)"),
    "quantity": _l("Buckets"), "low_threshold": _l("Reorder below"), "place": _l("Store room"),
    "earliest_expiry": _l("Earliest expiry in stock"), "stock": _l("Brand"),
    "expires_on": _l("Expiry date"), "expiry_checked": _l("Expiry date checked"),
    "received_by": _l("Received and signed by"), "received_at": _l("Received at"),
    "supplier_note": _l("Supplier's delivery note"), "expected": _l("In the register"),
    "counted": _l("Counted"), "difference": _l("Difference"), "counted_by": _l("Counted by"),
    "counted_at": _l("Counted at"), "notes": _l("Notes"),
}


class WaterStockView(RegisterView):
    """桶装饮用水库存: brand, price (the guide: 15 yuan), quantity, threshold."""

    register = "water_stock"
    column_list = ("brand", "price_per_bucket", "quantity", "earliest_expiry", "low_threshold",
                   "place")
    form_columns = ("brand", "price_per_bucket", "low_threshold", "place")
    column_labels = WATER_LABELS
    column_formatters = {"earliest_expiry": lambda v, c, m, n: water_rules.earliest_expiry(m)
                         or ""}

    def validate_rules(self, form, model, is_created: bool) -> None:
        water_rules.check_stock(model)
        if is_created:
            model.quantity = 0         # stock arrives by receipts


class WaterReceiptView(RegisterView):
    """Water received from the supplier: signed by the desk, expiry checked."""

    register = "water_receipt"
    property_from = "stock"
    column_list = ("received_at", "stock", "quantity", "expires_on", "expiry_checked",
                   "received_by", "supplier_note")
    column_filters = ("received_at",)
    column_default_sort = ("received_at", True)
    form_columns = ("stock", "quantity", "expires_on", "expiry_checked", "received_at",
                    "supplier_note")
    form_args = {"received_at": {"default": local_now}}
    column_labels = WATER_LABELS

    def validate_rules(self, form, model, is_created: bool) -> None:
        water_rules.check_receipt_unchanged(is_created)
        model.received_by_id = current_staff().id
        if model.received_at is None or model.received_at > utcnow():
            model.received_at = utcnow()
        water_rules.receive(model)

    def void_model(self, model, reason: str) -> None:
        from rules import stock

        super().void_model(model, reason)
        stock.take(model.stock, model.quantity, "void_receipt", str(model.stock))


class WaterCountView(RegisterView):
    """The three-daily count of the store: sets the stock, records the difference."""

    register = "water_count"
    property_from = "stock"
    column_list = ("counted_at", "stock", "expected", "counted", "difference",
                   "earliest_expiry", "counted_by", "notes")
    column_filters = ("counted_at",)
    column_default_sort = ("counted_at", True)
    form_columns = ("stock", "counted", "earliest_expiry", "notes")
    column_labels = WATER_LABELS
    column_formatters = {"difference": lambda v, c, m, n: f"{m.difference:+d}"
                         if m.difference else "0"}

    def validate_rules(self, form, model, is_created: bool) -> None:
        water_rules.check_count_entry(model, is_created)
        model.counted_by_id = current_staff().id
        model.counted_at = utcnow()
        water_rules.count(model)


class WaterOrderView(ServiceOrderBase):
    """桶装饮用水订单: a service order for a unit, delivered by security."""

    register = "water_order"
    kind = "water"
    column_list = ("serial_no", "unit", "customer_name", "water_stock", "water_qty",
                   "appointment_at", "delivered_at", "delivered_by", "charge",
                   "payment_method", "state")
    column_sortable_list = ("serial_no", "appointment_at", "delivered_at", "charge")
    column_filters = ("created_at", "delivered_at", "payment_method")
    column_searchable_list = ("customer_name",)
    column_details_list = (
        "serial_no", "unit", "customer_name", "customer_phone", "water_stock", "water_qty",
        "install_requested", "appointment_at", "items", "charge", "delivered_at",
        "delivered_by", "empties_returned", "owner_signed", "installed", "payment_method",
        *ServiceOrderBase.settlement_columns)
    column_export_list = column_details_list
    form_columns = ("unit", "customer_name", "customer_phone", "water_stock", "water_qty",
                    "install_requested", "appointment_at", "description")
    form_args = {**ServiceOrderBase.form_args, "water_qty": {"default": 1}}

    def validate_rules(self, form, model, is_created: bool) -> None:
        water_rules.check_order_unchanged(model, is_created)
        model.department = "security"
        super().validate_rules(form, model, is_created)

    def price(self, model) -> None:
        water_rules.check_order_water(model)
        order_rules.water_line(model)
        order_rules.price_lines(model)


class WaterDeliveryView(SecureViewMixin, BaseView):
    """待送水: security records each delivery (who, when, empties, owner's signature)."""

    register = "water_delivery"

    def _waiting(self, user):
        q = select(ServiceOrder).where(ServiceOrder.kind == "water",
                                       ServiceOrder.delivered_at.is_(None),
                                       ServiceOrder.voided_at.is_(None))
        if not user.is_head_office:
            q = q.where(ServiceOrder.property_id == user.property_id)
        return db.session.execute(q.order_by(ServiceOrder.serial_no)).scalars().all()

    @expose("/")
    @requires("view")
    def index(self):
        user = current_staff()
        guards = [s for s in db.session.execute(select(Staff).where(
            Staff.active.is_(True), Staff.property_id == user.property_id)
            .order_by(Staff.full_name)).scalars() if s.has_role("security")]
        return self.render("admin/orders/deliveries.html", orders=self._waiting(user),
                           guards=guards, now=local_now(), can_deliver=self.allowed("edit"),
                           values=request.args)

    @expose("/deliver/", methods=("POST",))
    @requires("edit")
    def deliver_view(self):
        user = current_staff()
        f = request.form
        order = db.session.get(ServiceOrder, parse_id(f.get("id")) or 0)
        if order is None or order.kind != "water" or not user.can_see_property(order.property_id):
            flash(_("Record not found."), "error")
            return redirect(url_for(".index"))

        def record() -> None:
            deliverer = user if user.has_role("security") else \
                db.session.get(Staff, parse_id(f.get("delivered_by")) or 0)
            try:
                at = local_to_utc(parse_moment(f.get("delivered_at", "")))
            except BadParam:
                at = None
            water_rules.deliver(order, deliverer, water_rules.delivery_time(at), parse_count(f.get("empties_returned")),
                                owner_signed=bool(f.get("owner_signed")),
                                installed=bool(f.get("installed")))

        commit(record, _("Delivery of service order No.%(n)s recorded.", n=order.number),
               self.endpoint)
        return redirect(url_for(".index"))


class WaterDueView(DuePageView):
    """饮用水待办: count overdue, low stock, expiring stock; buckets used per month."""

    register = "water_stock"
    sections = water_rules.DUE_LABELS
    section_actions = {"count": (_l("Count now"), "water_count.create_view")}
    extra_template = "admin/orders/water_months.html"

    def rows(self, user):
        return water_rules.due(user)

    def row_url(self, row):
        return url_for("water_stock.details_view", id=row.obj.id)

    def extra(self, user):
        return {"months": water_rules.used_per_month(user)}


__all__ = ["WaterStockView", "WaterReceiptView", "WaterCountView", "WaterOrderView",
           "WaterDeliveryView", "WaterDueView", "ORDER_LABELS", "order_rules"]
