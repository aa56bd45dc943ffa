"""The names of history actions (``audit_log.action``) and how people say them.

Every action a write may record is declared here, once, with its label: ``mark_action``
refuses a name that is not, so no history entry shows an internal word."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    # written by the listener itself
    "insert": _l("Created"), "update": _l("Changed"), "void": _l("Voided"),
    # approval chains and two-person rules
    "approve": _l("Approved"), "reject": _l("Rejected"), "cosign": _l("Co-signed"),
    "execute": _l("Executed"), "execute_pending": _l("Execution awaiting co-sign"),
    # keys
    "issue": _l("Issued"), "return": _l("Returned"), "use": _l("Used"),
    # valuables
    "release": _l("Released"),
    # service and water orders
    "settle": _l("Settled"), "follow_up": _l("Follow-up call made"),
    "finance_receive": _l("Cash received by finance"), "deliver": _l("Delivered"),
    # stock (medicine box, bottled water)
    "receive": _l("Received into stock"), "void_receipt": _l("Receipt voided"),
    "void_issue": _l("Issue voided, stock restored"), "count": _l("Stock counted"),
    # patrols
    "review": _l("Reviewed"),
    # exit passes and fees
    "gate_release": _l("Released at the gate"), "fee_check": _l("Account checked"),
    "fee_payment": _l("Payment recorded"), "manager_visit": _l("Visited by a manager"),
    # mail and notices
    "quick_entry": _l("Logged by quick entry"), "hand_over": _l("Handed to the courier"),
    "take_down": _l("Taken down"),
    # complaints, memos, follow-up visits
    "close": _l("Closed"), "acknowledge": _l("Acknowledged"),   # "review": as patrols
    "convert": _l("Turned into a complaint"),
    # complaint summaries, handover reads, memos opened from a patrol problem
    "confirm": _l("Confirmed"), "read": _l("Read"), "memo_sent": _l("Internal memo sent"),
    # staff
    "unlock": _l("Lock lifted"), "logout": _l("Logged out"),
}
