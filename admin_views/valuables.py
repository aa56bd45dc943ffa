"""贵重物品寄存登记表: deposits with photos, the one release, and the list of
items in custody now (for the shift handover)."""
from __future__ import annotations

from flask import abort, redirect, request
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import MultipleFileField, SelectField

from i18n import local_now, local_to_utc
from models.base import db
from models.staff import Staff
from models.valuables import (ID_TYPE_LABELS, ID_TYPES, ITEM_KIND_LABELS, ITEM_KINDS,
                              SIZE_CLASS_LABELS, SIZE_CLASSES, SMALL_CONTAINER_LABELS,
                              PROHIBITED_KINDS, SMALL_CONTAINERS, DepositPhoto)
from rules import valuables as valuables_rules

from .base import RegisterView, SecureViewMixin, current_staff, requires, scope_query
from .stored_files import stored_file_response
from .write_path import commit
from .cosign import _FormOnly, cosigner_from
from .choices import butlers_first
from .occupant_lookup import OccupantLookupMixin, fill_from_room
from .offered_select import OfferedSelectField
from .params import BadParam, id_or_404, parse_id, parse_moment

DEPOSIT_LABELS = {
    "owner": _l("Owner"), "unit": _l("Unit"), "item_kind": _l("Kind of item"),
    "description": _l("Item description"), "size_class": _l("Size"),
    "container": _l("Envelope or bag"), "seal_number": _l("Seal number"),
    "departments_notified": _l("Departments notified"), "storage_place": _l("Stored at"),
    "butler": _l("Responsible butler"), "deposited_at": _l("Deposited at"),
    "owner_confirmed": _l("Owner's confirmation"), "key_reason": _l("Why the key is left"),
    "owner_instructions": _l("Owner's instructions"), "released_at": _l("Released at"),
    "released_by": _l("Released by"), "release_to": _l("Released to"),
    "recipient_name": _l("Collected by"), "recipient_id_type": _l("ID type"),
    "recipient_id_number": _l("ID number"), "confirm_called_by": _l("Owner phoned by"),
    "confirm_called_at": _l("Owner phoned at"), "confirm_result": _l("Phone confirmation"),
    "cosigned_by": _l("Second person (co-signed)"), "photos": _l("Photos"),
    "in_custody": _l("State"),
}


class PhotoUpload(_FormOnly, MultipleFileField):
    """Photos are stored by ``rules.valuables.add_photo``, not by populate_obj."""


def deposit_state(view, context, model, name):
    from markupsafe import Markup, escape

    if model.voided_at is not None:
        return ""
    if model.released_at is not None:
        return Markup(f'<span class="badge badge-secondary deposit-state" data-state="released">'
                      f'{escape(_("Released"))}</span>')
    text = _("In custody")      # outside the f-string, where extraction finds it
    return Markup(f'<span class="badge badge-info deposit-state" data-state="in_custody">'
                  f'{escape(text)}</span>')


class ValuablesDepositView(OccupantLookupMixin, RegisterView):
    record_models = (DepositPhoto,)   # named after this register in the history
    register = "valuables_deposit"
    property_from = "unit"
    details_template = "admin/valuables/deposit_details.html"
    column_list = ("unit", "owner", "item_kind", "description", "size_class", "storage_place",
                   "butler", "deposited_at", "in_custody", "released_at", "recipient_name")
    column_searchable_list = ("description", "seal_number", "recipient_name")
    column_filters = ("deposited_at", "released_at", "size_class", "item_kind")
    column_default_sort = ("deposited_at", True)
    form_columns = ("unit", "owner", "item_kind", "description", "size_class", "container",
                    "seal_number", "departments_notified", "storage_place", "butler",
                    "deposited_at", "owner_confirmed", "key_reason", "owner_instructions",
                    "new_photos")
    form_excluded_columns_extra = ("photos",)
    form_extra_fields = {"new_photos": PhotoUpload(_l("Photos (JPEG, PNG or WebP, up to 5 MB "
                                                      "each)"))}
    form_overrides = {"item_kind": OfferedSelectField, "size_class": SelectField,
                      "container": SelectField}
    form_args = {
        "item_kind": {"choices": [(k, ITEM_KIND_LABELS[k]) for k in ITEM_KINDS],
                      "offered": [k for k in ITEM_KINDS if k not in PROHIBITED_KINDS]},
        # most deposits are small, in a sealed envelope: the form starts so (fewer clicks)
        "size_class": {"choices": [(s, SIZE_CLASS_LABELS[s]) for s in SIZE_CLASSES],
                       "default": "small"},
        "container": {"choices": [("", "—")] + [(c, SMALL_CONTAINER_LABELS[c])
                                               for c in SMALL_CONTAINERS],
                      "default": "envelope"},
        "deposited_at": {"default": local_now},
    }
    form_ajax_refs = {"unit": {"fields": ("room",), "page_size": 20},
                      "owner": {"fields": ("name", "phone"), "page_size": 20}}
    column_labels = DEPOSIT_LABELS
    column_choices = {"item_kind": list(ITEM_KIND_LABELS.items()),
                      "size_class": list(SIZE_CLASS_LABELS.items()),
                      "container": list(SMALL_CONTAINER_LABELS.items()),
                      "recipient_id_type": list(ID_TYPE_LABELS.items())}
    column_formatters = {
        "item_kind": lambda v, c, m, n: ITEM_KIND_LABELS.get(m.item_kind, m.item_kind),
        "size_class": lambda v, c, m, n: {"small": _("Small"), "large": _("Large")}.get(
            m.size_class, m.size_class),
        "in_custody": deposit_state,
    }

    form_choices = {"butler": butlers_first}
    form_widget_args = fill_from_room(owner="owner", butler="butler")

    def _uploads(self, form) -> list:
        return [f for f in (form.new_photos.data or []) if getattr(f, "filename", "")]

    def validate_rules(self, form, model, is_created: bool) -> None:
        model.container = model.container or None
        uploads = self._uploads(form)
        valuables_rules.check_deposit(model, new_photos=len(uploads))
        for upload in uploads:
            valuables_rules.add_photo(model, upload, current_staff())

    # -- photos -----------------------------------------------------------------------
    @expose("/photo/")
    @requires("view")
    def photo_view(self):
        """Served only to roles that may see the deposit, scoped to its property."""
        photo = db.session.get(DepositPhoto, id_or_404(request.args.get("id")))
        if photo is None or self.get_one(photo.deposit_id) is None:
            abort(404)
        return stored_file_response(photo)

    @expose("/add_photo/", methods=("POST",))
    @requires("edit")
    def add_photo_view(self):
        model = self.get_one_or_404()
        back = self.get_url(".details_view", id=model.id)

        def add() -> None:
            files = [f for f in request.files.getlist("photo") if f.filename]
            valuables_rules.check_photos_addable(model, files)
            for f in files:
                valuables_rules.add_photo(model, f, current_staff())

        commit(add, _("Photo added."), self.endpoint)
        return redirect(back)

    # -- release, once ------------------------------------------------------------------
    @expose("/release/", methods=("GET", "POST"))
    @requires("edit")
    def release_view(self):
        model = self.get_one_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        user = current_staff()
        values = request.form if request.method == "POST" else {}
        model_id = model.id

        def release() -> None:
            called_by = None
            if parse_id(values.get("called_by_id")) is not None:
                called_by = db.session.get(Staff, parse_id(values["called_by_id"]))
                if called_by is not None and called_by.property_id != model.property_id:
                    called_by = None
            typed = values.get("called_at") or ""
            try:
                moment = local_to_utc(parse_moment(typed)) if typed else None
            except BadParam:
                moment = None
            called_at = valuables_rules.call_time(typed, moment)
            cosigner, method = None, "pin"
            if values.get("release_to") == "other":
                cosigner, method = cosigner_from(values, valuables_rules.VALUABLES_RELEASE,
                                                 user.id, model.property_id)
            valuables_rules.release(
                model, user, release_to=values.get("release_to", ""),
                recipient_name=values.get("recipient_name", ""),
                id_type=values.get("id_type", ""), id_number=values.get("id_number", ""),
                called_by=called_by, called_at=called_at,
                result=values.get("confirm_result", ""), cosigner=cosigner, method=method)

        if request.method == "POST" and commit(
                release, lambda: _("Released to %(name)s.", name=model.recipient_name),
                self.endpoint):
            return redirect(self.get_url(".details_view", id=model_id))
        staff = db.session.execute(
            scope_query(select(Staff).where(Staff.active.is_(True)), Staff, user)
            .order_by(Staff.full_name)).scalars().all()
        return self.render("admin/valuables/release.html", model=model, values=values,
                           staff=staff, id_types=[(t, ID_TYPE_LABELS[t]) for t in ID_TYPES],
                           now=local_now())


class InCustodyView(SecureViewMixin, BaseView):
    """在库寄存物品: deposits not released and deposited keys (shift handover)."""

    register = "valuables_deposit"

    @expose("/")
    @requires("view")
    def index(self):
        deposits, keys = valuables_rules.in_custody(current_staff())
        return self.render("admin/valuables/in_custody.html", deposits=deposits, keys=keys,
                           kind_labels=ITEM_KIND_LABELS)
