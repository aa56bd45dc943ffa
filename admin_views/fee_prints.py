"""Prints and custom steps beside the fee registers: a 缴费通知单 on A4 (one unit, or the
month's notices of a building, one per sheet) and the managers' visit to a large
debtor (logged as a 上门 collection attempt)."""
from __future__ import annotations

from flask import abort, redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from sqlalchemy import select

from i18n import local_today
from audit.until_write import until_next_write
from models.base import db
from models.fees import FEE_ITEM_LABELS, FEE_ITEMS, FeeNotice
from models.reference import Building, Unit
from rules import fee_collection
from rules import fees as fee_rules
from rules.scope import scoped

from .base import current_staff, requires
from .params import BadParam, parse_id, parse_month
from .write_path import commit


class FeeNoticePrintMixin:
    """缴费通知单 prints: amounts by item, the due date and the property's name."""

    def _print(self, notices: list, building=None, period: str = ""):
        lines = [{item: sum((line.amount for line in n.lines if line.item == item
                             and line.voided_at is None), 0) for item in FEE_ITEMS}
                 for n in notices]
        return self.render("admin/fees/notice_print.html",  # type: ignore[attr-defined]
                           rows=list(zip(notices, lines)), items=FEE_ITEMS,
                           item_labels=FEE_ITEM_LABELS, pay_by=fee_collection.pay_by,
                           building=building, period=period)

    @expose("/print/")
    @requires("view")
    def print_view(self):
        model = self.get_one_or_404()  # type: ignore[attr-defined]
        return self._print([model])

    @expose("/print_building/")
    @requires("view")
    def print_building_view(self):
        """The month's notices of one building, one A4 sheet each, by room."""
        user = current_staff()
        try:
            first = parse_month(request.args.get("month", ""))
        except BadParam:
            first = local_today()
        period = fee_rules.period_of(first)
        building = db_building(user, parse_id(request.args.get("building")))
        if building is None:
            abort(404)
        q = self.get_query().join(Unit, FeeNotice.unit_id == Unit.id).filter(  # type: ignore
            FeeNotice.period == period, Unit.building_id == building.id,
            FeeNotice.voided_at.is_(None)).order_by(Unit.room, FeeNotice.id)
        return self._print(q.all(), building, period)

    def buildings(self) -> list[tuple[int, str]]:
        """(id, name) of the buildings the print-by-building menu offers; the same
        until the next write."""
        user = current_staff()
        return until_next_write(
            ("buildings", user.id, user.property_id, user.roles),
            lambda: [(b.id, b.name) for b in db.session.execute(scoped(
                select(Building).where(Building.voided_at.is_(None)), Building, user)
                .order_by(Building.name)).scalars()])


def db_building(user, building_id: int | None):
    if building_id is None:
        return None
    return db.session.execute(scoped(select(Building).where(Building.id == building_id),
                                     Building, user)).scalar_one_or_none()


class ArrearsVisitMixin:
    """经理/总经理上门: the visit is logged by the manager who made it."""

    @expose("/visit/", methods=("POST",))
    @requires("edit")
    def visit_view(self):
        from .fees import _moment

        model = self.get_one_or_back()  # type: ignore[attr-defined]
        if model is None:
            return redirect(self.get_url(".index_view"))  # type: ignore[attr-defined]
        model_id, f = model.id, request.form
        commit(lambda: fee_collection.manager_visit(model, current_staff(), _moment(f.get("at")),
                                                    f.get("result", "")),
               _("The managers' visit is recorded."), self.endpoint)  # type: ignore
        return redirect(self.get_url(".details_view", id=model_id))  # type: ignore
