"""客户投诉处理记录表 (with 转为投诉 from a category-A public-information line),
its 不合格品/服务记录处理单 (loss over 500 yuan, an approval chain) and the work
calendar its working-day deadlines use."""
from __future__ import annotations

from flask import redirect
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from wtforms import HiddenField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from audit import mark_action
from i18n import local_now
from models.base import db
from models.complaints import (CATEGORY_LABELS, CHANNEL_LABELS, COMPLAINT_CATEGORIES,
                               COMPLAINT_CHANNELS, SEVERITIES, SEVERITY_LABELS, Complaint)
from models.followups import FollowUpVisit
from models.memos import InternalMemo
from models.public_info import PublicInfoEntry
from rules import complaints as complaint_rules

from .approvals import ApprovalRequestView
from .base import RegisterView, current_staff, requires
from .params import parse_id
from .prefill import fill, linked
from .write_path import commit

COMPLAINT_LABELS = {
    "complaint_no": _l("Complaint No."), "number": _l("Complaint No."),
    "received_at": _l("Complaint date and time"), "channel": _l("Channel"), "unit": _l("Room"),
    "complainant": _l("Complainant"), "phone": _l("Contact phone"),
    "content": _l("Complaint content"), "receiver": _l("Received by (front desk)"),
    "recorder": _l("Recorded by"), "public_info": _l("Source (public information)"),
    "category": _l("Complaint class"), "severity": _l("Nature"),
    "severity_reason": _l("Explanation of the nature"), "classified_by": _l("Judged by"),
    "classified_at": _l("Judged at"), "reasonable": _l("Reasonable complaint"),
    "owner_deadline": _l("Owner's required time"), "reply_days": _l("Promised reply (days)"),
    "reply_due": _l("Reply due"), "resolve_due": _l("Resolution due"),
    "first_reply_at": _l("First reply at"), "handling": _l("Handling"),
    "resolved_at": _l("Resolved at"), "loss_amount": _l("Economic loss (yuan)"),
    "reported_to_gm_at": _l("Reported to the general manager at"),
    "gm_acknowledged_at": _l("Acknowledged by the general manager at"),
    "gm_acknowledged_by": _l("Acknowledged by"),
    "manager_visited_at": _l("Manager's apology visit at"),
    "owner_confirmed": _l("Owner's satisfaction confirmed"), "closed_at": _l("Closed at"),
    "closed_by": _l("Closed by"), "memo_due": _l("Memo due"),
    "memo_sent_at": _l("First memo sent at"), "visit_due": _l("Follow-up visit due"),
    "first_visit_at": _l("First follow-up visit at"),
}


class ComplaintView(RegisterView):
    """客户投诉处理记录表.  The receiver is whoever logs it, and tracks it to the end."""

    register = "complaint"
    details_template = "admin/complaints/complaint_details.html"
    column_list = ("complaint_no", "received_at", "unit", "complainant", "content", "category",
                   "severity", "reply_due", "resolve_due", "resolved_at", "closed_at")
    column_details_list = (
        "complaint_no", "received_at", "channel", "unit", "complainant", "phone", "content",
        "receiver", "public_info", "category", "severity", "severity_reason", "classified_by",
        "classified_at", "reasonable", "owner_deadline", "reply_days", "reply_due",
        "resolve_due", "first_reply_at", "handling", "resolved_at", "loss_amount",
        "reported_to_gm_at", "gm_acknowledged_at", "gm_acknowledged_by", "manager_visited_at",
        "owner_confirmed", "closed_at", "closed_by", "created_at", "voided_at")
    column_export_list = column_details_list
    column_labels = COMPLAINT_LABELS
    column_default_sort = ("received_at", True)
    column_sortable_list = ("complaint_no", "received_at", "resolved_at")
    column_searchable_list = ("content", "complainant", "handling", "unit.room")
    column_filters = ("received_at", "category", "severity", "resolved_at", "closed_at")
    column_choices = {"channel": list(CHANNEL_LABELS.items()),
                      "category": list(CATEGORY_LABELS.items()),
                      "severity": list(SEVERITY_LABELS.items())}
    form_columns = ("received_at", "channel", "unit", "complainant", "phone", "content",
                    "category", "severity", "severity_reason", "owner_deadline", "reply_days",
                    "first_reply_at", "handling", "resolved_at", "loss_amount",
                    "manager_visited_at", "source_line")
    form_extra_fields = {"source_line": HiddenField()}
    form_overrides = {"channel": SelectField, "category": SelectField, "severity": SelectField,
                      "reply_days": IntegerField}
    form_args = {
        "received_at": {"default": local_now},
        "channel": {"choices": [(c, CHANNEL_LABELS[c]) for c in COMPLAINT_CHANNELS]},
        "category": {"choices": [(c, CATEGORY_LABELS[c]) for c in COMPLAINT_CATEGORIES]},
        "severity": {"choices": [(s, SEVERITY_LABELS[s]) for s in SEVERITIES],
                     "default": "minor"},
        "reply_days": {"validators": [Optional(), NumberRange(min=1, max=7)]},
    }
    form_ajax_refs = {"unit": {"fields": ("room",), "page_size": 20}}

    def create_form(self, obj=None):
        form = super().create_form(obj)
        entry = linked(PublicInfoEntry, "public_info")
        if entry is not None:
            fill(form, source_line=str(entry.id), received_at=_local(entry.received_at),
                 unit=entry.unit, complainant=entry.caller_name, phone=entry.caller_phone,
                 content=entry.reason, channel="phone")
        return form

    def validate_rules(self, form, model, is_created: bool) -> None:
        user = current_staff()
        if is_created:
            model.receiver_id = model.recorder_id = user.id
            self._link_source(form, model)
        changed = is_created or sa_inspect(model).attrs.severity.history.has_changes()
        complaint_rules.check_complaint(model, user, changed)
        if is_created:
            complaint_rules.number(model)

    def _link_source(self, form, model) -> None:
        """转为投诉: the category-A public-information line it came from, once."""
        pk = parse_id(getattr(form, "source_line", None) and form.source_line.data)
        if pk is None:
            return
        complaint_rules.check_source_line(db.session.get(PublicInfoEntry, pk), model)
        model.public_info_id = pk
        mark_action(model, "convert")

    # -- closing and the general manager's reading ---------------------------------
    def memos_of(self, model) -> list[InternalMemo]:
        return list(db.session.execute(select(InternalMemo).where(
            InternalMemo.complaint_id == model.id).order_by(InternalMemo.id)).scalars())

    def visits_of(self, model) -> list[FollowUpVisit]:
        return complaint_rules.visits_of(model)

    def _confirm(self, action, heading: str, label: str, success: str, form_id: str):
        model = self.get_one_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        model_id, form = model.id, FlaskForm()
        if form.is_submitted() and form.validate() and commit(
                lambda: action(model, current_staff()), success, self.endpoint):
            return redirect(self.get_url(".details_view", id=model_id))
        return self.render("admin/kefu_form_page.html", form=form, form_id=form_id,
                           heading=heading % {"n": model.number}, submit_label=label,
                           summary=[(COMPLAINT_LABELS["content"], model.content),
                                    (COMPLAINT_LABELS["handling"], model.handling or "")],
                           back=self.get_url(".details_view", id=model.id))

    @expose("/close/", methods=("GET", "POST"))
    @requires("edit")
    def close_view(self):
        return self._confirm(complaint_rules.close, _("Close complaint %(n)s"), _("Close"),
                             _("The complaint is closed."), "close-form")

    @expose("/acknowledge/", methods=("GET", "POST"))
    @requires("approve")
    def acknowledge_view(self):
        return self._confirm(complaint_rules.acknowledge_major,
                             _("Major complaint %(n)s: acknowledged by the general manager"),
                             _("Acknowledge"), _("Acknowledged."), "acknowledge-form")


def _local(value):
    from i18n import utc_to_local

    return utc_to_local(value)


LOSS_LABELS = {"complaint": _l("Complaint"), "nonconformity": _l("Nonconformity"),
               "cause_analysis": _l("Cause analysis"),
               "corrective_action": _l("Corrective action"), "responsible": _l("Responsible"),
               "deadline": _l("Deadline")}


class ComplaintLossReportView(ApprovalRequestView):
    """不合格品/服务记录处理单: dept_manager analyses → general_manager approves."""

    register = "complaint_loss_report"
    column_list = ("id", "complaint", "nonconformity", "responsible", "deadline", "applicant",
                   "status", "created_at")
    column_details_list = ("id", "complaint", "nonconformity", "cause_analysis",
                           "corrective_action", "responsible", "deadline", "applicant",
                           "status", "decided_at", "created_at", "voided_at")
    column_labels = LOSS_LABELS
    column_display_pk = True
    column_searchable_list = ("nonconformity",)
    form_columns = ("complaint", "nonconformity", "cause_analysis", "corrective_action",
                    "responsible", "deadline")
    form_ajax_refs = {"complaint": {"fields": ("content",), "page_size": 20}}

    def create_form(self, obj=None):
        form = super().create_form(obj)
        fill(form, complaint=linked(Complaint, "complaint"))
        return form

    def validate_rules(self, form, model, is_created: bool) -> None:
        if is_created:
            complaint_rules.check_loss_report(model)


class WorkCalendarView(RegisterView):
    """Holidays and extra working days (调休) of the property."""

    register = "work_calendar"
    column_list = ("day", "working", "note")
    column_labels = {"day": _l("Day"), "working": _l("Working day"), "note": _l("Note")}
    column_default_sort = ("day", True)
    form_columns = ("day", "working", "note")
