"""业主基本情况登记表 (the owner file, the ``occupant`` register extended), 业主电话联络表
and the monthly birthday list.

Personal columns are masked for roles that do not read owner files
(``matrix.PERSONAL_DATA_READERS["occupant"]``): in lists, details, history, as-of
pages and exports (the base does it), in the family lines and the phone list (here),
and they are left out of the edit form of such a role, so it neither sees nor
overwrites them.  Every opening of a file unmasked — details, history, the file as
it was, an export, the phone list — adds a line to 业主档案查阅记录."""
from __future__ import annotations

from typing import Any

from flask import Response, has_request_context, redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import SelectField

from i18n import local_now, local_today
from models.base import db
from models.owner_files import OccupantFamilyMember
from models.reference import FEE_CYCLES, ID_TYPES, OCCUPANT_KINDS, SECRECY_LEVELS, Building
from rules import owner_file_derived as derived_rules
from rules import owner_files as file_rules
from rules.personal_data import mask_personal

from .base import RegisterView, current_staff, neutralise_cell, requires
from .choices import staff_with_role
from .fee_areas import ButlerAreaMixin
from .params import parse_id, parse_month

OCCUPANT_KIND_LABELS = {
    "owner": _l("Owner"), "tenant": _l("Tenant"), "family": _l("Family member"),
    "other": _l("Other"),
}
ID_TYPE_LABELS = {"id_card": _l("Resident ID card"), "passport": _l("Passport"),
                  "hk_macau": _l("Home-return permit"), "taiwan": _l("Taiwan compatriot permit"),
                  "other": _l("Other")}
FEE_CYCLE_LABELS = {"month": _l("Monthly"), "quarter": _l("Quarterly"),
                    "half_year": _l("Half-yearly"), "year": _l("Yearly")}
SECRECY_LABELS = {"normal": _l("Ordinary"), "important": _l("Important"),
                  "secret": _l("Confidential")}
OWNER_FILE_LABELS = {
    "unit": _l("Room"), "name": _l("Full name"), "kind": _l("Identity"),
    "phone": _l("Usual phone"),
    "phone2": _l("Second phone"), "moved_in_on": _l("Moved in on"), "notes": _l("Remarks"),
    "id_type": _l("ID type"), "id_number": _l("ID number"), "employer": _l("Employer"),
    "address": _l("Contact address"), "emergency_name": _l("Emergency contact"),
    "emergency_phone": _l("Emergency phone"), "emergency_address": _l("Emergency address"),
    "fee_cycle": _l("Fee cycle"), "title_filed": _l("Title deed filed"),
    "title_filed_on": _l("Title filed on"), "paper_location": _l("Paper file location"),
    "secrecy": _l("Secrecy level"), "keeper": _l("File keeper"), "family": _l("Family members"),
}
FAMILY_LABELS = {"name": _l("Full name"), "relation": _l("Relation"), "birthday": _l("Birthday"),
                 "phone": _l("Phone")}


def _choices(labels: dict, keys: tuple, blank: bool) -> list:
    return ([("", "—")] if blank else []) + [(k, labels[k]) for k in keys]


def family_cell(view, context, model, name) -> Markup:
    """The family lines, phones masked like the file's own."""
    masked = view.masked_columns()
    items = []
    for m in model.family:
        if m.voided_at is not None:
            continue
        phone = m.phone or ""
        if phone and "phone" in masked:
            phone = mask_personal(phone)
        bits = [m.name, m.relation or "", str(m.birthday or ""), phone]
        items.append(f'<li class="family-member">{escape(" · ".join(b for b in bits if b))}'
                     f'</li>')
    return Markup(f'<ul class="mb-0">{"".join(items)}</ul>') if items else Markup("")


def export_scope(args) -> str:
    """What an export covered, in words for the access log (its search and the number
    of its filters; the raw query string read as code to an auditor)."""
    parts = []
    if (args.get("search") or "").strip():
        parts.append(_("search “%(term)s”", term=args["search"].strip()[:60]))
    filters = sum(1 for key in args if key.startswith("flt"))
    if filters:
        parts.append(_("%(n)d filters", n=filters))
    return "; ".join(parts) or _("All files")


class OwnerFileView(ButlerAreaMixin, RegisterView):
    """业主基本情况登记表: one file per person and unit."""

    register = "occupant"
    property_from = "unit"
    details_template = "admin/owner_files/details.html"
    column_list = ("unit", "name", "kind", "phone", "emergency_name", "emergency_phone",
                   "moved_in_on", "fee_cycle", "secrecy")
    column_details_list = ("unit", "name", "kind", "id_type", "id_number", "moved_in_on",
                           "employer", "address", "phone", "phone2", "emergency_name",
                           "emergency_phone", "emergency_address", "family", "fee_cycle",
                           "title_filed", "title_filed_on", "paper_location", "secrecy",
                           "keeper", "notes", "created_at", "voided_at")
    column_export_list = tuple(c for c in column_details_list if c != "family")
    column_searchable_list = ("name", "phone", "unit.room")
    column_filters = ("kind", "secrecy", "fee_cycle", "moved_in_on")
    column_labels = OWNER_FILE_LABELS
    column_choices = {"kind": list(OCCUPANT_KIND_LABELS.items()),
                      "id_type": list(ID_TYPE_LABELS.items()),
                      "fee_cycle": list(FEE_CYCLE_LABELS.items()),
                      "secrecy": list(SECRECY_LABELS.items())}
    column_formatters = {"family": family_cell}
    form_columns = ("unit", "name", "kind", "id_type", "id_number", "moved_in_on", "employer",
                    "address", "phone", "phone2", "emergency_name", "emergency_phone",
                    "emergency_address", "family", "fee_cycle", "title_filed", "title_filed_on",
                    "paper_location", "secrecy", "keeper", "notes")
    form_overrides = {"kind": SelectField, "id_type": SelectField, "fee_cycle": SelectField,
                      "secrecy": SelectField}
    form_args = {"kind": {"choices": _choices(OCCUPANT_KIND_LABELS, OCCUPANT_KINDS, False)},
                 "id_type": {"choices": _choices(ID_TYPE_LABELS, ID_TYPES, True)},
                 "fee_cycle": {"choices": _choices(FEE_CYCLE_LABELS, FEE_CYCLES, True)},
                 "secrecy": {"choices": _choices(SECRECY_LABELS, SECRECY_LEVELS, False)}}
    form_ajax_refs = {"unit": {"fields": ("room",), "page_size": 20}}
    form_choices = {"keeper": staff_with_role("clerk", "butler", "supervisor", "dept_manager")}
    inline_models = [(OccupantFamilyMember, {
        "form_columns": ("id", "name", "relation", "birthday", "phone"),
        "form_label": _l("Family member"), "column_labels": FAMILY_LABELS})]

    @property
    def column_search_exact(self) -> tuple[str, ...]:  # type: ignore[override]
        """A masked role finds a file by a caller's whole number, never by a fragment:
        fragments would spell out the hidden digits one search at a time."""
        if has_request_context() and current_staff() is not None and self.masked_columns():
            return ("phone",)
        return ()

    def allowed_loan(self) -> bool:
        from rules.matrix import permits

        return permits(current_staff(), "owner_file_loan", "create")

    # -- forms: a role that sees the file masked neither sees nor changes its
    # personal columns or family lines ------------------------------------------------
    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        hidden = self.masked_columns()
        for name in (*sorted(hidden), "family") if hidden else ():
            if name in form:
                del form[name]
        return form

    def validate_rules(self, form, model, is_created: bool) -> None:
        self.check_area(model)
        for column in ("id_type", "fee_cycle"):
            setattr(model, column, getattr(model, column) or None)
        if not model.title_filed:
            model.title_filed_on = None
        user = current_staff()
        for member in model.family:
            member.property_id = model.property_id
            if member.created_by_id is None:
                member.created_by_id = user.id

    # -- the access log ---------------------------------------------------------------
    def _opened(self, kind: str, occupant_id: int | None = None, scope: str | None = None,
                export: bool = False) -> None:
        """Record an unmasked opening and commit it at once (a GET writes nothing else)."""
        if self.masked_columns(export=export):
            return
        user = current_staff()
        prop = None
        if occupant_id is not None:
            occ = self.get_one(occupant_id)
            if occ is None:
                return
            prop = occ.property_id
        file_rules.record_opening(user, kind, prop, occupant_id, scope)
        db.session.commit()

    @expose("/of_unit/")
    @requires("view")
    def of_unit_view(self):
        """A room's occupants and butler as JSON, for the forms that fill a person from
        the room (``static/kefu.js``); another property's room is not found."""
        from flask import jsonify

        from rules import occupants as occupant_rules

        user = current_staff()
        unit = occupant_rules.visible_unit(user, parse_id(request.args.get("unit")))
        if unit is None:
            return jsonify({"unit": None, "occupants": [], "butler": None}), 404
        resp = jsonify(occupant_rules.room_card(user, unit, OCCUPANT_KIND_LABELS))
        resp.headers["Cache-Control"] = "private, no-store"
        return resp

    @expose("/details/")
    def details_view(self):
        self._opened("details", parse_id(request.args.get("id")))
        # 缴费情况 and 物业使用/维修养护情况, read for the file the page shows (its own
        # load): each part only for a role that may view its register
        user = current_staff()
        self._template_args["derived_of"] = lambda occ: derived_rules.derived_fields(
            user, occ.unit_id)
        return super().details_view()

    @expose("/history/")
    @requires("history")
    def history_view(self):
        self._opened("history", parse_id(request.args.get("id")))
        return super().history_view()

    @expose("/as_of/")
    @requires("history")
    def as_of_view(self):
        self._opened("as_of", parse_id(request.args.get("id")))
        return super().as_of_view()

    @expose("/register_as_of/")
    @requires("view")
    def register_as_of_view(self):
        as_csv = request.args.get("format") == "csv"
        if not as_csv or self.allowed("export"):
            self._opened("export" if as_csv else "as_of", None,
                         _("Register as of %(day)s", day=request.args.get("as_of") or
                           local_today()), export=as_csv)
        return super().register_as_of_view()

    @expose("/export/<export_type>/")
    def export(self, export_type):
        self._opened("export", None, export_scope(request.args), export=True)
        return super().export(export_type)

    # -- 业主电话联络表 and the birthday list ---------------------------------------------
    def _buildings(self) -> list[Building]:
        from rules.scope import scoped

        q = scoped(select(Building).where(Building.voided_at.is_(None)), Building,
                   current_staff())
        return list(db.session.execute(q.order_by(Building.name)).scalars())

    def phone_rows(self, building_id: int | None) -> list[list[str]]:
        masked = self.masked_columns(export=request.args.get("format") == "csv")

        def shown(occ: Any, column: str) -> str:
            value = getattr(occ, column) or ""
            return mask_personal(value) if value and column in masked else value

        return [[o.unit.building.name, o.unit.room, o.name,
                 str(OCCUPANT_KIND_LABELS.get(o.kind, o.kind)),
                 " / ".join(p for p in (shown(o, "phone"), shown(o, "phone2")) if p),
                 o.emergency_name or "", shown(o, "emergency_phone")]
                for o in file_rules.phone_list(current_staff(), building_id)]

    @expose("/phones/")
    @requires("view")
    def phones_view(self):
        """业主电话联络表 of one building (or all): printable, or CSV for exporters."""
        building_id = parse_id(request.args.get("building"))
        as_csv = request.args.get("format") == "csv"
        if as_csv and not self.allowed("export"):
            return redirect(self.get_url(".phones_view", building=building_id))
        building = next((b for b in self._buildings() if b.id == building_id), None)
        scope = _("Phone list: %(where)s", where=building.name if building else _("all"))
        self._opened("phone_list", None, scope, export=as_csv)
        headers = [_("Building"), _("Room"), _("Full name"), _("Identity"), _("Phone"),
                   _("Emergency contact"), _("Emergency phone")]
        rows = self.phone_rows(building.id if building else None)
        if as_csv:
            return _csv_response(headers, rows, "owner_phones.csv")
        return self.render("admin/owner_files/phones.html", headers=headers, rows=rows,
                           buildings=self._buildings(), building=building,
                           printed_at=local_now())

    @expose("/birthdays/")
    @requires("view")
    def birthdays_view(self):
        """Family members' birthdays of a month (生日贺卡, guide ch.9)."""
        text = request.args.get("month") or f"{local_today():%Y-%m}"
        month = parse_month(text)        # checked before the view (params.QUERY_PARAMS)
        members = file_rules.birthdays(current_staff(), month.month)
        return self.render("admin/owner_files/birthdays.html", members=members, month=month)


def _csv_response(headers: list[str], rows: list[list[str]], filename: str) -> Response:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([neutralise_cell(v) for v in row])
    return Response("\ufeff" + buf.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})
