"""Generated rows of 客户投诉处理记录表, 内部联络单 and 客户回访记录表 for the list
benchmark (``list_bench.py --registers complaint internal_memo followup_visit``)."""
from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Callable, Iterator

COMPLAINTS = ["电梯经常停运影响出行", "楼道垃圾未及时清运", "夜间车辆乱停堵住车位", "邻居装修噪音扰民",
              "卫生间天花板渗水", "保安态度差", "绿化带长期无人修剪", "维修人员未按约定时间上门"]
MEMOS = ["请派人检修电梯", "请协调楼上住户查看渗水", "请加强夜间车辆巡查", "请安排保洁清运垃圾"]
SHORTCOMINGS = [None, None, None, "维修后仍有异响", "上门不准时", "清洁不彻底"]
CATEGORIES = ("engineering", "customer_service", "security", "environment")
SEVERITIES = ("minor", "minor", "important", "major", "unable", "invalid")
DEPARTMENTS = ("engineering", "cleaning", "security", "greening")


def complaint_rows(pid: int, clerk: int, first_no: int, rows: int, unit_ids: list[int],
                   at: Callable[[int], datetime], name: Callable[[random.Random], str],
                   rng: random.Random) -> Iterator[dict]:
    for i in range(rows):
        done = at(i) + timedelta(hours=5)
        yield {"property_id": pid, "version": 1, "created_at": at(i), "created_by_id": clerk,
               "complaint_no": first_no + i, "received_at": at(i), "channel": "phone",
               "unit_id": rng.choice(unit_ids),
               "complainant": "欧阳稀有" if i % 100_000 == 5 else name(rng),
               "phone": f"139{rng.randrange(10 ** 8):08d}", "content": rng.choice(COMPLAINTS),
               "receiver_id": clerk, "recorder_id": clerk, "category": rng.choice(CATEGORIES),
               "severity": rng.choice(SEVERITIES), "reasonable": True, "owner_confirmed": True,
               "handling": "已处理并回访", "resolved_at": done, "visit_due": done
               + timedelta(days=2), "first_visit_at": done + timedelta(days=1),
               "closed_at": done + timedelta(days=1) if i % 1000 else None}


def memo_rows(pid: int, clerk: int, first_no: int, rows: int, at: Callable[[int], datetime],
              name: Callable[[random.Random], str], rng: random.Random) -> Iterator[dict]:
    for i in range(rows):
        yield {"property_id": pid, "version": 1, "created_at": at(i), "created_by_id": clerk,
               "memo_no": first_no + i, "from_department": "customer_service",
               "sender_id": clerk, "to_department": rng.choice(DEPARTMENTS),
               "recipient_name": "欧阳稀有" if i % 100_000 == 5 else name(rng),
               "sent_at": at(i), "content": rng.choice(MEMOS), "due_at": at(i) + timedelta(days=1),
               "received_at": at(i) + timedelta(minutes=10), "received_name": name(rng),
               "result": "已处理" if i % 1000 else None,
               "replied_at": at(i) + timedelta(hours=6) if i % 1000 else None}


def visit_rows(pid: int, clerk: int, rows: int, unit_ids: list[int],
               at: Callable[[int], datetime], rng: random.Random) -> Iterator[dict]:
    for i in range(rows):
        bad = rng.choice(SHORTCOMINGS) if i % 100_000 != 5 else "欧阳稀有投诉未解决"
        yield {"property_id": pid, "version": 1, "created_at": at(i), "created_by_id": clerk,
               "kind": rng.choice(("routine", "help", "holiday", "other")),
               "unit_id": rng.choice(unit_ids), "visited_at": at(i), "method": "phone",
               "visitor_id": clerk, "satisfaction": "dissatisfied" if bad else "satisfied",
               "shortcomings": bad, "suggestions": None, "customer_confirmed": False,
               "needs_second_visit": bool(bad) and i % 1000 == 0,
               "due_on": (at(i) + timedelta(days=5)).date()}
