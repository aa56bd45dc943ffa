"""邮件签收表 (+ 邮件代收记录表) screens (报纸/杂志订阅单 and 报刊分发表:
admin_views/newspapers.py).

The courier logs a batch of parcels in one go (quick entry: tracking numbers one per
line), delivers against a signature, returns with a reason; the desk takes mail in
at weekends and hands it over on Monday."""
from __future__ import annotations

from flask import redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from sqlalchemy import inspect as sa_inspect
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from i18n import local_now
from models.mail import MAIL_KIND_LABELS, MAIL_KINDS, RETURN_REASON_LABELS, RETURN_REASONS
from models.mail import MailArchive
from rules import mail as mail_rules

from .base import RegisterView, current_staff, requires
from .labels import list_datetime
from .write_path import commit, known_conflict


@known_conflict("uq_mail_item_open_tracking")
def _tracking_taken() -> str:
    return _("This tracking number is already logged and not yet delivered.")


MAIL_LABELS = {
    "serial_no": _l("No."), "received_at": _l("Mail received at"), "kind": _l("Kind"),
    "carrier": _l("Courier company"), "tracking_no": _l("Tracking No."),
    "recipient_name": _l("Addressee"), "recipient_phone": _l("Recipient phone"),
    "unit": _l("Room"), "received_by": _l("Taken in by"), "proxy_receipt": _l("Weekend proxy"),
    "delivered_by": _l("Delivered by"), "delivered_at": _l("Delivered at"),
    "signer": _l("Signed by"), "returned_at": _l("Returned to sender at"),
    "return_reason": _l("Reason for return"),
    "handed_to_courier_at": _l("Handed to the courier at"), "notes": _l("Notes"),
}


def delivery_cell(view, context, model, name) -> Markup:
    """送达时间, or what the item waits for — red once express is 10 minutes late."""
    if model.delivered_at is not None:
        return Markup(escape(list_datetime(view, model.delivered_at, name)))
    if model.returned_at is not None:
        returned = _("Returned to sender")
        return Markup(f'<span class="badge badge-secondary">{escape(returned)}</span>')
    late = model.voided_at is None and mail_rules.is_late(model)
    waiting = _("Not delivered within 10 minutes") if late else _("To deliver")
    colour = "danger mail-late" if late else "warning"
    cell = f'<span class="badge badge-{colour}">{escape(waiting)}</span>'
    if model.voided_at is None and view.can_edit:
        deliver, ret = _("Deliver"), _("Return to sender")
        cell += (f' <a class="btn btn-sm btn-outline-primary mail-deliver" '
                 f'href="{view.get_url(".deliver_view", id=model.id)}">{escape(deliver)}</a>'
                 f' <a class="btn btn-sm btn-link mail-return" '
                 f'href="{view.get_url(".return_view", id=model.id)}">{escape(ret)}</a>')
        if model.proxy_receipt and model.handed_to_courier_at is None:
            from flask_wtf.csrf import generate_csrf

            hand = _("Hand to the courier")      # outside the f-string: extracted
            cell += (f'<form method="post" class="d-inline mail-hand-over" action="'
                     f'{view.get_url(".hand_over_view")}"><input type="hidden" '
                     f'name="csrf_token" value="{generate_csrf()}"><input type="hidden" '
                     f'name="id" value="{model.id}"><button class="btn btn-sm btn-link">'
                     f'{escape(hand)}</button></form>')
    return Markup(cell)


class QuickEntryForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[(k, MAIL_KIND_LABELS[k]) for k in MAIL_KINDS],
                       default="parcel")
    carrier = StringField(_l("Courier company"), validators=[Length(max=40)])
    numbers = TextAreaField(_l("Tracking numbers, one per line (then recipient and room "
                               "if known)"), validators=[InputRequired()],
                            render_kw={"rows": 8, "autofocus": True})


class DeliverForm(FlaskForm):
    signer = StringField(_l("Signed by"), validators=[Length(max=60)])


class ReturnForm(FlaskForm):
    reason = SelectField(_l("Reason for return"), choices=[("", "—")] + [
        (r, RETURN_REASON_LABELS[r]) for r in RETURN_REASONS])


class MailItemView(RegisterView):
    """邮件签收表: numbered per property; the weekend's 代收 lines are marked."""
    record_models = (MailArchive,)   # named after this register in the history

    register = "mail_item"
    list_template = "admin/mail/mail_list.html"
    column_list = ("serial_no", "received_at", "kind", "carrier", "tracking_no",
                   "recipient_name", "unit", "received_by", "delivered_at", "signer",
                   "proxy_receipt")
    column_details_list = ("serial_no", "received_at", "kind", "carrier", "tracking_no",
                           "recipient_name", "recipient_phone", "unit", "received_by",
                           "proxy_receipt", "delivered_by", "delivered_at", "signer",
                           "returned_at", "return_reason", "handed_to_courier_at", "notes",
                           "created_at", "voided_at")
    column_export_list = column_details_list
    column_labels = MAIL_LABELS
    column_default_sort = ("received_at", True)
    column_sortable_list = ("serial_no", "received_at", "delivered_at")
    column_searchable_list = ("tracking_no", "recipient_name", "unit.room")
    column_filters = ("received_at", "kind", "delivered_at", "proxy_receipt")
    column_choices = {"kind": list(MAIL_KIND_LABELS.items()),
                      "return_reason": list(RETURN_REASON_LABELS.items())}
    column_formatters = {"delivered_at": delivery_cell}
    form_columns = ("received_at", "kind", "carrier", "tracking_no", "recipient_name",
                    "recipient_phone", "unit", "delivered_at", "signer", "returned_at",
                    "return_reason", "handed_to_courier_at", "notes")
    form_overrides = {"kind": SelectField, "return_reason": SelectField}
    form_args = {
        "received_at": {"default": local_now},
        "kind": {"choices": [(k, MAIL_KIND_LABELS[k]) for k in MAIL_KINDS],
                 "default": "parcel"},
        "return_reason": {"choices": [("", "—")] + [(r, RETURN_REASON_LABELS[r])
                                                    for r in RETURN_REASONS]},
    }
    form_ajax_refs = {"unit": {"fields": ("room",), "page_size": 20}}

    def validate_rules(self, form, model, is_created: bool) -> None:
        user = current_staff()
        model.return_reason = model.return_reason or None
        model.tracking_no = (model.tracking_no or "").strip() or None
        was_delivered = False
        if is_created:
            mail_rules.take_in(model, user)
        else:
            hist = sa_inspect(model).attrs.delivered_at.history
            was_delivered = bool(hist.unchanged or hist.deleted and hist.deleted[0])
        mail_rules.check_item(model)
        mail_rules.stamp_delivery(model, user, was_delivered)
        if is_created:
            mail_rules.number(model)

    # -- quick entry, delivery, return, hand-over, filing ------------------------------
    @expose("/quick/", methods=("GET", "POST"))
    @requires("create")
    def quick_view(self):
        form = QuickEntryForm()
        if request.method == "POST" and form.validate():
            made: list = []

            def write() -> None:
                made.extend(mail_rules.quick_entry(current_staff(), form.kind.data,
                                                   form.carrier.data, form.numbers.data))
                from models.base import db
                db.session.flush()

            if commit(write, lambda: _("%(n)s items logged: No.%(first)s–%(last)s.",
                                       n=len(made), first=made[0].serial_no,
                                       last=made[-1].serial_no), self.endpoint):
                return redirect(self.get_url(".index_view"))
        return self.render("admin/kefu_form_page.html", form=form, form_id="quick-entry",
                           heading=_("Quick entry: scan or type the tracking numbers"),
                           summary=None, submit_label=_("Log all"),
                           back=self.get_url(".index_view"))

    def _summary(self, model) -> list:
        return [(MAIL_LABELS["serial_no"], model.serial_no),
                (MAIL_LABELS["kind"], MAIL_KIND_LABELS.get(model.kind, model.kind)),
                (MAIL_LABELS["tracking_no"], model.tracking_no or ""),
                (MAIL_LABELS["recipient_name"], model.recipient_name or ""),
                (MAIL_LABELS["unit"], model.unit.room if model.unit else "")]

    def _open_or_back(self):
        model = self.get_one_or_back()
        if model is not None and not model.is_open:
            from flask import flash
            flash(_("This item is no longer at the desk."), "error")
            return None
        return model

    def _item_page(self, form, write, success: str, form_id: str, heading, submit: str):
        """An action form over one open item (deliver, return): shown, or written
        through the one write path and back to the list."""
        model = self._open_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        if request.method == "POST" and form.validate() and commit(
                lambda: write(model), success, self.endpoint):
            return redirect(self.get_url(".index_view"))
        return self.render("admin/kefu_form_page.html", form=form, form_id=form_id,
                           heading=heading(model.serial_no),
                           summary=self._summary(model), submit_label=submit,
                           back=self.get_url(".index_view"))

    @expose("/deliver/", methods=("GET", "POST"))
    @requires("edit")
    def deliver_view(self):
        form = DeliverForm()
        return self._item_page(
            form, lambda m: mail_rules.deliver(m, current_staff(), form.signer.data),
            _("Delivered and signed for."), "deliver-form",
            lambda n: _("Deliver mail No.%(n)s", n=n), _("Delivered"))

    @expose("/return/", methods=("GET", "POST"))
    @requires("edit")
    def return_view(self):
        form = ReturnForm()
        return self._item_page(
            form, lambda m: mail_rules.send_back(m, form.reason.data),
            _("Returned."), "return-form", lambda n: _("Return mail No.%(n)s", n=n),
            _("Return to sender"))

    @expose("/hand_over/", methods=("POST",))
    @requires("edit")
    def hand_over_view(self):
        model = self._open_or_back()
        if model is not None:
            commit(lambda: mail_rules.hand_over(model), _("Handed to the courier."),
                   self.endpoint)
        return redirect(self.get_url(".index_view"))

    @expose("/archive/", methods=("POST",))
    @requires("edit")
    def archive_view(self):
        commit(lambda: mail_rules.archive(current_staff()),
               _("Last month's mail sheets are filed."), self.endpoint)
        return redirect(self.get_url(".index_view"))
