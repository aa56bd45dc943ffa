"""Requests that go through an approval chain (``rules/approvals.py``):

- ``ApprovalRequestView``: the base view of a request register — the applicant is
  the signed-in user, requests are never edited (they are decided, executed or
  withdrawn), the details page shows every step;
- ``ApprovalsView``: 待我审批 — what waits for me, and the state of my own requests.
"""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import inspect as sa_inspect

from models.base import db
from models.workflow import ApprovalDecision
from rules import approvals as chains

from .base import RegisterView, SecureViewMixin, current_staff, requires
from .write_path import commit
from .params import parse_id

STATUS_LABELS = {
    "pending": _l("Pending"), "approved": _l("Approved"), "rejected": _l("Rejected"),
    "executed": _l("Executed"),
}
STATUS_BADGES = {"pending": "warning", "approved": "success", "rejected": "secondary",
                 "executed": "primary"}


def status_badge(view, context, model, name) -> Markup:
    status = model.status
    text = STATUS_LABELS.get(status, status)
    if status == "pending":
        step = chains.current_step(model)
        if step is not None:
            text = f"{text} · {step.label}"
    return Markup(f'<span class="badge badge-{STATUS_BADGES.get(status, "light")} '
                  f'request-status" data-status="{escape(status)}">{escape(text)}</span>')


class ApprovalRequestView(RegisterView):
    """Base of every register whose rows are requests moving through a chain."""

    disabled_endpoints = ("edit_view",)
    details_template = "admin/approval_details.html"
    form_excluded_columns_extra = ("status", "current_step", "decided_at", "applicant",
                                   "cosigned_at", "cosign_method", "cosigned_by")

    def __init__(self, *args, **kwargs):
        # the state's words on details, history and as-of pages (lists use the badge)
        self.column_choices = {"status": list(STATUS_LABELS.items()),
                               **(type(self).column_choices or {})}
        super().__init__(*args, **kwargs)
        self.column_formatters = {"status": status_badge, **self.column_formatters}
        self.column_labels = {"status": _l("State"), "applicant": _l("Applicant"),
                              "decided_at": _l("Decided at"), **self.column_labels}

    def _checked_change(self, form, model, is_created: bool) -> None:
        if is_created:
            model.applicant_id = current_staff().id
            model.status = "pending"
            model.current_step = 0
        super()._checked_change(form, model, is_created)

    def check_void(self, model) -> None:
        chains.check_withdraw(current_staff(), model)

    # -- for the details template -------------------------------------------------
    def steps_of(self, model) -> list[dict[str, Any]]:
        """Each step of the chain with its decision, or what it waits for."""
        chain = chains.chain_of(model)
        decided = {d.step_index: d for d in chains.decisions_of(model)}
        out = []
        for i, step in enumerate(chain.steps):
            out.append({"step": step, "decision": decided.get(i),
                        "current": model.status == "pending" and i == model.current_step})
        return out

    def why_not_decide(self, model) -> str | None:
        return chains.why_not(current_staff(), model)


class ApprovalsView(SecureViewMixin, BaseView):
    """待我审批: approve or reject in two clicks; my own requests below."""
    record_models = (ApprovalDecision,)   # named after this register in the history

    register = "approvals"

    @expose("/")
    @requires("view")
    def index(self):
        user = current_staff()
        return self.render("admin/approvals.html", waiting=chains.waiting_for(user),
                           mine=chains.requests_of(user), describe=describe,
                           status_labels=STATUS_LABELS, chains=chains,
                           badge=STATUS_BADGES)

    @expose("/decide/", methods=("POST",))
    @requires("approve")
    def decide(self):
        back = _safe_back(request.form.get("next")) or self.get_url(".index")
        req = _find_request(request.form.get("table"), request.form.get("id"))
        decision = request.form.get("decision", "")
        if req is None:
            flash(_("Request not found."), "error")
            return redirect(back)
        commit(lambda: chains.decide(req, current_staff(), decision, request.form.get("comment")),
               lambda: (_("Request %(what)s: rejected.", what=describe(req))
                        if decision != "approve"
                        else chains.waiting_step(req)
                        or _("Request %(what)s: approved.", what=describe(req))), "approvals")
        return redirect(back)


def _safe_back(url: str | None) -> str | None:
    return url if url and url.startswith("/") and not url.startswith("//") else None


def _find_request(table: str | None, id_: str | None):
    """A request by table and id, scoped to what the user may see."""
    user = current_staff()
    for model in chains.request_models():
        if model.__table__.name == table:
            # requests sharing a table by secrecy level (single-table inheritance):
            # load through the base class, the row comes back as its own class
            model = sa_inspect(model).base_mapper.class_
            pk = parse_id(id_)
            req = db.session.get(model, pk) if pk is not None else None
            if req is None or not user.can_see_property(req.property_id):
                return None
            return req
    return None


def describe(req) -> str:
    """One line saying what a request asks for (its model's ``describe`` if any)."""
    fn = getattr(req, "describe", None)
    return fn() if callable(fn) else str(req)


def details_url(req) -> str:
    return url_for(f"{req.__table__.name}.details_view", id=req.id)
