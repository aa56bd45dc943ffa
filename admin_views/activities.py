"""社区文化活动: 社区文化年度活动计划 and 活动方案 (requests the general manager decides),
社区文化活动记录表 with its numbered photos, and 活动待办."""
from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired

from i18n import local_now, local_to_utc, local_today
from models.activities import ActivityPhoto, ActivityPlanLine
from models.base import db
from models.notices import STAGE_LABELS
from models.followups import FollowUpVisit
from rules import activities as activity_rules
from rules.matrix import permits

from .approvals import ApprovalRequestView
from .base import RegisterView, SecureViewMixin, current_staff, requires
from .choices import staff_with_role
from .fields import LocalDateTimeField
from .inline_rows import NoDeleteRowsConverter
from .params import id_or_404
from .stored_files import stored_file_response
from .write_path import commit

ACTIVITY_LABELS = {
    "year": _l("Year"), "notes": _l("Notes"), "lines": _l("Activities"),
    "planned_on": _l("Planned date"), "theme": _l("Activity theme"),
    "budget": _l("Budget (yuan)"), "content": _l("Activity content"),
    "costs_materials": _l("Costs and materials needed"), "staffing": _l("On-site staffing"),
    "submitted_at": _l("Submitted at"), "owners_notified_on": _l("Owners notified on"),
    "proposal": _l("Proposal"), "held_at": _l("Held at"), "place": _l("Place"),
    "participants": _l("Participants"), "leader": _l("Person in charge"),
    "summary": _l("Account of the activity / written summary"), "album_no": _l("Album No."),
    "report_submitted_at": _l("Report handed to the office at"),
    "visited_count": _l("Visits counted by hand (before visits were linked)"),
    "visits": _l("Participants visited (follow-up)"), "notice": _l("Owners' notice"),
    "photos": _l("Photos"),
    "total_budget": _l("Total budget (yuan)"),
}


class ActivityPlanView(ApprovalRequestView):
    """社区文化年度活动计划: listed by the department, reviewed by the general manager."""

    register = "activity_plan"
    details_template = "admin/activities/plan_details.html"
    column_list = ("year", "total_budget", "applicant", "status", "created_at")
    column_labels = ACTIVITY_LABELS
    column_default_sort = ("year", True)
    column_filters = ("year", "status")
    form_columns = ("year", "lines", "notes")
    form_args = {"year": {"default": lambda: local_today().year + 1}}
    inline_model_form_converter = NoDeleteRowsConverter
    inline_models = [(ActivityPlanLine, {
        "form_columns": ("id", "planned_on", "theme", "budget"),
        "form_label": _l("Activity"),
        "column_labels": {"planned_on": _l("Planned date"), "theme": _l("Activity theme"),
                          "budget": _l("Budget (yuan)")},
    })]

    def validate_rules(self, form, model, is_created: bool) -> None:
        activity_rules.check_plan(model)


class ActivityProposalView(ApprovalRequestView):
    """活动方案: 30 days before the activity; the owners told a week before."""

    register = "activity_proposal"
    details_template = "admin/activities/proposal_details.html"
    column_list = ("planned_on", "theme", "budget", "applicant", "status", "submitted_at",
                   "notice", "owners_notified_on")
    column_labels = ACTIVITY_LABELS
    column_default_sort = ("planned_on", True)
    column_filters = ("planned_on", "status")
    column_searchable_list = ("theme",)
    form_columns = ("theme", "planned_on", "content", "costs_materials", "staffing", "budget")
    form_excluded_columns_extra = ("submitted_at", "owners_notified_on", "notice")

    def validate_rules(self, form, model, is_created: bool) -> None:
        if is_created:
            activity_rules.check_proposal(model)

    def can_record_notice(self, model) -> bool:
        return (self.allowed("edit") and model.status == "approved"
                and model.owners_notified_on is None and model.voided_at is None)

    def notice_stage(self, model) -> str:
        return str(STAGE_LABELS[model.notice.stage]) if model.notice is not None else ""

    def can_raise_notice(self, model) -> bool:
        live = model.notice is not None and model.notice.voided_at is None \
            and model.notice.status != "rejected"
        return (self.can_record_notice(model) and not live
                and permits(current_staff(), "important_notice", "create"))

    @expose("/raise_notice/", methods=("POST",))
    @requires("edit")
    def raise_notice_view(self):
        """活动通知: the 重要信息 drafted from the proposal, in one action."""
        model = self.get_one_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        model_id = model.id
        if not permits(current_staff(), "important_notice", "create"):
            abort(403)
        commit(lambda: activity_rules.raise_notice(model, current_staff()),
               _("The activity's notice is drafted and waits for approval."), self.endpoint)
        return redirect(self.get_url(".details_view", id=model_id))

    @expose("/owners_notified/", methods=("POST",))
    @requires("edit")
    def owners_notified_view(self):
        model = self.get_one_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        model_id = model.id
        commit(lambda: activity_rules.record_owner_notice(model),
               lambda: _("Recorded: the owners were told on %(d)s.",
                         d=model.owners_notified_on), self.endpoint)
        return redirect(self.get_url(".details_view", id=model_id))


class PhotoForm(FlaskForm):
    photo = FileField(_l("Photo (JPEG, PNG or WebP)"), validators=[DataRequired()])
    taken_at = LocalDateTimeField(_l("Taken at"))
    theme = StringField(_l("Activity theme"))
    subject = StringField(_l("Who is in the photo"))
    photographer = StringField(_l("Photographer"))
    description = TextAreaField(_l("What the photo shows"))


class ActivityRecordView(RegisterView):
    """社区文化活动记录表: photos are added one by one on the details page, numbered."""
    record_models = (ActivityPhoto,)   # named after this register in the history

    register = "activity_record"
    details_template = "admin/activities/record_details.html"
    column_list = ("held_at", "theme", "place", "participants", "leader", "album_no",
                   "report_submitted_at", "visits")
    column_details_list = ("proposal", "theme", "held_at", "place", "participants", "leader",
                           "summary", "album_no", "report_submitted_at", "visits",
                           "visited_count", "created_at", "voided_at")
    column_formatters = {"visits": lambda v, c, m, n: activity_rules.visits_done(m)}
    column_formatters_detail = column_formatters
    column_labels = ACTIVITY_LABELS
    column_default_sort = ("held_at", True)
    column_sortable_list = ("held_at",)
    column_filters = ("held_at",)
    column_searchable_list = ("place", "summary")
    # visits are 客户回访记录表 rows of kind 活动 now; ``visited_count`` only keeps the
    # count typed on old records (shown, never typed again)
    form_columns = ("proposal", "theme", "held_at", "place", "participants", "leader",
                    "summary", "album_no", "report_submitted_at")
    form_excluded_columns_extra = ("photos", "visited_count")
    form_args = {"held_at": {"default": local_now}, "participants": {"default": 0}}
    form_choices = {"leader": staff_with_role("dept_manager", "supervisor")}

    def validate_rules(self, form, model, is_created: bool) -> None:
        if model.visited_count is None:           # not typed any more (old rows keep theirs)
            model.visited_count = 0
        activity_rules.check_record(model)

    # -- for the details page: the record's 客户回访记录表 visits ----------------------
    def visits_of(self, model) -> list:
        return list(db.session.execute(select(FollowUpVisit).where(
            FollowUpVisit.activity_record_id == model.id, FollowUpVisit.kind == "activity",
            FollowUpVisit.voided_at.is_(None)).order_by(FollowUpVisit.visited_at)
        ).unique().scalars())

    def visits_done(self, model) -> int:
        return activity_rules.visits_done(model)

    def visits_needed(self, model) -> int:
        return activity_rules.visits_needed(model)

    def can_log_visit(self, model) -> bool:
        return model.voided_at is None and permits(current_staff(), "followup_visit", "create")

    @expose("/photo/")
    @requires("view")
    def photo_view(self):
        """Served only to those who may see the record, scoped to its property."""
        photo = db.session.get(ActivityPhoto, id_or_404(request.args.get("id")))
        if photo is None or self.get_one(photo.record_id) is None:
            abort(404)
        return stored_file_response(photo)

    @expose("/add_photo/", methods=("GET", "POST"))
    @requires("edit")
    def add_photo_view(self):
        model = self.get_one_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        model_id = model.id
        form = PhotoForm()
        if request.method == "GET":
            form.theme.data = model.theme
        if form.validate_on_submit() and commit(
                lambda: activity_rules.add_photo(
                    model, form.photo.data, current_staff(), taken_at=local_to_utc(form.taken_at.data),
                    theme=form.theme.data or None, subject=form.subject.data or None,
                    photographer=form.photographer.data or None,
                    description=form.description.data or None),
                _("Photo added."), self.endpoint):
            return redirect(self.get_url(".details_view", id=model_id))
        return self.render("admin/activities/photo_form.html", form=form,
                           heading=_("Add a photo to %(r)s", r=str(model)),
                           back=self.get_url(".details_view", id=model_id))


class ActivitiesDueView(SecureViewMixin, BaseView):
    """活动待办: next year's plan in December, owner notices, follow-up visits."""

    register = "activity_record"

    @expose("/")
    @requires("view")
    def index(self):
        user = current_staff()
        plan_url = url_for("activity_plan.create_view") \
            if permits(user, "activity_plan", "create") else None

        def rows(found, endpoint):
            return [{"text": r.text, "kind": r.kind, "overdue": r.overdue,
                     "url": url_for(endpoint, id=r.obj.id) if r.obj is not None else plan_url}
                    for r in found]

        return self.render("admin/kefu_due.html", sections=[
            {"id": "plan", "title": _("Next year's community activity plan (due in December)"),
             "rows": rows(activity_rules.plan_missing(user), "activity_plan.details_view")},
            {"id": "notice", "title": _("Activities within a week: owners to be told"),
             "rows": rows(activity_rules.notices_due(user), "activity_proposal.details_view")},
            {"id": "follow_up", "title": _("Follow-up visits: a tenth of the participants within "
                                           "15 days"),
             "rows": rows(activity_rules.follow_ups_due(user), "activity_record.details_view")},
        ])
