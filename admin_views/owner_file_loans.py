"""档案借阅登记 (borrowing a paper owner file), 业主档案查阅记录 (who opened a file
unmasked; read-only) and 业主档案待办."""
from __future__ import annotations

from flask import redirect, request
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from models.base import db
from models.owner_files import ACCESS_KINDS
from models.reference import Occupant
from rules import owner_files as file_rules
from rules.scope import scoped

from .approvals import ApprovalRequestView
from .base import RegisterView, SecureViewMixin, current_staff, requires
from .owner_files import SECRECY_LABELS
from .params import parse_id
from .write_path import commit

LOAN_LABELS = {
    "occupant": _l("Owner file"), "reason": _l("Purpose of borrowing"), "secrecy": _l("Secrecy level"),
    "applicant": _l("File borrower"), "due_on": _l("Due back on"), "lent_at": _l("Lent at"),
    "lent_by": _l("Lent by"), "returned_at": _l("Returned at"),
}
ACCESS_LABELS = {
    "occupant": _l("Owner file"), "staff": _l("Opened by"), "opened_at": _l("Opened at"),
    "kind": _l("Opened as"), "scope": _l("What"),
}
ACCESS_KIND_LABELS = dict(zip(ACCESS_KINDS, (
    _l("Details page"), _l("History"), _l("As it was"), _l("Export"), _l("Phone list"))))


class ActionForm(FlaskForm):
    """Lend or take back: nothing to type, the CSRF token only."""


class OwnerFileLoanView(ApprovalRequestView):
    """档案借阅登记: 重要 files need the department manager, 机密 ones the general
    manager; nothing is lent before the approval."""

    register = "owner_file_loan"
    details_template = "admin/owner_files/loan_details.html"
    column_list = ("id", "occupant", "secrecy", "applicant", "reason", "status", "due_on",
                   "lent_at", "returned_at")
    column_details_list = ("occupant", "secrecy", "applicant", "reason", "status", "due_on",
                           "lent_at", "lent_by", "returned_at", "created_at", "voided_at")
    column_export_list = column_details_list
    column_display_pk = True
    column_labels = LOAN_LABELS
    column_choices = {"secrecy": list(SECRECY_LABELS.items())}
    column_filters = ("status", "secrecy", "due_on", "lent_at", "returned_at")
    column_searchable_list = ("reason",)
    form_columns = ("occupant", "reason", "due_on")
    form_excluded_columns_extra = ("secrecy", "lent_at", "lent_by", "returned_at")
    form_ajax_refs = {"occupant": {"fields": ("name",), "page_size": 20}}
    property_from = "occupant"

    def build_new_instance(self):
        """A loan of the class (and so the chain) of the file's secrecy level."""
        pk = parse_id(request.form.get("occupant"))
        occ = scoped(db.session.query(Occupant), Occupant, current_staff()) \
            .filter(Occupant.id == pk).one_or_none() if pk is not None else None
        return file_rules.loan_class(occ)()

    def validate_rules(self, form, model, is_created: bool) -> None:
        if is_created:
            file_rules.check_new_loan(model)

    # a 普通 loan has no chain: no steps to show or decide
    def steps_of(self, model) -> list:
        return super().steps_of(model) if type(model).__chain__ else []

    def why_not_decide(self, model) -> str | None:
        return super().why_not_decide(model) if type(model).__chain__ else \
            _("This request is no longer waiting for approval.")

    def check_void(self, model) -> None:
        file_rules.check_loan_voidable(model)
        super().check_void(model)

    def _act(self, work, done: str, heading: str, form_id: str, submit: str):
        model = self.get_one_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        model_id = model.id
        form = ActionForm()
        if request.method == "POST" and form.validate() and commit(
                lambda: work(model, current_staff()), done, self.endpoint):
            return redirect(self.get_url(".details_view", id=model_id))
        summary = [(LOAN_LABELS["occupant"], str(model.occupant)),
                   (LOAN_LABELS["applicant"], model.applicant.full_name),
                   (LOAN_LABELS["due_on"], model.due_on)]
        return self.render("admin/kefu_form_page.html", form=form, form_id=form_id,
                           heading=heading, summary=summary, submit_label=submit,
                           back=self.get_url(".details_view", id=model_id))

    @expose("/lend/", methods=("GET", "POST"))
    @requires("edit")
    def lend_view(self):
        return self._act(file_rules.lend, _("The file was lent."), _("Lend the owner file"),
                         "lend-form", _("Lend"))

    @expose("/take_back/", methods=("GET", "POST"))
    @requires("edit")
    def take_back_view(self):
        return self._act(file_rules.take_back, _("The file was returned."),
                         _("Take the owner file back"), "return-form", _("Returned"))


class OwnerFileAccessView(RegisterView):
    """业主档案查阅记录: read-only; lines are added when a file is opened unmasked."""

    register = "owner_file_access"
    column_list = ("opened_at", "staff", "kind", "occupant", "scope")
    column_default_sort = ("opened_at", True)
    column_sortable_list = ("opened_at",)
    column_filters = ("opened_at", "kind")
    column_labels = ACCESS_LABELS
    column_choices = {"kind": list(ACCESS_KIND_LABELS.items())}
    disabled_endpoints = ("edit_view", "create_view", "void_view", "history_view",
                          "as_of_view")


class OwnerFilesDueView(SecureViewMixin, BaseView):
    """业主档案待办: occupied units without an owner, files incomplete a month after
    moving in, paper files not returned by their due date."""

    register = "occupant"

    @expose("/")
    @requires("view")
    def index(self):
        from flask import url_for

        from rules.matrix import permits

        user = current_staff()

        def rows(found, endpoint):
            return [{"text": r.text, "kind": r.kind, "overdue": r.overdue,
                     "url": url_for(endpoint, id=r.obj.id)} for r in found]

        sections = [
            {"id": "no-owner", "title": _("Occupied units without an owner file"),
             "rows": rows(file_rules.units_without_owner(user), "unit.details_view")},
            {"id": "incomplete", "title": _("Owner files incomplete after move-in"),
             "rows": rows(file_rules.incomplete_files(user), "occupant.details_view")},
        ]
        if permits(user, "owner_file_loan", "view"):
            sections.append({"id": "loans", "title": _("Owner files not returned by the due date"),
                             "rows": rows(file_rules.loans_overdue(user),
                                          "owner_file_loan.details_view")})
        return self.render("admin/kefu_due.html", sections=sections)
