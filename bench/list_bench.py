"""Million-row list benchmark: the big registers' lists through the real app.

1. builds a throw-away database (migrations + demo data) and generates N rows of
   each register (key checkouts: 1,000 keys, 300 borrowers with Chinese names;
   public-information lines: 2,000 rooms, callers, phone numbers, ten kinds of call;
   service orders: gapless numbers, customers, descriptions; mail items: gapless
   numbers, unique tracking numbers, recipients; all over three years)
   with Core bulk inserts — no history for these rows, so verify the chain
   afterwards with ``audit verify --no-rows``;
2. serves the app with gunicorn (2 workers) on 127.0.0.1;
3. logs in as the demo clerk (the auditor for the head-office scenarios: every
   property) and requests each scenario 30 times, in three rounds that take a
   register's scenarios in turn (``--rounds``: the machine's drift between
   minutes then falls on every scenario alike), printing
   median / p95 ms, and the database's share of the same request (every query of
   the page, timed at the cursor) for comparison.

    .venv/bin/python bench/list_bench.py --rows 1000000            # SQLite
    .venv/bin/python bench/list_bench.py --rows 1000000 --pg postgresql://postgres@127.0.0.1:5432/postgres
    … --registers public_info --keep      # one register; keep the database
    … --reuse URL                         # benchmark a kept database again (no build)
"""
from __future__ import annotations

import argparse
import random
import statistics
import time
import urllib.parse
from datetime import datetime, timedelta

from common import (Client, backend_name, database, indexes_deferred, insert_batched, machine_ms, pct,
                    sa_url, serve, signed_in_client)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧巧美玉兰桂红霞建国志平"
REASONS = ["设备巡检", "维修水管", "电表抄表", "消防检查", "清洁保养", "空调检修", "装修验收",
           "业主委托开门", "绿化浇水", "电梯维保"]


CALLS = ["电梯异响需要维保", "楼道声控灯不亮", "咨询本月物业费缴费方式", "地下车库积水", "邻居装修噪音扰民",
         "快递无人签收请代收", "家中水管漏水", "小区门禁卡失灵", "投诉夜间车辆乱停", "建议增加儿童游乐设施"]
ORDER_TEXTS = ["厨房下水道堵塞", "卫生间灯不亮需更换灯泡", "空调清洗两台", "家庭保洁三小时", "更换水龙头",
               "维修门锁", "疏通马桶", "安装晾衣架"]
PATROL_NOTES = ["1-801 装修中，无违规", "2-302 装修拆墙，已制止并上报工程部", "无装修户", "3-1202 装修噪音，已提醒",
                "15-1203 装修垃圾堆放楼道"]
REGISTERS = ("key_checkout", "public_info", "service_order", "patrol", "fee_notice",
             "arrears_case", "owner_file_access", "shift_handover",
             "mail_item", "complaint", "internal_memo", "followup_visit")
# Who reads each list in the benchmark (the clerk unless named here).
READERS = {"fee_notice": "finance", "arrears_case": "butler",
           "owner_file_access": "dept_manager"}
# Lists a butler also reads, of their own buildings only (区域管家分区): a scenario
# each for the butler's first and deep page besides the reader's.
AREA_LISTS = ("fee_notice",)
# payments of the newest notices finance has not confirmed yet (the dashboard counts them)
UNCONFIRMED = 40
# one arrears case in this many is still open (the rest were settled)
OPEN_CASE_EVERY = 500
BUTLER = "butler's area"
DUTY_LOGS = ["白班平稳，电梯维保完成", "夜班巡查正常，地库积水已抽干", "1-302 报修已派工，待回访",
             "停水通知已电话告知业主", "快递代收三件已通知业主", "水泵房钥匙保安夜巡借出未还"]
CARRIERS = ["顺丰速运", "中通快递", "圆通速递", "韵达快递", "京东物流", "EMS"]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _insert(conn, table, rows_iter, label: str, rows: int) -> None:
    t0 = time.perf_counter()
    with indexes_deferred(conn, table):
        insert_batched(conn, table, rows_iter)
    print(f"generated {rows:,} {label} in {time.perf_counter() - t0:.0f} s", flush=True)


def build(url: str, rows: int, registers: tuple[str, ...] = REGISTERS) -> None:
    """Schema and demo data, then ``rows`` rows of each register in ``registers``
    (Core bulk inserts; no history for these rows)."""
    from flask_migrate import upgrade
    from sqlalchemy import select, text, update

    from app import create_app
    from audit import system_actor
    from models.base import db
    from models.keys import Key, KeyCheckout
    from models.patrols import CHECK_ITEMS, Patrol, PatrolArea
    from models.fees import ArrearsCase, FeeNotice
    from models.mail import MailItem
    from models.sequence import RegisterSequence
    from models.public_info import PublicInfoEntry
    from models.reference import Building, Property, Unit
    from models.handover import ShiftHandover
    from models.service_orders import ServiceOrder, ServiceOrderSequence
    from models.staff import Staff

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    rng = random.Random(7)
    with app.app_context():
        upgrade()
        assert app.test_cli_runner().invoke(args=["demo-data"]).exit_code == 0
        pid = db.session.execute(select(Property.id).where(Property.code == "DEMO")).scalar()
        with system_actor("bench"):
            people = [Staff(username=f"b{i:03d}", full_name=_name(rng), property_id=pid,
                            roles="security", password_hash="x") for i in range(300)]
            people[0].full_name = "欧阳稀有"                 # the rare name searched for
            db.session.add_all(people)
            keys = [Key(property_id=pid, label=f"{b}栋-{n:03d}", place=f"{b}栋设备间 {n}",
                        category="public", status="in_use")
                    for b in range(1, 11) for n in range(100)]
            db.session.add_all(keys)
            blocks = [Building(property_id=pid, name=f"{b}号楼") for b in range(11, 21)]
            db.session.add_all(blocks)
            db.session.flush()
            units = [Unit(property_id=pid, building_id=blk.id, room=f"{b + 11}-{f:02d}{n:02d}")
                     for b, blk in enumerate(blocks) for f in range(1, 21) for n in range(1, 11)]
            db.session.add_all(units)
            # The demo butler looks after half of the new blocks (区域管家分区): the
            # butler's arrears list reads its own area, not every unit.
            from models.fee_areas import ButlerBuilding
            butler_id = db.session.execute(select(Staff.id).where(
                Staff.username == "butler")).scalar()
            db.session.add_all(ButlerBuilding(property_id=pid, building_id=blk.id,
                                              butler_id=butler_id, created_by_id=butler_id)
                               for blk in blocks[:5])
            db.session.commit()
            staff_ids = [s.id for s in people]
            key_ids = [k.id for k in keys]
            unit_ids = [u.id for u in units]
        clerk = db.session.execute(select(Staff.id).where(Staff.username == "clerk")).scalar()
        clerk2 = db.session.execute(select(Staff.id).where(Staff.username == "clerk2")).scalar()
        start = datetime(2023, 11, 1)
        span = 3 * 365 * 24 * 60

        def at(i: int) -> datetime:
            return start + timedelta(minutes=i * span // rows)

        with db.engine.begin() as conn:
            if "key_checkout" in registers:
                _insert(conn, KeyCheckout.__table__, ({
                    "property_id": pid, "version": 1, "created_at": at(i), "created_by_id": clerk,
                    "key_id": rng.choice(key_ids),
                    "borrower_id": staff_ids[0] if i % 100_000 == 5 else rng.choice(staff_ids[1:]),
                    "reason": rng.choice(REASONS), "out_at": at(i), "issued_by_id": clerk,
                    "returned_at": at(i) + timedelta(hours=2), "received_by_id": clerk}
                    for i in range(rows)), "key checkouts", rows)
            if "public_info" in registers:
                _insert(conn, PublicInfoEntry.__table__, ({
                    "property_id": pid, "version": 1, "created_at": at(i), "created_by_id": clerk,
                    "received_at": at(i), "unit_id": rng.choice(unit_ids),
                    "caller_name": "欧阳稀有" if i % 100_000 == 5 else _name(rng),
                    "caller_phone": f"1{rng.choice('3578')}{rng.randrange(10 ** 9):09d}",
                    "reason": rng.choice(CALLS), "category": rng.choice("ABCD"),
                    "receiver_id": clerk, "forwarded_to": rng.choice(
                        (None, "engineering", "security", "cleaning")),
                    "completed_at": at(i) + timedelta(hours=1) if i % 1000 else None,
                    "completion": "已处理" if i % 1000 else None}
                    for i in range(rows)), "public-information lines", rows)
            if "service_order" in registers:
                first = (conn.execute(select(ServiceOrderSequence.last_no).where(
                    ServiceOrderSequence.property_id == pid)).scalar() or 0) + 1
                _insert(conn, ServiceOrder.__table__, ({
                    "property_id": pid, "version": 1, "created_at": at(i), "created_by_id": clerk,
                    "serial_no": first + i, "kind": "service", "unit_id": rng.choice(unit_ids),
                    "customer_name": "欧阳稀有" if i % 100_000 == 5 else _name(rng),
                    "customer_phone": f"139{rng.randrange(10 ** 8):08d}",
                    "department": "engineering", "staff_name": "工程部 " + _name(rng),
                    "description": rng.choice(ORDER_TEXTS), "charge": rng.choice((0, 10, 50, 80)),
                    "completed_at": at(i) + timedelta(hours=3), "customer_signed": True,
                    "followup_at": at(i) + timedelta(days=1) if i % 1000 else None,
                    "followup_by_id": clerk if i % 1000 else None,
                    "sat_quality": "satisfied" if i % 1000 else None,
                    "install_requested": False, "owner_signed": False, "installed": False}
                    for i in range(rows)), "service orders", rows)
                conn.execute(update(ServiceOrderSequence).where(
                    ServiceOrderSequence.property_id == pid).values(last_no=first + rows - 1))
        if "patrol" in registers:
            areas = db.session.execute(select(PatrolArea.id).where(
                PatrolArea.property_id == pid)).scalars().all()
            butler = db.session.execute(select(Staff.id).where(
                Staff.username == "butler")).scalar()
            manager = db.session.execute(select(Staff.id).where(
                Staff.username == "dept_manager")).scalar()
            with db.engine.begin() as conn:
                _insert(conn, Patrol.__table__, ({
                    "property_id": pid, "version": 1, "created_at": at(i),
                    "created_by_id": butler, "patrolled_at": at(i), "butler_id": butler,
                    "area_id": rng.choice(areas), "renovation": rng.choice(PATROL_NOTES),
                    "customer_info": "欧阳稀有 反映快递柜已满" if i % 100_000 == 5 else None,
                    **{c: True for c in CHECK_ITEMS},
                    "reviewed_by_id": manager if i % 1000 else None,
                    "reviewed_at": at(i) + timedelta(hours=20) if i % 1000 else None,
                    "review_opinion": "已阅" if i % 1000 else None}
                    for i in range(rows)), "patrols", rows)
        _build_fees(db, pid, clerk, unit_ids, rows, registers, rng, FeeNotice, ArrearsCase)
        if "owner_file_access" in registers:
            from models.owner_files import OwnerFileAccess
            from models.reference import Occupant

            with db.engine.begin() as conn:
                occupants = list(conn.execute(select(Occupant.id).where(
                    Occupant.property_id == pid)).scalars())
                _insert(conn, OwnerFileAccess.__table__, ({
                    "property_id": pid, "occupant_id": rng.choice(occupants),
                    "staff_id": rng.choice(staff_ids), "opened_at": at(i),
                    "kind": rng.choice(("details", "details", "history", "phone_list"))}
                    for i in range(rows)), "owner-file openings", rows)
        if "shift_handover" in registers:
            with db.engine.begin() as conn:
                _insert(conn, ShiftHandover.__table__, ({
                    "property_id": pid, "version": 1, "created_at": at(i), "created_by_id": clerk,
                    "shift": ("day", "night")[i % 2], "handed_over_at": at(i),
                    "outgoing_id": (clerk, clerk2)[i % 2], "incoming_id": (clerk2, clerk)[i % 2],
                    "duty_log": "欧阳稀有来电已转管家" if i % 100_000 == 5 else rng.choice(DUTY_LOGS),
                    "keys_expected": 1000, "keys_counted": 1000, "deposits_checked": True,
                    "charged_orders_handed": True, "cosigned_by_id": (clerk2, clerk)[i % 2],
                    "cosigned_at": at(i), "cosign_method": "pin"}
                    for i in range(rows)), "shift handovers", rows)
        if "mail_item" in registers:
            with db.engine.begin() as conn:
                seq = RegisterSequence.__table__
                first = (conn.execute(select(seq.c.last_no).where(
                    seq.c.property_id == pid, seq.c.name == "mail_item")).scalar() or 0) + 1
                _insert(conn, MailItem.__table__, ({
                    "property_id": pid, "version": 1, "created_at": at(i), "created_by_id": clerk,
                    "serial_no": first + i, "received_at": at(i),
                    "kind": rng.choice(("express", "parcel", "parcel", "ems", "ordinary")),
                    "carrier": rng.choice(CARRIERS),
                    "tracking_no": f"{('SF', 'ZT', 'YT', 'JD')[i % 4]}{i:010d}",
                    "tracking_rev": f"{('SF', 'ZT', 'YT', 'JD')[i % 4]}{i:010d}"[::-1],
                    "unit_id": rng.choice(unit_ids),
                    "recipient_name": "欧阳稀有" if i % 100_000 == 5 else _name(rng),
                    "recipient_phone": f"13{rng.randrange(10 ** 9):09d}",
                    "received_by_id": clerk, "proxy_receipt": False,
                    "delivered_at": at(i) + timedelta(minutes=8) if i % 1000 else None,
                    "delivered_by_id": clerk if i % 1000 else None,
                    "signer": "本人" if i % 1000 else None}
                    for i in range(rows)), "mail items", rows)
                conn.execute(update(seq).where(seq.c.property_id == pid,
                                               seq.c.name == "mail_item")
                             .values(last_no=first + rows - 1))
        with db.engine.begin() as conn:
            _complaint_registers(conn, registers, pid, clerk, rows, unit_ids, at, rng)
        # The session's open transaction (its reads above) holds a snapshot older than
        # every generated row: VACUUM would then leave them all not-yet-visible to
        # everyone (relallvisible 0) and every index-only walk would read the table,
        # which a live database's autovacuum does not leave so.
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
                allvisible = conn.execute(text(
                    "SELECT min(relallvisible::float / greatest(relpages, 1)) FROM pg_class "
                    "WHERE relname = ANY(:names)"), {"names": list(registers)}).scalar()
                print(f"visibility map after VACUUM: {allvisible:.0%} of the pages "
                      f"all-visible (least among the registers)", flush=True)
        else:
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        db.engine.dispose()


def _build_fees(db, pid, clerk, unit_ids, rows, registers, rng, FeeNotice, ArrearsCase) -> None:
    """Fee notices: one per unit and month, as many months back from 2026-11 as
    ``rows`` needs; arrears cases spread over three years."""
    from datetime import date

    from models.fees import period_number

    def period(i: int) -> str:
        m = 2026 * 12 + 10 - i // len(unit_ids)          # 2026-11, then back a month
        return f"{m // 12}-{m % 12 + 1:02d}"

    with db.engine.begin() as conn:
        if "fee_notice" in registers:
            def paid_at(i: int) -> datetime | None:
                return None if i % 10 == 0 else datetime(2026, 1, 1) - timedelta(
                    days=i // len(unit_ids) * 30)

            # finance confirms what was collected the next day; the newest few
            # payments wait for it (the dashboard's "not handed in" is a few, not
            # every payment ever made)
            _insert(conn, FeeNotice.__table__, ({
                "property_id": pid, "version": 1, "created_at": datetime(2026, 1, 1),
                "created_by_id": clerk, "period": period(i),
                "period_no": period_number(period(i)),
                "unit_id": unit_ids[i % len(unit_ids)],
                "amount_due": rng.choice((180, 245, 320, 410)),
                "paid_amount": None if i % 10 == 0 else 245, "paid_at": paid_at(i),
                "confirmed_at": None if paid_at(i) is None or i < UNCONFIRMED
                else paid_at(i) + timedelta(days=1),
                "confirmed_by_id": None if paid_at(i) is None or i < UNCONFIRMED else clerk,
                "finance_id": clerk} for i in range(rows)), "fee notices", rows)
        if "arrears_case" in registers:
            _insert(conn, ArrearsCase.__table__, ({
                "property_id": pid, "version": 1, "created_at": datetime(2026, 1, 1),
                "created_by_id": clerk, "unit_id": rng.choice(unit_ids),
                "months": rng.randrange(1, 20), "amount": rng.randrange(100, 9000),
                "since": date(2023, 11, 1) + timedelta(days=i * 1095 // rows),
                # settled within weeks but for one in 500: a unit has one open case
                # at most, so a property's open cases are a few thousand at most (the
                # dashboard's due counts read them)
                "settled_on": None if i % OPEN_CASE_EVERY == 0
                else date(2023, 11, 21) + timedelta(days=i * 1095 // rows),
                "cause": rng.choice(("owner", "service", "third_party", "hardship"))}
                for i in range(rows)), "arrears cases", rows)
def _complaint_registers(conn, registers, pid, clerk, rows, unit_ids, at, rng) -> None:
    """Complaints, memos and visits (numbers continue each register's sequence)."""
    from sqlalchemy import func, select, update

    from complaint_rows import complaint_rows, memo_rows, visit_rows
    from models.complaints import Complaint
    from models.sequence import RegisterSequence
    from models.followups import FollowUpVisit
    from models.memos import InternalMemo

    def first(model, column) -> int:
        return (conn.execute(select(func.max(column)).where(model.property_id == pid))
                .scalar() or 0) + 1

    for register, model, column, label in (
            ("complaint", Complaint, Complaint.complaint_no, "complaints"),
            ("internal_memo", InternalMemo, InternalMemo.memo_no, "internal memos")):
        if register in registers:
            start = first(model, column)
            gen = (complaint_rows(pid, clerk, start, rows, unit_ids, at, _name, rng)
                   if register == "complaint" else memo_rows(pid, clerk, start, rows, at, _name, rng))
            _insert(conn, model.__table__, gen, label, rows)
            conn.execute(update(RegisterSequence).where(
                RegisterSequence.name == register,
                RegisterSequence.property_id == pid).values(last_no=start + rows - 1))
    if "followup_visit" in registers:
        _insert(conn, FollowUpVisit.__table__, visit_rows(pid, clerk, rows, unit_ids, at, rng),
                "follow-up visits", rows)


def filter_arg(app, endpoint: str, column: str, operation: str = "between") -> str:
    """The URL argument of a view's filter (``flt0_4``), looked up, not guessed: a
    wrong index is silently ignored by Flask-Admin and times an unfiltered list."""
    view = next(v for v in app.extensions["admin"][0]._views
                if getattr(v, "endpoint", None) == endpoint)
    with app.test_request_context():
        for i, flt in enumerate(view._filters):
            if getattr(flt, "column", None) is not None and flt.column.key == column \
                    and flt.operation() == operation:
                return f"flt0_{view.get_filter_arg(i, flt)}"
    raise LookupError((endpoint, column, operation))


def sort_arg(app, endpoint: str, column: str) -> int:
    view = next(v for v in app.extensions["admin"][0]._views
                if getattr(v, "endpoint", None) == endpoint)
    with app.test_request_context():
        names = [c for c, _ in view._list_columns]
    return names.index(column)


def scenarios(app, register: str) -> list[tuple[str, str]]:
    """(name, URL) per scenario of ``register``'s list."""
    q = urllib.parse.quote
    from flask_babel import force_locale

    with app.app_context(), force_locale("en"):
        between = {"key_checkout": ("out_at", "returned_at"),
                   "public_info": ("received_at", "completed_at"),
                   "service_order": ("created_at", "completed_at"),
                   "patrol": ("patrolled_at", "reviewed_at"),
                   "fee_notice": ("paid_at", "amount_due"),
                   "arrears_case": ("since", "amount"),
                   "owner_file_access": ("opened_at", "opened_at"),
                   "shift_handover": ("handed_over_at", "handed_over_at"),
                   "mail_item": ("received_at", "delivered_at"),
                   "complaint": ("received_at", "resolved_at"),
                   "internal_memo": ("sent_at", "due_at"),
                   "followup_visit": ("visited_at", "due_on")}[register]
        with app.test_request_context():
            flt = filter_arg(app, register, between[0], "between")
        sort = sort_arg(app, register, between[1])
    base = f"/admin/{register}/"
    month = q("2025-03-01 00:00:00 to 2025-03-31 23:59:59")
    if register == "arrears_case":
        month = q("2025-03-01 to 2025-03-31")
    searches = {
        "key_checkout": [("rare name (欧阳稀有, 10 rows)", "欧阳稀有"),
                         ("common 2 characters (维修)", "维修"), ("2 characters mid-word (修水)", "修水"),
                         ("3+ characters (修水管)", "修水管"), ("key label (3栋-05)", "3栋-05")],
        "public_info": [("rare caller (欧阳稀有, 10 rows)", "欧阳稀有"), ("common 2 characters (电梯)", "电梯"),
                        ("3+ characters (声控灯)", "声控灯"), ("phone fragment (5678)", "5678"),
                        ("room (15-1203)", "15-1203")],
        "service_order": [("rare customer (欧阳稀有, 10 rows)", "欧阳稀有"),
                          ("common 2 characters (维修)", "维修"), ("3+ characters (下水道)", "下水道"),
                          ("room (15-1203)", "15-1203")],
        "patrol": [("rare customer information (欧阳稀有, 10 rows)", "欧阳稀有"),
                   ("common 2 characters (装修)", "装修"), ("3+ characters (已制止)", "已制止"),
                   ("room (15-1203)", "15-1203")],
        "fee_notice": [("month (2019-05)", "2019-05"), ("room (15-1203)", "15-1203")],
        "arrears_case": [("room (15-1203)", "15-1203")],
        "owner_file_access": [],            # no free-text search: filters and dates only
        "shift_handover": [("rare text (欧阳稀有, 10 rows)", "欧阳稀有"), ("common 2 characters (钥匙)", "钥匙"),
                           ("3+ characters (地库积水)", "地库积水")],
        "mail_item": [("rare recipient (欧阳稀有, 10 rows)", "欧阳稀有"),
                      ("tracking number (SF0000123456)", "SF0000123456"),
                      ("tracking fragment (0000123)", "0000123"),
                      ("tracking suffix, label's last digits (123456)", "123456"),
                      ("tracking prefix (SF000012)", "SF000012"),
                      ("common 2 characters (王伟)", "王伟"), ("room (15-1203)", "15-1203")],
        "complaint": [("rare complainant (欧阳稀有, 10 rows)", "欧阳稀有"),
                      ("common 2 characters (电梯)", "电梯"), ("3+ characters (未及时清运)", "未及时清运"),
                      ("room (15-1203)", "15-1203")],
        "internal_memo": [("rare recipient (欧阳稀有, 10 rows)", "欧阳稀有"),
                          ("common 2 characters (检修)", "检修"), ("3+ characters (渗水)", "查看渗水")],
        "followup_visit": [("rare shortcoming (欧阳稀有, 10 rows)", "欧阳稀有"),
                           ("common 2 characters (异响)", "异响"), ("room (15-1203)", "15-1203")],
    }[register]
    out = [("first page", base), ("page 1000", f"{base}?page=999")]
    out += [(f"search, {label}", f"{base}?search={q(term)}") for label, term in searches]
    out += [("search, no match", f"{base}?search={q('无此记录')}"),
            ("one-month date filter", f"{base}?{flt}={month}"),
            (f"sort by {between[1]} (desc)", f"{base}?sort={sort}&desc=1")]
    if register == "service_order":
        out.append(("sort by charge", f"{base}?sort={sort_arg(app, register, 'charge')}"))
    # head office (an auditor: every property, no property_id to lead an index with)
    out += [(f"{HEAD_OFFICE}: first page", base), (f"{HEAD_OFFICE}: page 1000", f"{base}?page=999")]
    if register in AREA_LISTS:
        out += [(f"{BUTLER}: first page", base), (f"{BUTLER}: page 1000", f"{base}?page=999")]
    # the "Exact count" link: every row counted, then the pager reaches every page;
    # {middle} / {last} are filled in from that count (see measure)
    out += [("exact count: first page", f"{base}?exact=1"),
            ("exact count: middle page", f"{base}?exact=1&page={{middle}}"),
            ("exact count: last page", f"{base}?exact=1&page={{last}}")]
    return out


def exact_pages(client: Client, base: str) -> dict[str, int]:
    """The middle and last page numbers of ``base``'s list, from its exact count."""
    import re

    status, body = client.get(f"{base}?exact=1")
    assert status == 200, status
    count = int(re.search(r'nav-link active">[^<(]*\((\d+)\)', body).group(1))
    last = max(0, (count - 1) // 20)
    return {"middle": last // 2, "last": last}


HEAD_OFFICE = "head office"


def bare_sql_ms(app, path: str, n: int, user: str = "clerk") -> float:
    """Median time the database spends on one request of ``path`` (all its queries,
    timed at the cursor), through the same app in this process."""
    from sqlalchemy import event

    from models.base import db

    client = signed_in_client(app, user)
    spent: list[float] = []
    with app.app_context():
        engine = db.engine

    def before(conn, cursor, statement, params, context, many):
        context._bench_t = time.perf_counter()

    def after(conn, cursor, statement, params, context, many):
        spent.append(time.perf_counter() - context._bench_t)

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        client.get(path)
        totals = []
        for _ in range(n):
            spent.clear()
            client.get(path)
            totals.append(sum(spent) * 1000)
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    return statistics.median(totals)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--pg")
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=3,
                    help="a register's scenarios are measured in turn, this many rounds of "
                         "requests/rounds each (1: each scenario's requests in one go)")
    ap.add_argument("--reuse", metavar="URL",
                    help="benchmark a database an earlier --keep run built (no build, no drop)")
    ap.add_argument("--registers", nargs="+", choices=REGISTERS, default=list(REGISTERS))
    ap.add_argument("--keep", action="store_true",
                    help="keep the generated database and print its URL")
    ap.add_argument("--build-only", action="store_true",
                    help="build and keep the database, measure nothing (measure it later, "
                         "on an idle machine, with --reuse)")
    args = ap.parse_args()
    with database(args.pg, args.reuse, args.keep or args.build_only) as url:
        if not args.reuse:
            build(sa_url(url), args.rows, tuple(args.registers))
        if args.build_only:
            return
        with serve(url) as (base, _proc):
            clients = {}
            for user in {"clerk", "auditor", "butler", *READERS.values()}:
                clients[user] = Client(base)
                clients[user].login(user)
            measure(clients, url, args)


def measure(clients: dict[str, Client], url: str, args) -> None:
    """Each scenario as the register's reader (one property), head-office ones as
    the auditor."""
    from app import create_app

    app = create_app("default", {"SQLALCHEMY_DATABASE_URI": sa_url(url)})
    for register in args.registers:
        with app.app_context():                    # the database's own (--reuse)
            from sqlalchemy import text

            from models.base import db
            rows = db.session.execute(text(f"SELECT count(*) FROM {register}")).scalar()
        print(f"\n{backend_name(url)}, {rows:,} rows of {register}, gunicorn 2 workers, "
              f"logged in, {args.requests} requests each in {args.rounds} round(s) (ms; app = the app's own median "
              f"time from its Server-Timing header; SQL = the database's share, in-process)")
        print(f"  machine: a fixed Python loop {machine_ms():.0f} ms before (lower is faster)")
        print(f"  {'scenario':<40} {'median':>7} {'p95':>7} {'app':>7} {'SQL':>7}")
        pages = []
        for name, path in scenarios(app, register):
            user = "auditor" if name.startswith(HEAD_OFFICE) else "butler" \
                if name.startswith(BUTLER) else READERS.get(register, "clerk")
            if "{" in path:
                path = path.format(**exact_pages(clients[user], path.split("?")[0]))
            pages.append(Page(name, path, user))
        time_pages(app, clients, pages, args.requests, args.rounds)
        print(f"  machine: a fixed Python loop {machine_ms():.0f} ms after")
    # the landing page everyone opens first: what waits, what is due, the charts of
    # every register (a due count or a chart reading a year of a million rows
    # shows here, not in any list)
    print(f"\n{backend_name(url)}, the home page (待办, due items, charts) with the "
          f"registers above, as each reader")
    print(f"  {'scenario':<40} {'median':>7} {'p95':>7} {'app':>7} {'SQL':>7}")
    time_pages(app, clients, [Page(f"home page as {user}", "/admin/", user)
                              for user in sorted(clients)], args.requests, args.rounds)


class Page:
    """One scenario's samples: the client's times and the app's own."""

    def __init__(self, name: str, path: str, user: str):
        self.name, self.path, self.user = name, path, user
        self.times: list[float] = []
        self.server: list[float] = []
        self.rows = 0


def time_pages(app, clients: dict[str, Client], pages: list[Page], requests: int,
               rounds: int) -> None:
    """Each of ``pages`` requested ``requests`` times, in ``rounds`` rounds that take
    every page in turn, then one line per page.

    Why rounds: this 2-core machine drifts by a quarter or a third between minutes
    (the same page 10.6 ms in one minute, 13.6 in another).  A scenario measured in
    one go takes whatever phase that minute is in, and the scenarios of a register
    are then compared across different phases; in rounds every scenario samples
    each phase alike and the median is the page's, not the minute's.  Every sample
    is still one whole request as the client sees it."""
    for page in pages:                          # warm both workers
        for _ in range(4):
            status, body = clients[page.user].get(page.path)
            assert status == 200, (page.name, status)
        page.rows = body.count("list-buttons-column")
    rounds = max(1, min(rounds, requests))
    for r in range(rounds):
        share = requests // rounds + (1 if r < requests % rounds else 0)
        for page in pages:
            client = clients[page.user]
            for _ in range(share):
                t = time.perf_counter()
                status, _body = client.get(page.path)
                page.times.append((time.perf_counter() - t) * 1000)
                page.server.append(client.server_ms)
                assert status == 200, (page.name, status)
    for page in pages:
        sql = bare_sql_ms(app, page.path, min(10, requests), page.user)
        print(f"  {page.name:<40} {statistics.median(page.times):7.1f} "
              f"{pct(page.times, 95):7.1f} {statistics.median(page.server):7.1f} {sql:7.1f}"
              f"   ({page.rows} rows)", flush=True)

if __name__ == "__main__":
    main()
