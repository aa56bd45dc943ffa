"""审计日志 — the global history, read-only for every role by construction (the
matrix grants no create/edit/void on ``audit_log``), and the chain's status."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import func, select

from audit.jobs import (
    JobRunning,
    create_job,
    is_stale,
    running_job,
    start_in_background,
)
from audit.history import model_for_table, stored_for_display
from models.audit import AuditCheckpoint, AuditEntry, AuditVerifyJob
from models.base import db
from rules.personal_data import masked_on_screen

from .base import RegisterView, SecureViewMixin, current_staff, requires
from .labels import ACTION_LABELS

# the job page reloads itself this often while the verification runs
REFRESH_SECONDS = 3


def endpoint_for_table(table: str) -> str | None:
    """The admin view that shows rows of ``table`` (for links from the log)."""
    admin = current_app.extensions["admin"][0]
    for view in admin._views:
        model = getattr(view, "model", None)
        if model is not None and getattr(model, "__tablename__", None) == table \
                and hasattr(view, "details_view"):
            return view.endpoint
    return None


def record_link(view, context, model, name) -> Markup | str:
    endpoint = endpoint_for_table(model.table_name)
    if endpoint is None:
        return model.row_id
    details = url_for(f"{endpoint}.details_view", id=model.row_id)
    history = url_for(f"{endpoint}.history_view", id=model.row_id)
    return Markup(f'<a class="record-link" href="{escape(details)}">#{escape(model.row_id)}</a> '
                  f'<a class="small record-history-link" href="{escape(history)}">'
                  f'{escape(_("History"))}</a>')


def stored_json(view, context, model, name) -> str | None:
    """An entry's changes or snapshot as stored, secrets marked and personal columns
    masked for a reader without the right (the admin reads the log, not residents'
    phones)."""
    target = model_for_table(model.table_name)
    personal = masked_on_screen(current_staff(), model.table_name, target) \
        if target is not None else frozenset()
    return stored_for_display(model.table_name, getattr(model, name), personal)


class AuditLogView(RegisterView):
    register = "audit_log"
    # The log is not a register: no void, no history of the history, no as-of.
    disabled_endpoints = ("create_view", "edit_view", "void_view", "history_view",
                          "as_of_view", "register_as_of_view")
    can_view_details = True
    column_list = ("id", "created_at", "actor_name", "actor_roles", "action", "table_name",
                   "row_id", "property_id", "reason", "client_addr")
    column_default_sort = ("id", True)
    column_filters = ("actor_name", "action", "table_name", "property_id", "created_at",
                      "row_id")
    column_searchable_list = ("actor_name", "table_name", "row_id")
    # ~100 staff names, ~30 register names, ~10 actions among millions of entries: a search
    # is an IN list on their indexes; a record number is looked for as itself.
    column_search_by_value = ("actor_name", "table_name", "action")
    column_search_exact = ("row_id",)
    column_choices = {"action": [(k, v) for k, v in ACTION_LABELS.items()]}
    column_formatters = {"row_id": record_link}
    # on screen, password/PIN digests are only marked as set (the export keeps them);
    # personal columns masked for readers without the right
    column_formatters_detail = {"row_id": record_link, "changes": stored_json,
                                "snapshot": stored_json}
    # The history export carries everything needed to check it elsewhere.
    column_export_list = ("id", "created_at", "actor_name", "actor_roles", "client_addr",
                          "action", "table_name", "row_id", "property_id", "reason", "changes",
                          "snapshot", "tx_id", "prev_hash", "hash")
    column_labels = {
        "id": _l("Entry"), "created_at": _l("Time (UTC)"), "actor_name": _l("Staff member"),
        "action": _l("Action"), "table_name": _l("Register"), "row_id": _l("Record"),
        "reason": _l("Reason"), "client_addr": _l("Address"), "changes": _l("Changes"),
        "snapshot": _l("Record after the change"), "prev_hash": _l("Previous hash"),
        "hash": _l("Hash"), "tx_id": _l("Transaction"), "actor_roles": _l("Roles"),
        "property_id": _l("Property"),
    }
    column_display_pk = True


class AuditChainView(SecureViewMixin, BaseView):
    """链校验: "verified up to entry N at time T", and "verify now" — a background
    job (``audit.jobs``) with its own progress/result page."""

    register = "audit_log"

    @expose("/")
    @requires("history")
    def index(self):
        latest = list(db.session.execute(select(AuditCheckpoint)
                                         .order_by(AuditCheckpoint.id.desc()).limit(10)).scalars())
        head = db.session.execute(select(func.max(AuditEntry.id))).scalar() or 0
        return self.render("admin/audit_chain.html", checkpoints=latest, head=head,
                           running=running_job(db.session))

    @expose("/verify/", methods=("POST",))
    @requires("history")
    def verify_now(self):
        username = current_staff().username
        try:
            job_id = create_job(db.engine, username)
        except JobRunning as exc:
            flash(_("A verification is already running; wait for its result."), "warning")
            if exc.job_id is None:      # it finished in the meantime
                return redirect(self.get_url(".index"))
            return redirect(self.get_url(".job_view", id=exc.job_id))
        start_in_background(current_app._get_current_object(), job_id, f"web: {username}")
        return redirect(self.get_url(".job_view", id=job_id))

    @expose("/job/")
    @requires("history")
    def job_view(self):
        job_id = request.args.get("id", type=int)
        job = db.session.get(AuditVerifyJob, job_id) if job_id else None
        if job is None:
            abort(404)
        stale = is_stale(job)
        return self.render("admin/audit_verify_job.html", job=job, stale=stale,
                           job_running=bool(job.active) and not stale,
                           refresh_seconds=REFRESH_SECONDS)
