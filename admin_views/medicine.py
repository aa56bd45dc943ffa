"""药箱管理制度: the box, 药品清单 (items and batches), 清点 (the half-monthly count),
药品领用登记表 (usage) and the medicine due list."""
from __future__ import annotations

from flask import redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import SelectField, TextAreaField

from i18n import local_now, local_today
from models.base import db
from models.medicine import MEDICINE_KIND_LABELS, MEDICINE_KINDS, MedicineBatch
from models.medicine import MedicineCountLine
from rules import medicine as medicine_rules

from .base import RegisterView, current_staff, requires
from .due_page import DuePageView
from .write_path import commit
from .choices import issuable_batches, staff_with_role
from .occupant_lookup import fill_from_room
from .params import parse_count

MEDICINE_LABELS = {
    "place": _l("Kept at"), "responsible": _l("Responsible person"), "name": _l("Item"),
    "kind": _l("Kind"), "specification": _l("Specification"), "unit_name": _l("Unit of measure"),
    "min_stock": _l("Minimum stock"), "notes": _l("Notes"), "stock": _l("Quantity in the box"),
    "batches": _l("Batches"), "item": _l("Item"), "batch_no": _l("Batch"),
    "expires_on": _l("Expiry date"), "quantity": _l("Quantity"), "received_on": _l("Received on"),
    "counted_at": _l("Counted at"), "counted_by": _l("Counted by"),
    "restock_needed": _l("To restock"), "differences": _l("Differences"), "lines": _l("Lines"),
    "batch": _l("Item and batch"), "recipient_name": _l("Recipient"),
    "recipient_unit": _l("Recipient's unit"), "reason": _l("Reason"),
    "issued_by": _l("Issued by"), "issued_at": _l("Issued at"),
    "expiry_reconfirmed": _l("Expiry date re-confirmed"),
}


def _expiry(view, context, model, name) -> Markup:
    today = local_today()
    d = model.expires_on
    cls = "danger" if d < today else ("warning" if (d - today).days <= 30 else "light")
    return Markup(f'<span class="badge badge-{cls}">{escape(d)}</span>')


class MedicineBoxView(RegisterView):
    register = "medicine_box"
    column_list = ("place", "responsible")
    form_columns = ("place", "responsible")
    column_labels = MEDICINE_LABELS

    form_choices = {"responsible": staff_with_role("clerk", "butler", "supervisor",
                                                   "dept_manager")}


class MedicineItemView(RegisterView):
    """药品清单."""

    register = "medicine_item"
    column_list = ("name", "kind", "specification", "unit_name", "stock", "min_stock")
    column_searchable_list = ("name", "specification")
    column_filters = ("kind",)
    column_default_sort = ("name", False)
    column_details_list = ("name", "kind", "specification", "unit_name", "stock", "min_stock",
                           "notes", "batches", "voided_at")
    form_columns = ("name", "kind", "specification", "unit_name", "min_stock", "notes")
    form_overrides = {"kind": SelectField}
    form_args = {"kind": {"choices": [(k, MEDICINE_KIND_LABELS[k]) for k in MEDICINE_KINDS]}}
    column_choices = {"kind": list(MEDICINE_KIND_LABELS.items())}
    column_labels = MEDICINE_LABELS
    column_formatters = {"stock": lambda v, c, m, n: m.stock,
                         "batches": lambda v, c, m, n: "; ".join(
                             f"{b.batch_no} ({b.expires_on}) ×{b.quantity}"
                             for b in m.batches if b.voided_at is None)}
    column_formatters_export = {"stock": lambda v, c, m, n: m.stock}

    def validate_rules(self, form, model, is_created: bool) -> None:
        medicine_rules.check_item(model)


class MedicineBatchView(RegisterView):
    """A received batch: its quantity changes only by issues, counts and voided issues."""

    register = "medicine_batch"
    property_from = "item"
    column_list = ("item", "batch_no", "expires_on", "quantity", "received_on")
    column_searchable_list = ("batch_no",)
    column_filters = ("expires_on",)
    column_default_sort = ("expires_on", False)
    form_columns = ("item", "batch_no", "expires_on", "quantity", "received_on")
    form_args = {"received_on": {"default": local_today}}
    column_labels = MEDICINE_LABELS
    column_formatters = {"expires_on": _expiry}

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        del form.quantity          # stock moves only by issue, count or a voided issue
        return form

    def validate_rules(self, form, model, is_created: bool) -> None:
        if is_created:
            medicine_rules.check_new_batch(model)

    def check_void(self, model) -> None:
        medicine_rules.check_batch_void(model)


class MedicineUsageView(RegisterView):
    """药品领用登记表."""

    register = "medicine_usage"
    column_list = ("issued_at", "batch", "quantity", "recipient_name", "recipient_unit",
                   "reason", "issued_by", "expiry_reconfirmed")
    column_searchable_list = ("recipient_name", "reason")
    column_filters = ("issued_at",)
    column_default_sort = ("issued_at", True)
    form_columns = ("batch", "quantity", "recipient_name", "recipient_unit", "reason",
                    "issued_at", "expiry_reconfirmed")
    form_args = {"issued_at": {"default": local_now}, "quantity": {"default": 1}}
    form_ajax_refs = {"recipient_unit": {"fields": ("room",), "page_size": 20}}
    form_widget_args = fill_from_room("recipient_unit", name="recipient_name")
    column_labels = MEDICINE_LABELS

    form_choices = {"batch": issuable_batches}

    def validate_rules(self, form, model, is_created: bool) -> None:
        medicine_rules.check_issue_unchanged(is_created)
        model.issued_by_id = current_staff().id
        if model.batch is not None:
            model.property_id = model.batch.property_id
        medicine_rules.issue(model)

    def void_model(self, model, reason: str) -> None:
        super().void_model(model, reason)
        medicine_rules.void_usage(model)


class CountForm(FlaskForm):
    restock_needed = TextAreaField(_l("To restock"))
    notes = TextAreaField(_l("Notes"))


class MedicineCountView(RegisterView):
    """清点: taken on its own page (one quantity per batch); a count is never edited."""
    record_models = (MedicineCountLine,)   # named after this register in the history

    register = "medicine_count"
    details_template = "admin/stock/medicine_count_details.html"
    list_template = "admin/stock/medicine_count_list.html"
    column_list = ("counted_at", "counted_by", "differences", "restock_needed", "notes")
    column_filters = ("counted_at",)
    column_default_sort = ("counted_at", True)
    column_labels = MEDICINE_LABELS
    disabled_endpoints = ("create_view", "edit_view")

    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return False

    @expose("/take/", methods=("GET", "POST"))
    @requires("create")
    def take_view(self):
        user = current_staff()
        form = CountForm()
        batches = db.session.execute(select(MedicineBatch).where(
            MedicineBatch.property_id == user.property_id, MedicineBatch.voided_at.is_(None))
            .order_by(MedicineBatch.item_id, MedicineBatch.expires_on)).scalars().all()
        if request.method == "POST" and form.validate():
            taken: list[int] = []

            def count() -> None:
                counted = {}
                for b in batches:
                    raw = (request.form.get(f"counted-{b.id}") or "").strip()
                    if raw:
                        counted[b.id] = medicine_rules.check_counted(parse_count(raw))
                done = medicine_rules.take_count(user, user.property_id, counted,
                                                 form.restock_needed.data, form.notes.data)
                db.session.flush()
                taken.append(done.id)
                taken.append(done.differences)

            if commit(count, lambda: _("Count saved: %(n)s differences.", n=taken[1]),
                      self.endpoint):
                return redirect(self.get_url(".details_view", id=taken[0]))
        return self.render("admin/kefu_form_page.html", form=form, form_id="count-form",
                           heading=_("Medicine box count"), batches=batches,
                           table_template="admin/stock/count_table.html",
                           submit_label=_("Save the count"),
                           back=self.get_url(".index_view"), summary=None)


class MedicineDueView(DuePageView):
    """药箱待办: count overdue, expiring and expired batches, items below minimum."""

    register = "medicine_item"
    sections = medicine_rules.DUE_LABELS
    section_actions = {"count": (_l("Count now"), "medicine_count.take_view")}

    def rows(self, user):
        return medicine_rules.due(user)

    def row_url(self, row):
        if row.obj is None:
            return url_for("medicine_count.take_view")
        endpoint = "medicine_batch" if isinstance(row.obj, MedicineBatch) else "medicine_item"
        return url_for(f"{endpoint}.details_view", id=row.obj.id)