"""辖区巡查: 巡查区域 (areas and their butlers), 公共区域巡查记录表 (the patrol with its
checklist and 发现问题 rows), the manager's review, and 巡查待办."""
from __future__ import annotations

from flask import redirect, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import SelectField, TextAreaField

from i18n import local_now
from models.patrols import (
    CHECK_ITEMS,
    CHECK_LABELS,
    PATROL_CHECKLIST,
    PROBLEM_ITEM_LABELS,
    PatrolProblem,
)
from models.service_orders import DEPARTMENT_LABELS, DEPARTMENTS
from rules import patrol_memos
from rules import patrols as patrol_rules
from rules.matrix import permits

from .base import RegisterView, SecureViewMixin, current_staff, requires
from .choices import staff_with_role
from .inline_rows import NoDeleteRowsConverter
from .write_path import commit

NOTE_LABELS = {f"{c}_note": _l("%(item)s: note", item=label) for c, label in PATROL_CHECKLIST}
PATROL_LABELS = {
    "name": _l("Area name"), "scope": _l("Buildings / extent"),
    "butler": _l("Responsible butler"), "notes": _l("Notes"),
    "patrolled_at": _l("Patrol time"), "area": _l("Area"),
    "renovation": _l("Renovation units checked"), "customer_info": _l("Customer information collected"),
    "reviewed_by": _l("Reviewed by"), "reviewed_at": _l("Reviewed at"),
    "review_opinion": _l("Opinion on solving"), "problems": _l("Problems found"),
    "review_state": _l("Review"), "failed": _l("Items not in order"),
    **CHECK_LABELS, **NOTE_LABELS,
}
PROBLEM_LABELS = {
    "item": _l("Checklist item"), "problem": _l("Problem"), "location": _l("Location"),
    "forwarded_to": _l("Passed to department"), "result": _l("Result"),
    "completed_at": _l("Completed at"), "tracker": _l("Followed up to the end by"),
}


def review_state(view, context, model, name) -> Markup:
    if model.voided_at is not None:
        return Markup("")
    if model.reviewed_at is not None:
        text = _("Reviewed")
        return Markup(f'<span class="badge badge-success patrol-state" data-state="reviewed">'
                      f'{escape(text)}</span>')
    text = _("Waiting for review")
    return Markup(f'<span class="badge badge-warning patrol-state" data-state="waiting">'
                  f'{escape(text)}</span>')


def failed_items(view, context, model, name) -> str:
    return "、".join(str(CHECK_LABELS[c]) for c in model.failed_items())


class PatrolAreaView(RegisterView):
    """巡查区域: the manager or supervisor divides the estate among the butlers."""

    register = "patrol_area"
    column_list = ("name", "scope", "butler", "notes")
    column_searchable_list = ("name", "scope")
    column_default_sort = ("name", False)
    column_labels = PATROL_LABELS
    form_columns = ("name", "scope", "butler", "notes")
    form_choices = {"butler": staff_with_role("butler", "supervisor")}

    def validate_rules(self, form, model, is_created: bool) -> None:
        patrol_rules.check_area(model)


class PatrolView(RegisterView):
    """公共区域巡查记录表: the patroller is whoever is signed in; a checklist item not
    in order needs its problem; the manager reviews from the details page."""

    register = "patrol"
    details_template = "admin/patrols/patrol_details.html"
    column_list = ("patrolled_at", "area", "butler", "failed", "renovation", "review_state",
                   "reviewed_by", "reviewed_at")
    column_details_list = ("patrolled_at", "area", "butler",
                           *[n for c in CHECK_ITEMS for n in (c, f"{c}_note")],
                           "renovation", "customer_info", "reviewed_by", "reviewed_at",
                           "review_opinion", "created_at", "voided_at")
    column_export_list = column_details_list
    column_labels = {**PATROL_LABELS, "butler": _l("Patroller")}   # 巡查人 on the form
    column_default_sort = ("patrolled_at", True)
    column_sortable_list = ("patrolled_at", "reviewed_at")
    list_collections = ()                    # the list shows no problem rows
    column_searchable_list = ("renovation", "customer_info", "review_opinion")
    column_filters = ("patrolled_at", "reviewed_at")
    column_formatters = {"review_state": review_state, "failed": failed_items}
    column_formatters_export = {"failed": failed_items}
    form_columns = ("area", "patrolled_at",
                    *[n for c in CHECK_ITEMS for n in (c, f"{c}_note")],
                    "renovation", "customer_info", "problems")
    form_args = {"patrolled_at": {"default": local_now},
                 **{c: {"default": True} for c in CHECK_ITEMS}}
    inline_model_form_converter = NoDeleteRowsConverter
    inline_models = [(PatrolProblem, {
        "form_columns": ("id", "item", "problem", "location", "forwarded_to", "result",
                         "completed_at", "tracker"),
        "form_label": _l("Problem found"),
        "column_labels": PROBLEM_LABELS,
        "form_extra_fields": {
            "item": SelectField(_l("Checklist item"),
                                choices=list(PROBLEM_ITEM_LABELS.items()), default="other"),
            "forwarded_to": SelectField(_l("Passed to department"), choices=[
                ("", "—")] + [(d, DEPARTMENT_LABELS[d]) for d in DEPARTMENTS], default=""),
        },
        "form_args": {"tracker": {"query_factory": staff_with_role(
            "butler", "supervisor", "dept_manager", "clerk")}},
    })]

    # for the details template's problem table
    item_labels = PROBLEM_ITEM_LABELS
    departments = DEPARTMENT_LABELS

    def validate_rules(self, form, model, is_created: bool) -> None:
        if is_created:
            model.butler_id = current_staff().id
        patrol_rules.check_patrol(model)

    def memo_state(self, memo) -> str:
        return patrol_memos.memo_state(memo)

    def can_open_memo(self) -> bool:
        return permits(current_staff(), "internal_memo", "create")

    def can_review_now(self, model) -> bool:
        return (model.reviewed_at is None and model.voided_at is None
                and self.allowed("approve") and model.butler_id != current_staff().id)

    @expose("/review/", methods=("GET", "POST"))
    @requires("approve")
    def review_view(self):
        model = self.get_one_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        model_id = model.id
        form = ReviewForm()
        if form.validate_on_submit() and commit(
                lambda: patrol_rules.review(model, current_staff(), form.opinion.data),
                _("Patrol reviewed."), self.endpoint):
            return redirect(self.get_url(".details_view", id=model_id))
        summary = [(_("Area"), model.area.name), (_("Patrol time"), model.patrolled_at),
                   (_("Patroller"), model.butler.full_name),
                   (_("Items not in order"), failed_items(self, None, model, "") or "—"),
                   (_("Problems found"), "；".join(
                       f"{q.problem}{'（' + q.location + '）' if q.location else ''}"
                       for q in model.problems) or "—")]
        return self.render("admin/kefu_form_page.html", form=form, form_id="review-form",
                           heading=_("Review patrol %(p)s", p=str(model)), summary=summary,
                           submit_label=_("Reviewed"),
                           back=self.get_url(".details_view", id=model_id))


class ReviewForm(FlaskForm):
    opinion = TextAreaField(_l("Opinion on solving"))


class PatrolsDueView(SecureViewMixin, BaseView):
    """巡查待办: vacant areas, areas not patrolled today, patrols waiting for review,
    problems open too long (the manager's)."""

    register = "patrol"

    @expose("/")
    @requires("view")
    def index(self):
        user = current_staff()

        def rows(found, endpoint):
            return [{"text": r.text, "kind": r.kind, "overdue": r.overdue,
                     "url": url_for(endpoint, id=(r.obj.patrol_id if r.kind == "problem"
                                                  else r.obj.id))}
                    for r in found]

        sections = [
            {"id": "vacant", "title": _("Patrol areas without a responsible butler"),
             "rows": rows(patrol_rules.vacant_areas(user), "patrol_area.details_view")},
            {"id": "patrol", "title": _("Patrol areas not patrolled today"),
             "rows": rows(patrol_rules.areas_not_patrolled(user), "patrol_area.details_view")},
            {"id": "review", "title": _("Patrols waiting for the manager's review"),
             "rows": rows(patrol_rules.patrols_to_review(user), "patrol.details_view")},
        ]
        if permits(user, "patrol", "create"):
            sections[1]["action"] = (_("Record a patrol"), url_for("patrol.create_view"))
        if user.has_role("dept_manager", "supervisor"):
            sections.append({
                "id": "problem", "title": _("Patrol problems open for more than %(n)s days",
                                            n=patrol_rules.PROBLEM_OPEN_DAYS),
                "rows": rows(patrol_rules.problems_open_too_long(user), "patrol.details_view")})
        return self.render("admin/kefu_due.html", sections=sections)
