"""Role-matrix rows of the front desk's daily and residents' registers: move-out and
exit passes, fees, shift handover, finance, patrols, activities, mail and notices,
complaints, memos and follow-up visits.  Composed into ``rules.matrix.MATRIX``."""
from __future__ import annotations

from .matrix_groups import (admin, all_staff, auditor, desk, finance, front_desk, mail_readers,
                            managers, operational_staff)
from .predicates import Predicate, has_role
from .roles import MANAGERS

FRONT_DESK_ROWS: dict[str, dict[str, Predicate]] = {
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
    # 班次时间 of a property (rules/handover_times.py): the managers of the desk and admin.
    "shift_setting": {
        "view": desk | managers | auditor | admin,
        "create": has_role("dept_manager", "property_manager", "admin"),
        "edit": has_role("dept_manager", "property_manager", "admin"),
        "export": managers | auditor | admin,
        "history": managers | auditor | admin,
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
    # 投诉记录汇总表 (monthly, by the 28th) and the quarterly analysis: the supervisor or
    # the dept manager prepares, the dept manager confirms ("approve").
    "complaint_summary": {
        "view": has_role("clerk", "butler", *MANAGERS) | auditor,
        "create": has_role("supervisor", "dept_manager"),
        "edit": has_role("supervisor", "dept_manager"),
        "void": has_role("dept_manager"),
        "approve": has_role("dept_manager"),
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
    # 回访批次: 下雨后回访 started by a supervisor or the department manager (checked in
    # rules/followup_batches.py), 节日 greetings recorded by the desk.
    "followup_batch": {
        "view": has_role("clerk", "butler", *MANAGERS) | auditor,
        "create": desk,
        "void": has_role("supervisor", "dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    # -- 区域管家分区, 收费率确认, 客户档案定期整理 (guide ch.5, ch.7) ------------------------
    # Buildings are divided among butlers by the supervisor or the dept manager.
    "butler_building": {
        "view": desk | managers | auditor,
        "create": has_role("supervisor", "dept_manager"),
        "edit": has_role("supervisor", "dept_manager"),
        "void": has_role("supervisor", "dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
    # the customer-service side prepares the month's rates, finance co-signs them
    "fee_rate_confirmation": {
        "view": has_role("butler", "finance", *MANAGERS) | auditor,
        "create": has_role("butler", "supervisor", "dept_manager"),
        "void": has_role("supervisor", "dept_manager"),
        "cosign": finance,
        "export": finance | managers | auditor,
        "history": finance | managers | auditor,
    },
    "owner_file_tidy": {
        "view": desk | managers | auditor,
        "create": has_role("supervisor", "dept_manager"),
        "void": has_role("supervisor", "dept_manager"),
        "export": managers | auditor,
        "history": managers | auditor,
    },
}
