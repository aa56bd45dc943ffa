"""重要信息 (drafted, approved through the ``important_notice`` chain, taken down
by the desk) and 发文记录 (each carrying-out: phone, written, notice board)."""
from __future__ import annotations

from itertools import product

from flask import abort, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import SelectField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from i18n import local_now, local_today
from models.base import db
from models.notices import (CHANNEL_LABELS, CHANNELS, NOTICE_CATEGORIES, NOTICE_CATEGORY_LABELS,
                            STAGE_LABELS, NoticeAttachment)
from rules import notice_files
from rules import notices as notice_rules
from rules.matrix import permits

from .approvals import ApprovalRequestView
from .base import RegisterView, current_staff, requires
from .params import id_or_404
from .stored_files import stored_file_response
from .write_path import commit


class ChannelsField(SelectMultipleField):
    """发布渠道: ticked channels, stored as ``phone,written,board``."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_data(self, value) -> None:
        if isinstance(value, str):
            value = [v for v in value.split(",") if v]
        super().process_data(value)

    def populate_obj(self, obj, name) -> None:
        setattr(obj, name, ",".join(c for c in CHANNELS if c in (self.data or [])))

    def pre_validate(self, form) -> None:
        self.data = [c for c in (self.data or []) if c in CHANNELS]


class _Joined:
    """Labels of several ticked channels, joined when shown (lazy, per language)."""

    def __init__(self, parts: list) -> None:
        self.parts = parts

    def __str__(self) -> str:
        return "、".join(str(p) for p in self.parts)


# every stored value of 发布渠道 and how people read it (history, records as they were)
CHANNEL_SET_CHOICES = [
    (",".join(c for c, on in zip(CHANNELS, bits) if on),
     _Joined([CHANNEL_LABELS[c] for c, on in zip(CHANNELS, bits) if on]))
    for bits in product((True, False), repeat=len(CHANNELS)) if any(bits)]


def channels_cell(view, context, model, name) -> str:
    return "、".join(str(CHANNEL_LABELS[c]) for c in model.channel_list if c in CHANNEL_LABELS)


def stage_cell(view, context, model, name) -> Markup:
    stage = model.stage
    colour = {"draft": "secondary", "approved": "info", "publishing": "warning",
              "done": "success", "withdrawn": "dark"}[stage]
    return Markup(f'<span class="badge badge-{colour} notice-stage" data-stage="{stage}">'
                  f'{escape(STAGE_LABELS[stage])}</span>')


def public_info_cell(view, context, model, name) -> Markup | str:
    """The 公共信息 line of a phone notice, linked when the reader may open it."""
    entry = model.public_info
    if entry is None:
        return ""
    text = escape(str(entry))
    if permits(current_staff(), "public_info", "view"):
        href = url_for("public_info.details_view", id=entry.id)
        return Markup(f'<a class="notice-call-line" href="{href}">{text}</a>')
    return text


NOTICE_LABELS = {
    "serial_no": _l("No."), "title": _l("Title"), "category": _l("Kind of notice"),
    "content": _l("Content"), "channels": _l("Channels"), "valid_from": _l("Valid from"),
    "valid_until": _l("Valid until"), "sealed": _l("Company seal affixed"),
    "key_notice": _l("Key notice (receipt confirmed)"), "stage": _l("Stage"),
    "applicant": _l("Drafted by"), "completed_at": _l("Fully sent at"),
    "taken_down_at": _l("Taken down at"), "taken_down_by": _l("Taken down by"),
    "taken_down_by_id": _l("Taken down by"),
}


class ImportantNoticeView(ApprovalRequestView):
    """重要信息: the clerk, butler, supervisor or department manager drafts; the
    department manager or the general manager approves."""
    record_models = (NoticeAttachment,)   # named after this register in the history

    register = "important_notice"
    details_template = "admin/notices/notice_details.html"
    column_list = ("serial_no", "title", "category", "channels", "valid_from", "valid_until",
                   "applicant", "status", "stage")
    column_details_list = ("serial_no", "title", "category", "content", "channels",
                           "valid_from", "valid_until", "sealed", "key_notice", "applicant",
                           "status", "decided_at", "stage", "completed_at", "taken_down_at",
                           "taken_down_by", "created_at", "voided_at")
    column_export_list = column_details_list
    column_labels = NOTICE_LABELS
    column_default_sort = ("id", True)
    column_sortable_list = ("serial_no", "valid_from", "valid_until")
    column_searchable_list = ("title", "content")
    column_filters = ("category", "status", "valid_until")
    column_choices = {"category": list(NOTICE_CATEGORY_LABELS.items()),
                      "channels": CHANNEL_SET_CHOICES}
    column_formatters = {"channels": channels_cell, "stage": stage_cell}
    column_formatters_detail = {"channels": channels_cell, "stage": stage_cell}
    form_columns = ("title", "category", "content", "channels", "valid_from", "valid_until",
                    "sealed", "key_notice")
    form_overrides = {"category": SelectField, "channels": ChannelsField}
    form_args = {
        "category": {"choices": [(c, NOTICE_CATEGORY_LABELS[c]) for c in NOTICE_CATEGORIES],
                     "default": "outage"},
        "channels": {"choices": [(c, CHANNEL_LABELS[c]) for c in CHANNELS],
                     "default": ["written"]},
        "valid_from": {"default": local_today},
    }
    form_widget_args = {"content": {"rows": 6}}

    @property
    def can_edit_notice(self) -> bool:
        return self.allowed("edit")

    def validate_rules(self, form, model, is_created: bool) -> None:
        notice_rules.check_notice(model)
        if is_created:
            notice_rules.number(model)

    def can_attach(self, model) -> bool:
        return self.allowed("create") and model.status == "pending" and model.voided_at is None

    @expose("/attachment/")
    @requires("view")
    def attachment_view(self):
        """Served only to those who may see the notice (scoped to its property), and
        only while the bytes are the ones recorded."""
        row = db.session.get(NoticeAttachment, id_or_404(request.args.get("id")))
        if row is None or row.voided_at is not None or self.get_one(row.notice_id) is None:
            abort(404)
        return stored_file_response(row)

    @expose("/attach/", methods=("POST",))
    @requires("create")
    def attach_view(self):
        model = self.get_one_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        model_id = model.id
        upload = request.files.get("file")
        commit(lambda: notice_files.attach(model, upload, current_staff()),
               _("File attached."), self.endpoint)
        return redirect(self.get_url(".details_view", id=model_id))

    @expose("/take_down/", methods=("POST",))
    @requires("edit")
    def take_down_view(self):
        model = self.get_one_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        model_id = model.id
        commit(lambda: notice_rules.take_down(model, current_staff()),
               _("Notice taken down."), self.endpoint)
        return redirect(self.get_url(".details_view", id=model_id))


class NoticeDispatchView(RegisterView):
    """发文记录: who sent which approved notice, how, to whom, and its confirmation."""

    register = "notice_dispatch"
    column_list = ("notice", "channel", "scope", "copies", "sender", "sent_at",
                   "called_party", "confirmed_by", "confirmed_at")
    column_details_list = column_list + ("called_phone", "public_info", "notes", "created_at",
                                         "voided_at")
    column_export_list = column_details_list
    column_formatters_detail = {"public_info": public_info_cell}
    column_labels = {"notice": _l("Notice"), "channel": _l("Dispatch method"),
                     "scope": _l("Scope (units or buildings)"), "copies": _l("Number of copies"),
                     "sender": _l("Sent by"), "sent_at": _l("Sent at"),
                     "called_party": _l("Person called"), "called_phone": _l("Number called"),
                     "confirmed_by": _l("Receipt confirmed by"),
                     "confirmed_at": _l("Confirmed at"), "notes": _l("Notes"),
                     "public_info": _l("Public information log line")}
    column_default_sort = ("sent_at", True)
    column_sortable_list = ("sent_at",)
    column_searchable_list = ("scope", "called_party", "confirmed_by")
    column_filters = ("channel", "sent_at")
    column_choices = {"channel": list(CHANNEL_LABELS.items())}
    form_columns = ("notice", "channel", "scope", "copies", "sent_at", "called_party",
                    "called_phone", "confirmed_by", "confirmed_at", "notes")
    form_overrides = {"channel": SelectField}
    form_args = {"channel": {"choices": [(c, CHANNEL_LABELS[c]) for c in CHANNELS],
                             "default": "written"},
                 "sent_at": {"default": local_now}}

    def validate_rules(self, form, model, is_created: bool) -> None:
        user = current_staff()
        if is_created:
            model.sender_id = user.id
            if model.notice is not None:
                model.property_id = model.notice.property_id
        notice_rules.check_dispatch(model, user)
        notice_rules.refresh_completion(model.notice, model)
        notice_rules.record_call(model)
