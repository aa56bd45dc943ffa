"""交接班记录表: entered by the outgoing person, signed by the incoming one; printed one
by one (A4) and as the month's bundle (每月装订)."""
from __future__ import annotations

import json
from datetime import date, datetime, time

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import SelectField

import i18n
from i18n import local_now, local_to_utc
from models.base import db, utcnow
from models.handover import (MATTER_STATE_LABELS, MATTER_STATES, SHIFT_LABELS, SHIFTS,
                             HandoverMatter, HandoverRead, ShiftHandover)
from rules import handover as handover_rules
from rules import handover_reads, handover_times
from rules import public_info as info_rules

from .base import RegisterView, current_staff, requires, scope_query
from .choices import staff_with_role
from .cosign import COSIGN_FIELD_NAMES, cosign_fields, cosigner_from
from .inline_rows import NoDeleteRowsConverter
from .params import BadParam, parse_month
from .write_path import commit

HANDOVER_LABELS = {
    "shift": _l("Shift"), "handed_over_at": _l("Handed over at"),
    "outgoing": _l("Outgoing person"), "incoming": _l("Incoming person"),
    "duty_log": _l("Duty log"), "reported_to": _l("Important matters reported to"),
    "reported_at": _l("Reported at"), "keys_expected": _l("Keys expected at the desk"),
    "keys_counted": _l("Keys counted"), "key_discrepancy": _l("Key difference explained"),
    "deposits_checked": _l("Deposited items checked"),
    "order_no_from": _l("Service orders from No."), "order_no_to": _l("Service orders to No."),
    "charged_orders_handed": _l("Charged orders handed to finance"),
    "handed_to_finance_at": _l("Handed to finance at"), "incident_note": _l("Incidents"),
    "matters": _l("Open matters"), "cosigned_by": _l("Incoming person's signature"),
    "cosigned_at": _l("Signed at"), "state": _l("State"),
    "sections_json": _l("At the desk at the handover"), "late": _l("Late"),
}
MATTER_LABELS = {"text": _l("Matter"), "butler": _l("Follow-up butler"),
                 "orally_handed": _l("Handed over orally"),
                 "public_info": _l("Public information line"), "status": _l("Status")}


def sections_text(value: str) -> str:
    """The snapshot as people read it in history: each section's title and lines."""
    try:
        data = json.loads(value)
    except (TypeError, ValueError):
        return str(value)
    return " / ".join(f"{d.get('title', name)}：{'；'.join(map(str, d.get('rows', [])))}"
                      for name, d in data.items() if isinstance(d, dict))


def handover_state(view, context, model, name) -> Markup:
    if model.voided_at is not None:
        return Markup("")
    if model.is_done:
        return Markup('<span class="badge badge-success handover-state" data-state="done">'
                      f'{escape(_("Signed by the incoming person"))}</span>')
    return Markup('<span class="badge badge-warning handover-state" data-state="waiting">'
                  f'{escape(_("Waiting for the incoming person to sign"))}</span>')


def late_badge(view, context, model, name) -> Markup:
    """迟交: done later than the property's shift end − lead (rules.handover_times)."""
    late = handover_times.minutes_late(model)
    if late is None:
        return Markup("")
    return Markup('<span class="badge badge-danger handover-late" data-late="%d">%s</span>'
                  % (late, escape(_("Late by %(n)s min", n=late))))


def default_shift() -> str:
    """The shift running now at the signed-in person's property."""
    return handover_times.current_shift(current_staff().property_id)


def open_public_info() -> list:
    return [r.obj for r in info_rules.open_matters(current_staff())]


class ShiftHandoverView(RegisterView):
    """交接班记录表.  The outgoing person is whoever is signed in."""

    register = "shift_handover"
    record_models = (HandoverRead,)          # 已阅 rows, named after this register
    create_template = "admin/handover/create.html"
    list_template = "admin/handover/list.html"
    details_template = "admin/handover/details.html"
    column_list = ("handed_over_at", "shift", "outgoing", "incoming", "duty_log",
                   "keys_expected", "keys_counted", "order_no_from", "order_no_to", "state", "late")
    column_details_list = ("handed_over_at", "shift", "outgoing", "incoming", "duty_log",
                           "reported_to", "reported_at", "keys_expected", "keys_counted",
                           "key_discrepancy", "deposits_checked", "order_no_from",
                           "order_no_to", "charged_orders_handed", "handed_to_finance_at",
                           "incident_note", "cosigned_by", "cosigned_at", "created_at",
                           "voided_at")
    column_export_list = column_details_list
    column_labels = HANDOVER_LABELS
    column_default_sort = ("handed_over_at", True)
    column_sortable_list = ("handed_over_at",)
    column_searchable_list = ("duty_log", "key_discrepancy", "incident_note")
    column_filters = ("handed_over_at", "shift")
    column_choices = {"shift": list(SHIFT_LABELS.items())}
    column_formatters = {"state": handover_state, "late": late_badge}
    history_formatters = {"sections_json": sections_text}   # the snapshot, in words
    form_columns = ("shift", "handed_over_at", "incoming", "duty_log", "reported_to",
                    "reported_at", "keys_counted", "key_discrepancy", "deposits_checked",
                    "charged_orders_handed", "handed_to_finance_at", "incident_note", "matters",
                    *COSIGN_FIELD_NAMES)
    form_extra_fields = cosign_fields()
    form_overrides = {"shift": SelectField}
    form_args = {"shift": {"choices": [(s, SHIFT_LABELS[s]) for s in SHIFTS],
                           "default": default_shift},
                 "handed_over_at": {"default": local_now}}
    form_choices = {"incoming": staff_with_role(*handover_rules.HANDOVER_ROLES)}
    inline_model_form_converter = NoDeleteRowsConverter   # matters are closed, never deleted
    inline_models = [(HandoverMatter, {
        "form_columns": ("id", "text", "butler", "orally_handed", "public_info", "status"),
        "form_label": _l("Open matter"),
        "column_labels": MATTER_LABELS,
        "form_overrides": {"status": SelectField},
        "form_args": {
            "status": {"choices": [(s, MATTER_STATE_LABELS[s]) for s in MATTER_STATES]},
            "butler": {"query_factory": staff_with_role("butler", "supervisor")},
            "public_info": {"query_factory": open_public_info},
        },
    })]

    def create_form(self, obj=None):
        """Open matters of the last co-signed handover come pre-filled (carried over)."""
        if request.method == "GET" and obj is None:
            carried = handover_rules.previous_open_matters(current_staff())
            if carried:
                at = local_to_utc(i18n.local_now())     # the form's default, as typed
                obj = ShiftHandover(shift=default_shift(), handed_over_at=at, matters=[
                    HandoverMatter(text=m.text, butler_id=m.butler_id, butler=m.butler,
                                   orally_handed=m.orally_handed, public_info=m.public_info,
                                   public_info_id=m.public_info_id, status="open")
                    for m in carried])
        return super().create_form(obj)

    def preview(self) -> dict:
        """The computed sections as they stand now (shown on the create form)."""
        user = current_staff()
        if user.property_id is None:
            return {}
        h = ShiftHandover(property_id=user.property_id, shift=default_shift(),
                          handed_over_at=utcnow(), outgoing=user)
        with db.session.no_autoflush:
            return handover_rules.compute(h, user)

    def validate_rules(self, form, model, is_created: bool) -> None:
        user = current_staff()
        if is_created:
            model.outgoing_id, model.outgoing = user.id, user
        else:
            handover_rules.check_editable(model)
        for m in model.matters:
            m.created_by_id = m.created_by_id or user.id
        handover_rules.check_handover(model, user)
        cosigner, method = cosigner_from({n: getattr(form, n).data for n in COSIGN_FIELD_NAMES},
                                         handover_rules.SHIFT_HANDOVER, model.outgoing_id,
                                         model.property_id)
        if cosigner is not None:
            handover_rules.cosign(model, cosigner, method)

    def after_model_change(self, form, model, is_created: bool) -> None:
        if not model.is_done:
            flash(_("Saved, waiting for the incoming person to sign: it counts as handed "
                    "over once signed."), "warning")

    @expose("/cosign/", methods=("POST",))
    @requires("cosign")
    def cosign_view(self):
        model = self.get_one_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        model_id = model.id
        commit(lambda: handover_rules.cosign(model, current_staff(), "session"),
               _("Signed: the shift is handed over."), self.endpoint)
        return redirect(self.get_url(".details_view", id=model_id))

    def can_cosign_now(self, model) -> bool:
        return (not model.is_cosigned and model.voided_at is None
                and self.allowed("cosign") and current_staff().id == model.incoming_id)

    # -- 已阅 (rules/handover_reads.py) --------------------------------------------------------
    def reads_of(self, model) -> list:
        return handover_reads.reads_of(model)

    def can_read_now(self, model) -> bool:
        return handover_reads.can_read(model, current_staff())

    def minutes_late(self, model) -> int | None:
        return handover_times.minutes_late(model)

    @expose("/read/", methods=("POST",))
    @requires("view")
    def read_view(self):
        """The signed-in person acknowledges having read the handover."""
        model = self.get_one_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        model_id = model.id
        commit(lambda: handover_reads.acknowledge(model, current_staff()),
               _("Recorded: you have read this handover."), self.endpoint)
        return redirect(self.get_url(".details_view", id=model_id))

    # -- prints ----------------------------------------------------------------------------
    @expose("/print/")
    @requires("view")
    def print_view(self):
        model = self.get_one_or_404()
        return self.render("admin/handover/print.html", handovers=[model],
                           labels=HANDOVER_LABELS, matter_labels=MATTER_LABELS,
                           shifts=SHIFT_LABELS, states=MATTER_STATE_LABELS, title=None)

    @expose("/month/")
    @requires("view")
    def month_view(self):
        """The month's handovers in time order, one A4 page each (每月装订、归档)."""
        try:
            first = parse_month(request.args.get("month") or f"{local_now():%Y-%m}")
        except BadParam:
            abort(400)
        nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        lo = local_to_utc(datetime.combine(first, time.min))
        hi = local_to_utc(datetime.combine(nxt, time.min))
        q = scope_query(db.session.query(ShiftHandover), ShiftHandover, current_staff())
        rows = q.filter(ShiftHandover.voided_at.is_(None), ShiftHandover.handed_over_at >= lo,
                        ShiftHandover.handed_over_at < hi).order_by(
            ShiftHandover.handed_over_at, ShiftHandover.id).limit(200).all()
        return self.render("admin/handover/print.html", handovers=rows,
                           labels=HANDOVER_LABELS, matter_labels=MATTER_LABELS,
                           shifts=SHIFT_LABELS, states=MATTER_STATE_LABELS,
                           title=_("Shift handovers of %(m)s", m=f"{first:%Y-%m}"),
                           month=f"{first:%Y-%m}")

