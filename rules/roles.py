"""The roles of DESIGN.md.  A staff member holds one or more of them."""
from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "clerk": _l("Front-desk clerk"),
    "butler": _l("Area butler"),
    "courier": _l("Courier"),
    "security": _l("Security guard"),
    "finance": _l("Finance"),
    "supervisor": _l("Customer-service supervisor"),
    "dept_manager": _l("Customer-service department manager"),
    "property_manager": _l("Property department manager"),
    "general_manager": _l("General manager"),
    "auditor": _l("Auditor"),
    "admin": _l("System administrator"),
}
ROLES: tuple[str, ...] = tuple(ROLE_LABELS)

# Roles that read everything and change nothing.
READ_ONLY_ROLES = frozenset({"auditor"})
MANAGERS = ("supervisor", "dept_manager", "property_manager", "general_manager")
