"""The screens name a register's fields as the guide's paper form does.

A clerk moving from the paper 业主基本情况登记表 to the screen looks for 姓名 and
平时电话, not for 名称 and 电话; finance looks for 收款人 on a 缴费通知单.  The
table below is the guide's own field names (registers of issue 20: owner files,
their loans, fee notices, arrears, move-out and exit pass); each must be what the
list, the details page and the form call that field in Chinese (the screen may say
more — "应收（元）" for 应收 — but not something else).
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
        "cause": "原因", "attempts": "催缴记录", "letter_sent_at": "书面催缴函",
        "visited_at": "经理/总经理上门", "legal_on": "法律程序",
    },
    "move_out": {   # 住户搬出登记表
        "serial_no": "编号", "unit": "房号", "occupant": "住户", "planned_on": "计划搬出日期",
        "phone": "联系电话", "reason": "搬出原因", "goods": "物品清单",
        "fees_checked": "费用结清核对", "keys_returned": "钥匙/门禁卡交回", "clerk": "经办人",
        "passes": "出门条",
    },
    "exit_pass": {   # 出门条
        "pass_no": "编号", "id_number": "证件号码", "issued_at": "开证时间", "company": "单位",
        "holder_name": "姓名", "items": "所携带物品及数量", "gate": "出门地点",
        "plate": "车牌号码", "issuer": "签发人", "valid_until": "有效期至", "guard": "保安签字",
        "state": "状态",
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
            bad = [label for label in labels if guide not in label]
            if bad:
                wrong[field] = (guide, bad)
    assert not wrong, f"{endpoint}: the guide's name is not what the screen says: {wrong}"
