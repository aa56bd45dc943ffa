"""审计日志 — the global history, read-only for every role by construction
(the matrix grants no create/edit/void on ``audit_log``)."""
from flask_babel import lazy_gettext as _l

from .base import RegisterView


class AuditLogView(RegisterView):
    register = "audit_log"
    column_list = ("id", "created_at", "actor_name", "action", "table_name", "row_id",
                   "reason", "client_addr")
    column_default_sort = ("id", True)
    column_filters = ("actor_name", "action", "table_name", "created_at", "property_id")
    column_searchable_list = ("actor_name", "table_name", "row_id")
    column_labels = {
        "id": _l("Entry"), "created_at": _l("Time (UTC)"), "actor_name": _l("Staff member"),
        "action": _l("Action"), "table_name": _l("Register"), "row_id": _l("Record"),
        "reason": _l("Reason"), "client_addr": _l("Address"), "changes": _l("Changes"),
        "snapshot": _l("Record after the change"), "prev_hash": _l("Previous hash"),
        "hash": _l("Hash"), "tx_id": _l("Transaction"), "actor_roles": _l("Roles"),
    }
    column_display_pk = True
