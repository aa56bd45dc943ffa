"""内部联络单: the sender is whoever is signed in; the receiving department
acknowledges here (or the desk records the name and time of a recipient outside the
system); the result comes after receipt."""
from __future__ import annotations

from flask import redirect
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField

from i18n import local_now
from models.base import db
from models.complaints import Complaint
from models.patrols import PatrolProblem
from models.public_info import PublicInfoEntry
from models.service_orders import DEPARTMENT_LABELS, DEPARTMENTS
from rules import memos as memo_rules
from rules import patrol_memos

from .base import RegisterView, current_staff, requires
from .params import parse_id
from .prefill import fill, linked
from .write_path import commit

MEMO_LABELS = {
    "memo_no": _l("Memo No."), "from_department": _l("From department"),
    "sender": _l("Memo sender"), "to_department": _l("To department"),
    "recipient": _l("Receiving staff member"), "recipient_name": _l("Recipient (name)"),
    "sent_at": _l("Memo sent on"), "content": _l("Subject"), "due_at": _l("Required completion time"),
    "received_at": _l("Received at"), "received_by": _l("Received by (signed in)"),
    "received_name": _l("Received by (name)"), "result": _l("Handling result"),
    "replied_at": _l("Reply time"), "complaint": _l("Complaint"),
    "public_info": _l("Public information line"), "link_table": _l("Linked register"),
    "link_id": _l("Linked record"),
}
_DEPT_CHOICES = [(d, DEPARTMENT_LABELS[d]) for d in DEPARTMENTS]


class InternalMemoView(RegisterView):
    """内部联络单."""

    register = "internal_memo"
    details_template = "admin/complaints/memo_details.html"
    column_list = ("memo_no", "sent_at", "from_department", "sender", "to_department",
                   "content", "due_at", "received_at", "replied_at")
    column_details_list = ("memo_no", "from_department", "sender", "to_department",
                           "recipient", "recipient_name", "sent_at", "content", "due_at",
                           "received_at", "received_by", "received_name", "result",
                           "replied_at", "complaint", "public_info", "link_table", "link_id",
                           "created_at", "voided_at")
    column_export_list = column_details_list
    column_labels = MEMO_LABELS
    column_default_sort = ("sent_at", True)
    column_sortable_list = ("memo_no", "sent_at", "due_at")
    column_searchable_list = ("content", "result", "recipient_name")
    column_filters = ("sent_at", "to_department", "from_department", "received_at",
                      "replied_at")
    column_choices = {"from_department": list(DEPARTMENT_LABELS.items()),
                      "to_department": list(DEPARTMENT_LABELS.items())}
    form_columns = ("from_department", "to_department", "recipient", "recipient_name",
                    "sent_at", "content", "due_at", "complaint", "public_info",
                    "received_name", "received_at", "result", "replied_at", "source_problem")
    form_extra_fields = {"source_problem": HiddenField()}
    form_overrides = {"from_department": SelectField, "to_department": SelectField}
    form_args = {
        "sent_at": {"default": local_now},
        "from_department": {"choices": _DEPT_CHOICES, "default": "customer_service"},
        "to_department": {"choices": _DEPT_CHOICES, "default": "engineering"},
    }
    form_ajax_refs = {"complaint": {"fields": ("content",), "page_size": 20},
                      "public_info": {"fields": ("reason",), "page_size": 20},
                      "recipient": {"fields": ("full_name",), "page_size": 20}}

    def create_form(self, obj=None):
        form = super().create_form(obj)
        complaint = linked(Complaint, "complaint")
        fill(form, complaint=complaint, public_info=linked(PublicInfoEntry, "public_info"),
             content=complaint.content if complaint is not None else None)
        problem = linked(PatrolProblem, "patrol_problem")      # 开联络单 from a patrol
        if problem is not None:
            fill(form, source_problem=str(problem.id), content=patrol_memos.memo_text(problem),
                 to_department=problem.forwarded_to or None)
        return form

    def validate_rules(self, form, model, is_created: bool) -> None:
        user = current_staff()
        if is_created:
            model.sender_id = user.id
        else:
            memo_rules.check_editor(model, user)
        memo_rules.check_memo(model)
        if is_created:
            pk = parse_id(form.source_problem.data)
            if pk is not None:
                with db.session.no_autoflush:
                    patrol_memos.link(model, db.session.get(PatrolProblem, pk))
            memo_rules.number(model)

    def problem_of(self, model):
        return patrol_memos.problem_of(model)

    def can_acknowledge(self, model) -> bool:
        return (model.received_at is None and model.voided_at is None
                and model.to_department in memo_rules.departments_of(current_staff()))

    @expose("/acknowledge/", methods=("GET", "POST"))
    @requires("edit")
    def acknowledge_view(self):
        model = self.get_one_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        model_id, form = model.id, FlaskForm()
        if form.is_submitted() and form.validate() and commit(
                lambda: memo_rules.acknowledge(model, current_staff()),
                _("Memo received."), self.endpoint):
            return redirect(self.get_url(".details_view", id=model_id))
        return self.render("admin/kefu_form_page.html", form=form, form_id="acknowledge-form",
                           heading=_("Acknowledge memo %(n)s", n=model.number),
                           summary=[(MEMO_LABELS["content"], model.content)],
                           submit_label=_("Acknowledge"),
                           back=self.get_url(".details_view", id=model.id))
