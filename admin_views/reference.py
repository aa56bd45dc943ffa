"""Reference data: property (管理处/小区), building (楼栋), unit (房号), occupant (业主/住户)."""
from flask import jsonify, request
from flask_admin import expose
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from models.reference import OCCUPANT_KINDS
from rules import occupants as occupant_rules

from .base import RegisterView, current_staff, requires
from .params import parse_id

OCCUPANT_KIND_LABELS = {
    "owner": _l("Owner"), "tenant": _l("Tenant"), "family": _l("Family member"),
    "other": _l("Other"),
}


class PropertyView(RegisterView):
    register = "property"
    column_list = ("code", "name", "address", "phone")
    column_searchable_list = ("code", "name")
    form_columns = ("code", "name", "address", "phone")
    column_labels = {"code": _l("Code"), "name": _l("Property name"), "address": _l("Address")}


class BuildingView(RegisterView):
    register = "building"
    column_list = ("property", "name", "floors", "notes")
    column_searchable_list = ("name",)
    column_filters = ("property.name",)
    form_columns = ("property", "name", "floors", "notes")
    column_labels = {"name": _l("Building"), "floors": _l("Floors")}


class UnitView(RegisterView):
    register = "unit"
    property_from = "building"
    column_list = ("property", "building", "room", "floor", "area_m2", "vacant")
    column_searchable_list = ("room",)
    column_filters = ("vacant", "building.name")
    form_columns = ("building", "room", "floor", "area_m2", "vacant", "notes")
    column_labels = {"room": _l("Room"), "floor": _l("Floor"), "area_m2": _l("Area (m²)"),
                     "vacant": _l("Vacant")}
    form_ajax_refs = {"building": {"fields": ("name",), "page_size": 20}}


class OccupantView(RegisterView):
    register = "occupant"
    property_from = "unit"
    column_list = ("unit", "name", "kind", "phone", "moved_in_on")
    column_searchable_list = ("name", "phone")
    column_filters = ("kind",)
    form_columns = ("unit", "name", "kind", "phone", "phone2", "moved_in_on", "notes")
    column_labels = {"name": _l("Name"), "kind": _l("Relation"), "phone2": _l("Second phone"),
                     "moved_in_on": _l("Moved in on")}
    form_overrides = {"kind": SelectField}
    form_args = {"kind": {"choices": [(k, OCCUPANT_KIND_LABELS[k]) for k in OCCUPANT_KINDS]}}
    column_formatters = {"kind": lambda v, c, m, n: OCCUPANT_KIND_LABELS.get(m.kind, m.kind)}
    column_choices = {"kind": list(OCCUPANT_KIND_LABELS.items())}
    form_ajax_refs = {"unit": {"fields": ("room",), "page_size": 20}}

    @expose("/of_unit/")
    @requires("view")
    def of_unit_view(self):
        """A room's occupants and butler as JSON, for the forms that fill a person from
        the room (``static/kefu.js``); another property's room is not found."""
        user = current_staff()
        unit = occupant_rules.visible_unit(user, parse_id(request.args.get("unit")))
        if unit is None:
            return jsonify({"unit": None, "occupants": [], "butler": None}), 404
        resp = jsonify(occupant_rules.room_card(user, unit, OCCUPANT_KIND_LABELS))
        resp.headers["Cache-Control"] = "private, no-store"
        return resp
