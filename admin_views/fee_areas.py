"""区域管家分区 (butlers' buildings), 收费率确认 (the month's collection rate, prepared by
customer service and co-signed by finance) and 客户档案定期整理 (the quarterly tidy);
``ButlerAreaMixin`` keeps a butler to the units of their own buildings."""
from __future__ import annotations

import json

from flask import redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from i18n import local_now, local_today
from models.base import db
from models.reference import Unit
from rules import butler_areas
from rules import fee_rates as rate_rules
from rules import owner_file_tidy as tidy_rules

from .base import RegisterView, ScopedAjaxLoader, current_staff, requires
from .choices import staff_with_role
from .params import BadParam, parse_month
from .write_path import commit


class AreaUnitAjaxLoader(ScopedAjaxLoader):
    """The unit lookup of a butler's form offers the butler's own units only."""

    def _scoped(self):
        return butler_areas.limit_to_area(super()._scoped(), Unit.id, current_staff())


class ButlerAreaMixin:
    """A butler sees, edits, exports and looks up only the rows of their own units."""

    area_unit_column = "unit_id"

    def narrow(self, query):
        query = super().narrow(query)  # type: ignore[misc]
        return butler_areas.limit_to_area(query, getattr(self.model, self.area_unit_column),
                                          current_staff())

    def narrow_key(self) -> tuple | None:
        """A butler's rows are their area's: its runs of unit ids are part of the key
        (a building given away changes them)."""
        key = super().narrow_key()  # type: ignore[misc]
        user = current_staff()
        if key is None or not butler_areas.own_area_only(user):
            return key
        return (*key, "area", tuple(butler_areas.area_unit_runs(user)))

    def shows_snapshot(self, snap: dict) -> bool:
        return super().shows_snapshot(snap) and butler_areas.in_area(  # type: ignore[misc]
            current_staff(), snap.get(self.area_unit_column))

    def _create_ajax_loader(self, name, options):
        if name == "unit":
            return AreaUnitAjaxLoader(name, db.session, Unit, **options)
        return super()._create_ajax_loader(name, options)  # type: ignore[misc]

    def check_area(self, model) -> None:
        unit_id = model.unit.id if getattr(model, "unit", None) is not None else None
        butler_areas.check_own_unit(current_staff(), unit_id)


class ButlerBuildingView(RegisterView):
    """区域管家分区: which building each butler looks after."""

    register = "butler_building"
    column_list = ("building", "butler", "notes", "created_at")
    column_labels = {"building": _l("Building"), "butler": _l("Butler"), "notes": _l("Notes"),
                     "created_at": _l("Created at")}
    column_searchable_list = ("building.name",)
    form_columns = ("building", "butler", "notes")
    form_choices = {"butler": staff_with_role("butler")}

    def validate_rules(self, form, model, is_created: bool) -> None:
        butler_areas.check_assignment(model)


def figures_text(stored: str | None) -> str:
    """The stored figures (JSON, one row per butler) as people read them."""
    try:
        rows = json.loads(stored or "[]")
    except ValueError:
        rows = []
    return "; ".join(f"{r.get('butler', '')}: {r.get('rate', 0)}% / {r.get('rate_ytd', 0)}%"
                     for r in rows)


def _figures(view, context, model, name) -> str:
    return figures_text(model.figures)


class FeeRateConfirmationView(RegisterView):
    """收费率确认: the month's rates as prepared, finance's co-sign."""

    register = "fee_rate_confirmation"
    details_template = "admin/fees/rate_confirmation_details.html"
    list_template = "admin/fees/rate_confirmation_list.html"
    column_list = ("period", "figures", "prepared_by", "prepared_at", "cosigned_by",
                   "cosigned_at")
    column_details_list = column_list + ("created_at", "voided_at")
    column_export_list = column_list
    column_labels = {"period": _l("Month"), "figures": _l("Collection rate / cumulative"),
                     "prepared_by": _l("Prepared by"), "prepared_at": _l("Prepared at"),
                     "cosigned_by": _l("Confirmed by finance"),
                     "cosigned_at": _l("Finance confirmed at"), "created_at": _l("Created at"),
                     "voided_at": _l("Voided at")}
    column_default_sort = ("period", True)
    column_sortable_list = ("period",)
    column_searchable_list = ("period",)
    column_formatters = {"figures": _figures}
    column_formatters_export = {"figures": _figures}
    history_formatters = {"figures": figures_text}       # history, as-of pages and CSV
    column_choices = {"cosign_method": [("pin", _l("PIN")), ("password", _l("Password")),
                                        ("session", _l("Confirmed while signed in"))]}

    @property
    def can_create(self) -> bool:  # type: ignore[override]
        return False

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return False

    def last_month(self) -> str:
        first = local_today().replace(day=1)
        prev = first.replace(year=first.year - 1, month=12) if first.month == 1 \
            else first.replace(month=first.month - 1)
        return f"{prev:%Y-%m}"

    @expose("/prepare/", methods=("POST",))
    @requires("create")
    def prepare_view(self):
        try:
            first = parse_month(request.form.get("month", ""))
        except BadParam:
            first = local_today()
        commit(lambda: rate_rules.prepare(current_staff(), first.year, first.month),
               _("Collection rate prepared; finance confirms it."), self.endpoint)
        return redirect(self.get_url(".index_view"))

    @expose("/cosign/", methods=("POST",))
    @requires("cosign")
    def cosign_view(self):
        model = self.get_one_or_back()
        if model is None:
            return redirect(self.get_url(".index_view"))
        model_id = model.id
        commit(lambda: rate_rules.cosign(model, current_staff()),
               _("Collection rate confirmed by finance."), self.endpoint)
        return redirect(self.get_url(".details_view", id=model_id))


class OwnerFileTidyView(RegisterView):
    """客户档案定期整理: the supervisor's quarterly check of the owner files."""

    register = "owner_file_tidy"
    column_list = ("quarter", "files_checked", "files_updated", "done_by", "done_at")
    column_details_list = column_list + ("details", "created_at", "voided_at")
    column_export_list = column_details_list
    column_labels = {"quarter": _l("Quarter"), "files_checked": _l("Files checked"),
                     "files_updated": _l("Files updated"), "done_by": _l("Checked by"),
                     "done_at": _l("Checked at"),
                     "details": _l("Files checked and what was updated"),
                     "created_at": _l("Created at"), "voided_at": _l("Voided at")}
    column_default_sort = ("done_at", True)
    column_sortable_list = ("quarter", "done_at")
    column_searchable_list = ("quarter",)
    form_columns = ("done_at", "files_checked", "files_updated", "details")
    form_args = {"done_at": {"default": local_now}}

    @property
    def can_edit(self) -> bool:  # type: ignore[override]
        return False

    def validate_rules(self, form, model, is_created: bool) -> None:
        tidy_rules.check_tidy(model, current_staff())
