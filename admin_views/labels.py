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

# History actions (``audit_log.action``) as people say them.
ACTION_LABELS = {
    "insert": _l("Created"), "update": _l("Changed"), "void": _l("Voided"),
    "approve": _l("Approved"), "reject": _l("Rejected"), "cosign": _l("Co-signed"),
    "execute": _l("Executed"), "execute_pending": _l("Execution awaiting co-sign"),
    "return": _l("Returned"), "use": _l("Used"), "issue": _l("Issued"),
    "unlock": _l("Lock lifted"), "logout": _l("Logged out"),
}
