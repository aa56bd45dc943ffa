"""One record's history, a record as it was, and the whole register as of a day."""
from __future__ import annotations

import itertools

from flask import abort, redirect, request
from flask_admin import expose
from flask_admin.helpers import get_redirect_target
from flask_babel import gettext as _

from models.base import db, utcnow

from .security import current_staff, requires


class HistoryMixin:
    """History, as-of and the register as of a day (printable, CSV for exporters)."""

    def related_entries(self, model) -> list:
        """History entries of rows that belong to this record (approval steps)."""
        if not getattr(type(model), "__chain__", ""):
            return []
        from sqlalchemy import select

        from models.audit import AuditEntry
        from models.workflow import ApprovalDecision

        ids = db.session.execute(select(ApprovalDecision.id).where(
            ApprovalDecision.request_table == model.__table__.name,
            ApprovalDecision.request_id == model.id)).scalars().all()
        if not ids:
            return []
        return list(db.session.execute(select(AuditEntry).where(
            AuditEntry.table_name == "approval_decision",
            AuditEntry.row_id.in_([str(i) for i in ids]))).scalars())

    @expose("/history/")
    @requires("history")
    def history_view(self):
        """Every history entry of one record, oldest first (voided records included),
        with a field-by-field diff in the UI language."""
        from audit.history import Readable, entries_of
        from models.workflow import ApprovalDecision

        return_url = get_redirect_target() or self.get_url(".index_view")
        model = self.get_one_or_back()
        if model is None:
            return redirect(return_url)
        own = self.readable()
        steps = Readable(ApprovalDecision, {
            "decision": _("Decision"), "comment": _("Comment"), "step_name": _("Step"),
            "actor_id": _("Staff member"), "role": _("Role")})
        entries = sorted(entries_of(model) + self.related_entries(model), key=lambda e: e.id)
        # a view whose record has rows in another table says how those read
        other = getattr(self, "readable_for_entry", None)
        rows = [(e, (steps if e.table_name == "approval_decision"
                     else other(e.table_name, own) if other else own).changes(e))
                for e in entries]
        return self.render("admin/kefu_history.html", model=model, rows=rows,
                           return_url=return_url)

    @expose("/as_of/")
    @requires("history")
    def as_of_view(self):
        """The record as it was after a given history entry, or at a given local time."""
        from audit.history import column_keys, snapshot_after, snapshot_at
        from i18n import local_to_utc

        return_url = get_redirect_target() or self.get_url(".index_view")
        model = self.get_one_or_back()
        if model is None:
            return redirect(return_url)
        from .params import MAX_BIG_ID, parse_id, parse_moment

        # ``at`` and ``entry`` were checked before the view (params.check_request_dates)
        at_text = request.args.get("at", "")
        entry_id = parse_id(request.args.get("entry"), MAX_BIG_ID)
        if entry_id is not None:
            snap, entry = snapshot_after(model, entry_id)
        else:
            at = parse_moment(at_text) if at_text else None
            snap, entry = snapshot_at(model, local_to_utc(at) if at else utcnow())
        fields = [k for k in column_keys(self.model) if k != "version"]
        rows = self.readable().snapshot(snap, fields) if snap else []
        return self.render("admin/kefu_as_of.html", model=model, rows=rows, entry=entry,
                           at=at_text, return_url=return_url)

    @expose("/register_as_of/")
    @requires("view")
    def register_as_of_view(self):
        """The whole register (the user's property) as it stood at the end of a day,
        rebuilt from history; printable, and exportable as CSV by those who may export."""
        from audit.history import column_keys, snapshots_as_of
        from i18n import local_day_end_utc, local_now, local_today

        from .params import parse_day

        # a malformed ``as_of`` was answered with 400 before the view
        as_of = parse_day(request.args["as_of"]) if request.args.get("as_of") else local_today()
        user = current_staff()
        scoped = hasattr(self.model, "property_id") and not user.is_head_office
        snaps = snapshots_as_of(self.model.__table__.name, local_day_end_utc(as_of),
                                user.property_id if scoped else None)
        snaps = {rid: snap for rid, snap in snaps.items() if self.shows_snapshot(snap)}
        wanted = [c[0] for c in self.get_list_columns()]
        keys = column_keys(self.model)
        fields = [k for k in wanted if k in keys] or [k for k in keys if k != "version"]
        for extra in ("voided_at", "void_reason"):
            if extra in keys and extra not in fields:
                fields.append(extra)
        as_csv = request.args.get("format") == "csv"
        if as_csv and not self.allowed("export"):
            abort(403)
        readable = self.readable(self.masked_columns(export=as_csv))
        rows = [(int(rid), readable.snapshot(snap, fields))
                for rid, snap in sorted(snaps.items(), key=lambda kv: int(kv[0]))]
        headers = [readable.label(f) for f in fields]
        if as_csv:
            return self._as_of_csv(as_of, headers, rows)
        return self.render("admin/kefu_register_as_of.html", rows=rows, headers=headers,
                           as_of=as_of, printed_at=local_now())

    def _as_of_csv(self, as_of, headers, rows):
        from .export import neutralise_cell

        lines = ([rid, *[neutralise_cell(v) for _l, v in values]] for rid, values in rows)
        return self.csv_response(itertools.chain([["#", *headers]], lines),
                                 f"{self.name}_{as_of.isoformat()}.csv")
