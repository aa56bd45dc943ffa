"""The role matrix: register × action → predicate.

This table is the whole answer to "who may do what".  Every Flask-Admin endpoint
and every custom endpoint of every view is mapped to one of ``ACTIONS`` and
checked against it on the server (``admin_views.base``); the tests are generated
from it.  A register or action missing here is denied.
"""
from __future__ import annotations

from typing import Any

from .predicates import Predicate, has_role, never
from .roles import MANAGERS

ACTIONS = ("view", "create", "edit", "void", "approve", "cosign", "export", "history")

from .matrix_front_desk import FRONT_DESK_ROWS
from .matrix_groups import (admin, all_staff, auditor, desk, finance, front_desk,  # noqa: F401
                            home_care_readers, key_readers, managers, medicine_keepers,
                            medicine_readers, operational_staff, order_readers,
                            personal_data_readers, water_readers)

REFERENCE = {
    "view": all_staff,
    "create": has_role("supervisor", "dept_manager", "admin"),
    "edit": has_role("supervisor", "dept_manager", "admin"),
    "void": has_role("dept_manager", "admin"),
    "export": managers | auditor | admin,
    "history": managers | auditor | admin,
}

MATRIX: dict[str, dict[str, Predicate]] = {
    "property": {
        "view": all_staff,
        "create": admin,
        "edit": admin,
        "void": admin,
        "export": auditor | admin,
        "history": auditor | admin,
    },
    "building": dict(REFERENCE),
    "unit": dict(REFERENCE),
    "occupant": {
        "view": personal_data_readers,
        "create": desk,
        "edit": desk,
        "void": has_role("supervisor", "dept_manager"),
        "export": has_role("dept_manager", "auditor"),
        "history": managers | auditor,
    },
    "staff": {
        "view": admin | auditor,
        "create": admin,
        "edit": admin,
        "void": admin,
        "export": admin | auditor,
        "history": admin | auditor,
    },
    # -- keys (钥匙使用管理制度) --------------------------------------------------
    "key": {
        "view": key_readers,
        "create": has_role("clerk", "supervisor", "dept_manager"),
        # managers too: only they take a key out of the spare rule (rules/keys.py)
        "edit": has_role("clerk", "supervisor", "dept_manager", "property_manager",
                         "general_manager"),
        "void": has_role("supervisor", "dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    "key_checkout": {
        "view": key_readers,
        "create": front_desk,          # issue
        "edit": front_desk,            # return
        "void": has_role("supervisor", "dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    "key_application": {
        "view": key_readers,
        "create": operational_staff,   # anyone who needs a copy or a void files one
        "edit": front_desk,            # the desk executes an approved application
        # withdraw: only the applicant or the dept manager, while not executed
        # (rules/approvals.check_withdraw, called by the view with the record).
        "void": operational_staff,
        "approve": has_role("dept_manager", "property_manager"),
        "cosign": operational_staff,
        "export": managers | auditor,
        "history": managers | auditor,
    },
    "spare_key_authorisation": {
        "view": key_readers,
        "create": operational_staff,
        "void": operational_staff,     # withdraw: rules/approvals.check_withdraw
        "approve": has_role("general_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    "key_spot_check": {
        "view": managers | auditor,
        "create": has_role("property_manager"),
        "edit": has_role("property_manager"),
        "void": has_role("property_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    # -- custodial homes (托管房的管理制度) and valuables (贵重物品寄存) ---------------
    "custody_agreement": {
        "view": home_care_readers,
        "create": has_role("butler", "supervisor", "dept_manager"),
        "edit": has_role("butler", "supervisor", "dept_manager"),
        "void": has_role("supervisor", "dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    "custody_inspection": {
        "view": home_care_readers,
        "create": has_role("butler", "clerk", "supervisor", "dept_manager"),
        "void": has_role("supervisor", "dept_manager"),
        "cosign": has_role("butler", "clerk", "security", "supervisor", "dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    "vacant_home_inspection": {
        "view": home_care_readers,
        "create": has_role("butler", "clerk", "supervisor", "dept_manager"),
        "void": has_role("supervisor", "dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    # Deposits are owners' property and personal data: not couriers, security or finance.
    "valuables_deposit": {
        "view": has_role("clerk", "butler", *MANAGERS) | auditor,
        "create": front_desk | has_role("butler"),
        "edit": front_desk | has_role("butler"),          # incl. release and photos
        "void": has_role("supervisor", "dept_manager"),
        "cosign": front_desk | has_role("butler"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    # -- medicine box (药箱管理制度) -----------------------------------------------------
    "medicine_box": {
        "view": medicine_readers,
        "create": has_role("supervisor", "dept_manager"),
        "edit": has_role("supervisor", "dept_manager"),
        "void": has_role("dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    "medicine_item": {
        "view": medicine_readers,
        "create": medicine_keepers,
        "edit": medicine_keepers,
        "void": has_role("supervisor", "dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    "medicine_batch": {                # received batches; quantity changes only by
        "view": medicine_readers,      # issue, count or a voided issue
        "create": medicine_keepers,
        "edit": medicine_keepers,
        "void": has_role("supervisor", "dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    "medicine_count": {
        "view": medicine_readers,
        "create": medicine_keepers,
        "void": has_role("dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    "medicine_usage": {
        "view": medicine_readers,
        "create": medicine_keepers,
        "void": has_role("supervisor", "dept_manager"),     # puts the quantity back
        "export": managers | auditor,
        "history": managers | auditor,
    },
    # -- bottled water (桶装饮用水管理制度) and service orders (《服务单》) ------------------
    "water_stock": {
        "view": water_readers,
        "create": has_role("supervisor", "dept_manager"),
        "edit": has_role("supervisor", "dept_manager"),    # brand, price, threshold
        "void": has_role("dept_manager"),
        "export": managers | finance | auditor,
        "history": managers | auditor,
    },
    "water_receipt": {
        "view": water_readers,
        "create": front_desk,          # signed for at the desk, expiry checked
        "void": has_role("supervisor", "dept_manager"),
        "export": managers | finance | auditor,
        "history": managers | auditor,
    },
    "water_count": {
        "view": water_readers,
        "create": front_desk,
        "void": has_role("supervisor", "dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    "water_order": {
        "view": water_readers,
        "create": front_desk,
        "edit": front_desk,            # incl. settlement and follow-up
        "void": has_role("supervisor", "dept_manager"),
        "export": managers | finance | auditor,
        "history": managers | auditor,
    },
    # 待送水: security records the delivery (who, when, empties, owner's signature).
    "water_delivery": {
        "view": has_role("security", "clerk", "supervisor", "dept_manager") | auditor,
        "edit": has_role("security", "clerk", "supervisor", "dept_manager"),
    },
    "service_price": {
        "view": all_staff,
        "create": has_role("supervisor", "dept_manager"),
        "edit": has_role("supervisor", "dept_manager"),
        "void": has_role("dept_manager"),
        "export": managers | finance | auditor,
        "history": managers | auditor,
    },
    # 公共信息记录表: the desk logs calls; butlers read (they follow up their areas).
    "public_info": {
        "view": has_role("clerk", "butler", *MANAGERS) | auditor,
        "create": front_desk | has_role("butler"),
        "edit": front_desk,             # completion, forwarding
        "void": has_role("supervisor", "dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    "service_order": {
        "view": order_readers,
        "create": front_desk | has_role("butler"),
        "edit": front_desk | has_role("butler"),    # incl. settlement and follow-up
        "void": has_role("supervisor", "dept_manager"),
        "export": managers | finance | auditor,
        "history": managers | auditor,
    },
    **FRONT_DESK_ROWS,
    # 待我审批 / 我的申请: every member of staff has the page; deciding needs a
    # manager role here, then the chain step's role and the request register's
    # "approve" (rules/approvals.why_not).
    "approvals": {"view": all_staff, "approve": managers},
    # 保存当前筛选: a person's own saved list filters (admin_views/saved_filters.py);
    # the auditor only reads, so keeps none.
    "saved_filter": {"view": all_staff, "create": operational_staff | finance | admin,
                     "void": operational_staff | finance | admin},
    # -- owner files (业主基本情况登记表, 业主电话联络表, 档案借阅登记; guide ch.5) ----------
    # The occupant register above is the owner file; who reads its personal columns
    # unmasked is OWNER_FILE_READERS below.
    "owner_file_access": {             # who opened which file unmasked: read-only
        "view": has_role("dept_manager", "property_manager", "general_manager") | auditor,
        "export": auditor,
    },
    "owner_file_loan": {
        "view": desk | managers | auditor,
        "create": desk | managers,     # the borrower files the loan
        "edit": front_desk | has_role("butler"),           # lend and take back
        "void": desk | managers,       # withdraw: rules/approvals.check_withdraw
        "approve": has_role("dept_manager", "general_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    # The global audit log: read-only for everyone, by construction.
    "audit_log": {
        "view": auditor | admin | has_role("dept_manager", "property_manager", "general_manager"),
        "export": auditor,
        "history": auditor,
    },
}


# Personal data (phone numbers, ID numbers: a model's ``__personal__`` columns) leaves
# the system unmasked only in exports by these roles; everyone else gets 138****0001.
unmasked_exports = has_role("auditor", "dept_manager")

# On screen (lists, details, history, records as they were) personal data is shown to
# the roles that serve residents; security, couriers and the admin see 138****0001.
# A register may name its own readers (the admin manages staff and their phones).
PERSONAL_DATA_READERS: dict[str, Predicate] = {"staff": admin | auditor}
# Owner files: the area butler keeps them (guide: 区域管家负责辖区内的客户档案), managers
# and the auditor read them; the desk clerk, finance, security, couriers and the admin
# see 138****0001 (001: 严禁非工作人员私自翻阅客户档案).
OWNER_FILE_READERS = has_role("butler", *MANAGERS) | auditor
PERSONAL_DATA_READERS.update({"occupant": OWNER_FILE_READERS,
                              "occupant_family_member": OWNER_FILE_READERS})


def reads_personal_data(user: Any, register: str) -> bool:
    """Whether ``user`` sees ``register``'s personal columns unmasked on screen."""
    return PERSONAL_DATA_READERS.get(register, personal_data_readers)(user, None)


def permits(user: Any, register: str, action: str, obj: Any = None) -> bool:
    """True when ``user`` may perform ``action`` on ``register`` (and on ``obj``)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    pred = MATRIX.get(register, {}).get(action, never)
    return pred(user, obj)
