"""客户回访记录表 (visits are never edited: void and record again), the desk's
review, and 回访待办: what is due per kind and the month's rate per kind."""
from __future__ import annotations

from flask import redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired

from i18n import local_now, local_today
from models.activities import ActivityRecord
from models.complaints import Complaint
from models.followup_batches import FollowUpBatch
from models.reference import Unit
from models.followups import (RATINGS, VISIT_KIND_LABELS, VISIT_KINDS, VISIT_METHOD_LABELS,
                              VISIT_METHODS, FollowUpVisit)
from models.service_orders import SATISFACTION_LABELS, ServiceOrder
from rules import followup_due
from rules import followups as visit_rules
from rules.matrix import permits

from .base import RegisterView, SecureViewMixin, current_staff, requires
from .params import BadParam, parse_month
from .prefill import fill, linked
from .write_path import commit

VISIT_LABELS = {
    "kind": _l("Visit type"), "unit": _l("Room"), "occupant": _l("Resident"),
    "complaint": _l("Complaint"), "service_order": _l("Service order"),
    "due_on": _l("Visit due on"), "visited_at": _l("Visited at"), "method": _l("Visit method"),
    "visitor": _l("Visited by"), "accompanied_by": _l("Accompanied by"),
    "quality": _l("Quality rating"), "effect": _l("Effect of the service"),
    "satisfaction": _l("Satisfaction"), "shortcomings": _l("Shortcomings"),
    "suggestions": _l("Owner's suggestions"), "customer_confirmed": _l("Customer signed"),
    "second_visit_of": _l("Second visit of"), "reviewed_by": _l("Reviewed by"),
    "reviewed_at": _l("Reviewed at"), "review_comment": _l("Review comment"),
    "needs_second_visit": _l("Second visit needed"),
    "batch": _l("Visit batch"), "activity_record": _l("Activity"),
}
_RATING_CHOICES = [(r, SATISFACTION_LABELS[r]) for r in RATINGS]


class FollowUpVisitView(RegisterView):
    """客户回访记录表; the visitor is whoever is signed in."""

    register = "followup_visit"
    details_template = "admin/complaints/visit_details.html"
    column_list = ("visited_at", "kind", "unit", "method", "visitor", "satisfaction",
                   "due_on", "reviewed_at")
    column_details_list = ("kind", "unit", "occupant", "complaint", "service_order", "batch",
                           "activity_record", "due_on",
                           "visited_at", "method", "visitor", "accompanied_by", "quality",
                           "effect", "satisfaction", "shortcomings", "suggestions",
                           "customer_confirmed", "second_visit_of", "reviewed_by",
                           "reviewed_at", "review_comment", "created_at", "voided_at")
    column_export_list = column_details_list
    column_labels = VISIT_LABELS
    column_default_sort = ("visited_at", True)
    column_sortable_list = ("visited_at", "due_on")
    column_searchable_list = ("shortcomings", "suggestions", "unit.room")
    column_filters = ("visited_at", "kind", "satisfaction", "method")
    column_choices = {"kind": list(VISIT_KIND_LABELS.items()),
                      "method": list(VISIT_METHOD_LABELS.items()),
                      "satisfaction": list(SATISFACTION_LABELS.items()),
                      "quality": list(SATISFACTION_LABELS.items()),
                      "effect": list(SATISFACTION_LABELS.items())}
    form_columns = ("kind", "complaint", "service_order", "batch", "activity_record", "occupant",
                    "unit", "visited_at",
                    "method", "accompanied_by", "quality", "effect", "satisfaction",
                    "shortcomings", "suggestions", "customer_confirmed", "second_visit_of")
    form_overrides = {"kind": SelectField, "method": SelectField, "quality": SelectField,
                      "effect": SelectField, "satisfaction": SelectField}
    form_args = {
        "visited_at": {"default": local_now},
        "kind": {"choices": [(k, VISIT_KIND_LABELS[k]) for k in VISIT_KINDS]},
        "method": {"choices": [(m, VISIT_METHOD_LABELS[m]) for m in VISIT_METHODS]},
        "quality": {"choices": [("", "—"), *_RATING_CHOICES]},
        "effect": {"choices": [("", "—"), *_RATING_CHOICES]},
        "satisfaction": {"choices": _RATING_CHOICES},
    }
    form_ajax_refs = {"unit": {"fields": ("room",), "page_size": 20},
                      "complaint": {"fields": ("content",), "page_size": 20},
                      "service_order": {"fields": ("customer_name",), "page_size": 20},
                      "occupant": {"fields": ("name",), "page_size": 20},
                      "second_visit_of": {"fields": ("shortcomings",), "page_size": 20},
                      "accompanied_by": {"fields": ("full_name",), "page_size": 20},
                      "batch": {"fields": ("notes", "greeting"), "page_size": 20},
                      "activity_record": {"fields": ("theme",), "page_size": 20}}

    def create_form(self, obj=None):
        form = super().create_form(obj)
        kind = request.args.get("kind")
        first = linked(FollowUpVisit, "second_visit_of")
        batch = linked(FollowUpBatch, "batch")
        record = linked(ActivityRecord, "activity_record")
        fill(form, kind=kind if kind in VISIT_KINDS else (first.kind if first else None),
             complaint=linked(Complaint, "complaint") or (first.complaint if first else None),
             service_order=linked(ServiceOrder, "service_order"), second_visit_of=first,
             batch=batch, activity_record=record, unit=linked(Unit, "unit"))
        return form

    def validate_rules(self, form, model, is_created: bool) -> None:
        model.quality, model.effect = model.quality or None, model.effect or None
        if is_created:
            model.visitor_id = current_staff().id
        visit_rules.check_visit(model, current_staff())

    def void_model(self, model, reason: str) -> None:
        super().void_model(model, reason)
        visit_rules.after_void(model)

    def can_review(self, model) -> bool:
        return model.reviewed_at is None and model.voided_at is None and self.allowed("approve")

    @expose("/review/", methods=("GET", "POST"))
    @requires("approve")
    def review_view(self):
        model = self.get_one_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        model_id, form = model.id, ReviewForm()
        if form.is_submitted() and form.validate() and commit(
                lambda: visit_rules.review(model, current_staff(), form.comment.data),
                _("Review recorded."), self.endpoint):
            return redirect(self.get_url(".details_view", id=model_id))
        return self.render("admin/kefu_form_page.html", form=form, form_id="review-form",
                           heading=_("Review the visit"), summary=[
                               (VISIT_LABELS["kind"], VISIT_KIND_LABELS[model.kind]),
                               (VISIT_LABELS["shortcomings"], model.shortcomings or "")],
                           submit_label=_("Save"),
                           back=self.get_url(".details_view", id=model.id))


class ReviewForm(FlaskForm):
    comment = TextAreaField(_l("Review comment"), validators=[InputRequired()])


class FollowUpDueView(SecureViewMixin, BaseView):
    """回访待办 and the month's rates per kind against their targets."""

    register = "followup_visit"

    @expose("/")
    @requires("view")
    def index(self):
        try:
            month = parse_month(request.args.get("month") or "") if request.args.get(
                "month") else local_today().replace(day=1)
        except BadParam:
            month = local_today().replace(day=1)
        user = current_staff()
        sections = followup_due.due_sections(user)
        for s in sections:
            for r in s["rows"]:
                r.url = _url_of(r.kind, r.obj)
            if s["id"] in ("leak", "holiday") and permits(user, "followup_batch", "create"):
                s["action"] = (_("Start the visits after rain") if s["id"] == "leak"
                               else _("Record a holiday greeting"),
                               url_for("followup_batch.create_view", kind=s["id"]))
        return self.render("admin/kefu_due.html", sections=sections,
                           extra_template="admin/complaints/visit_rates.html",
                           rates=followup_due.month_rates(user, month), month=month)


def _url_of(kind: str, obj) -> str | None:
    create = "followup_visit.create_view"
    if kind == "complaint":
        return url_for(create, kind="complaint", complaint=obj.id)
    if kind == "paid":
        return url_for(create, kind="repair", service_order=obj.id)
    if kind in ("urgent", "special"):
        return url_for(create, kind="urgent_repair" if kind == "urgent" else "special",
                       service_order=obj.id)
    if kind == "second":
        return url_for(create, second_visit_of=obj.id)
    if kind == "repair_sample":
        return url_for("service_order.index_view")
    if kind == "leak":
        return url_for(create, kind="leak", batch=obj.batch_id, unit=obj.unit_id)
    if kind == "routine":
        return url_for(create, kind="routine")
    if kind == "holiday":
        return url_for("followup_batch.create_view", kind="holiday", festival=obj)
    if kind == "follow_up":
        return url_for(create, kind="activity", activity_record=obj.id)
    return url_for(create, kind="new_resident")
