"""公共信息记录表: the front desk's log of calls, visits and messages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask import abort, request
from flask_admin import expose
from wtforms import SelectField

from i18n import local_now, utc_to_local
from models.public_info import INFO_CATEGORIES, INFO_CATEGORY_LABELS
from models.service_orders import DEPARTMENT_LABELS, DEPARTMENTS
from rules import public_info as info_rules
from rules.matrix import permits
from rules.personal_data import mask_personal
from rules.roles import ROLES

from .base import RegisterView, current_staff, requires
from .choices import staff_with_role
from .occupant_lookup import fill_from_room

PUBLIC_INFO_LABELS = {
    "received_at": _l("Date and time"), "unit": _l("Room"), "caller_name": _l("Caller"),
    "caller_phone": _l("Caller number"), "reason": _l("Reason for the call"),
    "work_order_no": _l("Work-order No."), "receiver": _l("Answered by"),
    "forwarded_to": _l("Forwarded to"), "forwarded_to_person": _l("Information receiver"),
    "completed_at": _l("Completed at"),
    "completion": _l("Completion"), "category": _l("Information category"), "notes": _l("Notes"),
}


class PublicInfoView(RegisterView):
    """公共信息记录表.  The receiver is whoever is signed in when the line is made."""

    register = "public_info"
    list_template = "admin/public_info/list.html"
    details_template = "admin/public_info_details.html"   # 转为投诉 on a category-A line
    column_list = ("received_at", "unit", "caller_name", "caller_phone", "reason", "category",
                   "forwarded_to", "forwarded_to_person", "work_order_no", "receiver",
                   "completed_at")
    column_details_list = ("received_at", "unit", "caller_name", "caller_phone", "reason",
                           "category", "forwarded_to", "forwarded_to_person", "work_order_no",
                           "receiver",
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
                    "forwarded_to", "forwarded_to_person", "work_order_no", "completed_at", "completion", "notes")
    form_overrides = {"category": SelectField, "forwarded_to": SelectField}
    form_args = {
        "received_at": {"default": local_now},
        "category": {"choices": [(c, INFO_CATEGORY_LABELS[c]) for c in INFO_CATEGORIES],
                     "default": "B"},
        "forwarded_to": {"choices": [("", "—")] + [(d, DEPARTMENT_LABELS[d])
                                                   for d in DEPARTMENTS]},
    }
    form_ajax_refs = {"unit": {"fields": ("room",), "page_size": 20}}
    form_widget_args = fill_from_room(name="caller_name", phone="caller_phone")
    form_choices = {"forwarded_to_person": staff_with_role(*ROLES)}

    def can_convert(self, model) -> bool:
        """转为投诉: a category-A line, for those who may log complaints."""
        return (model.category == "A" and model.voided_at is None
                and permits(current_staff(), "complaint", "create"))

    def notice_call(self, model) -> dict | None:
        """The phone notice this line records (发文记录), linked for its readers."""
        from flask import url_for

        from rules.notices import dispatch_of_call

        d = dispatch_of_call(model)
        if d is None:
            return None
        url = url_for("notice_dispatch.details_view", id=d.id) \
            if permits(current_staff(), "notice_dispatch", "view") else None
        return {"text": str(d), "url": url}

    def validate_rules(self, form, model, is_created: bool) -> None:
        model.forwarded_to = model.forwarded_to or None
        if is_created:
            model.receiver_id = current_staff().id
        info_rules.check_entry(model)

    @expose("/daily/")
    @requires("view")
    def daily_view(self):
        """每日汇总 (the guide: 对公共信息认真做好记录，每日做好汇总): per local day of a
        month, the lines per category A–D, still open and completed."""
        from .params import BadParam, parse_month

        try:
            first = parse_month(request.args.get("month") or f"{local_now():%Y-%m}")
        except BadParam:
            first = parse_month(f"{local_now():%Y-%m}")
        days = info_rules.daily_summary(current_staff(), first)
        return self.render("admin/public_info/daily.html", days=days, month=first,
                           categories=INFO_CATEGORIES, category_labels=INFO_CATEGORY_LABELS,
                           totals=info_rules.summary_totals(days))

    @expose("/day_print/")
    @requires("view")
    def day_print_view(self):
        """The dated 公共信息记录表 as the guide's paper form (Part 5): one local day's
        lines in time order, A4 landscape, phone numbers masked as in the list."""
        from .params import BadParam, parse_day

        try:
            day = parse_day(request.args.get("day") or f"{local_now():%Y-%m-%d}")
        except BadParam:
            abort(400)
        user = current_staff()
        rows = info_rules.day_lines(user, day)
        mask = "caller_phone" in self.masked_columns()
        phones = {r.id: (mask_personal(r.caller_phone) if mask and r.caller_phone
                         else r.caller_phone or "") for r in rows}
        local = {r.id: (utc_to_local(r.received_at), utc_to_local(r.completed_at))
                 for r in rows}
        names = sorted({r.property.name for r in rows} if user.is_head_office
                       else {user.home_property.name})
        return self.render("admin/public_info/day_print.html", rows=rows, day=day,
                           phones=phones, local=local, property_names=names,
                           categories=INFO_CATEGORY_LABELS, departments=DEPARTMENT_LABELS)
