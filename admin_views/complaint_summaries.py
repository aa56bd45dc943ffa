"""投诉记录汇总表 (the month, due by the 28th) and the quarterly analysis (repeats),
shown and printed from the register's counts; the department manager confirms."""
from __future__ import annotations

from flask import redirect
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import SelectField

from i18n import local_today
from models.complaints import (CATEGORY_LABELS, COMPLAINT_CATEGORIES, SEVERITIES,
                               SEVERITY_LABELS, SUMMARY_KINDS)
from rules import complaint_summaries as summary_rules

from .base import RegisterView, current_staff, requires
from .write_path import commit

KIND_LABELS = {"month": _l("Monthly complaint summary"),
               "quarter": _l("Quarterly complaint analysis")}
SUMMARY_LABELS = {"kind": _l("Kind"), "period_start": _l("Period (first day)"),
                  "conclusion": _l("Conclusions and problems found"),
                  "confirmed_by": _l("Confirmed by"), "confirmed_at": _l("Confirmed at"),
                  "state": _l("State")}


def summary_state(view, context, model, name) -> Markup:
    if model.voided_at is not None:
        return Markup("")
    if model.confirmed_at is not None:
        return Markup('<span class="badge badge-success summary-state" data-state="confirmed">'
                      f'{escape(_("Confirmed"))}</span>')
    return Markup('<span class="badge badge-warning summary-state" data-state="waiting">'
                  f'{escape(_("Waiting for the department manager"))}</span>')


class ComplaintSummaryView(RegisterView):
    """投诉记录汇总表 / 季度投诉分析."""

    register = "complaint_summary"
    details_template = "admin/complaints/summary_details.html"
    column_list = ("kind", "period_start", "state", "confirmed_by", "confirmed_at")
    column_details_list = ("kind", "period_start", "conclusion", "confirmed_by",
                           "confirmed_at", "created_at", "voided_at")
    column_export_list = column_details_list
    column_labels = SUMMARY_LABELS
    column_default_sort = ("period_start", True)
    column_sortable_list = ("period_start",)
    column_filters = ("kind", "period_start")
    column_choices = {"kind": list(KIND_LABELS.items())}
    column_formatters = {"state": summary_state}
    form_columns = ("kind", "period_start", "conclusion")
    form_overrides = {"kind": SelectField}
    form_args = {"kind": {"choices": [(k, KIND_LABELS[k]) for k in SUMMARY_KINDS],
                          "default": "month"},
                 "period_start": {"default": lambda: local_today().replace(day=1)}}

    # for the templates
    categories = [(c, CATEGORY_LABELS[c]) for c in COMPLAINT_CATEGORIES]
    severities = [(s, SEVERITY_LABELS[s]) for s in SEVERITIES]
    kinds = KIND_LABELS
    category_labels = CATEGORY_LABELS
    severity_labels = SEVERITY_LABELS

    def validate_rules(self, form, model, is_created: bool) -> None:
        summary_rules.check_summary(model)

    def report(self, model) -> dict:
        """The counts, the complaints with their state and the repeats, read now."""
        rows = summary_rules.complaints_of(model.property_id, model.kind, model.period_start)
        return {"table": summary_rules.table(rows), "complaints": rows,
                "states": {c.id: summary_rules.state_of(c) for c in rows},
                "repeats": summary_rules.repeats(rows) if model.kind == "quarter" else [],
                "end": summary_rules.period_end(model.kind, model.period_start)}

    def can_confirm_now(self, model) -> bool:
        return (model.confirmed_at is None and model.voided_at is None
                and self.allowed("approve"))

    @expose("/print/")
    @requires("view")
    def print_view(self):
        model = self.get_one_or_404()
        return self.render("admin/complaints/summary_print.html", model=model,
                           report=self.report(model), admin_view=self)

    @expose("/confirm/", methods=("GET", "POST"))
    @requires("approve")
    def confirm_view(self):
        model = self.get_one_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        model_id, form = model.id, FlaskForm()
        if form.is_submitted() and form.validate() and commit(
                lambda: summary_rules.confirm(model, current_staff()),
                _("The summary is confirmed."), self.endpoint):
            return redirect(self.get_url(".details_view", id=model_id))
        return self.render("admin/kefu_form_page.html", form=form, form_id="confirm-form",
                           heading=_("Confirm %(kind)s %(p)s", kind=KIND_LABELS[model.kind],
                                     p=f"{model.period_start:%Y-%m}"),
                           summary=[(SUMMARY_LABELS["conclusion"], model.conclusion or "")],
                           submit_label=_("Confirm"),
                           back=self.get_url(".details_view", id=model_id))
