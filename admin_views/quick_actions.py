"""The dashboard's quick actions: big buttons for a role's commonest tasks, each
landing on the form or page where the task is done.

Which buttons a person sees: the actions listed for one of their roles that the
role matrix lets them do — the endpoint's own matrix action (``create`` for a
create form, ``view`` for a page), or ``needs`` where the task is more than
opening the page (issuing a key at the desk is ``key_checkout``'s ``create``)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from rules.matrix import permits

CLERK, BUTLER, COURIER, SECURITY = "clerk", "butler", "courier", "security"
FINANCE, SUPERVISOR, DEPT, PROPERTY, GM = ("finance", "supervisor", "dept_manager",
                                          "property_manager", "general_manager")
MANAGERS = (SUPERVISOR, DEPT, PROPERTY, GM)


@dataclass(frozen=True)
class QuickAction:
    """One button: ``key`` (stable, for tests and the page), its text, the endpoint
    it opens, the roles it is a common task of, and the matrix permission it needs
    when that is not the endpoint's own."""
    key: str
    label: Any
    endpoint: str
    roles: tuple[str, ...]
    needs: tuple[str, str] | None = None

    def permission(self) -> tuple[str, str | None]:
        """(register, action) the button needs."""
        if self.needs:
            return self.needs
        name, method = self.endpoint.split(".", 1)
        admin = current_app.extensions["admin"][0]
        view = next(v for v in admin._views if v.endpoint == name)
        return view.register, view.endpoint_action(method)


# In button order: a desk's commonest tasks first.
ACTIONS: tuple[QuickAction, ...] = (
    QuickAction("key", _l("Lend a key"), "key_desk.index", (CLERK, SUPERVISOR),
                needs=("key_checkout", "create")),
    QuickAction("call", _l("Log a call"), "public_info.create_view", (CLERK, SUPERVISOR, BUTLER)),
    QuickAction("order", _l("New service order"), "service_order.create_view",
                (CLERK, BUTLER, SUPERVISOR)),
    QuickAction("deposit", _l("Deposit a valuable"), "valuables_deposit.create_view",
                (CLERK, SUPERVISOR)),
    QuickAction("medicine", _l("Issue medicine"), "medicine_usage.create_view",
                (CLERK, SUPERVISOR)),
    QuickAction("water", _l("Water order"), "water_order.create_view", (CLERK, SUPERVISOR)),
    QuickAction("mail", _l("Receive mail"), "mail_item.create_view", (CLERK, COURIER)),
    QuickAction("complaint", _l("Log a complaint"), "complaint.create_view",
                (CLERK, SUPERVISOR, DEPT)),
    QuickAction("followup_calls", _l("Follow-up calls"), "service_due.index",
                (CLERK, SUPERVISOR)),
    QuickAction("handover", _l("Shift handover"), "shift_handover.create_view",
                (CLERK, SECURITY, SUPERVISOR)),
    QuickAction("deliveries", _l("Water deliveries"), "water_delivery.index",
                (SECURITY, COURIER)),
    QuickAction("gate", _l("Gate release"), "exit_pass_gate.index", (SECURITY,)),
    QuickAction("patrol", _l("Patrol record"), "patrol.create_view", (SECURITY, BUTLER)),
    QuickAction("distribution", _l("Newspaper distribution"), "distribution.create_view",
                (COURIER,)),
    QuickAction("dispatch", _l("Notice dispatch"), "notice_dispatch.create_view", (COURIER,)),
    QuickAction("custody_inspection", _l("Custodial-home inspection"),
                "custody_inspection.create_view", (BUTLER,)),
    QuickAction("vacant_inspection", _l("Vacant-home inspection"),
                "vacant_home_inspection.create_view", (BUTLER,)),
    QuickAction("visit", _l("Follow-up visit"), "followup_visit.create_view",
                (BUTLER, SUPERVISOR)),
    QuickAction("exit_pass", _l("Exit pass"), "exit_pass.create_view", (BUTLER,)),
    QuickAction("key_application", _l("Key application"), "key_application.create_view",
                (BUTLER, SUPERVISOR)),
    QuickAction("approvals", _l("My approvals"), "approvals.index", (*MANAGERS, FINANCE)),
    QuickAction("spot_check", _l("Key spot check"), "key_spot_check.create_view",
                (SUPERVISOR, PROPERTY)),
    QuickAction("complaints", _l("Complaints"), "complaint.index_view", (DEPT, PROPERTY, GM)),
    QuickAction("finance", _l("Receive cash"), "finance.index", (FINANCE,)),
    QuickAction("fee_notice", _l("Fee notices"), "fee_notice.index_view", (FINANCE,)),
    QuickAction("arrears", _l("Arrears collection"), "arrears_case.index_view", (FINANCE,)),
    QuickAction("fee_rates", _l("Collection rate"), "fee_rates.index", (FINANCE, PROPERTY, GM)),
    QuickAction("audit_log", _l("Audit log"), "audit_log.index_view", ("auditor", "admin")),
    QuickAction("audit_chain", _l("History chain status"), "audit_chain.index",
                ("auditor", "admin")),
    QuickAction("staff", _l("Staff"), "staff.index_view", ("admin",)),
)


def permitted(user, action: QuickAction) -> bool:
    register, matrix_action = action.permission()
    return matrix_action is not None and any(
        permits(user, register, a) for a in matrix_action.split("|"))


def for_user(user) -> list[tuple[QuickAction, str]]:
    """(action, link) of the buttons ``user`` sees, in order."""
    if user is None:
        return []
    return [(a, url_for(a.endpoint)) for a in ACTIONS
            if user.has_role(*a.roles) and permitted(user, a)]
