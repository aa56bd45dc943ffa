"""出门条月度汇订 (spec H "monthly bundle"): every pass issued in one local month, in
number order, voided ones marked, for filing — the ID number masked as on the
single print for whoever does not read it."""
from __future__ import annotations

from datetime import date

from flask import request
from flask_admin import expose
from flask_babel import gettext as _

from i18n import local_now, local_to_utc, local_today
from models.base import utcnow
from models.exit_pass import GATE_LABELS, STATE_LABELS, ExitPass
from rules import exit_pass as pass_rules
from rules.matrix import reads_personal_data

from .base import current_staff, requires
from .params import BadParam, parse_month


def month_bounds(first: date) -> tuple:
    """The local month as UTC [start, end)."""
    from datetime import datetime

    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return (local_to_utc(datetime(first.year, first.month, 1)),
            local_to_utc(datetime(nxt.year, nxt.month, 1)))


class ExitPassBundleMixin:
    @expose("/bundle/")
    @requires("view")
    def bundle_view(self):
        try:
            first = parse_month(request.args.get("month", ""))
        except BadParam:
            first = local_today().replace(day=1)
        start, end = month_bounds(first)
        passes = self.get_query().filter(  # type: ignore[attr-defined]
            ExitPass.issued_at >= start, ExitPass.issued_at < end).order_by(
            ExitPass.property_id, ExitPass.pass_no, ExitPass.id).all()
        masked = not reads_personal_data(current_staff(), self.register)  # type: ignore
        return self.render(  # type: ignore[attr-defined]
            "admin/exit_pass/bundle.html", passes=passes, month=f"{first:%Y-%m}",
            id_number=(pass_rules.mask_id_number if masked else (lambda v: v or "")),
            goods=pass_rules.goods_text, gates=GATE_LABELS, states=STATE_LABELS, now=utcnow(),
            printed_at=local_now(), title=_("Exit passes of the month"))
