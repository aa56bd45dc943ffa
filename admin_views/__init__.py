"""The admin panel: one view class per register, all built on ``base.RegisterView``.

To add a register: a model in ``models/<domain>.py``, a view class in
``admin_views/<domain>.py`` (declarative options only), a row in
``rules/matrix.py`` and a line in ``VIEWS`` below.
"""
from __future__ import annotations

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from models import AuditEntry, Building, Occupant, Property, Staff, Unit

from .audit_log import AuditLogView
from .base import SecureIndexView
from .reference import BuildingView, OccupantView, PropertyView, UnitView
from .staff import StaffView

REFERENCE = _l("Reference data")
SYSTEM = _l("System")

# (view class, model, menu name, menu category, endpoint)
VIEWS = [
    (PropertyView, Property, _l("Properties"), REFERENCE, "property"),
    (BuildingView, Building, _l("Buildings"), REFERENCE, "building"),
    (UnitView, Unit, _l("Units"), REFERENCE, "unit"),
    (OccupantView, Occupant, _l("Owners and occupants"), REFERENCE, "occupant"),
    (StaffView, Staff, _l("Staff"), SYSTEM, "staff"),
    (AuditLogView, AuditEntry, _l("Audit log"), SYSTEM, "audit_log"),
]


def init_admin(app: Flask) -> Admin:
    admin = Admin(
        app,
        name=_l("Property customer-service registers"),
        theme=Bootstrap4Theme(base_template="admin/kefu_master.html", fluid=True),
        index_view=SecureIndexView(name=_l("Home"), url="/admin"),
        translations_path=app.config["KEFU_TRANSLATIONS"],
    )
    for view_cls, model, name, category, endpoint in VIEWS:
        admin.add_view(view_cls(model, name=name, category=category, endpoint=endpoint))
    return admin
