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

admin = has_role("admin")
auditor = has_role("auditor")
managers = has_role(*MANAGERS)
desk = has_role("clerk", "butler", "supervisor", "dept_manager")
all_staff = has_role("clerk", "butler", "courier", "security", "finance", *MANAGERS,
                     "auditor", "admin")
front_desk = has_role("clerk", "supervisor", "dept_manager")
operational_staff = has_role("clerk", "butler", "courier", "security", "supervisor",
                             "dept_manager", "property_manager", "general_manager")
key_readers = operational_staff | auditor
home_care_readers = has_role("clerk", "butler", "security", *MANAGERS) | auditor
medicine_readers = has_role("clerk", "butler", "security", *MANAGERS) | auditor
medicine_keepers = has_role("clerk", "butler", "supervisor", "dept_manager")
finance = has_role("finance")
water_readers = has_role("clerk", "butler", "security", "finance", *MANAGERS) | auditor
order_readers = has_role("clerk", "butler", "security", "finance", *MANAGERS) | auditor
# Who may read occupants' contact details (personal data, DESIGN.md "Owner files").
personal_data_readers = has_role("clerk", "butler", "finance", *MANAGERS, "auditor")

REFERENCE = {
    "view": all_staff,
    "create": has_role("supervisor", "dept_manager", "admin"),
    "edit": has_role("supervisor", "dept_manager", "admin"),
    "void": has_role("dept_manager", "admin"),
    "export": managers | auditor | admin,
    "history": managers | auditor | admin,
}

mail_readers = has_role("courier", "clerk", "butler", *MANAGERS) | auditor

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
    # -- 物品搬出: 住户搬出登记表 and 出门条 (the guide, Part 3 ch. 8) ----------------------
    "move_out": {
        "view": has_role("clerk", "butler", "security", *MANAGERS) | auditor,
        "create": front_desk,
        "edit": front_desk,            # keys returned, fees checked
        "void": has_role("supervisor", "dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    # issued by the desk, never edited (void and issue again); security reads it
    # with the ID number masked but the last 4 digits (admin_views/exit_pass.py)
    "exit_pass": {
        "view": has_role("clerk", "butler", "security", *MANAGERS) | auditor,
        "create": front_desk,
        "void": has_role("supervisor", "dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    # 门岗放行: only security releases a pass (rules.exit_pass.mark_used checks again)
    "exit_pass_gate": {
        "view": has_role("security", "clerk", "supervisor", "dept_manager") | auditor,
        "edit": has_role("security"),
    },
    # -- 费用催缴: 缴费通知单 and 欠费催缴 (the guide, Part 3 ch. 7) -------------------------
    "fee_notice": {
        "view": has_role("butler", "finance", *MANAGERS) | auditor,
        "create": finance,             # the month's notices
        "edit": has_role("butler", "supervisor", "dept_manager", "finance"),
        "void": has_role("finance", "dept_manager"),
        "cosign": finance,             # 交财务确认 (rules.fees.confirm_payment checks again)
        "export": finance | managers | auditor,
        "history": finance | managers | auditor,
    },
    "arrears_case": {
        "view": has_role("butler", "finance", *MANAGERS) | auditor,
        "create": has_role("butler", "supervisor", "dept_manager"),
        "edit": has_role("butler", "supervisor", "dept_manager", "general_manager"),
        "void": has_role("supervisor", "dept_manager"),
        "export": finance | managers | auditor,
        "history": managers | auditor,
    },
    # 交接班记录表: the outgoing desk person enters it, the incoming one co-signs.
    "shift_handover": {
        "view": desk | managers | auditor,
        "create": desk,
        "edit": desk,                   # until co-signed (rules/handover.check_editable)
        "void": has_role("supervisor", "dept_manager"),
        "cosign": desk,
        "export": managers | auditor,
        "history": managers | auditor,
    },
    # Finance: the day's charged orders, the month's sign-bills per unit, cash received.
    "finance": {
        "view": has_role("finance", "supervisor", "dept_manager", "property_manager",
                         "general_manager") | auditor,
        "edit": has_role("finance"),   # confirm cash received
        "export": has_role("finance") | managers | auditor,
    },
    # -- patrols (辖区巡查工作流程) ---------------------------------------------------------
    # Areas are divided among butlers by the dept manager or the supervisor.
    "patrol_area": {
        "view": has_role("clerk", "butler", *MANAGERS) | auditor,
        "create": has_role("supervisor", "dept_manager"),
        "edit": has_role("supervisor", "dept_manager"),
        "void": has_role("supervisor", "dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    # 公共区域巡查记录表: a butler or the supervisor patrols; anyone of the desk follows
    # up the problems (edit); "approve" is the daily review: the dept manager, and the
    # supervisor deputising; never the patroller (rules/patrols.review).
    "patrol": {
        "view": has_role("clerk", "butler", *MANAGERS) | auditor,
        "create": has_role("butler", "supervisor"),
        "edit": has_role("butler", "supervisor", "dept_manager"),
        "void": has_role("supervisor", "dept_manager"),
        "approve": has_role("dept_manager", "supervisor"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    # -- community activities (社区文化活动工作流程) ------------------------------------------
    # The dept manager plans, proposes and records (the supervisor helps); the general
    # manager approves plans and proposals (rules/approvals.py); all staff read.
    "activity_plan": {
        "view": all_staff,
        "create": has_role("dept_manager", "supervisor"),
        "void": has_role("dept_manager", "supervisor"),   # withdraw: check_withdraw
        "approve": has_role("general_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    "activity_proposal": {
        "view": all_staff,
        "create": has_role("dept_manager", "supervisor"),
        "edit": has_role("dept_manager", "supervisor"),   # record the owners' notice
        "void": has_role("dept_manager", "supervisor"),   # withdraw: check_withdraw
        "approve": has_role("general_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    "activity_record": {
        "view": all_staff,
        "create": has_role("dept_manager", "supervisor"),
        "edit": has_role("dept_manager", "supervisor"),   # incl. photos
        "void": has_role("dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    # -- mail and newspapers (信件、报刊管理制度), notices (重要信息的发布) ------------------
    # The courier takes in and delivers; the desk takes mail in at weekends (代收).
    "mail_item": {
        "view": mail_readers,
        "create": has_role("courier", "clerk"),      # the clerk only at weekends (rules/mail)
        "edit": has_role("courier", "clerk"),
        "void": has_role("supervisor", "dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    "subscription": {
        "view": mail_readers,
        "create": has_role("courier", "clerk"),
        "edit": has_role("courier", "clerk"),
        "void": has_role("supervisor", "dept_manager"),
        "export": managers | finance | auditor,
        "history": managers | auditor,
    },
    "distribution": {
        "view": mail_readers,
        "create": has_role("courier", "clerk"),
        "edit": has_role("courier", "clerk"),
        "void": has_role("supervisor", "dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    "important_notice": {
        "view": mail_readers,
        "create": desk,                              # 客服部负责重要信息文件的拟制
        "edit": has_role("clerk"),                   # 前台回收 (take down)
        "void": desk,                                # withdraw: rules/approvals.check_withdraw
        "approve": has_role("dept_manager", "general_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    "notice_dispatch": {
        "view": mail_readers,
        # the board posting only by the property manager (rules/notices.check_dispatch)
        "create": has_role("courier", "clerk", "butler", "property_manager"),
        "edit": has_role("courier", "clerk", "butler", "property_manager"),   # confirmation
        "void": has_role("supervisor", "dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    # -- complaints, internal memos, follow-up visits (guide ch.3-4, Part 5) -----------
    # 客户投诉处理记录表: the desk logs and tracks; closing and 无效 are checked by role
    # in rules/complaints.py; "approve" is the general manager's reading of a 重大 one.
    "complaint": {
        "view": has_role("clerk", "butler", *MANAGERS) | auditor,
        "create": desk,
        "edit": desk,
        "void": has_role("supervisor", "dept_manager"),
        "approve": has_role("general_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    # 不合格品/服务记录处理单 (loss over 500 yuan): dept_manager → general_manager.
    "complaint_loss_report": {
        "view": has_role("clerk", "butler", *MANAGERS) | auditor,
        "create": desk,
        "void": desk,                  # withdraw: rules/approvals.check_withdraw
        "approve": has_role("dept_manager", "general_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    # Holidays and extra working days the complaint deadlines count with.
    "work_calendar": {
        "view": has_role("clerk", "butler", *MANAGERS) | auditor | admin,
        "create": has_role("dept_manager", "admin"),
        "edit": has_role("dept_manager", "admin"),
        "void": has_role("dept_manager", "admin"),
        "export": managers | auditor | admin,
        "history": managers | auditor | admin,
    },
    # 内部联络单: acknowledging ("edit") is checked against the receiving department.
    "internal_memo": {
        "view": operational_staff | auditor,
        "create": desk | has_role("property_manager", "general_manager"),
        "edit": operational_staff,
        "void": has_role("supervisor", "dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    # 客户回访记录表: "approve" is the desk's review (客服中心审核).
    "followup_visit": {
        "view": has_role("clerk", "butler", *MANAGERS) | auditor,
        "create": has_role("clerk", "butler", "supervisor", "dept_manager", "property_manager",
                           "general_manager"),
        "void": has_role("supervisor", "dept_manager"),
        "approve": has_role("supervisor", "dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    # 待我审批 / 我的申请: every member of staff has the page; deciding needs a
    # manager role here, then the chain step's role and the request register's
    # "approve" (rules/approvals.why_not).
    "approvals": {"view": all_staff, "approve": managers},
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
