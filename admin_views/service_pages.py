"""《服务单》的管理制度, the desk's and finance's pages over the orders: follow-up
calls and the price list due (服务单待办), the missing-number report (缺号) and
finance's charged orders and sign-bills."""
from __future__ import annotations


from flask import abort, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from sqlalchemy import func, select

from i18n import local_today
from models.base import db
from models.service_orders import (PAYMENT_LABELS, ServiceOrder)
from rules import service_orders as order_rules
from rules import water as water_rules


from .base import SecureViewMixin, current_staff, requires
from .write_path import commit
from .params import BadParam, bounded_int, id_or_404, parse_day, parse_id, parse_month



def call_details(user, order: ServiceOrder) -> dict:
    """Who to call back and on which number (待回访): the phone masked for roles that do
    not read phones, and then no ``tel:`` link."""
    from rules.personal_data import mask_personal, masked_on_screen

    phone = order.customer_phone or ""
    masked = "customer_phone" in masked_on_screen(user, "service_order", ServiceOrder)
    return {"call_name": order.customer_name or "",
            "call_phone": mask_personal(phone) if masked and phone else phone,
            "call_tel": "" if masked else phone}


class ServiceDueView(SecureViewMixin, BaseView):
    """服务单待办: follow-up calls (overdue after 2 days) and the price list's age."""

    register = "service_order"
    # the page lists the oldest this many; the badge counts them all
    due_limit: int = order_rules.DUE_LIST_LIMIT

    @expose("/")
    @requires("view")
    def index(self):
        user = current_staff()

        def url(o):
            endpoint = "water_order" if o.kind == "water" else "service_order"
            return url_for(f"{endpoint}.follow_up_view", id=o.id)

        follow = [{"text": r.text, "url": url(r.obj), "kind": "followup", "overdue": r.overdue,
                   **call_details(user, r.obj)}
                  for r in order_rules.followups_due(user, limit=self.due_limit)]
        prices = [{"text": r.text, "url": url_for("service_price.index_view"), "kind": "prices"}
                  for r in order_rules.price_list_due(user)]
        return self.render("admin/kefu_due.html", sections=[
            {"id": "followup", "title": _("Follow-up calls due (within 2 days of completion)"),
             "rows": follow, "total": order_rules.followups_counts(user)[0]},
            {"id": "prices", "title": _("Price list to revise (every half year)"),
             "rows": prices}])


class ServiceOrderGapsView(SecureViewMixin, BaseView):
    """缺号报告: numbers missing or voided in a range."""

    register = "service_order"

    @expose("/")
    @requires("view")
    def index(self):
        user = current_staff()
        pid = user.property_id
        if pid is None:
            from models.reference import Property

            pid = parse_id(request.args.get("property")) or db.session.execute(
                select(func.min(Property.id))).scalar()
        last = db.session.execute(select(func.max(ServiceOrder.serial_no)).where(
            ServiceOrder.property_id == pid)).scalar() or 0
        lo = bounded_int(request.args.get("from"), max(1, last - 199), low=1)
        hi = bounded_int(request.args.get("to"), max(last, lo), low=1)
        if hi < lo:
            lo, hi = hi, lo
        hi = min(hi, lo + 100_000)
        report = order_rules.gap_report(pid, lo, hi)
        return self.render("admin/orders/gaps.html", report=report, lo=lo, hi=hi)


class FinanceView(SecureViewMixin, BaseView):
    """财务: the day's charged orders, the month's sign-bills per unit, cash received."""

    register = "finance"

    @expose("/")
    @requires("view")
    def index(self):
        user = current_staff()
        try:
            day = parse_day(request.args.get("day", ""))
        except BadParam:
            day = local_today()
        try:
            first = parse_month(request.args.get("month", ""))
        except BadParam:
            first = day
        year, mon = first.year, first.month
        charged = order_rules.charged_on(user, day)
        return self.render(
            "admin/orders/finance.html", day=day, month=f"{year}-{mon:02d}",
            charged=charged, charged_total=sum(o.charge for o in charged),
            sign_bills=water_rules.sign_bill_totals(user, year, mon),
            cash=water_rules.cash_in_month(user, year, mon),
            used=water_rules.used_in_month(user, year, mon), payments=PAYMENT_LABELS,
            can_receive=self.allowed("edit"))

    @expose("/receive/", methods=("POST",))
    @requires("edit")
    def receive_view(self):
        user = current_staff()
        order = db.session.get(ServiceOrder, id_or_404(request.form.get("id")))
        if order is None or not user.can_see_property(order.property_id):
            abort(404)
        commit(lambda: order_rules.finance_receive(order, user),
               _("Cash of service order No.%(n)s received.", n=order.number), self.endpoint)
        return redirect(url_for(".index", day=request.form.get("day"),
                                month=request.form.get("month")))
