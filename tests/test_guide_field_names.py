"""The screens name a register's fields as the guide's paper form does.

A clerk moving from the paper 业主基本情况登记表 to the screen looks for 姓名 and
平时电话, not for 名称 and 电话; finance looks for 收款人 on a 缴费通知单.  The
table below is the guide's own field names, register by register; each must be what the
list, the details page and the form call that field in Chinese (the screen may add
to it — "应收（元）" for 应收 — but not say something else: 复制数量 is not 份数, and
投诉方式 is not a notice's 方式).  Where the screen names the register too (出门条编号
for the pass's 编号), the table says so; "=钥匙" is 钥匙 alone (钥匙管理 is a menu).
"""
from __future__ import annotations

import pytest
from flask_babel import force_locale

GUIDE_NAMES: dict[str, dict[str, str]] = {
    "occupant": {   # 业主基本情况登记表
        "unit": "房号", "name": "姓名", "kind": "身份", "id_type": "证件类型",
        "id_number": "证件号码", "moved_in_on": "入住日期", "employer": "工作单位",
        "address": "联系地址", "phone": "平时电话", "phone2": "第二电话",
        "emergency_name": "紧急联系人", "emergency_phone": "紧急联系电话",
        "emergency_address": "紧急联系地址", "family": "家庭成员", "fee_cycle": "缴费周期",
        "title_filed": "产权备案", "paper_location": "纸质档案位置", "secrecy": "密级",
        "notes": "备注",
    },
    "owner_file_loan": {   # 档案借阅登记
        "applicant": "借阅人", "reason": "事由", "secrecy": "密级", "lent_at": "借出时间",
        "due_on": "应还日期", "returned_at": "归还时间",
    },
    "fee_notice": {   # 缴费通知单
        "period": "月份", "unit": "房号", "owner": "业主", "lines": "费项", "amount_due": "应收",
        "printed_at": "打印", "finance": "财务", "checked_by": "帐目核对",
        "delivery_method": "发放方式", "delivered_at": "发放时间", "objection": "异议",
        "objection_handling": "异议处理", "paid_amount": "实收", "collected_by": "收款人",
        "receipt_returned_at": "收据/发票送回",
    },
    "arrears_case": {   # 欠费催缴
        "unit": "房号", "months": "欠费月数", "amount": "金额", "since": "欠费起始",
        "cause": "欠费原因", "attempts": "催缴记录", "letter_sent_at": "书面催缴函",
        "visited_at": "经理/总经理上门", "legal_on": "法律程序",
    },
    "move_out": {   # 住户搬出登记表
        "serial_no": "编号", "unit": "房号", "occupant": "住户", "planned_on": "计划搬出日期",
        "phone": "联系电话", "reason": "搬出原因", "goods": "物品清单",
        "fees_checked": "费用结清核对", "keys_returned": "钥匙/门禁卡交回", "clerk": "经办人",
        "passes": "出门条",
    },
    "exit_pass": {   # 出门条
        "pass_no": "出门条编号", "id_number": "证件号码", "issued_at": "开证时间", "company": "单位",
        "holder_name": "姓名", "items": "所携带物品及数量", "gate": "出门地点",
        "plate": "车牌号码", "issuer": "签发人", "valid_until": "有效期至", "guard": "保安签字",
        "state": "状态",
    },
    "shift_handover": {   # 交接班记录表
        "shift": "班次", "handed_over_at": "交班时间", "outgoing": "交班人", "incoming": "接班人",
        "cosigned_by": "接班人签字", "duty_log": "当班记录",
    },
    "complaint": {   # 客户投诉处理记录表
        "complaint_no": "投诉编号", "received_at": "投诉日期时间", "channel": "投诉方式",
        "unit": "房号", "complainant": "投诉人", "phone": "联系电话", "content": "投诉内容",
        "receiver": "接待人员", "public_info": "来源", "category": "投诉类别",
        "severity": "投诉性质", "classified_by": "判别人", "reasonable": "合理投诉",
        "owner_deadline": "业主要求时限", "reply_due": "答复期限", "resolve_due": "解决期限",
        "first_reply_at": "首次答复", "handling": "处理情况", "resolved_at": "解决时间",
        "loss_amount": "经济损失", "manager_visited_at": "经理上门致歉",
        "owner_confirmed": "业主满意签认",
    },
    "internal_memo": {   # 内部联络单
        "memo_no": "联络单编号", "from_department": "发文部门", "sender": "发文人",
        "to_department": "接文部门", "recipient": "接文人", "received_by": "接文人签字",
        "sent_at": "发文日期", "content": "事由", "due_at": "要求完成时间",
        "result": "处理结果", "replied_at": "回复时间",
    },
    "followup_visit": {   # 客户回访记录表
        "kind": "回访类型", "unit": "房号", "occupant": "住户", "due_on": "应回访日期",
        "visited_at": "回访时间", "method": "回访方式", "visitor": "回访人",
        "accompanied_by": "陪同", "quality": "质量评价", "effect": "服务效果",
        "satisfaction": "满意程度", "shortcomings": "缺点与不足", "suggestions": "业主建议",
        "customer_confirmed": "客户签名确认", "second_visit_of": "二次回访",
        "review_comment": "审核意见",
    },
    "patrol": {   # 公共区域巡查记录表
        "patrolled_at": "巡查时间", "butler": "巡查人", "area": "区域",
        "renovation": "装修户巡查", "customer_info": "收集客户信息", "floor_clean": "地面清洁",
        "fire_doors_ok": "消防门", "corridor_lights_ok": "楼道灯",
    },
    "subscription": {   # 报纸/杂志订阅单
        "unit": "房号", "subscriber": "订户", "title": "报刊名称", "copies": "份数",
        "amount": "金额", "paid_at": "付款时间", "ordered_by": "代订人",
        "receipt_returned_at": "回执客户联及发票返还时间",
    },
    "mail_item": {   # 邮件签收表
        "serial_no": "编号", "received_at": "收到时间", "kind": "类别", "carrier": "快递公司",
        "tracking_no": "单号", "recipient_name": "收件人", "unit": "房号", "received_by": "代收人",
        "delivered_by": "送达人", "delivered_at": "送达时间", "signer": "签收人",
        "returned_at": "退还时间", "return_reason": "退还原因", "handed_to_courier_at": "周一交接",
    },
    "distribution": {   # 报刊分发表
        "day": "日期", "round": "批次", "unit": "房号", "title": "报刊", "copies": "份数",
        "delivered_at": "送达时间", "signer": "签收",
    },
    "important_notice": {   # 重要信息
        "serial_no": "编号", "title": "标题", "category": "信息类别", "content": "内容",
        "applicant": "拟制人", "channels": "发布渠道", "valid_from": "有效期",
        "valid_until": "有效期", "sealed": "已加盖公司印章", "status": "状态",
    },
    "public_info": {   # 公共信息记录表 (the guide's Part 5 columns)
        "caller_phone": "来电号码", "reason": "来电缘由", "work_order_no": "工单编号",
        "receiver": "接听人", "forwarded_to_person": "信息接受人", "completion": "完成情况",
        "category": "信息类别", "notes": "备注",
    },
    "key_checkout": {   # 钥匙领用登记表: 注明领用原因及领用人
        "key": "=钥匙", "borrower": "领用人", "reason": "领用原因",
    },
    "key_application": {   # 钥匙申请表
        "kind": "申请类别", "reason": "原因", "key_labels": "=钥匙", "applicant": "申请人",
    },
    "medicine_item": {   # 药品清单
        "name": "品名", "specification": "规格", "unit_name": "单位",
    },
    "service_order": {   # 服务单, its follow-up call: 服务水平、服务时间、服务态度
        "serial_no": "服务单编号", "unit": "房号", "sat_quality": "服务水平",
        "sat_timeliness": "服务时间", "sat_attitude": "服务态度",
    },
    "notice_dispatch": {   # 发文记录
        "notice": "通知", "channel": "方式", "scope": "范围", "copies": "份数",
        "sender": "发送人", "sent_at": "发送时间", "confirmed_by": "签收/确认",
    },
}


def _view(app, endpoint: str):
    return next(v for v in app.extensions["admin"][0]._views
                if getattr(v, "endpoint", None) == endpoint)


def _shown_fields(view) -> set[str]:
    names = set()
    for attr in ("column_list", "column_details_list", "form_columns"):
        for c in getattr(view, attr, None) or ():
            names.add(c if isinstance(c, str) else c.key)
    return names


@pytest.mark.parametrize("shared_app", ["sqlite"], indirect=True)   # labels, not data
@pytest.mark.parametrize("endpoint", sorted(GUIDE_NAMES))
def test_fields_carry_the_guides_names(shared_app, endpoint):
    view = _view(shared_app, endpoint)
    shown = _shown_fields(view)
    wrong = {}
    with shared_app.test_request_context("/"), force_locale("zh_Hans_CN"):
        form_class = view.get_create_form() if view.can_create else None
        for field, guide in GUIDE_NAMES[endpoint].items():
            assert field in shown, f"{endpoint}.{field} is on no screen"
            on_screen = str(view.get_column_name(field))
            labels = [on_screen]
            unbound = getattr(form_class, field, None) if form_class else None
            if unbound is not None and unbound.kwargs.get("label") is not None:
                labels.append(str(unbound.kwargs["label"]))
            exact = guide.startswith("=")
            guide = guide.lstrip("=")
            bad = [label for label in labels
                   if (label != guide if exact else not label.startswith(guide))]
            if bad:
                wrong[field] = (guide, bad)
    assert not wrong, f"{endpoint}: the guide's name is not what the screen says: {wrong}"
