"""公共信息记录表: the front desk's log of calls, visits and messages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from i18n import local_now
from models.public_info import INFO_CATEGORIES, INFO_CATEGORY_LABELS
from models.service_orders import DEPARTMENT_LABELS, DEPARTMENTS
from rules import public_info as info_rules
from rules.matrix import permits

from .base import RegisterView, current_staff

PUBLIC_INFO_LABELS = {
    "received_at": _l("Date and time"), "unit": _l("Room"), "caller_name": _l("Caller"),
    "caller_phone": _l("Caller number"), "reason": _l("Reason"),
    "work_order_no": _l("Work-order No."), "receiver": _l("Received by"),
    "forwarded_to": _l("Forwarded to"), "completed_at": _l("Completed at"),
    "completion": _l("Completion"), "category": _l("Category"), "notes": _l("Notes"),
}


class PublicInfoView(RegisterView):
    """公共信息记录表.  The receiver is whoever is signed in when the line is made."""

    register = "public_info"
    details_template = "admin/public_info_details.html"   # 转为投诉 on a category-A line
    column_list = ("received_at", "unit", "caller_name", "caller_phone", "reason", "category",
                   "forwarded_to", "work_order_no", "receiver", "completed_at")
    column_details_list = ("received_at", "unit", "caller_name", "caller_phone", "reason",
                           "category", "forwarded_to", "work_order_no", "receiver",
                           "completed_at", "completion", "notes", "created_at", "voided_at")
    column_export_list = column_details_list
    column_labels = PUBLIC_INFO_LABELS
    column_default_sort = ("received_at", True)
    column_sortable_list = ("received_at", "completed_at")
    column_searchable_list = ("reason", "caller_name", "caller_phone", "unit.room")
    column_filters = ("received_at", "category", "forwarded_to", "completed_at")
    column_choices = {"category": list(INFO_CATEGORY_LABELS.items()),
                      "forwarded_to": list(DEPARTMENT_LABELS.items())}
    form_columns = ("received_at", "unit", "caller_name", "caller_phone", "reason", "category",
                    "forwarded_to", "work_order_no", "completed_at", "completion", "notes")
    form_overrides = {"category": SelectField, "forwarded_to": SelectField}
    form_args = {
        "received_at": {"default": local_now},
        "category": {"choices": [(c, INFO_CATEGORY_LABELS[c]) for c in INFO_CATEGORIES],
                     "default": "B"},
        "forwarded_to": {"choices": [("", "—")] + [(d, DEPARTMENT_LABELS[d])
                                                   for d in DEPARTMENTS]},
    }
    form_ajax_refs = {"unit": {"fields": ("room",), "page_size": 20}}

    def can_convert(self, model) -> bool:
        """转为投诉: a category-A line, for those who may log complaints."""
        return (model.category == "A" and model.voided_at is None
                and permits(current_staff(), "complaint", "create"))

    def validate_rules(self, form, model, is_created: bool) -> None:
        model.forwarded_to = model.forwarded_to or None
        if is_created:
            model.receiver_id = current_staff().id
        info_rules.check_entry(model)
