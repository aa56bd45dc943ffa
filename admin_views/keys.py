"""钥匙使用管理制度: the key register, the desk (issue/return by label) and the checkout
log.  Copy/void applications, spare-key authorisations and spot checks are in
``key_applications.py``.

The rules themselves live in ``rules/keys.py``; these classes are options plus
the few endpoints the desk needs.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from flask import flash, jsonify, redirect, request
from flask_admin import BaseView, expose
from flask_admin.helpers import get_redirect_target
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import SelectField

from i18n import cell_text, local_day_end_utc, local_today
from models.base import db, utcnow
from models.keys import (KEY_CATEGORIES, KEY_CATEGORY_LABELS,
                         KEY_STATUS_LABELS, Key, KeyCheckout)
from models.staff import Staff
from models.key_borrowers import KeyCheckoutBorrower
from rules import key_borrowers as borrower_rules
from rules import key_register
from rules import keys as key_rules

from . import key_borrowers
from .base import RegisterView, SecureViewMixin, current_staff, requires, scope_query
from .write_path import commit, known_conflict
from .params import BadParam, parse_day, parse_id



def label_of(labels: dict) -> Any:
    return lambda v, c, m, name: labels.get(getattr(m, name), getattr(m, name))


def key_status_badge(view, context, model, name) -> Markup:
    status = "void" if model.voided_at is not None else model.status
    colour = {"in_use": "success", "spare": "info", "lost": "warning",
              "damaged": "warning", "void": "danger"}.get(status, "light")
    return Markup(f'<span class="badge badge-{colour} key-status" data-status="{status}">'
                  f'{escape(KEY_STATUS_LABELS.get(status, status))}</span>')


def _duration(delta: timedelta, context=None) -> str:
    """"25 min", "3 h 5 min", "4 days"."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return cell_text(context, "%(n)s min") % {"n": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return cell_text(context, "%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    return cell_text(context, "%(d)s days") % {"d": hours // 24}


KEY_LABELS = {
    "label": _l("Key label (lock name)"), "place": _l("Place / lock"),
    "category": _l("Category"), "cabinet": _l("Cabinet"), "hook": _l("Hook"),
    "status": _l("Status"), "holder": _l("Holder"), "spare_of": _l("Copy / spare of"),
    "key": _l("Key"), "borrower": _l("Borrower"), "reason": _l("Reason"),
    "out_at": _l("Out at"), "issued_by": _l("Issued by"), "returned_at": _l("Returned at"),
    "received_by": _l("Received by"), "spare_authorisation": _l("Spare-key authorisation"),
    "kind": _l("Application"), "detail": _l("Details"), "copies": _l("Copies"),
    "key_labels": _l("Keys applied for"), "executed_at": _l("Executed at"),
    "executed_by": _l("Executed by"), "cosigned_by": _l("Co-signed by"),
    "cosigned_at": _l("Co-signed at"), "purpose": _l("Purpose"), "used_at": _l("Used at"),
    "checked_on": _l("Checked on"), "checked_by": _l("Checked by"),
    "keys_checked": _l("Keys checked"), "discrepancies": _l("Discrepancies"),
    "duration": _l("Out for"),
    "custody_agreement": _l("Custody agreement"),
}


class KeyView(RegisterView):
    """钥匙登记表."""

    register = "key"
    details_template = "admin/keys/key_details.html"
    list_template = "admin/keys/key_list.html"
    column_list = ("label", "place", "category", "cabinet", "hook", "status", "holder",
                   "spare_of", "property")
    column_searchable_list = ("label", "place", "holder", "category")
    column_filters = ("category", "status", "cabinet")
    column_sortable_list = ("label", "place", "category", "cabinet", "status")
    column_default_sort = ("label", False)
    form_columns = ("property", "label", "place", "category", "cabinet", "hook", "status",
                    "holder", "spare_of", "custody_agreement", "notes")
    column_labels = KEY_LABELS
    form_overrides = {"category": SelectField, "status": SelectField}
    form_args = {
        "category": {"choices": [(c, KEY_CATEGORY_LABELS[c]) for c in KEY_CATEGORIES]},
        # "void" comes only from voiding (a void application or the void action).
        "status": {"choices": [(s, KEY_STATUS_LABELS[s])
                               for s in ("in_use", "spare", "lost", "damaged")]},
        "holder": {"default": "前台"},
    }
    form_ajax_refs = {"spare_of": {"fields": ("label",), "page_size": 20}}
    column_formatters = {"category": label_of(KEY_CATEGORY_LABELS), "status": key_status_badge}
    column_choices = {"category": list(KEY_CATEGORY_LABELS.items()),
                      "status": list(KEY_STATUS_LABELS.items())}

    def validate_rules(self, form, model, is_created: bool) -> None:
        key_rules.check_spare_edit(model, current_staff())
        key_register.check_key(model)

    def check_void(self, model) -> None:
        key_register.check_key_void(model)

    def void_model(self, model, reason: str) -> None:
        super().void_model(model, reason)
        model.status = "void"

    def current_checkout(self, model) -> KeyCheckout | None:
        return key_rules.open_checkout(model)

    def recent_checkouts(self, model, limit: int = 10) -> list[KeyCheckout]:
        return list(db.session.execute(
            select(KeyCheckout).where(KeyCheckout.key_id == model.id)
            .order_by(KeyCheckout.id.desc()).limit(limit)).scalars())

    # -- printable register as of a date (the quarterly tidy) -------------------
    @expose("/print/")
    @requires("view")
    def print_view(self):
        from audit.history import snapshots_as_of

        user = current_staff()
        try:
            as_of = parse_day(request.args.get("as_of") or local_today().isoformat())
        except BadParam:
            flash(_("Give the date as YYYY-MM-DD."), "error")
            as_of = local_today()
        moment = local_day_end_utc(as_of)
        snaps = snapshots_as_of("key", moment,
                                None if user.is_head_office else user.property_id)
        rows = sorted(snaps.values(), key=lambda s: (s.get("property_id") or 0,
                                                     s.get("cabinet") or "", s.get("label")))
        by_id = {int(k): v["label"] for k, v in snaps.items()}
        return self.render("admin/keys/key_print.html", rows=rows, as_of=as_of,
                           by_id=by_id, category_labels=KEY_CATEGORY_LABELS,
                           status_labels=KEY_STATUS_LABELS,
                           printed_at=datetime.now(timezone.utc))


class KeyCheckoutView(key_borrowers.OutsideBorrowerMixin, RegisterView):
    """钥匙领用登记表.  Issued here or at the desk; returned only through ``/return/``."""
    record_models = (KeyCheckoutBorrower,)   # named after this register in the history

    register = "key_checkout"
    disabled_endpoints = ("edit_view",)
    # the borrower's contact last: the other columns keep their places (sort=N links)
    column_list = ("key", "borrower", "reason", "out_at", "issued_by", "returned_at",
                   "received_by", "duration", "borrower_contact")
    column_details_list = ("key", "borrower", "borrower_contact", "reason", "out_at",
                           "issued_by", "returned_at", "received_by", "spare_authorisation",
                           "property")
    # an outside borrower's name, company or room: ``id IN`` the small side table
    column_searchable_list = ("key.label", "borrower.full_name", "reason", "outside.name",
                              "outside.company", "outside.room")
    column_filters = ("out_at", "returned_at", "key.label", "borrower.full_name")
    column_sortable_list = ("out_at", "returned_at")
    column_default_sort = ("out_at", True)
    form_columns = ("key", "borrower", "reason")
    column_labels = {**KEY_LABELS, "borrower_contact": key_borrowers.BORROWER_LABELS[
        "borrower_contact"], "outside.name": _l("Borrower"), "outside.company": _l("Company"),
        "outside.room": _l("Room"), "reason": _l("Reason for borrowing")}   # 领用原因
    form_ajax_refs = {"key": {"fields": ("label",), "page_size": 20}}
    details_template = "admin/keys/checkout_details.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.column_formatters = {"duration": self._duration_cell, **self.column_formatters}
        self.add_borrower_formatters()

    @staticmethod
    def _duration_cell(view, context, model, name) -> str:
        end = model.returned_at or utcnow()
        return _duration(end - model.out_at, context)

    def validate_rules(self, form, model, is_created: bool) -> None:
        if is_created:
            key_rules.fill_checkout(model, current_staff())

    @expose("/return/", methods=("POST",))
    @requires("edit")
    def return_view(self):
        back = get_redirect_target() or self.get_url(".index_view")
        checkout = self.get_one(request.values.get("id"))

        def give_back() -> None:
            key_rules.return_key(checkout, current_staff())

        commit(give_back, lambda: _("Key %(label)s returned.", label=checkout.key.label),
               self.endpoint)
        return redirect(back)


@known_conflict("uq_key_checkout_open", "key_checkout.key_id")
def _already_out() -> str:
    """Two desks issued the same key at once: the database's unique index decides."""
    return _("This key is already out.")


class KeyDeskView(SecureViewMixin, BaseView):
    """钥匙台: issue by label, return by label; keys at the desk and keys out now."""

    register = "key_checkout"

    def _property_id(self) -> int | None:
        return current_staff().property_id

    def _keys_out(self) -> list[KeyCheckout]:
        q = select(KeyCheckout).where(KeyCheckout.returned_at.is_(None),
                                      KeyCheckout.voided_at.is_(None))
        q = scope_query(q, KeyCheckout, current_staff())
        return list(db.session.execute(q.order_by(KeyCheckout.out_at)).scalars())

    def _keys_at_desk(self, out_ids: set[int]) -> list[Key]:
        q = select(Key).where(Key.voided_at.is_(None), Key.status.in_(("in_use", "spare")))
        q = scope_query(q, Key, current_staff())
        return [k for k in db.session.execute(q.order_by(Key.cabinet, Key.label)).scalars()
                if k.id not in out_ids]

    def _borrowers(self) -> list[Staff]:
        q = select(Staff).where(Staff.active.is_(True), Staff.property_id.is_not(None))
        q = scope_query(q, Staff, current_staff())
        return list(db.session.execute(q.order_by(Staff.full_name)).scalars())

    def _page(self, status: int = 200, **values):
        out = self._keys_out()
        at_desk = self._keys_at_desk({c.key_id for c in out})
        now = utcnow()
        return self.render("admin/keys/desk.html", out=out, at_desk=at_desk,
                           borrowers=self._borrowers(), values=values,
                           since=lambda c: _duration(now - c.out_at),
                           can_issue=self.allowed("create"),
                           can_return=self.allowed("edit")), status

    @expose("/")
    @requires("view")
    def index(self):
        return self._page()

    @expose("/issue/", methods=("POST",))
    @requires("create")
    def issue(self):
        label = (request.form.get("label") or "").strip()
        reason = (request.form.get("reason") or "").strip()
        borrower_id = request.form.get("borrower_id") or ""
        kind = borrower_rules.borrower_kind(request.form.get("borrower_kind"))
        user = current_staff()
        done: list[KeyCheckout] = []

        def issue() -> None:
            borrower = None
            if parse_id(borrower_id) is not None:
                borrower = db.session.get(Staff, parse_id(borrower_id))
                if borrower is not None and not user.can_see_property(borrower.property_id):
                    borrower = None
            outside = borrower_rules.outside_borrower(
                user, kind, request.form, parse_id(request.form.get("occupant_id")))
            key = key_rules.find_key(key_register.desk_property(user), label)
            done.append(key_rules.issue_key(key, borrower, reason, user, outside=outside))

        if not commit(issue, lambda: _("Key %(label)s issued to %(name)s.",
                                       label=done[0].key.label,
                                       name=done[0].borrower_name), self.endpoint):
            return self._page(422, label=label, reason=reason, borrower_id=borrower_id,
                              **key_borrowers.kept_values(request.form, kind))
        return redirect(self.get_url(".index"))

    @expose("/occupants/")
    @requires("create")
    def occupants(self):
        """The owner/occupant lookup of the issue form: room "1-302", name or phone."""
        term = (request.args.get("q") or "")[:60]
        return jsonify(borrower_rules.occupant_choices(current_staff(), term))

    @expose("/return/", methods=("POST",))
    @requires("edit")
    def return_by_label(self):
        label = (request.form.get("label") or "").strip()
        user = current_staff()

        def give_back() -> None:
            key = key_register.require_key(
                key_rules.find_key(user.property_id, label) if user.property_id else None)
            key_rules.return_key(key_rules.open_checkout(key), user)

        if not commit(give_back, _("Key %(label)s returned.", label=label), self.endpoint):
            return self._page(422, return_label=label)
        return redirect(self.get_url(".index"))
