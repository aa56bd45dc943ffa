"""Field labels shared by every view (a view's own ``column_labels`` win)."""
from flask_babel import lazy_gettext as _l

COMMON_LABELS = {
    "id": _l("No."),
    "property": _l("Property"),
    "property_id": _l("Property"),
    "created_at": _l("Created at"),
    "created_by_id": _l("Created by"),
    "voided_at": _l("Void"),
    "void_reason": _l("Reason for voiding"),
    "notes": _l("Notes"),
    "name": _l("Name"),
    "phone": _l("Phone"),
    "unit": _l("Unit"),
    "building": _l("Building"),
}

# History actions (``audit_log.action``) as people say them: declared with the history.
from audit.actions import ACTION_LABELS  # noqa: E402,F401
