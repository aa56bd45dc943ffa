"""审计日志 — the global history, read-only for every role by construction (the
matrix grants no create/edit/void on ``audit_log``), and the chain's status."""
from __future__ import annotations

import json

from flask import abort, current_app, flash, g, redirect, request, url_for
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
from models.reference import Property
from models.search import ilike
from models.staff import Staff
from rules.personal_data import masked_on_screen

from .base import RegisterView, SecureViewMixin, current_staff, requires
from .labels import ACTION_LABELS, role_label

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


def register_names() -> dict[str, str]:
    """Table name → the register's name as the menu says it (this language); a
    table of lines (service order lines) reads as its form's register."""
    names = g.get("_kefu_register_names")
    if names is not None:
        return names
    names = g._kefu_register_names = {}
    for mapper in db.Model.registry.mappers:
        table = getattr(mapper.class_, "__tablename__", None)
        view = view_for_table(table) if table else None
        if view is not None and getattr(view, "register", None) != "audit_log":
            names[table] = str(view.name)
    return names


def _per_request(key: str, statement) -> dict:
    """A small table's (key, name) pairs as a dict, read once per request (about a
    hundred staff, a few properties) rather than once per row."""
    found = g.get(key)
    if found is None:
        found = dict(db.session.execute(statement).all())
        setattr(g, key, found)
    return found


def staff_names() -> dict[str, str]:
    return _per_request("_kefu_staff_names", select(Staff.username, Staff.full_name))


def property_names() -> dict[int, str]:
    return _per_request("_kefu_property_names", select(Property.id, Property.name))


def actor_cell(view, context, model, name) -> str:
    """"张伟 (clerk)": the person's name with the login the entry stores."""
    full = staff_names().get(model.actor_name or "")
    return f"{full} ({model.actor_name})" if full else (model.actor_name or "")


def roles_cell(view, context, model, name) -> str:
    return "、".join(role_label(r) for r in (model.actor_roles or "").split())


def register_cell(view, context, model, name) -> str:
    return register_names().get(model.table_name, model.table_name)


def property_cell(view, context, model, name) -> str:
    if model.property_id is None:
        return ""
    return property_names().get(model.property_id, f"#{model.property_id}")


def view_for_table(table: str):
    """The register view showing rows of ``table`` (or, for lines, their form's)."""
    admin = current_app.extensions["admin"][0]
    for view in admin._views:
        if getattr(getattr(view, "model", None), "__tablename__", None) == table:
            return view
    for view in admin._views:
        for inline in getattr(view, "inline_models", None) or ():
            model = inline[0] if isinstance(inline, (tuple, list)) else \
                getattr(inline, "model", inline)
            if getattr(model, "__tablename__", None) == table:
                return view
        # rows a view shows on its records without a form (e.g. a handover's 已阅)
        if any(getattr(m, "__tablename__", None) == table
               for m in getattr(view, "record_models", ())):
            return view
    return None


def stored_json(view, context, model, name) -> Markup | str | None:
    """An entry's changes or snapshot as people read them (labels, names, 是/否,
    local times — the record's history page does the same), secrets marked and
    personal columns masked for a reader without the right (the admin reads the log,
    not residents' phones).  The stored JSON is in the export, for verification."""
    target = model_for_table(model.table_name)
    personal = masked_on_screen(current_staff(), model.table_name, target) \
        if target is not None else frozenset()
    register = view_for_table(model.table_name)
    if register is None or register.model is not target or not hasattr(register, "readable"):
        return stored_for_display(model.table_name, getattr(model, name), personal)
    readable = register.readable(masked=personal)
    if name == "changes":
        rows = [f"{escape(label)}：{escape(old)} → {escape(new)}"
                for label, old, new in readable.changes(model)]
    else:
        rows = [f"{escape(label)}：{escape(value)}"
                for label, value in readable.snapshot(json.loads(model.snapshot or "{}"))]
    return Markup("<br>".join(rows))


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
    column_formatters = {"row_id": record_link, "actor_name": actor_cell,
                         "table_name": register_cell, "property_id": property_cell,
                         "actor_roles": roles_cell}
    # on screen, password/PIN digests are only marked as set (the export keeps them);
    # personal columns masked for readers without the right
    column_formatters_detail = {**column_formatters, "changes": stored_json,
                                "snapshot": stored_json}
    # The history export carries everything needed to check it elsewhere.
    column_export_list = ("id", "created_at", "actor_name", "actor_roles", "client_addr",
                          "action", "table_name", "row_id", "property_id", "reason", "changes",
                          "snapshot", "tx_id", "prev_hash", "hash")
    column_labels = {
        "id": _l("Entry"), "created_at": _l("Time"), "actor_name": _l("Staff member"),
        "action": _l("Action"), "table_name": _l("Register"), "row_id": _l("Record"),
        "reason": _l("Reason"), "client_addr": _l("Address"), "changes": _l("Changes"),
        "snapshot": _l("Record after the change"), "prev_hash": _l("Previous hash"),
        "hash": _l("Hash"), "tx_id": _l("Transaction"), "actor_roles": _l("Roles"),
        "property_id": _l("Property"), "actor_id": _l("Staff No."),
    }
    column_display_pk = True

    def search_values(self, field, term: str, like: str) -> list | None:
        """Besides the stored words, a person's name finds their login and a
        register's name its table, so "张伟" or "钥匙登记" find entries: the values
        still go to the column's index as an IN list."""
        values = super().search_values(field, term, like)
        if values is None:
            return None
        if field.key == "actor_name":
            values += db.session.execute(select(Staff.username).where(
                ilike(db.session, Staff.full_name, like))).scalars().all()
        elif field.key == "table_name":
            values += [t for t, n in register_names().items() if term.lower() in n.lower()]
        elif field.key == "action":
            values += [a for a, n in ACTION_LABELS.items() if term.lower() in str(n).lower()]
        return list(dict.fromkeys(values))


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
