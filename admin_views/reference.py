"""Reference data: property (管理处/小区), building (楼栋), unit (房号), occupant (业主/住户)."""
from flask_babel import lazy_gettext as _l

from .base import RegisterView


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



# The occupant register is the owner file: admin_views/owner_files.py (OwnerFileView).
